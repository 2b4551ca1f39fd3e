"""揭晓前核验 (checks before the reveal): what a result must satisfy whatever the secret was.

Quotas and populations, uncovered-first, one inspection per drawn entity with exactly the items
that drew it, in PRN order, and every team: size, departments, certificate, activity, expertise,
recusal, the cap in force, the previous-pair rule. Each failure names the item, group or visit.
"""

from __future__ import annotations

from bot.domain.draw.frame import DrawFrame
from bot.domain.draw.match import base_cap
from bot.domain.draw.needs import Need, need_for
from bot.domain.draw.result import PAIR_KEPT, PAIR_NONE
from bot.domain.draw.roster import EXPERT_POOL, Roster
from bot.domain.draw.select import effective_eligible


def check_selections(frame: DrawFrame, result: dict) -> list[str]:
    """Every item/group selection against the frame's quota, population and coverage state."""
    groups = [(item, g) for item in frame.items for g in item.groups]
    recorded = result.get("selections", [])
    if [(s.get("item"), s.get("group")) for s in recorded] != [
        (i.item_id, g.group_id) for i, g in groups
    ]:
        return ["result.selections: the items and groups do not match the frame's"]
    by_id = {e.stable_id: e for e in frame.entities}
    out = []
    for (item, group), sel in zip(groups, recorded, strict=True):
        where = f"item {item.item_id} group {group.group_id}"
        eligible = effective_eligible(group, by_id)
        selected = sel["selected"]
        if sel["quota"] != group.quota:
            out.append(f"{where}: quota {group.quota} in the frame, {sel['quota']} in the result")
        if sel["eligible"] != len(eligible):
            got = sel["eligible"]
            out.append(f"{where}: {len(eligible)} eligible in the frame, {got} in the result")
        if len(selected) != min(group.quota, len(eligible)):
            want = min(group.quota, len(eligible))
            out.append(f"{where}: {len(selected)} selected, the quota requires {want}")
        if len(set(selected)) != len(selected) or not set(selected) <= set(eligible):
            out.append(f"{where}: selected entities are repeated or not eligible")
        missed = group.uncovered.intersection(eligible) - set(selected)
        if missed and any(s not in group.uncovered for s in selected):
            out.append(f"{where}: a covered entity was taken before uncovered {sorted(missed)[0]}")
    return out


def _expected_inspections(frame: DrawFrame, result: dict) -> dict[str, list[str]]:
    items_of: dict[str, set[str]] = {}
    for sel in result.get("selections", []):
        for sid in sel["selected"]:
            items_of.setdefault(sid, set()).add(sel["item"])
    return {sid: sorted(items) for sid, items in items_of.items()}


def check_inspections(frame: DrawFrame, result: dict) -> list[str]:
    """One visit per drawn entity, with its items and departments, numbered in PRN order."""
    expected = _expected_inspections(frame, result)
    inspections = result.get("inspections", [])
    out = []
    if sorted(v["entity"] for v in inspections) != sorted(expected):
        out.append("result.inspections: the visited entities differ from the selected ones")
    by_item = {i.item_id: i for i in frame.items}
    for n, v in enumerate(inspections, start=1):
        where = f"visit {v['seq']} (entity {v['entity']})"
        items = expected.get(v["entity"], [])
        if v["seq"] != n:
            out.append(f"{where}: numbered out of order")
        if v["items"] != items:
            out.append(f"{where}: items {v['items']}, the selections give {items}")
        depts = sorted({by_item[i].department for i in items if i in by_item})
        if v["departments"] != depts:
            out.append(f"{where}: departments {v['departments']}, the items give {depts}")
    prns = [v["prn"] for v in inspections]
    if prns != sorted(prns):
        out.append("result.inspections: not in ascending PRN order")
    return out


