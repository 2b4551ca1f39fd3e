"""抽样框: which entities each target group holds in a period, and the quotas a draw must meet.

`frames_for_period` is what a draw needs for one period: per check item, per target group of that
period's kind, the quota (a floor, rounded up), the eligible entities and those still uncovered
in the coverage cycle. `Membership` computes group populations once per period and is shared with
the annual plan (bot.domain.plan). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field

import numpy as np

from bot.domain.categories import Classification, classify, off_site_only
from bot.domain.itemlist import CheckItem, ItemList, Mode, TargetGroup
from bot.domain.models import Entity, Inspector, InspectorKind
from bot.domain.periods import Period
from bot.domain.profiles import Profiles
from bot.domain.quotas import (
    Cycle,
    PerInspectorRule,
    QuotaInput,
    QuotaResult,
    cycle_of,
    period_floor,
    periods_of_year,
)
from bot.domain.selectors import Selector


def active_enforcement_inspectors(inspectors: Iterable[Inspector]) -> int:
    """在编在岗执法人员: staff who are active and hold an enforcement certificate."""
    return sum(
        1 for i in inspectors if i.kind is InspectorKind.STAFF and i.active and i.certificate_no
    )


class QuotaBelowFloor(ValueError):
    """A raised quota was lower than the floor (or above the population); names the group."""


@dataclass(frozen=True)
class GroupFrame:
    """One target group of an item in one period, ready for a draw."""

    group_id: str
    name: str
    quota: int  # what the draw takes: the floor, or a coordinator's higher figure
    floor: int  # the rule's minimum, rounded up, capped at the population
    eligible: tuple[str, ...]  # stable ids in the group, sorted
    uncovered: tuple[str, ...]  # eligible ids not yet visited in the cycle (all, without a cycle)
    cycle: Cycle | None
    formula: str
    # the eligible entities as positions in the registry the Membership indexed (its
    # `profiles().ids`), when known: lets the draw's frame be built without string lookups
    positions: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ItemFrame:
    """One check item in one period: what a visit needs and its groups."""

    item_id: str
    name: str
    department: str
    mode: Mode
    third_party: bool
    expertise: frozenset[str]
    inspectors_required: int
    experts_required: int
    groups: tuple[GroupFrame, ...]

    @property
    def needs_expert(self) -> bool:
        return self.experts_required > 0


@dataclass
class Membership:
    """Group populations per period under one item list (cached per period).

    Every rule is evaluated once per profile (`bot.domain.profiles`), on its representative, and
    the result spread to the profile's entities.
    """

    item_list: ItemList
    entities: Sequence[Entity]
    open_rectifications: Set[str] = frozenset()
    _cache: dict[Period, dict[tuple[str, str], list[str]]] = field(default_factory=dict)
    _at: dict[Period, dict[tuple[str, str], np.ndarray]] = field(default_factory=dict)
    _classes: dict[Period, list[Classification]] = field(default_factory=dict)
    _profiles: Profiles | None = None

    @classmethod
    def of_profiles(
        cls, item_list: ItemList, profiles: Profiles, open_rectifications: Set[str]
    ) -> Membership:
        """Membership over a registry already indexed by profile (with the same rectifications)."""
        return cls(item_list, (), open_rectifications, _profiles=profiles)

    def profiles(self) -> Profiles:
        """The entities indexed by the profile the item list's rules see (built once)."""
        if self._profiles is None:
            self._profiles = Profiles.of(self.item_list, self.entities, self.open_rectifications)
        return self._profiles

    def classes(self, period: Period) -> dict[str, Classification]:
        """Effective class of every entity as of the period's first day."""
        return self.profiles().spread(self._profile_classes(period))

    def _profile_classes(self, period: Period) -> list[Classification]:
        if period not in self._classes:
            rules, rect, day = self.item_list.categories, self.open_rectifications, period.start
            self._classes[period] = [
                classify(e, rules, day, rect) for e in self.profiles().representatives
            ]
        return self._classes[period]

    def groups(self, period: Period) -> dict[tuple[str, str], list[str]]:
        """(item id, group id) -> sorted stable ids of the group's entities in `period`."""
        if period not in self._cache:
            ids = self.profiles().ids_array
            self._cache[period] = {k: ids[v].tolist() for k, v in self.positions(period).items()}
        return self._cache[period]

    def positions(self, period: Period) -> dict[tuple[str, str], np.ndarray]:
        """The same groups as positions in `profiles().ids` (ascending numpy arrays)."""
        if period not in self._at:
            self._at[period] = self._compute(period)
        return self._at[period]

    def _compute(self, period: Period) -> dict[tuple[str, str], np.ndarray]:
        profiles = self.profiles()
        allowed = set(self.item_list.eligible_status)
        rules = self.item_list.categories
        pairs = [
            (e, c.category) if e.status in allowed else None
            for e, c in zip(profiles.representatives, self._profile_classes(period), strict=True)
        ]
        off_site = np.array(
            [p is not None and off_site_only(p[0], p[1], rules) for p in pairs], dtype=bool
        )
        matched: dict[str, np.ndarray] = {}  # selector (as JSON) -> profiles it takes
        kinds: dict[frozenset[str], tuple[np.ndarray, list[int]]] = {}

        def taking(key: str, selector: Selector) -> np.ndarray:
            if key not in matched:
                reads = selector.reads()
                if reads not in kinds:
                    kinds[reads] = _alike(pairs, sorted(reads - {"category"}))
                codes, firsts = kinds[reads]
                start, end = period.start, period.end
                hits = [selector.matches(*pairs[at], start, end) for at in firsts]  # type: ignore[misc]
                matched[key] = np.array([*hits, False], dtype=bool)[codes]
            return matched[key]

        out: dict[tuple[str, str], np.ndarray] = {}
        # First match wins within an item; items whose groups repeat another item's (same mode,
        # same selectors in the same order) share the result instead of recomputing it.
        chains: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        nothing = np.zeros(len(pairs), dtype=bool)
        for it in self.item_list.items:
            taken = off_site if it.mode is Mode.SITE else nothing
            chain: tuple = (it.mode,)
            for g in it.groups:
                key = g.selector.model_dump_json()
                chain += (key,)
                if chain not in chains:
                    members = taking(key, g.selector) & ~taken
                    chains[chain] = (profiles.taking_positions(members), taken | members)
                out[(it.id, g.id)], taken = chains[chain]
        return out


