"""The outbox (发件箱): everything the bot must send, written in the same transaction as the change.

A row is sent once: `idempotency_key` is unique, so writing the same notification twice is a no-op,
and the dispatcher marks a row `sending` (committed) before it calls Telegram.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import now_iso


@dataclass
class OutboxRow:
    """One message to send: kind is text, document or photo; payload holds its fields."""

    id: int
    chat_id: int
    kind: str
    payload: dict
    attempts: int


INSERT = (
    "INSERT OR IGNORE INTO outbox (bureau_id, chat_id, kind, payload_json, idempotency_key,"
    " not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True)
class Message:
    """A text for the outbox: chat, text, idempotency key, bureau."""

    chat_id: int
    text: str
    key: str
    bureau_id: int


async def enqueue(
    conn: aiosqlite.Connection,
    chat_id: int,
    payload: dict,
    *,
    key: str,
    kind: str = "text",
    bureau_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message; False when a row with `key` already exists (nothing is queued twice)."""
    cur = await conn.execute(
        INSERT,
        (
            bureau_id,
            chat_id,
            kind,
            json.dumps(payload, ensure_ascii=False),
            key,
            not_before.isoformat(timespec="seconds") if not_before else now_iso(),
            now_iso(),
        ),
    )
    return cur.rowcount == 1


async def enqueue_many(conn: aiosqlite.Connection, messages: Sequence[Message]) -> int:
    """`enqueue` for many texts in one statement (a sweep's batch); keys already queued are
    ignored, as there. Returns how many rows were queued."""
    stamp = now_iso()
    rows = [
        (
            m.bureau_id,
            m.chat_id,
            "text",
            json.dumps({"text": m.text}, ensure_ascii=False),
            m.key,
            stamp,
            stamp,
        )
        for m in messages
    ]
    if not rows:
        return 0
    cur = await conn.executemany(INSERT, rows)
    return cur.rowcount


async def due(conn: aiosqlite.Connection, now: datetime, limit: int = 100) -> list[OutboxRow]:
    """Pending rows whose time has come, oldest first."""
    sql = (
        "SELECT id, chat_id, kind, payload_json, attempts FROM outbox"
        " WHERE status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?"
    )
    async with conn.execute(sql, (now.isoformat(timespec="seconds"), limit)) as cur:
        rows = await cur.fetchall()
    return [OutboxRow(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]


async def mark(conn: aiosqlite.Connection, row_id: int, status: str, **fields: object) -> None:
    """Set a row's status and any of: attempts, last_error, not_before, sent_at, message_id."""
    allowed = {"attempts", "last_error", "not_before", "sent_at", "message_id"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown outbox fields: {sorted(unknown)}")
    sets = ", ".join(["status = ?", *(f"{k} = ?" for k in fields)])
    await conn.execute(f"UPDATE outbox SET {sets} WHERE id = ?", (status, *fields.values(), row_id))


async def counts(conn: aiosqlite.Connection) -> dict[str, int]:
    """How many rows are in each status."""
    async with conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status") as cur:
        return {r[0]: int(r[1]) for r in await cur.fetchall()}
