"""检查对象画像 (profiles): entities alike in everything an item list's rules read.

Classification (监管类别认定) and target groups (抽查对象分组) read only a few attributes of an
entity: its registry class, permit class, status, a date or two, some tags. Entities equal in all
of those are classified and grouped alike, so a registry of 200,000 entities needs only as many
evaluations as it has distinct profiles (a few thousand), not one per entity. `Profiles` indexes a
registry that way once; `bot.domain.frames.Membership` evaluates each profile's representative.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cached_property
from itertools import compress
from operator import attrgetter, itemgetter
from typing import TypeVar

import numpy as np

from bot.domain.categories import rules_read
from bot.domain.itemlist import ItemList
from bot.domain.models import Entity

TAG = "tag:"
T = TypeVar("T")


def attributes_read(item_list: ItemList) -> tuple[str, ...]:
    """Every entity attribute the item list's category rules and group selectors read, sorted;
    "status" always (eligible statuses), "tag:<name>" for a tag."""
    names = {"status"} | rules_read(item_list.categories)
    for item in item_list.items:
        for group in item.groups:
            names |= group.selector.reads()
    return tuple(sorted(names))


def profile_key(names: Sequence[str], rectifying: Set[str]) -> Callable[[Entity], tuple]:
    """A function giving an entity's profile: its values of `names`, and whether its
    rectification is open (a rule may make that special)."""
    plain = [n for n in names if not n.startswith(TAG)]
    tags = [n[len(TAG) :] for n in names if n.startswith(TAG)]
    values = attrgetter(*plain) if len(plain) > 1 else _single(plain)

    def key(entity: Entity) -> tuple:
        got = entity.tags.get
        return (values(entity), tuple(got(t) for t in tags), entity.stable_id in rectifying)

    return key


def _single(names: list[str]) -> Callable[[Entity], object]:
    if not names:
        return lambda entity: None
    return attrgetter(names[0])


_RECTIFYING = object()  # marks the key of a row whose rectification is open


def row_keys(
    names: Sequence[str],
    columns: Sequence[str],
    rectifying: Set[str],
    parse_tags: Callable[[str], Mapping[str, str]] = json.loads,
) -> Callable[[Sequence[tuple]], list]:
    """`profile_key` over stored rows in stable-id order (values in `columns` order, tags as
    JSON in "tags_json"): the rows' keys, equal exactly when `profile_key` would be, so the
    partition is the same. Without tags a key is the row's values of `names` taken by one
    itemgetter (no Python call per row); the few rows under rectification are marked apart."""
    plain = [columns.index(n) for n in names if not n.startswith(TAG)]
    tags = [n[len(TAG) :] for n in names if n.startswith(TAG)]
    values = itemgetter(*plain) if len(plain) > 1 else _one_tuple(plain)
    at_tags, at_id = columns.index("tags_json"), columns.index("stable_id")

    def keys(rows: Sequence[tuple]) -> list:
        if tags:
            out = [
                (values(r), tuple(map(parse_tags(r[at_tags]).get, tags))) for r in rows
            ]
        else:
            out = list(map(values, rows))
        if rectifying:
            marked = map(rectifying.__contains__, map(itemgetter(at_id), rows))
            for at in compress(range(len(out)), marked):
                out[at] = (_RECTIFYING, out[at])
        return out

    return keys


def _one_tuple(at: list[int]) -> Callable[[tuple], tuple]:
    return lambda row: tuple(row[i] for i in at)


@dataclass(frozen=True)
class Profiles:
    """A registry indexed by profile: `ids` in stable-id order, `index[i]` the profile number of
    `ids[i]`, `representatives[p]` the first entity (by stable id) of profile p."""

    ids: tuple[str, ...]
    index: tuple[int, ...]
    representatives: tuple[Entity, ...]

    @classmethod
    def of(cls, item_list: ItemList, entities: Sequence[Entity], rectifying: Set[str]) -> Profiles:
        """Index `entities` by the profile `item_list`'s rules see."""
        ordered = sorted(entities, key=attrgetter("stable_id"))
        keys = list(map(profile_key(attributes_read(item_list), rectifying), ordered))
        index, firsts = _number(ordered, keys)
        return cls(tuple(e.stable_id for e in ordered), index, tuple(firsts))

    @classmethod
    def of_rows(
        cls,
        item_list: ItemList,
        rows: Sequence[tuple],
        columns: Sequence[str],
        convert: Callable[[tuple], Entity],
        rectifying: Set[str],
        parse_tags: Callable[[str], Mapping[str, str]] = json.loads,
    ) -> Profiles:
        """The same index over stored rows in stable-id order (values in `columns` order): only
        each profile's first row is converted into an Entity, so a registry is indexed without
        building 200,000 models."""
        keys = row_keys(attributes_read(item_list), columns, rectifying, parse_tags)(rows)
        index, firsts = _number(rows, keys)
        at_id = columns.index("stable_id")
        ids = tuple(map(itemgetter(at_id), rows))
        return cls(ids, index, tuple(convert(r) for r in firsts))

    def spread(self, per_profile: Sequence[object]) -> dict[str, object]:
        """stable id -> its profile's value."""
        return {sid: per_profile[p] for sid, p in zip(self.ids, self.index, strict=True)}

    def taking(self, flags: Sequence[bool]) -> list[str]:
        """Stable ids (sorted) of the entities whose profile is flagged."""
        return self.ids_array[self.taking_positions(flags)].tolist()

    def taking_positions(self, flags: Sequence[bool] | np.ndarray) -> np.ndarray:
        """Positions in `ids` (ascending) of the entities whose profile is flagged: one numpy
        gather, so 20 items' fifty groups do not walk a province's 200,000 entities in Python."""
        return np.flatnonzero(np.asarray(flags, dtype=bool)[self._index_array])

    @cached_property
    def ids_array(self) -> np.ndarray:
        """`ids` as a numpy array (of str objects), for gathering by positions."""
        out = np.empty(len(self.ids), dtype=object)
        out[:] = self.ids
        return out

    @cached_property
    def _index_array(self) -> np.ndarray:
        return np.asarray(self.index, dtype=np.int64)


def _number(things: Sequence[T], keys: list) -> tuple[tuple[int, ...], list[T]]:
    """Each thing's profile number (profiles numbered in order of first appearance of its key)
    and the first thing of each profile."""
    numbers = {k: n for n, k in enumerate(dict.fromkeys(keys))}
    index = tuple(map(numbers.__getitem__, keys))
    # walked backwards, each profile's last write is its first position
    first_at = dict(zip(reversed(index), range(len(index) - 1, -1, -1), strict=True))
    return index, [things[first_at[n]] for n in range(len(numbers))]