def _alike(
    pairs: Sequence[tuple[Entity, object] | None], names: Sequence[str]
) -> tuple[np.ndarray, list[int]]:
    """Profiles numbered by what a selector reading `names` (and the class) sees: each
    profile's number (-1 when it is not eligible at all) and the first profile of each number.
    A selector is then evaluated once per number: a province's 18,000 profiles show a selector
    reading class and industry only a few hundred different faces."""
    plain = [n for n in names if not n.startswith("tag:")]
    tags = [n[len("tag:") :] for n in names if n.startswith("tag:")]
    numbers: dict[tuple, int] = {}
    firsts: list[int] = []
    codes = []
    for at, pair in enumerate(pairs):
        if pair is None:
            codes.append(-1)
            continue
        entity, category = pair
        face = (category, *(getattr(entity, n) for n in plain), *(entity.tags.get(t) for t in tags))
        code = numbers.get(face)
        if code is None:
            code = numbers[face] = len(firsts)
            firsts.append(at)
        codes.append(code)
    return np.array(codes, dtype=np.int64), firsts


@dataclass(frozen=True)
class Projection:
    """One period of a group's year as the plan projects it."""

    period: Period
    population: int
    uncovered: int  # before this period's draw
    cycle: Cycle | None
    result: QuotaResult


