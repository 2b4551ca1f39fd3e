"""摇号结果 (draw outcome): selections, inspections and their teams, or why a draw is infeasible."""

from __future__ import annotations

from dataclasses import dataclass

PAIR_NONE = "none"  # the entity had no previous visit, or no previous team to avoid
PAIR_KEPT = "kept"  # the team shares at most one inspector with the previous visit's team
PAIR_WAIVED = "waived"  # no other choice existed, so the previous pair may recur


@dataclass(frozen=True, slots=True)
class Selection:
    """One item's draw in one target group: quota, the population drawn from, and who was taken.

    `selected` lists stable ids in the order taken: uncovered entities first, each part by PRN.
    """

    item_id: str
    group_id: str
    quota: int
    eligible: int
    uncovered: int
    selected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Inspection:
    """检查任务: one visit to one entity, covering every item that drew it (内部联合抽查 if > 1).

    The inspection id is the entity's stable id (one visit per entity per draw). `seq` numbers
    inspections in PRN order, which is also the order inspectors are matched in. `inspectors` and
    `experts` are in seat order; `cap` and `expert_cap` are the caps in force when it was staffed.
    """

    seq: int
    entity: str
    prn: str
    items: tuple[str, ...]
    departments: tuple[str, ...]
    inspectors: tuple[str, ...]
    experts: tuple[str, ...]
    cap: int
    expert_cap: int
    pair_rule: str

    @property
    def inspection_id(self) -> str:
        """The id used in seat hashes: the entity's stable id."""
        return self.entity

    @property
    def joint(self) -> bool:
        """Whether this visit covers several items at once (内部联合抽查)."""
        return len(self.items) > 1


@dataclass(frozen=True, slots=True)
class DrawResult:
    """A complete draw: every selection and every visit, staffed; base caps as computed."""

    staff_cap: int
    expert_cap: int
    selections: tuple[Selection, ...]
    inspections: tuple[Inspection, ...]

    @property
    def joint_inspections(self) -> int:
        """How many inspections cover more than one item."""
        return sum(1 for v in self.inspections if v.joint)

    @property
    def relaxed_inspections(self) -> int:
        """How many inspections needed a cap above the base cap."""
        return sum(
            1 for v in self.inspections if v.cap > self.staff_cap or v.expert_cap > self.expert_cap
        )


@dataclass(frozen=True, slots=True)
class InspectionProblem:
    """Why one visit cannot be staffed, in Chinese and English, with a stable reason code."""

    entity: str
    items: tuple[str, ...]
    code: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class Infeasible:
    """A draw that cannot be carried out: every unstaffable visit and why. Nothing is committed."""

    problems: tuple[InspectionProblem, ...]

    def describe(self) -> list[str]:
        """One line per problem, Chinese then English."""
        return [
            f"{p.entity} [{', '.join(p.items)}]: {p.reason_zh} / {p.reason_en}"
            for p in self.problems
        ]


DrawOutcome = DrawResult | Infeasible
