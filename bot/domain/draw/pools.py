"""候选人池 (candidate pools): inspectors in key order, counted and indexed by position.

A pool answers two questions fast: how many of its members are available, and which one is the
k-th available in key order. `FenwickPool` does both in O(log n) with a binary indexed tree, so a
seat costs one hash and a few tree steps however many inspectors a bureau has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

    def __init__(self, members: Sequence[str], present: Callable[[str], bool]) -> None:
        self.members = list(members)
        self.index = {k: i for i, k in enumerate(self.members)}
        self.flags = [1 if present(k) else 0 for k in self.members]
        n = len(self.members)
        tree = [0] * (n + 1)
        for i in range(1, n + 1):
            tree[i] += self.flags[i - 1]
            parent = i + (i & -i)
            if parent <= n:
                tree[parent] += tree[i]
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
        pos, rest, step, tree, n = 0, k, self._top, self.tree, len(self.members)
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
