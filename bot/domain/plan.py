"""年度抽查计划 (Plan): per item, group and period the population, the quota and its rule.

`build_plan` projects the year from the registry as it stands: each period's population, the
floor the group's rule gives (rounded up, capped at the population) and the formula behind it,
the year's entity-visits (家次) per group and item, and the entity list published with the plan
(列入随机抽查的对象名单). Pure: no I/O; the caller passes the registry and the year.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date

from bot.domain.frames import Membership, Projection, active_enforcement_inspectors, project_group
from bot.domain.itemlist import CheckItem, ItemList, Targets
from bot.domain.models import Category, Entity, Inspector
from bot.domain.periods import Period, PeriodKind
from bot.domain.quotas import PerInspectorRule, QuotaRule, annual_per_inspector


@dataclass(frozen=True)
class PeriodRow:
    """One period of one group: population, quota (the floor) and how it was worked out."""

    period: Period
    population: int
    uncovered: int  # entities not yet visited in the coverage cycle before this period's draw
    cycle: str | None  # the coverage cycle's label, e.g. "2020H1"
    quota: int
    target: int  # the rule's figure before the cap at the population
    formula: str

    @property
    def capped(self) -> bool:
        """The rule asked for more than the group holds."""
        return self.target > self.quota


@dataclass(frozen=True)
class GroupPlan:
    """A target group's year."""

    id: str
    name: str
    rule: QuotaRule
    rows: tuple[PeriodRow, ...]
    annual_floor: int | None  # per_inspector rules: ⌈multiple × inspectors⌉

    @property
    def total(self) -> int:
        """The year's entity-visits (家次) of the group."""
        return sum(r.quota for r in self.rows)


@dataclass(frozen=True)
class ItemPlan:
    """A check item's year: its groups."""

    item: CheckItem
    groups: tuple[GroupPlan, ...]

    @property
    def total(self) -> int:
        """The year's entity-visits (家次) of the item."""
        return sum(g.total for g in self.groups)


@dataclass(frozen=True)
class ListedEntity:
    """One line of the published entity list: an entity and the (item, group) pairs it is in."""

    stable_id: str
    credit_code: str | None
    name: str
    region: str
    category: Category
    groups: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Plan:
    """年度抽查计划 of one bureau for one year."""

    bureau: str
    title: str
    source: str
    year: int
    publish_by: date
    entities: int  # entities in the registry
    active_inspectors: int  # active enforcement inspectors holding a certificate
    targets: Targets
    items: tuple[ItemPlan, ...]
    entity_list: tuple[ListedEntity, ...]
    unplanned: tuple[str, ...]  # drawable entities (status allowed) in no group of any item

    @property
    def total(self) -> int:
        """The year's entity-visits (家次) over all items (a joint visit counts once per item)."""
        return sum(i.total for i in self.items)


def build_plan(
    item_list: ItemList,
    entities: Sequence[Entity],
    inspectors: Sequence[Inspector],
    year: int,
    *,
    open_rectifications: Set[str] = frozenset(),
) -> Plan:
    """The year's plan from the registry as it stands (categories as of each period's start)."""
    membership = Membership(item_list, entities, open_rectifications)
    staff = active_enforcement_inspectors(inspectors)
    items = tuple(_item_plan(membership, item, year, staff) for item in item_list.items)
    listed = _entity_list(membership, entities, year)
    allowed = set(item_list.eligible_status)
    in_list = {e.stable_id for e in listed}
    unplanned = tuple(
        sorted(e.stable_id for e in entities if e.status in allowed and e.stable_id not in in_list)
    )
    return Plan(
        bureau=item_list.bureau,
        title=item_list.title,
        source=item_list.source,
        year=year,
        publish_by=item_list.publish_by.for_year(year),
        entities=len(entities),
        active_inspectors=staff,
        targets=item_list.targets,
        items=items,
        entity_list=listed,
        unplanned=unplanned,
    )


def _item_plan(membership: Membership, item: CheckItem, year: int, staff: int) -> ItemPlan:
    groups = []
    for g in item.groups:
        rows = tuple(_row(p) for p in project_group(membership, item, g, year, staff))
        annual = None
        if isinstance(g.quota, PerInspectorRule):
            annual = annual_per_inspector(g.quota, staff)
        groups.append(GroupPlan(g.id, g.name, g.quota, rows, annual))
    return ItemPlan(item, tuple(groups))


def _row(p: Projection) -> PeriodRow:
    return PeriodRow(
        period=p.period,
        population=p.population,
        uncovered=p.uncovered,
        cycle=p.cycle.label if p.cycle else None,
        quota=p.result.quota,
        target=p.result.target,
        formula=p.result.formula,
    )


def _entity_list(
    membership: Membership, entities: Sequence[Entity], year: int
) -> tuple[ListedEntity, ...]:
    """Entities in any group of any item over the year (classes as of 1 January; date rules
    compared with the whole year), by stable id."""
    period = Period(PeriodKind.YEAR, year)
    where: dict[str, list[tuple[str, str]]] = {}
    for (item_id, group_id), members in membership.groups(period).items():
        for sid in members:
            where.setdefault(sid, []).append((item_id, group_id))
    classes = membership.classes(period)
    listed = []
    for e in sorted(entities, key=lambda x: x.stable_id):
        if e.stable_id in where:
            listed.append(
                ListedEntity(
                    e.stable_id,
                    e.credit_code,
                    e.name,
                    e.region,
                    classes[e.stable_id].category,
                    tuple(where[e.stable_id]),
                )
            )
    return tuple(listed)
