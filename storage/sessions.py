"""作答进度 (checklist sessions): where each user is in the flow, one row per user.

Free text, photos and locations are routed by this row, and a restart resumes from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from storage.db import now_iso


@dataclass
class Session:
    """A user's place: the visit, the step, the question (by index) and a draft."""

    user_id: int
    inspection_id: int
    step: str
    question_index: int | None = None
    seen_revision: int = 0
    subject_id: int | None = None
    draft: dict[str, Any] = field(default_factory=dict)


async def get_session(conn: aiosqlite.Connection, user_id: int) -> Session | None:
    """The user's session, or None when they are not in any flow."""
    sql = (
        "SELECT user_id, inspection_id, step, question_index, seen_revision, subject_id,"
        " draft_json FROM checklist_sessions WHERE user_id = ?"
    )
    found = await conn.execute_fetchall(sql, (user_id,))
    r = found[0] if found else None
    if r is None:
        return None
    return Session(r[0], r[1], r[2], r[3], r[4], r[5], {} if r[6] == "{}" else json.loads(r[6]))


async def put_session(conn: aiosqlite.Connection, s: Session) -> None:
    """Store the user's place (replacing any earlier one)."""
    await conn.execute(
        "INSERT INTO checklist_sessions (user_id, inspection_id, step, question_index,"
        " seen_revision, subject_id, draft_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET inspection_id = excluded.inspection_id,"
        " step = excluded.step, question_index = excluded.question_index,"
        " seen_revision = excluded.seen_revision, subject_id = excluded.subject_id,"
        " draft_json = excluded.draft_json, updated_at = excluded.updated_at",
        (
            s.user_id,
            s.inspection_id,
            s.step,
            s.question_index,
            s.seen_revision,
            s.subject_id,
            json.dumps(s.draft, ensure_ascii=False) if s.draft else "{}",
            now_iso(),
        ),
    )


async def clear_session(conn: aiosqlite.Connection, user_id: int) -> None:
    """The user leaves the flow."""
    await conn.execute("DELETE FROM checklist_sessions WHERE user_id = ?", (user_id,))


async def clear_for_inspection(conn: aiosqlite.Connection, inspection_id: int) -> None:
    """Everyone leaves a visit's flow (it was submitted)."""
    await conn.execute("DELETE FROM checklist_sessions WHERE inspection_id = ?", (inspection_id,))
