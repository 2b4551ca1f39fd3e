"""Targets of previewed targeted draws (定向抽查), by bureau, period and preview token.

The chat's confirm button carries only the period and the token (callback data is limited to
64 bytes); the token is the start of the frame's snapshot hash, which covers the target, so one
token names one target. Table: 0009_draw_previews.sql.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import aiosqlite

from storage.db import now_iso


async def remember_target(
    conn: aiosqlite.Connection,
    bureau_id: int,
    period: str,
    token: str,
    target: Mapping[str, Sequence[str]],
    by: str,
) -> None:
    """Keep the target a preview with `token` was made for (a repeated preview is kept once)."""
    data = json.dumps({k: list(v) for k, v in sorted(target.items())}, ensure_ascii=False)
    await conn.execute(
        "INSERT OR IGNORE INTO draw_previews (bureau_id, period, token, target_json,"
        " previewed_by, previewed_at) VALUES (?, ?, ?, ?, ?, ?)",
        (bureau_id, period, token, data, by, now_iso()),
    )


async def target_of(
    conn: aiosqlite.Connection, bureau_id: int, period: str, token: str
) -> dict[str, tuple[str, ...]] | None:
    """The target previewed with `token`, or None (an open draw's preview keeps no row)."""
    sql = "SELECT target_json FROM draw_previews WHERE bureau_id = ? AND period = ? AND token = ?"
    async with conn.execute(sql, (bureau_id, period, token)) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return {k: tuple(v) for k, v in json.loads(row[0]).items()}
