"""可行性检查 (feasibility): which visit cannot be staffed even with no cap, and why.

A visit can be staffed, ignoring caps and the previous-pair rule, exactly when every one of its
departments has at least one qualified, non-recused inspector and, together, they have at least
as many as its seats (departments are disjoint, so one per department is always possible); the
same for experts. The engine relaxes caps until that uncapped case, so these checks are exact.
"""

from __future__ import annotations

from bot.domain.draw.needs import Need
from bot.domain.draw.result import InspectionProblem
from bot.domain.draw.roster import EXPERT_POOL, Roster


def _names(expertise: frozenset[str]) -> str:
    return "、".join(sorted(expertise)) or "-"


def _department_problem(
    roster: Roster, department: str, expertise: frozenset[str], available: int
) -> tuple[str, str, str] | None:
    drawable = roster.staff.get(department, [])
    qualified = roster.qualified(False, department, expertise)
    if not drawable:
        return (
            "no_staff",
            f"发起部门「{department}」没有持执法证的在岗执法人员",
            f"department {department} has no active inspector holding an enforcement certificate",
        )
    if not qualified:
        return (
            "no_expertise",
            f"部门「{department}」没有具备业务专长（{_names(expertise)}）的执法人员",
            f"no inspector of department {department} holds expertise "
            f"({', '.join(sorted(expertise))})",
        )
    if not available:
        return (
            "all_recused",
            f"部门「{department}」符合条件的{len(qualified)}名执法人员均须回避该检查对象",
            f"all {len(qualified)} qualified inspectors of department {department} "
            "are recused for this entity",
        )
    return None


def _available(
    roster: Roster, expert: bool, department: str, expertise: frozenset[str], entity: str
) -> int:
    qualified = roster.qualified_set(expert, department, expertise)
    recused = roster.recused_for(entity)
    return len(qualified) - sum(1 for k in recused if k in qualified)


def staff_problems(roster: Roster, need: Need) -> list[tuple[str, str, str]]:
    """Reasons the enforcement team of one visit cannot be formed (empty if it can)."""
    out = []
    total = 0
    for d, expertise in zip(need.departments, need.expertise, strict=True):
        available = _available(roster, False, d, expertise, need.entity)
        total += available
        problem = _department_problem(roster, d, expertise, available)
        if problem:
            out.append(problem)
    if not out and total < need.staff_seats:
        out.append(
            (
                "too_few_staff",
                f"需要{need.staff_seats}名执法人员，符合条件且无须回避的只有{total}名",
                f"needs {need.staff_seats} inspectors, only {total} are qualified and not recused",
            )
        )
    return out


def expert_problems(roster: Roster, need: Need) -> list[tuple[str, str, str]]:
    """Reasons the auxiliary experts of one visit cannot be drawn (empty if they can)."""
    if need.expert_seats == 0:
        return []
    qualified = roster.qualified(True, EXPERT_POOL, need.expert_expertise)
    available = _available(roster, True, EXPERT_POOL, need.expert_expertise, need.entity)
    if not roster.experts[EXPERT_POOL]:
        return [("no_experts", "专家库中没有在库专家", "the expert pool has no active expert")]
    if not qualified:
        names = _names(need.expert_expertise)
        return [
            (
                "no_expert_expertise",
                f"没有具备业务专长（{names}）的辅助检查专家",
                f"no expert holds expertise ({', '.join(sorted(need.expert_expertise))})",
            )
        ]
    if available < need.expert_seats:
        return [
            (
                "too_few_experts",
                f"需要{need.expert_seats}名辅助检查专家，符合条件且无须回避的只有{available}名",
                f"needs {need.expert_seats} experts, only {available} qualified and not recused",
            )
        ]
    return []


def problems(roster: Roster, needs: list[Need]) -> list[InspectionProblem]:
    """Every reason any visit cannot be staffed, in visit order.

    Visits to entities nobody is recused for depend on their items alone, so their reasons are
    computed once per combination of items.
    """
    out = []
    shared: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}
    for need in needs:
        if roster.recused_for(need.entity):
            found = staff_problems(roster, need) + expert_problems(roster, need)
        else:
            found = shared.get(need.items)
            if found is None:
                found = shared[need.items] = staff_problems(roster, need) + expert_problems(
                    roster, need
                )
        for code, zh, en in found:
            out.append(InspectionProblem(need.entity, need.items, code, zh, en))
    return out
