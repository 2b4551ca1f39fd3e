"""What a draw reads from earlier visits: coverage (覆盖周期) and the previous team (上次检查组).

* `covered_for`: item id -> entities already visited for that item in the current coverage
  cycle of its group, from earlier visits whose period lies inside the cycle and ends before the
  period being drawn (what `frames_for_period` takes as `covered`).
* `previous_teams`: entity -> the enforcement team of its latest earlier visit, for the rule that
  a new team shares at most one inspector with the previous one.

Pure: the caller passes the visits (storage.draws.history) in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass

from bot.domain.frames import Membership
from bot.domain.itemlist import ItemList
from bot.domain.models import Entity
from bot.domain.periods import Period
from bot.domain.quotas import Cycle, cycle_of


@dataclass(frozen=True)
class Visit:
    """One earlier visit: its period, entity, items and active enforcement team (keys)."""

    order: int  # a tie-break among visits of one period: later visits have larger numbers
    period: str
    entity: str
    items: tuple[str, ...]
    team: tuple[str, ...]


def _period(label: str) -> Period | None:
    try:
        return Period.parse(label)
    except ValueError:
        return None


def _before(visits: Iterable[Visit], period: Period) -> list[tuple[Period, Visit]]:
    out = []
    for v in visits:
        p = _period(v.period)
        if p is not None and p.end < period.start:
            out.append((p, v))
    return out


def _visited(
    earlier: list[tuple[Period, Visit]], item_id: str, cycle: Cycle, members: Set[str] | None
) -> set[str]:
    start = cycle.first.start
    return {
        v.entity
        for p, v in earlier
        if p.start >= start and item_id in v.items and (members is None or v.entity in members)
    }


def covered_for(
    item_list: ItemList,
    entities: Sequence[Entity],
    period: Period,
    visits: Iterable[Visit],
    *,
    open_rectifications: Set[str] = frozenset(),
    membership: Membership | None = None,
) -> dict[str, set[str]]:
    """Item id -> stable ids visited for it in the current cycle (groups with a cycle only);
    `membership`: one already built for these entities and rectifications, if any."""
    earlier = _before(visits, period)
    out: dict[str, set[str]] = {}
    for item in item_list.items:
        cycles = {
            g.id: c
            for g in item.groups
            if g.quota.per is period.kind and (c := cycle_of(g.quota, period)) is not None
        }
        if not cycles:
            continue
        if len({c.first for c in cycles.values()}) == 1:
            out[item.id] = _visited(earlier, item.id, next(iter(cycles.values())), None)
            continue
        # groups of one item with different cycles: count each group's own members only
        membership = membership or Membership(item_list, entities, open_rectifications)
        groups = membership.groups(period)
        seen: set[str] = set()
        for gid, cycle in cycles.items():
            seen |= _visited(earlier, item.id, cycle, set(groups[(item.id, gid)]))
        out[item.id] = seen
    return out


def previous_teams(visits: Iterable[Visit], period: Period) -> dict[str, frozenset[str]]:
    """Entity -> the enforcement team of its latest visit before `period` (with a team)."""
    latest: dict[str, tuple[tuple, Visit]] = {}
    for p, v in _before(visits, period):
        if not v.team:
            continue
        rank = (p.start, p.end, v.order)
        if v.entity not in latest or rank > latest[v.entity][0]:
            latest[v.entity] = (rank, v)
    return {sid: frozenset(v.team) for sid, (_, v) in latest.items()}
