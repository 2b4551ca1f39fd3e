"""The outbox dispatcher (发件箱发送): sends due outbox rows at Telegram's pace, each row once.

Overall pace comes from PTB's AIORateLimiter (29/s, 20/min per group); this adds about one message a
second per private chat, honours `retry_after` on 429, retries 5xx and failed connections with
backoff, marks a chat that blocked the bot as undeliverable and tells the coordinators, and splits
long texts. A row is marked `sending` only when its request is about to leave (after the rate
limiter's wait); a request that may have reached Telegram without an answer (a crash, a read
time-out, a dropped connection) is never resent: it is marked failed and the coordinators are told.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.domain.models import Role
from bot.i18n import t
from bot.rate_limit import BeforeSend, ChatPacedRateLimiter, never_sent
from storage import outbox
from storage.db import Database, now_iso
from storage.users import users_with_role

log = logging.getLogger(__name__)
MAX_TEXT = 4096
MAX_ATTEMPTS = 8
INTERRUPTED = "interrupted mid-send by a crash; not resent, to never send twice"
UNSURE = "no answer from the Bot API, may have arrived; not resent, to never send twice"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into pieces of at most `limit` characters, at line breaks where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text else pieces


async def _tell_coordinators(
    conn: aiosqlite.Connection, row: outbox.OutboxRow, message: str, key: str, error: str
) -> None:
    """Queue `message` (naming the row's chat and the error) for each coordinator of the row's
    bureau, once per coordinator under `key`."""
    bureau = await _bureau_of(conn, row)
    for coord in await users_with_role(conn, bureau or 0, Role.COORDINATOR):
        text = t(coord.lang, message, chat=row.chat_id, error=error)
        await outbox.enqueue(
            conn, coord.telegram_id, {"text": text}, key=f"{key}:{coord.id}", bureau_id=bureau
        )


async def _bureau_of(conn: aiosqlite.Connection, row: outbox.OutboxRow) -> int | None:
    bureau = row.payload.get("bureau_id")
    if bureau is None:
        async with conn.execute("SELECT bureau_id FROM outbox WHERE id = ?", (row.id,)) as c:
            bureau = (await c.fetchone())[0]
    return bureau


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Dispatcher:
    """Sends the outbox; `run_once` is called by a repeating job and by tests."""

    def __init__(self, db: Database, bot: Bot, *, per_chat_interval: float = 1.0) -> None:
        self.db, self.bot = db, bot
        self.per_chat_interval = per_chat_interval
        self._next_ok: dict[int, datetime] = {}

    async def recover(self) -> int:
        """At start-up: rows left `sending` by a crash may or may not have reached Telegram.

        They are not resent (a notification must never go out twice); each becomes `failed` with
        the reason, and the bureau's coordinators are told once which chats to check. The state
        they announced is in the database either way (/tasks, /deadlines show it).
        """
        async with self.db.tx() as conn:
            sql = "SELECT id, chat_id, bureau_id FROM outbox WHERE status = 'sending'"
            async with conn.execute(sql) as cur:
                rows = await cur.fetchall()
            for row_id, _, _ in rows:
                await outbox.mark(conn, row_id, "failed", last_error=INTERRUPTED)
            by_bureau: dict[int, list[int]] = {}
            for _, chat_id, bureau in rows:
                by_bureau.setdefault(bureau or 0, []).append(chat_id)
            for bureau, chats in by_bureau.items():
                for coord in await users_with_role(conn, bureau, Role.COORDINATOR):
                    text = t(
                        coord.lang,
                        "outbox_interrupted",
                        count=len(chats),
                        chats=", ".join(str(c) for c in sorted(set(chats))),
                    )
                    await outbox.enqueue(
                        conn,
                        coord.telegram_id,
                        {"text": text},
                        bureau_id=bureau,
                        key=f"interrupted:{rows[-1][0]}:{coord.id}",
                    )
        return len(rows)

    async def run_once(self, now: datetime | None = None, limit: int = 100) -> int:
        """Send what is due now; returns how many rows were sent."""
        now = now or datetime.now(UTC)
        async with self.db.read() as conn:
            rows = await outbox.due(conn, now, limit)
        sent = 0
        for row in rows:
            if self._next_ok.get(row.chat_id, now) > now:
                continue
            sent += await self._send_row(row)
        return sent

    async def _send_row(self, row: outbox.OutboxRow) -> int:
        async def going_out() -> None:
            """Mark the row `sending`, committed, just before its request leaves."""
            async with self.db.tx() as conn:
                await outbox.mark(conn, row.id, "sending", attempts=row.attempts + 1)

        async def refused() -> None:
            """Telegram did not carry it out (429, 5xx): `pending` while the limiter waits."""
            async with self.db.tx() as conn:
                await outbox.mark(conn, row.id, "pending")

        paced = isinstance(getattr(self.bot, "rate_limiter", None), ChatPacedRateLimiter)
        if not paced:  # no limiter to wait in: the request goes out at once
            await going_out()
        try:
            first = BeforeSend(going_out, refused) if paced else None
            message_id = await self._deliver(row, first)
        except RetryAfter as exc:
            return await self._later(row, _seconds(exc.retry_after), f"429 retry_after {exc}")
        except Forbidden as exc:
            return await self._undeliverable(row, str(exc))
        except BadRequest as exc:
            return await self._failed(row, str(exc))
        except (TimedOut, NetworkError) as exc:
            if not never_sent(exc):
                return await self._unsure(row, str(exc))
            if row.attempts + 1 >= MAX_ATTEMPTS:
                return await self._failed(row, str(exc))
            return await self._later(row, min(2.0**row.attempts, 300.0), str(exc))
        except OSError as exc:  # a document or photo file that cannot be read
            return await self._failed(row, str(exc))
        now = datetime.now(UTC)
        self._next_ok[row.chat_id] = now + timedelta(seconds=self.per_chat_interval)
        async with self.db.tx() as conn:
            await outbox.mark(conn, row.id, "sent", sent_at=now_iso(), message_id=message_id)
        return 1

    async def _failed(self, row: outbox.OutboxRow, error: str) -> int:
        async with self.db.tx() as conn:
            await outbox.mark(conn, row.id, "failed", attempts=row.attempts + 1, last_error=error)
        log.error("outbox row %s not sent: %s", row.id, error)
        return 0

    async def _unsure(self, row: outbox.OutboxRow, error: str) -> int:
        """No answer to a request that went out: it may have arrived. Not resent (never twice);
        failed with the reason, and the coordinators are told which chat to check."""
        async with self.db.tx() as conn:
            await outbox.mark(
                conn, row.id, "failed", attempts=row.attempts + 1, last_error=f"{UNSURE}: {error}"
            )
            await _tell_coordinators(conn, row, "outbox_unsure", f"unsure:{row.id}", error)
        log.error("outbox row %s got no answer, not resent: %s", row.id, error)
        return 0

    async def _deliver(self, row: outbox.OutboxRow, first: BeforeSend | None) -> int:
        """Send the row; `first` goes with its first request (later pieces of a long text are
        sent while the row is already `sending`)."""
        p = row.payload
        extra = {"rate_limit_args": first} if first else {}
        markup = (
            InlineKeyboardMarkup.de_json(p["reply_markup"], self.bot)
            if p.get("reply_markup")
            else None
        )
        if row.kind == "document":
            with Path(p["path"]).open("rb") as fh:
                msg = await self.bot.send_document(
                    row.chat_id, fh, filename=p.get("filename"), caption=p.get("caption"), **extra
                )
            return msg.message_id
        if row.kind == "photo":
            with Path(p["path"]).open("rb") as fh:
                msg = await self.bot.send_photo(row.chat_id, fh, caption=p.get("caption"), **extra)
            return msg.message_id
        pieces = split_text(p["text"])
        msg = None
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            msg = await self.bot.send_message(
                row.chat_id,
                piece,
                parse_mode=p.get("parse_mode"),
                reply_markup=markup if last else None,
                **(extra if i == 0 else {}),
            )
        return msg.message_id if msg else 0

    async def _later(self, row: outbox.OutboxRow, seconds: float, error: str) -> int:
        when = datetime.now(UTC) + timedelta(seconds=seconds)
        self._next_ok[row.chat_id] = when
        async with self.db.tx() as conn:
            await outbox.mark(
                conn,
                row.id,
                "pending",
                attempts=row.attempts + 1,
                last_error=error,
                not_before=when.isoformat(timespec="seconds"),
            )
        return 0

    async def _undeliverable(self, row: outbox.OutboxRow, error: str) -> int:
        async with self.db.tx() as conn:
            await outbox.mark(conn, row.id, "undeliverable", last_error=error)
            key = f"undeliverable:{row.chat_id}"
            await _tell_coordinators(conn, row, "undeliverable", key, error)
        return 0
