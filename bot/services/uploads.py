"""Uploaded documents awaiting a choice (上传文件): kept by id, usable once, by their sender."""

from __future__ import annotations

from storage.db import Database, now_iso
from storage.users import User


async def remember(db: Database, user: User, file_id: str, filename: str) -> int:
    """Store an upload; returns its id for callback_data (file ids are too long for 64 bytes)."""
    async with db.tx() as conn:
        cur = await conn.execute(
            "INSERT INTO uploads (user_id, file_id, filename, created_at) VALUES (?, ?, ?, ?)",
            (user.id, file_id, filename, now_iso()),
        )
    return int(cur.lastrowid)


async def take(db: Database, user: User, upload_id: int) -> tuple[str, str] | None:
    """(file_id, filename) of the user's own unused upload, marking it used; None otherwise."""
    async with db.tx() as conn:
        sql = (
            "SELECT file_id, filename FROM uploads WHERE id = ? AND user_id = ? AND used_at IS NULL"
        )
        async with conn.execute(sql, (upload_id, user.id)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute("UPDATE uploads SET used_at = ? WHERE id = ?", (now_iso(), upload_id))
    return row[0], row[1]
