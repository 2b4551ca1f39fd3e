"""The outbox dispatcher on the emulator: pace, 429, 5xx, blocked chats, long texts, once."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.domain.models import Role
from bot.emulator import BotAPIEmulator
from bot.outbox_dispatcher import Dispatcher, split_text
from storage import outbox
from storage.bureaus import ensure_bureau
from storage.users import create_user

TOKEN = "123456:DISPATCH"


@pytest.fixture
async def emu():
    async with BotAPIEmulator(token=TOKEN) as e:
        yield e


@pytest.fixture
async def bot(emu):
    b = Bot(
        TOKEN,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        request=HTTPXRequest(http_version="1.1"),
    )
    await b.initialize()
    yield b
    await b.shutdown()


async def _queue(db, rows: list[tuple[int, str]]) -> None:
    async with db.tx() as conn:
        for chat, text in rows:
            await outbox.enqueue(conn, chat, {"text": text}, key=f"{chat}:{text}")


async def _drain(disp: Dispatcher, db, seconds: float = 15.0) -> dict[str, int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await disp.run_once()
        async with db.read() as conn:
            c = await outbox.counts(conn)
        if not c.get("pending") and not c.get("sending"):
            return c
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbox not drained: {c}")


def _texts(emu, chat: int) -> list[str]:
    return [m.text for m in emu.user(chat, "x").messages]


async def test_each_row_sent_once_in_order_at_telegram_pace(db, emu, bot):
    for uid in (1, 2, 3):
        emu.user(uid, f"u{uid}", started=True)
    await _queue(db, [(uid, f"m{i}") for i in range(4) for uid in (1, 2, 3)])
    await _queue(db, [(1, "m0")])  # the same key again: not queued twice
    counts = await _drain(Dispatcher(db, bot), db)
    assert counts == {"sent": 12}
    for uid in (1, 2, 3):
        assert _texts(emu, uid) == ["m0", "m1", "m2", "m3"]
    assert emu.stats.too_many_requests == 0  # paced at about one a second per chat


async def test_429_and_5xx_are_retried_and_sent_once(db, emu, bot):
    emu.user(7, "u7", started=True)
    emu.inject_fault("sendMessage", kind="429", retry_after=1)
    emu.inject_fault("sendMessage", kind="500")
    await _queue(db, [(7, "a"), (7, "b")])
    assert await _drain(Dispatcher(db, bot, per_chat_interval=0.0), db) == {"sent": 2}
    assert sorted(_texts(emu, 7)) == ["a", "b"]


async def test_blocked_chat_is_undeliverable_and_a_coordinator_is_told(db, emu, bot):
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "x", "X")
        await create_user(conn, bid, 50, "王综合", [Role.COORDINATOR])
    emu.user(50, "王综合", started=True)
    emu.user(8, "u8", started=True).block()
    async with db.tx() as conn:
        await outbox.enqueue(conn, 8, {"text": "任务"}, key="k8", bureau_id=bid)
    counts = await _drain(Dispatcher(db, bot), db)
    assert counts == {"undeliverable": 1, "sent": 1}
    assert "8" in _texts(emu, 50)[0] and "屏蔽" in _texts(emu, 50)[0]


async def test_long_text_is_split_at_line_breaks(db, emu, bot):
    emu.user(9, "u9", started=True)
    text = "\n".join(f"第{i}行 " + "字" * 90 for i in range(100))
    await _queue(db, [(9, text)])
    await _drain(Dispatcher(db, bot, per_chat_interval=0.0), db)
    got = _texts(emu, 9)
    assert len(got) == len(split_text(text)) == 3
    assert "\n".join(got) == text and all(len(p) <= 4096 for p in got)


async def test_rows_interrupted_mid_send_are_not_resent_and_reported(db, emu, bot):
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "x", "X")
        await create_user(conn, bid, 60, "王综合", [Role.COORDINATOR])
        await outbox.enqueue(conn, 11, {"text": "任务"}, key="k11", bureau_id=bid)
        await conn.execute("UPDATE outbox SET status = 'sending' WHERE idempotency_key = 'k11'")
    emu.user(60, "王综合", started=True)
    emu.user(11, "u11", started=True)
    disp = Dispatcher(db, bot)
    assert await disp.recover() == 1
    counts = await _drain(disp, db)
    assert counts == {"failed": 1, "sent": 1}
    assert _texts(emu, 11) == []  # never sent twice: not resent at all
    assert "11" in _texts(emu, 60)[0]
