"""执行情况 figures from the database: the plan's targets, the visits and their outcomes, turned
into `Compliance` (bot.domain.compliance) for one reporting period.

The targets (minimums) are the annual plan's (same item list, registry and open rectifications
as /plan); the targets for joint visits and credit-risk classes are the item list's `targets:`.
Reads only; call inside `db.read()` or a transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.compliance import Compliance, GroupTarget, VisitFact, compute, group_targets
from bot.domain.frames import Membership
from bot.domain.itemlist import ItemList
from bot.domain.periods import Period, PeriodKind
from bot.domain.plan import build_plan
from bot.domain.quotas import ShareText
from bot.domain.results import Result
from storage.disclosures import FactRow, visit_facts
from storage.entities import list_entities
from storage.inspectors import list_inspectors
from storage.rectifications import open_rectification_stable_ids

_PER_YEAR = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}


def overlapping_labels(period: Period) -> list[str]:
    """Labels of every month, quarter, half-year and year that shares a day with `period`."""
    labels = []
    for year in range(period.start.year, period.end.year + 1):
        for kind, count in _PER_YEAR.items():
            for index in range(1, count + 1):
                other = Period(kind, year, index)
                if other.start <= period.end and period.start <= other.end:
                    labels.append(other.label)
    return labels


def share_of(text: ShareText | str | None) -> Fraction | None:
    """A target written as 35%, 0.35 or 7/20, as an exact fraction (None when not set)."""
    if text is None:
        return None
    raw = str(text).strip()
    if raw.endswith(("%", "％")):
        return Fraction(raw[:-1]) / 100
    return Fraction(raw)


def local_date(utc_text: str | None, tz: ZoneInfo) -> date | None:
    """A stored UTC timestamp as the bureau's local date."""
    return datetime.fromisoformat(utc_text).astimezone(tz).date() if utc_text else None


def fact(row: FactRow, tz: ZoneInfo) -> VisitFact:
    """A storage row as the domain's visit."""
    return VisitFact(
        inspection_id=row.inspection_id,
        stable_id=row.stable_id,
        items=row.items,
        period=Period.parse(row.period),
        status=row.status,
        result=Result(row.result) if row.result else None,
        rectification=row.rectification,
        disclosure=row.disclosure,
        completed_on=local_date(row.first_submitted_at, tz),
        rectification_closed_on=local_date(row.rectification_closed_at, tz),
    )


async def targets_for(
    conn: aiosqlite.Connection, bureau_id: int, item_list: ItemList, period: Period
) -> list[GroupTarget]:
    """The plan's group periods overlapping `period` (the plan of each year it touches)."""
    entities = await list_entities(conn, bureau_id)
    inspectors = [i for _, i in await list_inspectors(conn, bureau_id)]
    rect = frozenset(await open_rectification_stable_ids(conn, bureau_id))
    membership = Membership(item_list, entities, rect)
    out: list[GroupTarget] = []
    for year in range(period.start.year, period.end.year + 1):
        plan = build_plan(item_list, entities, inspectors, year, open_rectifications=rect)
        out += group_targets(plan, membership, period)
    return out


async def compliance_for(
    conn: aiosqlite.Connection,
    bureau_id: int,
    period: Period,
    as_of: date,
    item_list: ItemList | None,
    tz: ZoneInfo,
) -> Compliance:
    """Every figure of `period` as of the local date `as_of`. Without an item list there are no
    minimums nor targets; the rates are still computed from the visits."""
    targets = await targets_for(conn, bureau_id, item_list, period) if item_list else []
    rows = await visit_facts(conn, bureau_id, overlapping_labels(period))
    goals = item_list.targets if item_list else None
    return compute(
        period,
        as_of,
        targets,
        [fact(r, tz) for r in rows],
        joint_target=share_of(goals.joint_inspection_share) if goals else None,
        credit_risk_target=share_of(goals.credit_risk_share) if goals else None,
    )
