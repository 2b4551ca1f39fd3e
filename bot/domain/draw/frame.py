"""抽查框架快照 (draw frame): the frozen inputs of one draw.

The item list and quotas (随机抽查事项清单, 抽查比例) are computed elsewhere and mapped into these
dataclasses. Everything is normalised on construction (sorted, deduplicated, frozen) so that the
same frame always serialises to the same bytes and hashes to the same snapshot hash.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import InitVar, dataclass, field
from operator import lt
from types import MappingProxyType

from bot.domain.models import InspectorKind

ALGORITHM_VERSION = "ssj-draw/1"


def _set(name: str, obj: object, value: object) -> None:
    object.__setattr__(obj, name, value)


_object_setattr = object.__setattr__  # for the hot constructors: no frame of our own per field


_EMPTY: Mapping[str, str] = MappingProxyType({})


def _frozen_map(values: Mapping[str, str]) -> Mapping[str, str]:
    if not values:  # an open draw: every entity has no attributes, so share one empty map
        return _EMPTY
    return MappingProxyType({str(k): str(v) for k, v in sorted(values.items())})


@dataclass(frozen=True, slots=True)
class FrameEntity:
    """检查对象 in the snapshot: its stable id and the attributes the draw may filter on.

    Only attributes a target uses belong here (they are hashed into the snapshot), named as in the
    registry: e.g. "region", "industry_code", "category", and "tag:<name>" for an entity's tags.
    """

    stable_id: str
    attributes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.stable_id or not isinstance(self.stable_id, str):
            raise ValueError("an entity needs a stable_id (a string)")
        _set("attributes", self, _frozen_map(self.attributes))

    @classmethod
    def plain(cls, stable_id: str) -> FrameEntity:
        """An entity without attributes (an open draw's), the same as `FrameEntity(stable_id)`
        made in a third of the time (a province's frame has 180,000)."""
        if not stable_id or not isinstance(stable_id, str):
            raise ValueError("an entity needs a stable_id (a string)")
        entity = object.__new__(cls)
        _object_setattr(entity, "stable_id", stable_id)
        _object_setattr(entity, "attributes", _EMPTY)
        return entity


@dataclass(frozen=True, slots=True)
class FrameInspector:
    """执法检查人员 in the snapshot: what decides whether they may be drawn for a visit."""

    key: str
    department: str
    kind: InspectorKind = InspectorKind.STAFF
    certificate: bool = True
    active: bool = True
    expertise: frozenset[str] = frozenset()
    recused: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.key or not self.department:
            raise ValueError("an inspector needs a key and a department")
        _set("kind", self, InspectorKind(self.kind))
        _set("expertise", self, frozenset(self.expertise))
        _set("recused", self, frozenset(self.recused))

    def drawable_staff(self) -> bool:
        """An enforcement inspector who may be drawn at all: staff, 执法证 held, active."""
        return self.kind is InspectorKind.STAFF and self.certificate and self.active

    def drawable_expert(self) -> bool:
        """An auxiliary expert who may be drawn at all: expert and active."""
        return self.kind is InspectorKind.EXPERT and self.active


class AllEligible(Set[str]):
    """A group's uncovered entities when that is every eligible one (no coverage history): a
    read-only set over the sorted `eligible` tuple, membership by bisection, instead of a
    frozenset copy of them all (5 million ids at nation scale). Equal to the same frozenset."""

    __slots__ = ("_ids",)

    def __init__(self, ids: tuple[str, ...]) -> None:
        self._ids = ids

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        at = bisect_left(self._ids, value)
        return at < len(self._ids) and self._ids[at] == value

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def intersection(self, other: Iterable[object]) -> frozenset:
        """As `frozenset.intersection`."""
        return frozenset(x for x in other if x in self)

    def copy(self) -> frozenset:
        """The same ids as a frozenset (for frozenset's other named methods, go through it)."""
        return frozenset(self._ids)

    def union(self, *others: Iterable[str]) -> frozenset:
        return self.copy().union(*others)

    def difference(self, *others: Iterable[object]) -> frozenset:
        return self.copy().difference(*others)

    def issubset(self, other: Iterable[object]) -> bool:
        return self.copy().issubset(other)

    def issuperset(self, other: Iterable[object]) -> bool:
        return all(x in self for x in other)

    @classmethod
    def _from_iterable(cls, values: Iterable[str]) -> frozenset:
        return frozenset(values)  # what the set operators (-, &, |) give

    __hash__ = Set._hash

    def __repr__(self) -> str:
        return f"AllEligible({len(self._ids)} ids)"


@dataclass(frozen=True, slots=True)
class FrameGroup:
    """One target group (抽查对象分组) of an item: quota, eligible entities and the coverage state.

    `target` restricts the group for a 定向抽查 (targeted draw): attribute -> allowed values; an
    entity is eligible only if every listed attribute has one of the allowed values. Empty: open.
    `uncovered` are the eligible entities not yet inspected in the current coverage cycle (ids that
    are not eligible are dropped; passing the `eligible` object itself means all of them).
    `ascending=True` says the caller built `eligible` strictly ascending (from a registry's
    positions), so the order is not checked again: 5 million memberships at nation scale.
    """

    group_id: str
    quota: int
    eligible: tuple[str, ...]
    uncovered: Set[str] = frozenset()
    target: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ascending: InitVar[bool] = False

    def __post_init__(self, ascending: bool) -> None:
        if not self.group_id:
            raise ValueError("a group needs a group_id")
        if self.quota < 0:
            raise ValueError(f"group {self.group_id}: quota must not be negative")
        eligible = tuple(self.eligible) if ascending else _sorted_unique(self.eligible)
        _set("eligible", self, eligible)
        if self.uncovered is self.eligible:  # every eligible entity uncovered: a view of them
            _set("uncovered", self, AllEligible(eligible))
        else:
            _set("uncovered", self, frozenset(self.uncovered).intersection(eligible))
        target = {str(k): tuple(sorted(set(v))) for k, v in sorted(self.target.items())}
        _set("target", self, MappingProxyType(target))

    def matches(self, entity: FrameEntity) -> bool:
        """Whether an entity passes this group's targeting filter (always true for open draws)."""
        attrs = entity.attributes
        return all(attrs.get(k) in allowed for k, allowed in self.target.items())


@dataclass(frozen=True, slots=True)
class FrameItem:
    """随机抽查事项: one check item, its initiating department (发起部门) and staffing needs."""

    item_id: str
    department: str
    groups: tuple[FrameGroup, ...]
    expertise_required: frozenset[str] = frozenset()
    inspectors_required: int = 2
    experts_required: int = 0

    def __post_init__(self) -> None:
        if not self.item_id or not self.department:
            raise ValueError("an item needs an item_id and a department")
        if self.inspectors_required < 1 or self.experts_required < 0:
            raise ValueError(f"item {self.item_id}: needs at least one inspector")
        groups = tuple(sorted(self.groups, key=lambda g: g.group_id))
        _unique((g.group_id for g in groups), f"group id in item {self.item_id}")
        _set("groups", self, groups)
        _set("expertise_required", self, frozenset(self.expertise_required))


@dataclass(frozen=True, slots=True)
class CapPolicy:
    """Per-inspector cap (工作量上限): ceil(seats / eligible inspectors) + slack, per pool."""

    staff_slack: int = 1
    expert_slack: int = 1

    def __post_init__(self) -> None:
        if self.staff_slack < 0 or self.expert_slack < 0:
            raise ValueError("cap slack must not be negative")


@dataclass(frozen=True, slots=True)
class DrawFrame:
    """The frozen snapshot a draw (摇号) runs on: bureau, period, items, entities, inspectors."""

    bureau: str
    period: str
    items: tuple[FrameItem, ...]
    entities: tuple[FrameEntity, ...]
    inspectors: tuple[FrameInspector, ...]
    previous_pairs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    cap_policy: CapPolicy = CapPolicy()
    algorithm: str = ALGORITHM_VERSION
    # what the draw derives from the frame once (its columns, see columns.py); not part of it
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # the caller built every group from the frame's own entities (build_frame from positions)
    references_known: InitVar[bool] = False

    def __post_init__(self, references_known: bool) -> None:
        if not self.bureau or not self.period:
            raise ValueError("a frame needs a bureau and a period")
        items = tuple(sorted(self.items, key=lambda i: i.item_id))
        entities = _by_stable_id(self.entities)
        inspectors = tuple(sorted(self.inspectors, key=lambda i: i.key))
        _unique((i.item_id for i in items), "item id")
        _unique((i.key for i in inspectors), "inspector key")
        pairs = {str(k): frozenset(v) for k, v in sorted(self.previous_pairs.items()) if v}
        _set("items", self, items)
        _set("entities", self, entities)
        _set("inspectors", self, inspectors)
        _set("previous_pairs", self, MappingProxyType(pairs))
        if not references_known:
            _check_references(self)


def _by_stable_id(entities: Iterable[FrameEntity]) -> tuple[FrameEntity, ...]:
    """The entities sorted by stable id, which must be unique (ValueError naming a repeat).
    Ids already strictly ascending (a frame built from the registry) are both: one pass."""
    entities = tuple(entities)
    ids = [e.stable_id for e in entities]
    if all(map(lt, ids, ids[1:])):
        return entities
    _unique(ids, "entity stable id")
    return tuple(sorted(entities, key=lambda e: e.stable_id))


def _sorted_unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values sorted without repeats (kept as they are when already so: the usual case)."""
    values = tuple(values)
    if all(map(lt, values, values[1:])):
        return values
    return tuple(sorted(set(values)))


def _unique(values: Iterable[str], what: str) -> None:
    values = list(values)
    if len(set(values)) == len(values):
        return
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what}: {v!r}")
        seen.add(v)


def _check_references(frame: DrawFrame) -> None:
    known = {e.stable_id for e in frame.entities}
    for item in frame.items:
        for g in item.groups:
            if not known.issuperset(g.eligible):
                bad = next(s for s in g.eligible if s not in known)
                raise ValueError(f"item {item.item_id} group {g.group_id}: unknown entity {bad!r}")
