"""整改 storage: rectification orders, their events, and who is under special supervision.

An order is open from the record that found the problem until a coordinator closes it;
`open_rectification_stable_ids` gives the item list's "special until rectified" rule its input.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import now_iso

OPEN = ("open", "submitted", "returned")


@dataclass(frozen=True, slots=True)
class Rectification:
    """One order: the entity, the visit, what must be fixed, by when, and where it stands."""

    id: int
    bureau_id: int
    entity_id: int
    entity_stable_id: str
    entity_name: str
    inspection_id: int
    record_version: int
    finding_text: str
    ordered_on: str
    due_on: str
    status: str
    ordered_by: int
    closed_by: int | None
    closed_at: str | None
    note: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


SELECT = (
    "SELECT r.id, r.bureau_id, r.entity_id, r.entity_stable_id, e.name, r.inspection_id,"
    " r.record_version, r.finding_text, r.ordered_on, r.due_on, r.status, r.ordered_by,"
    " r.closed_by, r.closed_at, r.note FROM rectifications r JOIN entities e ON e.id = r.entity_id"
)


async def open_order(
    conn: aiosqlite.Connection,
    *,
    bureau_id: int,
    entity_id: int,
    entity_stable_id: str,
    inspection_id: int,
    record_version: int,
    finding_text: str,
    ordered_on: str,
    due_on: str,
    ordered_by: int,
) -> int | None:
    """Open the visit's order; None when the visit already has one (one order per visit)."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO rectifications (bureau_id, entity_id, entity_stable_id,"
        " inspection_id, record_version, finding_text, ordered_on, due_on, ordered_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bureau_id,
            entity_id,
            entity_stable_id,
            inspection_id,
            record_version,
            finding_text,
            ordered_on,
            due_on,
            ordered_by,
        ),
    )
    if cur.rowcount != 1:
        return None
    rid = int(cur.lastrowid)
    await add_event(conn, rid, "opened", ordered_by)
    return rid


async def restate(
    conn: aiosqlite.Connection, rectification_id: int, finding_text: str, record_version: int
) -> None:
    """A corrected record restates what an open order is about."""
    await conn.execute(
        "UPDATE rectifications SET finding_text = ?, record_version = ? WHERE id = ?",
        (finding_text, record_version, rectification_id),
    )


async def get_order(conn: aiosqlite.Connection, rectification_id: int) -> Rectification | None:
    """One order by id."""
    found = await conn.execute_fetchall(SELECT + " WHERE r.id = ?", (rectification_id,))
    r = found[0] if found else None
    return Rectification(*tuple(r)) if r else None


async def order_for_inspection(
    conn: aiosqlite.Connection, inspection_id: int
) -> Rectification | None:
    """The order a visit opened, if any."""
    found = await conn.execute_fetchall(SELECT + " WHERE r.inspection_id = ?", (inspection_id,))
    r = found[0] if found else None
    return Rectification(*tuple(r)) if r else None


async def orders_for_inspector(
    conn: aiosqlite.Connection, inspector_id: int
) -> list[Rectification]:
    """Open orders from visits the inspector is on, soonest due first."""
    sql = SELECT + (
        " JOIN inspection_inspectors a ON a.inspection_id = r.inspection_id"
        " WHERE a.inspector_id = ? AND a.active = 1 AND r.status IN ('open', 'submitted',"
        " 'returned') ORDER BY r.due_on, r.id"
    )
    return [Rectification(*tuple(r)) for r in await conn.execute_fetchall(sql, (inspector_id,))]


async def open_orders(conn: aiosqlite.Connection, bureau_id: int) -> list[Rectification]:
    """The bureau's open orders, awaiting review first, then soonest due."""
    sql = SELECT + (
        " WHERE r.bureau_id = ? AND r.status IN ('open', 'submitted', 'returned')"
        " ORDER BY r.status != 'submitted', r.due_on, r.id"
    )
    return [Rectification(*tuple(r)) for r in await conn.execute_fetchall(sql, (bureau_id,))]


async def set_status(
    conn: aiosqlite.Connection,
    rectification_id: int,
    status: str,
    user_id: int,
    *,
    expect: tuple[str, ...],
    note: str = "",
) -> bool:
    """Move an order to `status` if it is in one of `expect`; False when it was not."""
    marks = ",".join("?" * len(expect))
    closing = status == "closed"
    cur = await conn.execute(
        f"UPDATE rectifications SET status = ?, closed_by = ?, closed_at = ?, note = ?"
        f" WHERE id = ? AND status IN ({marks})",
        (
            status,
            user_id if closing else None,
            now_iso() if closing else None,
            note,
            rectification_id,
            *expect,
        ),
    )
    return cur.rowcount == 1


async def add_event(
    conn: aiosqlite.Connection, rectification_id: int, action: str, user_id: int, note: str = ""
) -> None:
    """One line of an order's history."""
    await conn.execute(
        "INSERT INTO rectification_events (rectification_id, action, actor, at, note)"
        " VALUES (?, ?, ?, ?, ?)",
        (rectification_id, action, user_id, now_iso(), note),
    )


async def events_of(
    conn: aiosqlite.Connection, rectification_id: int
) -> list[tuple[str, str, str]]:
    """(action, actor name, at) of an order's history, oldest first."""
    sql = (
        "SELECT e.action, u.display_name, e.at FROM rectification_events e"
        " JOIN users u ON u.id = e.actor WHERE e.rectification_id = ? ORDER BY e.id"
    )
    return [(r[0], r[1], r[2]) for r in await conn.execute_fetchall(sql, (rectification_id,))]


async def open_rectification_stable_ids(conn: aiosqlite.Connection, bureau_id: int) -> set[str]:
    """Stable ids of entities with an order not yet closed (特殊监管: special until rectified)."""
    sql = (
        "SELECT DISTINCT entity_stable_id FROM rectifications"
        " WHERE bureau_id = ? AND status IN ('open', 'submitted', 'returned')"
    )
    return {r[0] for r in await conn.execute_fetchall(sql, (bureau_id,))}
