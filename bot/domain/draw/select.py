"""抽取检查对象 (entity selection) by permanent random numbers.

Every item takes, in each of its target groups, `min(quota, eligible)` entities: the eligible
entities not yet covered in the coverage cycle first, then the others, each part in ascending PRN
order. All items share the PRNs, so an entity drawn for one item tends to be drawn for the others
too, and each entity gets one visit for all the items that drew it (内部联合抽查).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bot.domain.draw.columns import Positions, columns, first_by_rank
from bot.domain.draw.frame import DrawFrame, FrameEntity, FrameGroup
from bot.domain.draw.result import Selection


def effective_eligible(group: FrameGroup, entities: dict[str, FrameEntity]) -> tuple[str, ...]:
    """The group's eligible entities after its targeting filter (定向抽查); all of them if open."""
    if not group.target:
        return group.eligible
    return tuple(s for s in group.eligible if group.matches(entities[s]))


def select_group(
    quota: int, eligible: Positions, uncovered: Positions, rank: Positions
) -> list[int]:
    """The ranks one group takes: uncovered first, then covered, each in PRN order."""
    count = min(quota, len(eligible))
    first = first_by_rank(uncovered, rank, count)
    if len(first) == count:  # the uncovered alone fill the quota (always, with no history)
        return first
    covered = np.setdiff1d(eligible, uncovered, assume_unique=True)
    return first + first_by_rank(covered, rank, count - len(first))


def select_entities(
    frame: DrawFrame, order: list[str], rank: Positions
) -> tuple[list[Selection], dict[str, int]]:
    """Every item's selection in every group, given the stable ids in PRN order and each frame
    position's rank in it; and the rank of every entity selected."""
    cols = columns(frame)
    out = []
    rank_of: dict[str, int] = {}
    for item in frame.items:
        for group in item.groups:
            eligible = cols.effective(group)
            uncovered = cols.uncovered(group)
            if group.target:
                uncovered = np.intersect1d(uncovered, eligible, assume_unique=True)
            taken = select_group(group.quota, eligible, uncovered, rank)
            selected = tuple(map(order.__getitem__, taken))
            rank_of.update(zip(selected, taken, strict=True))
            out.append(
                Selection(
                    item.item_id,
                    group.group_id,
                    group.quota,
                    len(eligible),
                    len(uncovered) if group.uncovered else 0,
                    selected,
                )
            )
    return out, rank_of


def inspections_from(
    selections: list[Selection], rank: Callable[[str], int]
) -> list[tuple[str, list[str]]]:
    """(entity, sorted item ids) for every selected entity, in PRN order."""
    items_of: dict[str, list[str]] = {}
    for sel in selections:
        item = sel.item_id
        for sid in sel.selected:
            got = items_of.get(sid)
            if got is None:
                items_of[sid] = [item]
            elif item not in got:  # a few items at most
                got.append(item)
    ordered = sorted(items_of, key=rank)
    return [(sid, sorted(items_of[sid])) for sid in ordered]
