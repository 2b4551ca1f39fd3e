"""Queries behind the reports sent up (调度表, 季度报表, 被检查次数年度统计). Read only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from storage.disclosures import LATEST_RESULT


@dataclass(frozen=True)
class VisitDetail:
    """One visit with everything a report row shows (times are stored UTC text)."""

    inspection_id: int
    period: str
    entity_name: str
    credit_code: str | None
    stable_id: str
    items: tuple[str, ...]
    status: str
    result: str | None
    first_submitted_at: str | None
    rectification: str | None
    rectification_closed_at: str | None
    disclosure: str | None  # pending / published / withheld
    published_on: str | None
    withheld_reason: str | None
    confidential: bool
    inspectors: tuple[str, ...]  # active, lead first


async def visit_details(
    conn: aiosqlite.Connection, bureau_id: int, periods: Sequence[str]
) -> list[VisitDetail]:
    """Visits of the given period labels (cancelled ones included: callers filter), by id."""
    if not periods:
        return []
    marks = ", ".join("?" * len(periods))
    sql = (
        "SELECT i.id, i.period, e.name, e.credit_code, e.stable_id, i.items_json, i.status,"
        f" {LATEST_RESULT},"
        " (SELECT MIN(r.submitted_at) FROM inspection_records r WHERE r.inspection_id = i.id),"
        " k.status, k.closed_at, d.status, d.published_on, d.withheld_reason, i.confidential"
        " FROM inspections i JOIN entities e ON e.id = i.entity_id"
        " LEFT JOIN rectifications k ON k.inspection_id = i.id"
        " LEFT JOIN disclosures d ON d.inspection_id = i.id"
        f" WHERE i.bureau_id = ? AND i.period IN ({marks}) ORDER BY i.id"
    )
    async with conn.execute(sql, (bureau_id, *periods)) as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    teams = await _teams(conn, [r[0] for r in rows])
    return [
        VisitDetail(
            int(r[0]),
            r[1],
            r[2],
            r[3],
            r[4],
            tuple(json.loads(r[5])),
            *r[6:14],
            bool(r[14]),
            teams.get(int(r[0]), ()),
        )  # fmt: skip
        for r in rows
    ]


async def _teams(conn: aiosqlite.Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    sql = (
        "SELECT a.inspection_id, p.name FROM inspection_inspectors a"
        f" JOIN inspectors p ON p.id = a.inspector_id WHERE a.inspection_id IN ({marks})"
        " AND a.active = 1 ORDER BY a.inspection_id, a.role = 'lead' DESC, a.role, p.name"
    )
    out: dict[int, list[str]] = {}
    async with conn.execute(sql, list(ids)) as cur:
        for iid, name in await cur.fetchall():
            out.setdefault(int(iid), []).append(name)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class InspectorCount:
    """一名执法人员的年度检查次数."""

    name: str
    certificate_no: str
    department: str
    visits: int  # active on a visit that is not cancelled
    lead: int
    completed: int


@dataclass(frozen=True)
class EntityCount:
    """一个检查对象的年度被检查次数."""

    name: str
    code: str  # credit code, or the stable id when it has none
    category: str
    drawn: int  # visits not cancelled
    inspected: int  # visits with a submitted record
    dates: tuple[str, ...]  # first submission times (UTC text) of the inspected visits


def _year_clause(year: int) -> tuple[str, tuple[str, ...]]:
    """Period labels of `year` all start with its four digits."""
    return "i.period LIKE ?", (f"{year:04d}%",)


async def inspector_counts(
    conn: aiosqlite.Connection, bureau_id: int, year: int
) -> list[InspectorCount]:
    """Every inspector of the registry with the year's visits, by department and name."""
    where, args = _year_clause(year)
    sql = (
        "SELECT p.name, COALESCE(p.certificate_no, p.expert_id, ''), p.department,"
        " COUNT(i.id), SUM(CASE WHEN a.role = 'lead' AND i.id IS NOT NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN i.status = 'submitted' THEN 1 ELSE 0 END)"
        " FROM inspectors p LEFT JOIN inspection_inspectors a"
        "  ON a.inspector_id = p.id AND a.active = 1"
        " LEFT JOIN inspections i ON i.id = a.inspection_id AND i.status != 'cancelled'"
        f"  AND {where}"
        " WHERE p.bureau_id = ? GROUP BY p.id ORDER BY p.department, p.name, p.id"
    )
    async with conn.execute(sql, (*args, bureau_id)) as cur:
        return [
            InspectorCount(r[0], r[1], r[2], int(r[3]), int(r[4] or 0), int(r[5] or 0))
            for r in await cur.fetchall()
        ]


async def entity_counts(conn: aiosqlite.Connection, bureau_id: int, year: int) -> list[EntityCount]:
    """Entities with at least one visit in the year (not cancelled), by stable id."""
    where, args = _year_clause(year)
    sql = (
        "SELECT e.name, COALESCE(e.credit_code, e.stable_id), e.category, i.status,"
        " (SELECT MIN(r.submitted_at) FROM inspection_records r WHERE r.inspection_id = i.id)"
        " FROM inspections i JOIN entities e ON e.id = i.entity_id"
        f" WHERE i.bureau_id = ? AND i.status != 'cancelled' AND {where}"
        " ORDER BY e.stable_id, i.id"
    )
    found: dict[str, list] = {}
    async with conn.execute(sql, (bureau_id, *args)) as cur:
        for name, code, category, status, at in await cur.fetchall():
            row = found.setdefault(code, [name, code, category, 0, 0, []])
            row[3] += 1
            if status == "submitted":
                row[4] += 1
                row[5].append(at)
    return [EntityCount(r[0], r[1], r[2], r[3], r[4], tuple(r[5])) for r in found.values()]
