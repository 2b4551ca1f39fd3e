"""列式框架 (the frame as columns): each group's members as positions, shared by a draw's passes.

A province's frame holds about 180,000 entities and, with 20 items, about 720,000 group
memberships. Selection, feasibility and the snapshot's bitmaps each walk every membership;
keyed by stable-id strings that is a dictionary lookup per membership per pass, in Python.
`FrameColumns` turns each group into the positions of its members in the frame's stable-id order
once (numpy integer arrays), and the passes work on those arrays. Nothing here changes what a
frame means: positions are only another spelling of the same stable ids.
"""

from __future__ import annotations

import base64
from bisect import bisect_left
from collections.abc import Iterable
from functools import cached_property

import numpy as np

from bot.domain.draw.frame import DrawFrame, FrameGroup

Positions = np.ndarray  # int64, ascending, of positions in the frame's stable-id order


class FrameColumns:
    """A frame's entity ids in stable-id order, their positions, and each group's members as
    positions (all of them, the uncovered ones, and those passing a target's filter)."""

    def __init__(self, frame: DrawFrame) -> None:
        self._entities = frame.entities  # not the frame: no cycle through its memo
        self.ids: list[str] = [e.stable_id for e in frame.entities]
        self._eligible: dict[int, Positions] = {}
        self._uncovered: dict[int, Positions] = {}
        self._effective: dict[int, Positions] = {}

    @cached_property
    def index(self) -> dict[str, int]:
        """Stable id -> position (made only when some group's positions must be looked up)."""
        return dict(zip(self.ids, range(len(self.ids)), strict=True))

    def position_of(self, stable_id: str) -> int | None:
        """One entity's position (bisection in the sorted ids), None if not in the frame."""
        at = bisect_left(self.ids, stable_id)
        return at if at < len(self.ids) and self.ids[at] == stable_id else None

    def positions(self, stable_ids: Iterable[str], count: int) -> Positions:
        """The positions of `count` stable ids of the frame, ascending."""
        out = np.fromiter(map(self.index.__getitem__, stable_ids), dtype=np.int64, count=count)
        if not _ascending(out):
            out.sort()
        return out

    def seed(self, group: FrameGroup, eligible: Positions) -> None:
        """Record the group's eligible positions, already known to whoever built the frame."""
        self._eligible[id(group)] = eligible

    def eligible(self, group: FrameGroup) -> Positions:
        """The group's eligible entities."""
        got = self._eligible.get(id(group))
        if got is None:
            got = self._eligible[id(group)] = self.positions(group.eligible, len(group.eligible))
        return got

    def uncovered(self, group: FrameGroup) -> Positions:
        """The group's uncovered entities (the same array as `eligible` when all are)."""
        got = self._uncovered.get(id(group))
        if got is None:
            if len(group.uncovered) == len(group.eligible):  # a subset of the same size
                got = self.eligible(group)
            else:
                got = self.positions(group.uncovered, len(group.uncovered))
            self._uncovered[id(group)] = got
        return got

    def effective(self, group: FrameGroup) -> Positions:
        """The eligible entities passing the group's target filter (定向抽查); all if open."""
        if not group.target:
            return self.eligible(group)
        got = self._effective.get(id(group))
        if got is None:
            entities = self._entities
            keep = [p for p in self.eligible(group).tolist() if group.matches(entities[p])]
            got = self._effective[id(group)] = np.array(keep, dtype=np.int64)
        return got


def columns(frame: DrawFrame) -> FrameColumns:
    """The frame's columns, made once per frame (frames are immutable)."""
    memo = frame.memo
    got = memo.get("columns")
    if got is None:
        got = memo["columns"] = FrameColumns(frame)
    return got


def _ascending(values: Positions) -> bool:
    return bool(len(values) < 2 or (values[1:] > values[:-1]).all())


def bitmap(positions: Positions, size: int) -> dict:
    """{"count", "bitmap"} for entities at `positions` of `size` (see snapshot.py): bit i, most
    significant first in each byte, is entity i; the last byte padded with zeros; base64."""
    marks = np.zeros(size, dtype=bool)
    marks[positions] = True
    raw = np.packbits(marks).tobytes()
    return {"count": len(positions), "bitmap": base64.b64encode(raw).decode("ascii")}


def prn_order(digests: list[bytes]) -> Positions:
    """Positions in ascending PRN order: the 32-byte digests compared as big-endian integers,
    ties (never seen, but decided) by position, which is stable-id order."""
    if not digests:
        return np.zeros(0, dtype=np.int64)
    words = np.frombuffer(b"".join(digests), dtype=">u8").reshape(-1, 4)
    order = np.argsort(words[:, 0], kind="stable")  # the first 64 bits decide all but ties
    first = words[order, 0]
    if len(first) > 1 and (first[1:] == first[:-1]).any():  # a tie there: all 256 bits
        order = np.lexsort(words.T[::-1])  # the last key is the primary one; lexsort is stable
    return order


def ranks_of(order: Positions) -> Positions:
    """rank[p]: where position p comes in `order`."""
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank


def first_by_rank(positions: Positions, rank: Positions, count: int) -> list[int]:
    """The ranks of the `count` members of `positions` that come first, ascending."""
    if count <= 0 or not len(positions):
        return []
    ranks = rank[positions]
    if count < len(ranks):
        ranks = np.partition(ranks, count - 1)[:count]
    ranks.sort()
    return ranks.tolist()