def project_group(
    membership: Membership,
    item: CheckItem,
    group: TargetGroup,
    year: int,
    staff: int,
    upto: Period | None = None,
) -> list[Projection]:
    """The group's periods of `year` (up to and excluding `upto`), assuming each draw takes
    uncovered entities first and meets its floor exactly; per_inspector rules carry what earlier
    periods took, coverage cycles carry who was visited."""
    out: list[Projection] = []
    covered: set[str] = set()
    planned = 0
    cycle_label = None
    for period in periods_of_year(group.quota.per, year):
        if upto is not None and period == upto:
            break
        members = membership.groups(period)[(item.id, group.id)]
        cycle = cycle_of(group.quota, period)
        if cycle is None or cycle.label != cycle_label:
            covered = set()
            cycle_label = cycle.label if cycle else None
        uncovered = [s for s in members if s not in covered]
        q = QuotaInput(period, len(members), len(uncovered), staff, planned)
        result = period_floor(group.quota, q)
        covered.update(uncovered[: result.quota])
        planned += result.quota
        out.append(Projection(period, len(members), len(uncovered), cycle, result))
    return out


def frames_for_period(
    item_list: ItemList,
    entities: Sequence[Entity],
    inspectors: Sequence[Inspector],
    period: Period,
    covered: Mapping[str, Set[str]] | None = None,
    *,
    open_rectifications: Set[str] = frozenset(),
    raised: Mapping[tuple[str, str], int] | None = None,
    membership: Membership | None = None,
) -> list[ItemFrame]:
    """The frames of every item for one period's draw.

    Only groups whose rule runs per `period.kind` take part (a quarterly draw takes the
    quarterly groups). `covered` maps item id -> stable ids already visited for that item in
    the current coverage cycle; `raised` maps (item id, group id) -> a quota a coordinator
    raised, which must not be below the floor nor above the group's population. A
    `membership` already built for these entities and rectifications may be passed instead.
    """
    membership = membership or Membership(item_list, entities, open_rectifications)
    staff = active_enforcement_inspectors(inspectors)
    covered = covered or {}
    raised = raised or {}
    frames = []
    for item in item_list.items:
        groups = []
        for g in item.groups:
            if g.quota.per is not period.kind:
                continue
            members = membership.groups(period)[(item.id, g.id)]
            at = membership.positions(period)[(item.id, g.id)]
            cycle = cycle_of(g.quota, period)
            seen = covered.get(item.id, frozenset()) if cycle else frozenset()
            eligible = tuple(members)
            uncovered = tuple(s for s in members if s not in seen) if seen else eligible
            planned = (
                sum(
                    p.result.quota
                    for p in project_group(membership, item, g, period.year, staff, upto=period)
                )
                if isinstance(g.quota, PerInspectorRule)
                else 0
            )
            q = QuotaInput(period, len(members), len(uncovered), staff, planned)
            result = period_floor(g.quota, q)
            floor, formula = result.quota, result.formula
            quota = _raised(raised.get((item.id, g.id)), floor, len(members), item.id, g.id)
            groups.append(
                GroupFrame(g.id, g.name, quota, floor, eligible, uncovered, cycle, formula, at)
            )
        if groups:
            frames.append(_item_frame(item, groups))
    return frames


def _raised(value: int | None, floor: int, population: int, item_id: str, group_id: str) -> int:
    if value is None:
        return floor
    if value < floor:
        raise QuotaBelowFloor(
            f"{item_id}/{group_id}: quota {value} is below the floor {floor}; it may be raised, "
            "never lowered"
        )
    if value > population:
        raise QuotaBelowFloor(
            f"{item_id}/{group_id}: quota {value} is above the group's population {population}"
        )
    return value


def _item_frame(item: CheckItem, groups: list[GroupFrame]) -> ItemFrame:
    return ItemFrame(
        item_id=item.id,
        name=item.name,
        department=item.department,
        mode=item.mode,
        third_party=item.third_party,
        expertise=frozenset(item.expertise),
        inspectors_required=item.inspectors_required,
        experts_required=item.experts_required,
        groups=tuple(groups),
    )
