"""抽取检查对象 (entity selection) by permanent random numbers.

Every item takes, in each of its target groups, `min(quota, eligible)` entities: the eligible
entities not yet covered in the coverage cycle first, then the others, each part in ascending PRN
order. All items share the PRNs, so an entity drawn for one item tends to be drawn for the others
too, and each entity gets one visit for all the items that drew it (内部联合抽查).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.domain.draw.frame import DrawFrame, FrameEntity, FrameGroup
from bot.domain.draw.result import Selection


def effective_eligible(group: FrameGroup, entities: dict[str, FrameEntity]) -> tuple[str, ...]:
    """The group's eligible entities after its targeting filter (定向抽查); all of them if open."""
    if not group.target:
        return group.eligible
    return tuple(s for s in group.eligible if group.matches(entities[s]))


def _first_by_prn(
    ids: Iterable[str], rank: dict[str, int], order: list[str], count: int
) -> list[str]:
    """The first `count` of `ids` in PRN order (their ranks sorted: C-speed, and a group costs
    its own size rather than a pass over the whole frame)."""
    if count <= 0:
        return []
    return [order[r] for r in sorted(map(rank.__getitem__, ids))[:count]]


def select_group(
    group: FrameGroup, eligible: tuple[str, ...], rank: dict[str, int], order: list[str]
) -> list[str]:
    """The entities one group takes: uncovered first, then covered, each by PRN."""
    count = min(group.quota, len(eligible))
    uncovered = group.uncovered.intersection(eligible) if group.target else group.uncovered
    first = _first_by_prn(uncovered, rank, order, count)
    if len(first) == count:  # the uncovered alone fill the quota (always, with no history)
        return first
    covered = (s for s in eligible if s not in uncovered)
    return first + _first_by_prn(covered, rank, order, count - len(first))


def select_entities(frame: DrawFrame, order: list[str], rank: dict[str, int]) -> list[Selection]:
    """Every item's selection in every group, given the entities in PRN order and their ranks."""
    by_id = {e.stable_id: e for e in frame.entities} if _any_target(frame) else {}
    out = []
    for item in frame.items:
        for group in item.groups:
            eligible = effective_eligible(group, by_id)
            taken = select_group(group, eligible, rank, order)
            uncovered = len(group.uncovered.intersection(eligible)) if group.uncovered else 0
            sel = Selection(item.item_id, group.group_id, group.quota, len(eligible), uncovered, ())
            out.append(replace(sel, selected=tuple(taken)))
    return out


def _any_target(frame: DrawFrame) -> bool:
    return any(g.target for item in frame.items for g in item.groups)


def inspections_from(
    selections: list[Selection], rank: dict[str, int]
) -> list[tuple[str, list[str]]]:
    """(entity, sorted item ids) for every selected entity, in PRN order."""
    items_of: dict[str, set[str]] = {}
    for sel in selections:
        for sid in sel.selected:
            items_of.setdefault(sid, set()).add(sel.item_id)
    ordered = sorted(items_of, key=rank.__getitem__)
    return [(sid, sorted(items_of[sid])) for sid in ordered]
