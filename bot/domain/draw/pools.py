"""候选人池 (candidate pools): inspectors in key order, counted and indexed by position.

A pool answers two questions fast: how many of its members are available, and which one is the
k-th available in key order. `FenwickPool` does both in O(log n) with a binary indexed tree, so a
seat costs one hash and a few tree steps however many inspectors a bureau has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from itertools import accumulate
from typing import Protocol


class Pool(Protocol):
    """What team filling needs from a pool."""

    members: list[str]
    total: int

    def remove(self, key: str) -> bool: ...

    def add(self, key: str) -> None: ...

    def kth(self, k: int) -> str: ...


class FenwickPool:
    """Members (sorted by key) with a present flag each; count and k-th lookup in O(log n)."""

    __slots__ = ("members", "index", "flags", "tree", "total", "_top")

    def __init__(
        self, members: Sequence[str], index: Mapping[str, int], flags: Sequence[int]
    ) -> None:
        """`index`: member -> position in `members`; `flags`: 1 where the member is present."""
        self.members = members
        self.index = index
        self.flags = list(flags)
        n = len(members)
        if all(self.flags):  # everyone present: node i covers lowbit(i) members
            tree = [0, *_lowbits(n)]
        else:  # node i covers (i - lowbit(i), i]: a difference of prefix sums
            sums = list(accumulate(self.flags, initial=0))
            tree = [0, *(sums[i] - sums[i - (i & -i)] for i in range(1, n + 1))]
        self.tree = tree
        self.total = sum(self.flags)
        self._top = 1 << (n.bit_length() - 1) if n else 0

    def _update(self, i: int, delta: int) -> None:
        n = len(self.members)
        i += 1
        while i <= n:
            self.tree[i] += delta
            i += i & -i

    def remove(self, key: str) -> bool:
        """Mark a member unavailable; False if it is no member or already unavailable."""
        i = self.index.get(key)
        if i is None or not self.flags[i]:
            return False
        self.flags[i] = 0
        self.total -= 1
        self._update(i, -1)
        return True

    def add(self, key: str) -> None:
        """Mark a member available again."""
        i = self.index[key]
        if not self.flags[i]:
            self.flags[i] = 1
            self.total += 1
            self._update(i, 1)

    def kth(self, k: int) -> str:
        """The k-th (0-based) available member in key order."""
        if not 0 <= k < self.total:
            raise IndexError(k)
        n = len(self.members)
        if self.total == n:  # everyone available (a pool under a cap nobody has reached yet)
            return self.members[k]
        pos, rest, step, tree = 0, k, self._top, self.tree
        while step:
            nxt = pos + step
            if nxt <= n and tree[nxt] <= rest:
                pos = nxt
                rest -= tree[nxt]
            step >>= 1
        return self.members[pos]


def locate(pools: Sequence[Pool], k: int) -> str:
    """The k-th available member of several pools taken one after the other."""
    for pool in pools:
        if k < pool.total:
            return pool.kth(k)
        k -= pool.total
    raise IndexError(k)


@cache
def _lowbits(n: int) -> tuple[int, ...]:
    return tuple(i & -i for i in range(1, n + 1))


class CapPools:
    """One department's qualified members (for one expertise), in key order, with their lowest
    and highest loads and a `FenwickPool` per cap tried (member available: load under the cap).

    Loads grow one visit at a time (`moved`), which clears the member in the pool of the cap it
    reaches and keeps `low` and `high` exact. Below `low + 1` no cap leaves anyone available.
    """

    __slots__ = ("members", "index", "counts", "low", "high", "by_cap")

    def __init__(self, members: Sequence[str], loads: Mapping[str, int]) -> None:
        self.members = list(members)
        self.index = {k: i for i, k in enumerate(self.members)}
        self.counts: dict[int, int] = {}
        for key in self.members:
            load = loads.get(key, 0)
            self.counts[load] = self.counts.get(load, 0) + 1
        self.low = min(self.counts, default=-1)  # no members: no cap helps, say nothing
        self.high = max(self.counts, default=0)
        self.by_cap: dict[int, FenwickPool] = {}

    def pool(self, cap: int, loads: Mapping[str, int]) -> FenwickPool:
        """The pool of the members under `cap` (made at the first ask, then kept exact)."""
        pool = self.by_cap.get(cap)
        if pool is None:
            if self.high < cap:
                flags: Sequence[int] = [1] * len(self.members)
            else:
                flags = [1 if loads.get(k, 0) < cap else 0 for k in self.members]
            pool = self.by_cap[cap] = FenwickPool(self.members, self.index, flags)
        return pool

    def moved(self, key: str, load: int) -> None:
        """Member `key` went from `load` to `load + 1`."""
        counts, up = self.counts, load + 1
        left = counts[load] - 1
        counts[load] = left
        counts[up] = counts.get(up, 0) + 1
        if not left and load == self.low:
            self.low = up
        if up > self.high:
            self.high = up
        pool = self.by_cap.get(up)
        if pool is not None:
            pool.remove(key)
