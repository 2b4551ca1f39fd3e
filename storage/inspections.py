"""Inspections (检查任务) and who is assigned to them (检查人员分配)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import aiosqlite

from storage.db import now_iso


@dataclass
class Assignee:
    """One inspector on a visit: lead (主办), member, or auxiliary expert."""

    inspector_id: int
    name: str
    department: str
    role: str
    active: bool


@dataclass
class InspectionView:
    """A visit with its entity's name and its inspectors, for lists and details."""

    id: int
    bureau_id: int
    draw_id: int | None
    drawn_by: str
    period: str
    entity_id: int
    entity_stable_id: str
    entity_name: str
    items: list[str]
    mode: str
    status: str
    due_on: str
    confidential: bool
    inspectors: list[Assignee] = field(default_factory=list)


async def create_inspection(
    conn: aiosqlite.Connection,
    bureau_id: int,
    *,
    period: str,
    entity_id: int,
    items: list[str],
    due_on: str,
    inspectors: list[tuple[int, str]],
    draw_id: int | None = None,
    drawn_by: str = "self",
    mode: str = "site",
) -> int:
    """Insert a visit and its (inspector_id, role) assignments; call inside a transaction."""
    cur = await conn.execute(
        "INSERT INTO inspections (bureau_id, draw_id, drawn_by, period, entity_id, items_json,"
        " mode, due_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bureau_id,
            draw_id,
            drawn_by,
            period,
            entity_id,
            json.dumps(items),
            mode,
            due_on,
            now_iso(),
        ),
    )
    iid = int(cur.lastrowid)
    await conn.executemany(
        "INSERT INTO inspection_inspectors (inspection_id, inspector_id, role) VALUES (?, ?, ?)",
        [(iid, insp, role) for insp, role in inspectors],
    )
    return iid


SELECT = (
    "SELECT i.id, i.bureau_id, i.draw_id, i.drawn_by, i.period, i.entity_id, e.stable_id, e.name,"
    " i.items_json, i.mode, i.status, i.due_on, i.confidential"
    " FROM inspections i JOIN entities e ON e.id = i.entity_id"
)


async def _assignees(conn: aiosqlite.Connection, inspection_id: int) -> list[Assignee]:
    sql = (
        "SELECT a.inspector_id, p.name, p.department, a.role, a.active FROM inspection_inspectors a"
        " JOIN inspectors p ON p.id = a.inspector_id WHERE a.inspection_id = ?"
        " ORDER BY a.role = 'lead' DESC, a.role, p.name"
    )
    async with conn.execute(sql, (inspection_id,)) as cur:
        return [Assignee(r[0], r[1], r[2], r[3], bool(r[4])) for r in await cur.fetchall()]


def _view(row: tuple) -> InspectionView:
    r = tuple(row)
    return InspectionView(*r[:8], json.loads(r[8]), r[9], r[10], r[11], bool(r[12]))


async def get_inspection(conn: aiosqlite.Connection, inspection_id: int) -> InspectionView | None:
    """One visit with its inspectors, or None."""
    async with conn.execute(SELECT + " WHERE i.id = ?", (inspection_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    view = _view(row)
    view.inspectors = await _assignees(conn, inspection_id)
    return view


async def for_inspector(
    conn: aiosqlite.Connection, inspector_id: int, *, open_only: bool = True
) -> list[InspectionView]:
    """An inspector's own active visits, soonest due first."""
    sql = SELECT + (
        " JOIN inspection_inspectors a ON a.inspection_id = i.id"
        " WHERE a.inspector_id = ? AND a.active = 1"
    )
    if open_only:
        sql += " AND i.status IN ('assigned', 'in_progress')"
    async with conn.execute(sql + " ORDER BY i.due_on, i.id", (inspector_id,)) as cur:
        rows = await cur.fetchall()
    views = [_view(r) for r in rows]
    for v in views:
        v.inspectors = await _assignees(conn, v.id)
    return views


async def is_assigned(conn: aiosqlite.Connection, inspection_id: int, inspector_id: int) -> bool:
    """True when the inspector is an active member of the visit (checked on every button)."""
    sql = (
        "SELECT 1 FROM inspection_inspectors WHERE inspection_id = ? AND inspector_id = ?"
        " AND active = 1"
    )
    async with conn.execute(sql, (inspection_id, inspector_id)) as cur:
        return await cur.fetchone() is not None


async def set_status(conn: aiosqlite.Connection, inspection_id: int, status: str) -> None:
    """Move a visit to `status` (assigned, in_progress, submitted, cancelled)."""
    await conn.execute("UPDATE inspections SET status = ? WHERE id = ?", (status, inspection_id))
