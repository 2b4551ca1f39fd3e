"""证据 storage: photos and documents with their Telegram file id, local copy and SHA-256."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import now_iso


@dataclass(frozen=True, slots=True)
class Evidence:
    """One kept file: for a question of a visit, or for a rectification."""

    id: int
    inspection_id: int
    item_id: str | None
    question_id: str | None
    rectification_id: int | None
    kind: str
    file_id: str
    file_unique_id: str
    filename: str
    mime_type: str
    size: int
    sha256: str
    path: str
    uploaded_by: int
    uploaded_at: str


COLS = (
    "id, inspection_id, item_id, question_id, rectification_id, kind, file_id, file_unique_id,"
    " filename, mime_type, size, sha256, path, uploaded_by, uploaded_at"
)


async def add_evidence(
    conn: aiosqlite.Connection,
    *,
    inspection_id: int,
    kind: str,
    file_id: str,
    file_unique_id: str,
    filename: str,
    mime_type: str,
    size: int,
    sha256: str,
    path: str,
    uploaded_by: int,
    item_id: str | None = None,
    question_id: str | None = None,
    rectification_id: int | None = None,
) -> int:
    """Keep one file's row; returns its id."""
    cur = await conn.execute(
        "INSERT INTO evidence (inspection_id, item_id, question_id, rectification_id, kind,"
        " file_id, file_unique_id, filename, mime_type, size, sha256, path, uploaded_by,"
        " uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            inspection_id,
            item_id,
            question_id,
            rectification_id,
            kind,
            file_id,
            file_unique_id,
            filename,
            mime_type,
            size,
            sha256,
            path,
            uploaded_by,
            now_iso(),
        ),
    )
    return int(cur.lastrowid)


async def evidence_of(conn: aiosqlite.Connection, inspection_id: int) -> list[Evidence]:
    """Every file kept for a visit's questions (not its rectification), oldest first."""
    sql = f"SELECT {COLS} FROM evidence WHERE inspection_id = ? AND rectification_id IS NULL"
    return [
        Evidence(*tuple(r))
        for r in await conn.execute_fetchall(sql + " ORDER BY id", (inspection_id,))
    ]


async def evidence_for_rectification(
    conn: aiosqlite.Connection, rectification_id: int
) -> list[Evidence]:
    """The files uploaded as proof of a fix, oldest first."""
    sql = f"SELECT {COLS} FROM evidence WHERE rectification_id = ? ORDER BY id"
    return [Evidence(*tuple(r)) for r in await conn.execute_fetchall(sql, (rectification_id,))]


async def count_for_question(
    conn: aiosqlite.Connection, inspection_id: int, item_id: str, question_id: str
) -> int:
    """How many files are kept for one question."""
    sql = (
        "SELECT COUNT(*) FROM evidence WHERE inspection_id = ? AND item_id = ? AND question_id = ?"
        " AND rectification_id IS NULL"
    )
    return int((await conn.execute_fetchall(sql, (inspection_id, item_id, question_id)))[0][0])
