"""检查对象画像 (profiles): entities alike in everything an item list's rules read.

Classification (监管类别认定) and target groups (抽查对象分组) read only a few attributes of an
entity: its registry class, permit class, status, a date or two, some tags. Entities equal in all
of those are classified and grouped alike, so a registry of 200,000 entities needs only as many
evaluations as it has distinct profiles (a few thousand), not one per entity. `Profiles` indexes a
registry that way once; `bot.domain.frames.Membership` evaluates each profile's representative.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from operator import attrgetter

from bot.domain.categories import rules_read
from bot.domain.itemlist import ItemList
from bot.domain.models import Entity

TAG = "tag:"


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
        key = profile_key(attributes_read(item_list), rectifying)
        numbers: dict[tuple, int] = {}
        representatives: list[Entity] = []
        index: list[int] = []
        ordered = sorted(entities, key=attrgetter("stable_id"))
        for entity in ordered:
            k = key(entity)
            number = numbers.get(k)
            if number is None:
                number = numbers[k] = len(representatives)
                representatives.append(entity)
            index.append(number)
        return cls(tuple(e.stable_id for e in ordered), tuple(index), tuple(representatives))

    def spread(self, per_profile: Sequence[object]) -> dict[str, object]:
        """stable id -> its profile's value."""
        return {sid: per_profile[p] for sid, p in zip(self.ids, self.index, strict=True)}

    def taking(self, flags: Sequence[bool]) -> list[str]:
        """Stable ids (sorted) of the entities whose profile is flagged."""
        return [sid for sid, p in zip(self.ids, self.index, strict=True) if flags[p]]
