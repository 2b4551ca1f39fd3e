"""证据文件: a photo or document downloaded into the evidence folder, named by its SHA-256.

The download itself is the handler's (Telegram I/O); it passes `fetch(path)`. Files land in
``EVIDENCE_DIR/<inspection>/<sha256[:16]><ext>`` and the database keeps that path relative to
the evidence folder, with the full hash and the size, so a copy can be checked later.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.domain.checklist_input import MAX_EVIDENCE_BYTES, IncomingFile
from bot.services.errors import Refusal
from storage.evidence import add_evidence

Fetch = Callable[[Path], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SavedFile:
    """A downloaded file: path relative to the evidence folder, SHA-256, size in bytes."""

    relative_path: str
    sha256: str
    size: int


async def keep_evidence(
    conn: aiosqlite.Connection,
    f: IncomingFile,
    saved: SavedFile,
    *,
    inspection_id: int,
    uploaded_by: int,
    item_id: str | None = None,
    question_id: str | None = None,
    rectification_id: int | None = None,
) -> int:
    """Keep a downloaded file's row (for a question, or for a rectification); returns its id."""
    return await add_evidence(
        conn,
        inspection_id=inspection_id,
        kind=f.kind,
        file_id=f.file_id,
        file_unique_id=f.file_unique_id,
        filename=f.filename,
        mime_type=f.mime_type,
        size=saved.size,
        sha256=saved.sha256,
        path=saved.relative_path,
        uploaded_by=uploaded_by,
        item_id=item_id,
        question_id=question_id,
        rectification_id=rectification_id,
    )


def _hash(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


async def save(evidence_dir: Path, folder: str, f: IncomingFile, fetch: Fetch) -> SavedFile:
    """Download `f` with `fetch` into ``evidence_dir/folder`` under its hash; Refusal when the
    file turns out larger than the Bot API lets a bot download."""
    target_dir = Path(evidence_dir) / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    incoming = target_dir / f".incoming-{secrets.token_hex(8)}"
    try:
        await fetch(incoming)
        sha, size = await asyncio.to_thread(_hash, incoming)
        if size > MAX_EVIDENCE_BYTES:
            mb = round(size / 1024 / 1024, 1)
            raise Refusal("ev_too_big", size=mb, limit=MAX_EVIDENCE_BYTES // 1024 // 1024)
        name = f"{sha[:16]}{f.extension}"
        os.replace(incoming, target_dir / name)
    finally:
        incoming.unlink(missing_ok=True)
    return SavedFile(f"{folder}/{name}", sha, size)


def resolve(evidence_dir: Path, relative_path: str) -> Path:
    """The file on disk for a stored relative path."""
    return Path(evidence_dir) / relative_path
