"""公开密钥 (reveal) and 摇号记录 (the transcript): after the period's visits are done the
secret is published, and anyone can re-run the draw with `shuangsuiji verify`.

The reveal is allowed once every visit of the draw is submitted (or cancelled), or the period has
ended. It stores the revealed transcript, writes it as a file, and publishes the secret and the
file through the outbox: to the public channel (if set), coordinators and managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiosqlite

from bot.domain.draw import dumps, loads, reveal
from bot.domain.models import Role
from bot.domain.periods import Period
from bot.i18n import t
from bot.services.draw_notices import managers_only, public, staff_with
from bot.services.draw_texts import period_name
from bot.services.draws import DrawEnv
from bot.services.errors import Refusal
from storage import audit, outbox
from storage import draws as store
from storage.db import Database


@dataclass
class Revealed:
    """The published secret, the commitment it answers and the transcript file."""

    period: str
    secret: str
    commitment_hash: str
    path: Path


async def _drawn(conn: aiosqlite.Connection, bureau_id: int, period: Period) -> store.DrawRow:
    row = await store.live_draw(conn, bureau_id, period.label)
    if row is None:
        raise Refusal("draw_none", period=period.label)
    if row.status == "committed":
        raise Refusal("reveal_not_drawn", period=period.label)
    if row.status == "revealed":
        raise Refusal("reveal_already", period=period.label, at=row.revealed_at)
    return row


def transcript_path(env: DrawEnv, code: str, period: str, draw_id: int) -> Path:
    """Where a revealed transcript is written."""
    return env.files_dir / f"{code}-{period}-draw{draw_id}-transcript.json"


async def reveal_secret(
    db: Database, bureau_id: int, period: Period, actor: str, env: DrawEnv, *, today: date
) -> Revealed:
    """Publish the secret of the period's draw; Refusal while visits are open in the period."""
    async with db.tx() as conn:
        row = await _drawn(conn, bureau_id, period)
        still_open = await store.open_count(conn, row.id)
        if still_open and today <= period.end:
            raise Refusal(
                "reveal_too_early", period=period.label, open=still_open, end=period.end.isoformat()
            )
        stored = loads(await store.transcript_of(conn, row.id) or "")
        revealed = reveal(stored, bytes.fromhex(row.secret or ""))
        data = dumps(revealed)
        await store.mark_revealed(conn, row.id, data.decode().rstrip("\n"), actor)
        code, name = await store.bureau_names(conn, bureau_id)
        path = transcript_path(env, code, period.label, row.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        await audit.append(
            conn,
            actor,
            "draw.revealed",
            period.label,
            {"draw_id": row.id, "secret": row.secret, "commitment_hash": row.commitment_hash},
            bureau_id=bureau_id,
        )
        done = Revealed(period.label, row.secret or "", row.commitment_hash, path)
        await _publish(conn, bureau_id, row.id, name, done, env)
    return done


async def _publish(
    conn: aiosqlite.Connection,
    bureau_id: int,
    draw_id: int,
    bureau_name: str,
    done: Revealed,
    env: DrawEnv,
) -> None:
    def text(lang: str) -> str:
        return t(
            lang,
            "reveal_public",
            bureau=bureau_name,
            period=period_name(done.period, lang),
            secret=done.secret,
            commitment_hash=done.commitment_hash,
        )

    def doc(lang: str) -> dict:
        caption = t(lang, "reveal_caption", period=period_name(done.period, lang))
        return {"path": str(done.path), "filename": done.path.name, "caption": caption}

    key = f"draw:{draw_id}:reveal"
    await public(conn, bureau_id, env, text(env.public_lang), f"{key}:public")
    if env.public_channel_id is not None:
        await outbox.enqueue(
            conn,
            env.public_channel_id,
            doc(env.public_lang),
            kind="document",
            key=f"{key}:public:file",
            bureau_id=bureau_id,
        )
    people = await staff_with(conn, bureau_id, Role.COORDINATOR) + await managers_only(
        conn, bureau_id
    )
    for u in people:
        chat = u.telegram_id
        await outbox.enqueue(
            conn, chat, {"text": text(u.lang)}, key=f"{key}:{u.id}", bureau_id=bureau_id
        )
        await outbox.enqueue(
            conn, chat, doc(u.lang), kind="document", key=f"{key}:{u.id}:file", bureau_id=bureau_id
        )


async def export_transcript(db: Database, bureau_id: int, period: Period) -> bytes:
    """The period's transcript in its file form (the secret is null until the reveal)."""
    async with db.read() as conn:
        row = await store.live_draw(conn, bureau_id, period.label)
        stored = await store.transcript_of(conn, row.id) if row else None
    if not stored:
        raise Refusal("transcript_none", period=period.label)
    return dumps(loads(stored))
