"""检查表作答 storage: a visit's frozen checklist, its answers as they arrive, and their history.

`answers` is the working copy (one row per question, last writer wins, with a revision counter);
`answer_history` keeps every write, so two inspectors answering the same question both show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.db import now_iso


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """One question's current answer and who gave it."""

    item_id: str
    question_id: str
    value: Any
    answered_by: int
    answered_at: str
    revision: int

    @property
    def key(self) -> str:
        return f"{self.item_id}/{self.question_id}"


async def get_checklist(conn: aiosqlite.Connection, inspection_id: int) -> tuple[str, str] | None:
    """(digest, questions_json) of the visit's frozen checklist, or None if not frozen yet."""
    sql = "SELECT digest, questions_json FROM inspection_checklists WHERE inspection_id = ?"
    found = await conn.execute_fetchall(sql, (inspection_id,))
    row = found[0] if found else None
    return (row[0], row[1]) if row else None


async def get_digest(conn: aiosqlite.Connection, inspection_id: int) -> str | None:
    """The frozen checklist's digest only (cheap: parsed snapshots are cached by digest)."""
    sql = "SELECT digest FROM inspection_checklists WHERE inspection_id = ?"
    found = await conn.execute_fetchall(sql, (inspection_id,))
    row = found[0] if found else None
    return row[0] if row else None


async def freeze_checklist(
    conn: aiosqlite.Connection, inspection_id: int, digest: str, questions_json: str, user_id: int
) -> bool:
    """Store the snapshot unless one exists (the first one stays); True when stored now."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO inspection_checklists (inspection_id, digest, questions_json,"
        " frozen_at, frozen_by) VALUES (?, ?, ?, ?, ?)",
        (inspection_id, digest, questions_json, now_iso(), user_id),
    )
    return cur.rowcount == 1


async def answers_of(conn: aiosqlite.Connection, inspection_id: int) -> dict[str, StoredAnswer]:
    """Every current answer of a visit, by ``item/question`` key."""
    sql = (
        "SELECT item_id, question_id, value_json, answered_by, answered_at, revision"
        " FROM answers WHERE inspection_id = ?"
    )
    rows = await conn.execute_fetchall(sql, (inspection_id,))
    out = {}
    for r in rows:
        a = StoredAnswer(r[0], r[1], _value(r[2]), r[3], r[4], r[5])
        out[a.key] = a
    return out


_SCALARS: dict[str, Any] = {}  # value_json -> its value, for the short immutable ones
_SCALAR_TYPES = (str, int, float, bool, type(None))


def _value(value_json: str) -> Any:
    """`json.loads`, remembering short scalar answers ("yes", a choice, a number: the same few
    texts come back on every read of a visit's answers); lists and objects are parsed anew,
    since callers may change them."""
    found = _SCALARS.get(value_json, _SCALARS)
    if found is not _SCALARS:
        return found
    value = json.loads(value_json)
    if len(value_json) <= 64 and value.__class__ in _SCALAR_TYPES:
        if len(_SCALARS) >= 4096:
            _SCALARS.clear()
        _SCALARS[value_json] = value
    return value


async def put_answer(
    conn: aiosqlite.Connection,
    inspection_id: int,
    item_id: str,
    question_id: str,
    value: Any,
    user_id: int,
) -> int:
    """Write one answer (insert or replace, revision + 1) and its history row; returns the
    new revision. Call inside a transaction."""
    at = now_iso()
    value_json = json.dumps(value, ensure_ascii=False, sort_keys=True)
    written = await conn.execute_fetchall(
        "INSERT INTO answers (inspection_id, item_id, question_id, value_json, answered_by,"
        " answered_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (inspection_id, item_id, question_id) DO UPDATE SET"
        " value_json = excluded.value_json, answered_by = excluded.answered_by,"
        " answered_at = excluded.answered_at, revision = answers.revision + 1"
        " RETURNING revision",
        (inspection_id, item_id, question_id, value_json, user_id, at),
    )
    revision = int(written[0][0])
    await conn.execute(
        "INSERT INTO answer_history (inspection_id, item_id, question_id, revision, value_json,"
        " answered_by, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (inspection_id, item_id, question_id, revision, value_json, user_id, at),
    )
    return revision


async def history_of(
    conn: aiosqlite.Connection, inspection_id: int, item_id: str, question_id: str
) -> list[StoredAnswer]:
    """Every write to one question, oldest first."""
    sql = (
        "SELECT item_id, question_id, value_json, answered_by, answered_at, revision"
        " FROM answer_history WHERE inspection_id = ? AND item_id = ? AND question_id = ?"
        " ORDER BY id"
    )
    rows = await conn.execute_fetchall(sql, (inspection_id, item_id, question_id))
    return [StoredAnswer(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5]) for r in rows]


async def user_names(conn: aiosqlite.Connection, user_ids: set[int]) -> dict[int, str]:
    """Display names of users by row id (for "answered by")."""
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    sql = f"SELECT id, display_name FROM users WHERE id IN ({marks})"
    return {r[0]: r[1] for r in await conn.execute_fetchall(sql, tuple(user_ids))}
