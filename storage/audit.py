"""The audit log (审计日志): rows chained by SHA-256, so an edited, inserted or deleted row shows.

Each row's hash covers its id, time, actor, action, subject, payload and the previous row's hash.
"""

from __future__ import annotations

import hashlib
import json

import aiosqlite

from storage.db import now_iso

GENESIS = "0" * 64


def row_hash(
    row_id: int, at: str, actor: str, action: str, subject: str, payload_json: str, prev: str
) -> str:
    """The chain hash of one audit row."""
    canon = json.dumps(
        [row_id, at, actor, action, subject, payload_json, prev], ensure_ascii=False
    ).encode("utf-8")
    return hashlib.sha256(canon).hexdigest()


async def append(
    conn: aiosqlite.Connection,
    actor: str,
    action: str,
    subject: str,
    payload: dict | None = None,
    *,
    bureau_id: int | None = None,
) -> str:
    """Append one row in the caller's transaction; returns its hash."""
    async with conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1") as cur:
        last = await cur.fetchone()
    row_id = (last[0] + 1) if last else 1
    prev = last[1] if last else GENESIS
    at = now_iso()
    pj = json.dumps(payload or {}, ensure_ascii=False, sort_keys=True)
    h = row_hash(row_id, at, actor, action, subject, pj, prev)
    await conn.execute(
        "INSERT INTO audit_log (id, bureau_id, at, actor, action, subject, payload_json, prev_hash,"
        " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, bureau_id, at, actor, action, subject, pj, prev, h),
    )
    return h


async def verify(conn: aiosqlite.Connection) -> list[str]:
    """Problems found walking the chain, each naming the row; empty when the chain is intact."""
    problems: list[str] = []
    prev, expected_id = GENESIS, 1
    sql = "SELECT id, at, actor, action, subject, payload_json, prev_hash, hash FROM audit_log"
    async with conn.execute(sql + " ORDER BY id") as cur:
        async for rid, at, actor, action, subject, pj, prev_hash, h in cur:
            if rid != expected_id:
                problems.append(f"row {expected_id}: missing (next row is {rid}): deleted")
            if prev_hash != prev:
                problems.append(f"row {rid}: prev_hash does not match row before it: inserted")
            if row_hash(rid, at, actor, action, subject, pj, prev_hash) != h:
                problems.append(f"row {rid} ({action} {subject}): content changed: edited")
            prev, expected_id = h, rid + 1
    return problems