def _team_problems(
    roster: Roster, need: Need, members: list[str], expert: bool, where: str
) -> list[str]:
    seats = need.expert_seats if expert else need.staff_seats
    departments = (EXPERT_POOL,) if expert else need.departments
    expertise = (need.expert_expertise,) if expert else need.expertise
    word = "experts" if expert else "inspectors"
    out = []
    if len(members) != seats or len(set(members)) != len(members):
        out.append(f"{where}: {len(members)} distinct {word} needed {seats}")
    recused = roster.recused_for(need.entity)
    dept_of = {}
    for d, r in zip(departments, expertise, strict=True):
        for key in roster.qualified(expert, d, r):
            dept_of[key] = d
    for key in members:
        if key not in dept_of:
            out.append(f"{where}: {key} is not a qualified {word[:-1]} of the visit's departments")
        elif key in recused:
            out.append(f"{where}: {key} is recused for this entity")
    if not expert and members and {dept_of.get(k) for k in members} < set(departments):
        out.append(f"{where}: not every initiating department has an inspector")
    return out


def check_teams(frame: DrawFrame, result: dict) -> list[str]:
    """Every team's size, qualification, recusal, cap and previous-pair rule."""
    roster = Roster(frame)
    by_item = {i.item_id: i for i in frame.items}
    inspections = result.get("inspections", [])
    if any(not v["items"] or not set(v["items"]) <= set(by_item) for v in inspections):
        return ["result.inspections: a visit has no items or an item the frame does not have"]
    needs = [need_for(v["entity"], [by_item[i] for i in v["items"]]) for v in inspections]
    out = check_caps(frame, roster, needs, result)
    loads: dict[str, int] = {}
    for v, need in zip(inspections, needs, strict=True):
        where = f"visit {v['seq']} (entity {v['entity']})"
        out += _team_problems(roster, need, v["inspectors"], False, where)
        out += _team_problems(roster, need, v["experts"], True, where)
        for key, cap in [(k, v["cap"]) for k in v["inspectors"]] + [
            (k, v["expert_cap"]) for k in v["experts"]
        ]:
            if loads.get(key, 0) >= cap:
                out.append(f"{where}: {key} was already at the cap of {cap}")
            loads[key] = loads.get(key, 0) + 1
        out += _pair_problems(frame, v, where)
    return out


def _pair_problems(frame: DrawFrame, v: dict, where: str) -> list[str]:
    previous = frame.previous_pairs.get(v["entity"], frozenset())
    if (v["pair_rule"] == PAIR_NONE) != (not previous):
        return [f"{where}: pair rule '{v['pair_rule']}' does not fit the previous visit"]
    if v["pair_rule"] == PAIR_KEPT and len(previous.intersection(v["inspectors"])) > 1:
        return [f"{where}: repeats the previous visit's pair though the rule was kept"]
    return []


def check_caps(frame: DrawFrame, roster: Roster, needs: list[Need], result: dict) -> list[str]:
    """The base caps recomputed from seats and eligible inspectors; no visit below them."""
    departments = {d for n in needs for d in n.departments}
    staff_seats = sum(n.staff_seats for n in needs)
    expert_seats = sum(n.expert_seats for n in needs)
    policy = frame.cap_policy
    staff = base_cap(
        staff_seats, sum(len(roster.staff.get(d, [])) for d in departments), policy.staff_slack
    )
    experts = len(roster.experts[EXPERT_POOL]) if expert_seats else 0
    expert = base_cap(expert_seats, experts, policy.expert_slack)
    out = []
    if result.get("staff_cap") != staff:
        out.append(f"result.staff_cap: {result.get('staff_cap')} recorded, {staff} computed")
    if result.get("expert_cap") != expert:
        out.append(f"result.expert_cap: {result.get('expert_cap')} recorded, {expert} computed")
    for v in result.get("inspections", []):
        if v["cap"] < staff or v["expert_cap"] < expert:
            out.append(f"visit {v['seq']} (entity {v['entity']}): cap below the base cap")
    return out


def check_result(frame: DrawFrame, result: dict) -> list[str]:
    """All checks that need no secret."""
    try:
        return (
            check_selections(frame, result)
            + check_inspections(frame, result)
            + check_teams(frame, result)
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"result: malformed ({exc!r})"]
