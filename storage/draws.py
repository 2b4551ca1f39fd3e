"""Draws (摇号) as rows: commit, draw, reveal, cancel; the history a draw reads; replacements.

One live draw per bureau and period (a unique index ignores cancelled ones). The secret is kept
in the row from the commit and shown to nobody until the reveal; the transcript stored before the
reveal has `"secret": null`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from bot.domain.draw_history import Visit
from storage.db import now_iso

OPEN = ("assigned", "in_progress")


@dataclass
class DrawRow:
    """One draw of one period: its state and what was committed."""

    id: int
    bureau_id: int
    period: str
    status: str
    algorithm_version: str
    snapshot_hash: str
    secret_hash: str
    secret: str | None
    public_sources: list[str]
    commitment: dict
    commitment_hash: str
    committed_by: str
    committed_at: str
    drawn_at: str | None
    revealed_at: str | None
    cancelled_at: str | None
    cancel_reason: str | None
    target: dict


COLS = (
    "id, bureau_id, period, status, algorithm_version, snapshot_hash, secret_hash, secret,"
    " public_sources_json, commitment_json, commitment_hash, committed_by, committed_at, drawn_at,"
    " revealed_at, cancelled_at, cancel_reason, target_json"
)


def _row(r: tuple) -> DrawRow:
    r = tuple(r)
    return DrawRow(
        *r[:8],
        json.loads(r[8]),
        json.loads(r[9] or "{}"),
        r[10] or "",
        *r[11:17],
        json.loads(r[17] or "{}"),
    )


async def bureau_names(conn: aiosqlite.Connection, bureau_id: int) -> tuple[str, str]:
    """The bureau's code (a draw's frame and transcript carry it as `bureau`) and name."""
    async with conn.execute("SELECT code, name FROM bureaus WHERE id = ?", (bureau_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"no bureau {bureau_id}")
    return str(row[0]), str(row[1])


async def live_draw(conn: aiosqlite.Connection, bureau_id: int, period: str) -> DrawRow | None:
    """The period's draw that is not cancelled, or None."""
    sql = f"SELECT {COLS} FROM draws WHERE bureau_id = ? AND period = ? AND status != 'cancelled'"
    async with conn.execute(sql, (bureau_id, period)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def get_draw(conn: aiosqlite.Connection, draw_id: int) -> DrawRow | None:
    """One draw by id, or None."""
    async with conn.execute(f"SELECT {COLS} FROM draws WHERE id = ?", (draw_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def insert_draw(
    conn: aiosqlite.Connection,
    bureau_id: int,
    period: str,
    *,
    commitment: dict,
    commitment_hash: str,
    secret_hex: str,
    committed_by: str,
    snapshot_json: str | None,
    target: dict,
) -> int:
    """Record a commitment (status committed); IntegrityError if the period has a live draw."""
    cur = await conn.execute(
        "INSERT INTO draws (bureau_id, period, status, algorithm_version, snapshot_hash,"
        " secret_hash, secret, public_sources_json, commitment_json, commitment_hash,"
        " snapshot_json, target_json, committed_by, committed_at)"
        " VALUES (?, ?, 'committed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bureau_id,
            period,
            commitment["algorithm"],
            commitment["snapshot_hash"],
            commitment["secret_hash"],
            secret_hex,
            json.dumps(commitment["public_sources"], ensure_ascii=False),
            json.dumps(commitment, ensure_ascii=False, sort_keys=True),
            commitment_hash,
            snapshot_json,
            json.dumps(target, ensure_ascii=False, sort_keys=True),
            committed_by,
            now_iso(),
        ),
    )
    return int(cur.lastrowid)


async def snapshot_of(conn: aiosqlite.Connection, draw_id: int) -> str | None:
    """The frozen snapshot of a committed draw that has not been drawn yet."""
    async with conn.execute("SELECT snapshot_json FROM draws WHERE id = ?", (draw_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def mark_drawn(
    conn: aiosqlite.Connection, draw_id: int, transcript_json: str, drawn_by: str
) -> None:
    """Store the transcript (secret null) and move the draw to drawn."""
    await conn.execute(
        "UPDATE draws SET status = 'drawn', transcript_json = ?, snapshot_json = NULL,"
        " drawn_by = ?, drawn_at = ? WHERE id = ? AND status = 'committed'",
        (transcript_json, drawn_by, now_iso(), draw_id),
    )


async def transcript_of(conn: aiosqlite.Connection, draw_id: int) -> str | None:
    """The stored transcript text (canonical JSON)."""
    async with conn.execute("SELECT transcript_json FROM draws WHERE id = ?", (draw_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def mark_revealed(
    conn: aiosqlite.Connection, draw_id: int, transcript_json: str, revealed_by: str
) -> None:
    """Store the revealed transcript and move the draw to revealed."""
    await conn.execute(
        "UPDATE draws SET status = 'revealed', transcript_json = ?, revealed_by = ?,"
        " revealed_at = ? WHERE id = ? AND status = 'drawn'",
        (transcript_json, revealed_by, now_iso(), draw_id),
    )


async def mark_cancelled(
    conn: aiosqlite.Connection, draw_id: int, reason: str, approved_by: str
) -> None:
    """Cancel the draw (撤销) with the reason and the approving manager."""
    await conn.execute(
        "UPDATE draws SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?,"
        " cancel_approved_by = ? WHERE id = ? AND status IN ('committed', 'drawn')",
        (now_iso(), reason, approved_by, draw_id),
    )


async def cancel_open_inspections(conn: aiosqlite.Connection, draw_id: int) -> list[int]:
    """Cancel the draw's visits that are still open; returns their ids."""
    sql = "SELECT id FROM inspections WHERE draw_id = ? AND status IN (?, ?) ORDER BY id"
    async with conn.execute(sql, (draw_id, *OPEN)) as cur:
        ids = [int(r[0]) for r in await cur.fetchall()]
    await conn.executemany(
        "UPDATE inspections SET status = 'cancelled' WHERE id = ?", [(i,) for i in ids]
    )
    return ids


async def open_count(conn: aiosqlite.Connection, draw_id: int) -> int:
    """How many of the draw's visits are not submitted (nor cancelled) yet."""
    sql = "SELECT COUNT(*) FROM inspections WHERE draw_id = ? AND status IN (?, ?)"
    async with conn.execute(sql, (draw_id, *OPEN)) as cur:
        return int((await cur.fetchone())[0])


async def inspection_ids(conn: aiosqlite.Connection, draw_id: int) -> list[int]:
    """The draw's visits, by id."""
    sql = "SELECT id FROM inspections WHERE draw_id = ? ORDER BY id"
    async with conn.execute(sql, (draw_id,)) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def history(conn: aiosqlite.Connection, bureau_id: int) -> list[Visit]:
    """Every visit that counts (not cancelled, not of a cancelled draw), with its active
    enforcement team's inspector keys; `order` is the inspection id."""
    sql = (
        "SELECT i.id, i.period, e.stable_id, i.items_json FROM inspections i"
        " JOIN entities e ON e.id = i.entity_id LEFT JOIN draws d ON d.id = i.draw_id"
        " WHERE i.bureau_id = ? AND i.status != 'cancelled'"
        " AND (d.id IS NULL OR d.status != 'cancelled') ORDER BY i.id"
    )
    async with conn.execute(sql, (bureau_id,)) as cur:
        rows = {int(r[0]): (r[1], r[2], tuple(json.loads(r[3]))) for r in await cur.fetchall()}
    sql = (
        "SELECT a.inspection_id, p.key FROM inspection_inspectors a"
        " JOIN inspectors p ON p.id = a.inspector_id JOIN inspections i ON i.id = a.inspection_id"
        " WHERE i.bureau_id = ? AND a.active = 1 AND a.role IN ('lead', 'member')"
        " ORDER BY p.key"
    )
    teams: dict[int, list[str]] = {}
    async with conn.execute(sql, (bureau_id,)) as cur:
        async for iid, key in cur:
            teams.setdefault(int(iid), []).append(key)
    return [
        Visit(iid, period, entity, items, tuple(teams.get(iid, ())))
        for iid, (period, entity, items) in rows.items()
    ]


async def period_loads(conn: aiosqlite.Connection, bureau_id: int, period: str) -> dict[int, int]:
    """Inspector id -> active assignments on the period's visits that are not cancelled."""
    sql = (
        "SELECT a.inspector_id, COUNT(*) FROM inspection_inspectors a"
        " JOIN inspections i ON i.id = a.inspection_id"
        " WHERE i.bureau_id = ? AND i.period = ? AND i.status != 'cancelled' AND a.active = 1"
        " GROUP BY a.inspector_id"
    )
    async with conn.execute(sql, (bureau_id, period)) as cur:
        return {int(r[0]): int(r[1]) for r in await cur.fetchall()}


async def ever_assigned(conn: aiosqlite.Connection, inspection_id: int) -> dict[int, tuple]:
    """Inspector id -> (role, active) of everyone ever assigned to the visit."""
    sql = "SELECT inspector_id, role, active FROM inspection_inspectors WHERE inspection_id = ?"
    async with conn.execute(sql, (inspection_id,)) as cur:
        return {int(r[0]): (r[1], bool(r[2])) for r in await cur.fetchall()}


async def replace_assignee(
    conn: aiosqlite.Connection, inspection_id: int, old_id: int, new_id: int
) -> str:
    """更换执法人员: the old inspector leaves the visit (active 0, replaced_by), the new one takes
    the same role; returns the role. The drawn entity list itself never changes."""
    sql = "SELECT role FROM inspection_inspectors WHERE inspection_id = ? AND inspector_id = ?"
    async with conn.execute(sql, (inspection_id, old_id)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"inspector {old_id} is not on inspection {inspection_id}")
    role = str(row[0])
    await conn.execute(
        "UPDATE inspection_inspectors SET active = 0, replaced_by = ?"
        " WHERE inspection_id = ? AND inspector_id = ? AND active = 1",
        (new_id, inspection_id, old_id),
    )
    await conn.execute(
        "INSERT INTO inspection_inspectors (inspection_id, inspector_id, role) VALUES (?, ?, ?)",
        (inspection_id, new_id, role),
    )
    return role
