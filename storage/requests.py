"""Requests a manager decides (审批): cancelling a draw (撤销摇号) and replacing an inspector
(更换执法人员). Each is decided once: pending -> approved or rejected."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import now_iso


@dataclass
class DrawRequest:
    """One request: what, by whom, why, and how it was decided."""

    id: int
    bureau_id: int
    kind: str  # cancel | replace
    draw_id: int | None
    inspection_id: int | None
    inspector_id: int | None
    requested_by: int
    reason: str
    status: str  # pending | approved | rejected
    decided_by: int | None
    decided_at: str | None
    replacement_id: int | None
    created_at: str


COLS = (
    "id, bureau_id, kind, draw_id, inspection_id, inspector_id, requested_by, reason, status,"
    " decided_by, decided_at, replacement_id, created_at"
)


async def create_request(
    conn: aiosqlite.Connection,
    bureau_id: int,
    kind: str,
    *,
    requested_by: int,
    reason: str,
    draw_id: int | None = None,
    inspection_id: int | None = None,
    inspector_id: int | None = None,
) -> int:
    """A new pending request; IntegrityError if the same one is already pending."""
    cur = await conn.execute(
        "INSERT INTO draw_requests (bureau_id, kind, draw_id, inspection_id, inspector_id,"
        " requested_by, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (bureau_id, kind, draw_id, inspection_id, inspector_id, requested_by, reason, now_iso()),
    )
    return int(cur.lastrowid)


async def get_request(conn: aiosqlite.Connection, request_id: int) -> DrawRequest | None:
    """One request by id, or None."""
    sql = f"SELECT {COLS} FROM draw_requests WHERE id = ?"
    async with conn.execute(sql, (request_id,)) as cur:
        row = await cur.fetchone()
    return DrawRequest(*tuple(row)) if row else None


async def decide(
    conn: aiosqlite.Connection,
    request_id: int,
    status: str,
    decided_by: int,
    *,
    replacement_id: int | None = None,
) -> bool:
    """Approve or reject a pending request; False when it was already decided."""
    if status not in ("approved", "rejected"):
        raise ValueError(f"a decision is approved or rejected, not {status!r}")
    cur = await conn.execute(
        "UPDATE draw_requests SET status = ?, decided_by = ?, decided_at = ?, replacement_id = ?"
        " WHERE id = ? AND status = 'pending'",
        (status, decided_by, now_iso(), replacement_id, request_id),
    )
    return cur.rowcount == 1


async def pending(conn: aiosqlite.Connection, bureau_id: int) -> list[DrawRequest]:
    """The bureau's undecided requests, oldest first."""
    sql = f"SELECT {COLS} FROM draw_requests WHERE bureau_id = ? AND status = 'pending' ORDER BY id"
    async with conn.execute(sql, (bureau_id,)) as cur:
        return [DrawRequest(*tuple(r)) for r in await cur.fetchall()]


async def close_replacements(
    conn: aiosqlite.Connection, draw_id: int, decided_by: int
) -> list[int]:
    """Reject the pending replacement requests of the draw's cancelled visits (they no longer
    take place); returns the requests' ids. One subquery, not a list of ids: a province's draw
    has more visits than SQLite allows parameters in some builds (32,766)."""
    sql = (
        "SELECT id FROM draw_requests WHERE kind = 'replace' AND status = 'pending'"
        " AND inspection_id IN (SELECT id FROM inspections WHERE draw_id = ?"
        " AND status = 'cancelled') ORDER BY id"
    )
    async with conn.execute(sql, (draw_id,)) as cur:
        ids = [int(r[0]) for r in await cur.fetchall()]
    for request_id in ids:
        await decide(conn, request_id, "rejected", decided_by)
    return ids
