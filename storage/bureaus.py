"""Bureaus (生态环境分局): every registry, item list, draw and user belongs to one."""

from __future__ import annotations

import aiosqlite

from storage.db import now_iso


async def ensure_bureau(conn: aiosqlite.Connection, code: str, name: str) -> int:
    """The id of the bureau with `code`, creating it if needed (call inside a transaction)."""
    async with conn.execute("SELECT id FROM bureaus WHERE code = ?", (code,)) as cur:
        row = await cur.fetchone()
    if row:
        return int(row[0])
    cur = await conn.execute(
        "INSERT INTO bureaus(code, name, created_at) VALUES (?, ?, ?)", (code, name, now_iso())
    )
    return int(cur.lastrowid)


async def bureau_id(conn: aiosqlite.Connection, code: str) -> int | None:
    """The id of the bureau with `code`, or None."""
    async with conn.execute("SELECT id FROM bureaus WHERE code = ?", (code,)) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None
