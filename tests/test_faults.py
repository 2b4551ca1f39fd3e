"""Faults the reliability table (docs/reliability.md) needs that other tests do not produce: a Bot
API that answers too late or drops the connection while the outbox sends, a crash while a row
waits for its turn, 429 and 5xx on a handler's own reply, and a re-delivered update."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.domain.models import Role
from bot.emulator import BotAPIEmulator
from bot.harness import TOKEN, LocalBot
from bot.outbox_dispatcher import Dispatcher
from bot.rate_limit import ChatPacedRateLimiter, never_sent
from bot.settings import load_settings
from storage import outbox
from storage.bureaus import ensure_bureau
from storage.users import create_user
from tests.inspection_world import ITEMS_FILE, make_world, new_visit

COORD = 70


@pytest.fixture
async def emu():
    async with BotAPIEmulator(token=TOKEN) as e:
        yield e


async def _bot(emu: BotAPIEmulator, read_timeout: float = 5.0) -> ExtBot:
    bot = ExtBot(
        TOKEN,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        request=HTTPXRequest(http_version="1.1", read_timeout=read_timeout),
        rate_limiter=ChatPacedRateLimiter(),
    )
    await bot.initialize()
    return bot


async def _one_row(db, emu: BotAPIEmulator, chat: int, text: str) -> int:
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "f", "F")
        await create_user(conn, bid, COORD, "王综合", [Role.COORDINATOR])
        await outbox.enqueue(conn, chat, {"text": text}, key=f"k{chat}", bureau_id=bid)
    emu.user(COORD, "王综合", started=True)
    emu.user(chat, "u", started=True)
    return bid


async def _drain(disp: Dispatcher, db, seconds: float = 20.0) -> dict[str, int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await disp.run_once()
        async with db.read() as conn:
            counts = await outbox.counts(conn)
        if not counts.get("pending") and not counts.get("sending"):
            return counts
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbox not drained: {counts}")


def _texts(emu: BotAPIEmulator, chat: int) -> list[str]:
    return [m.text for m in emu.user(chat, "u").messages]


async def test_an_answer_later_than_the_read_timeout_is_not_sent_twice(db, emu):
    """Telegram performs the send but answers after the client gave up: the row must not be sent
    again (it may have arrived); it is marked failed and a coordinator is told."""
    await _one_row(db, emu, 21, "任务通知")
    emu.inject_fault("sendMessage", kind="slow", delay=1.5)
    bot = await _bot(emu, read_timeout=0.5)
    try:
        counts = await _drain(Dispatcher(db, bot, per_chat_interval=0.0), db)
        await asyncio.sleep(1.5)  # the slow call lands after the client's time-out
    finally:
        await bot.shutdown()
    assert _texts(emu, 21) == ["任务通知"]  # once
    assert counts == {"failed": 1, "sent": 1}
    assert "21" in _texts(emu, COORD)[0]


async def test_a_dropped_connection_is_not_resent_and_is_reported(db, emu):
    """No answer at all (the emulator drops the connection, and does not send): the bot cannot
    tell this from a send whose answer was lost, so it does not resend; a coordinator is told."""
    await _one_row(db, emu, 22, "任务通知")
    emu.inject_fault("sendMessage", kind="timeout", delay=0.2)
    bot = await _bot(emu)
    try:
        counts = await _drain(Dispatcher(db, bot, per_chat_interval=0.0), db)
    finally:
        await bot.shutdown()
    assert _texts(emu, 22) == []
    assert counts == {"failed": 1, "sent": 1}
    assert "22" in _texts(emu, COORD)[0]


async def test_a_slow_answer_within_the_read_timeout_is_sent_once(db, emu):
    await _one_row(db, emu, 23, "任务通知")
    emu.inject_fault("sendMessage", kind="slow", delay=1.0)
    bot = await _bot(emu, read_timeout=5.0)
    try:
        counts = await _drain(Dispatcher(db, bot, per_chat_interval=0.0), db)
    finally:
        await bot.shutdown()
    assert _texts(emu, 23) == ["任务通知"] and counts == {"sent": 1}


async def test_a_502_from_the_front_is_retried_and_sent_once(db, emu):
    await _one_row(db, emu, 24, "任务通知")
    emu.inject_fault("sendMessage", kind="502")
    bot = await _bot(emu)
    try:
        counts = await _drain(Dispatcher(db, bot, per_chat_interval=0.0), db)
    finally:
        await bot.shutdown()
    assert _texts(emu, 24) == ["任务通知"] and counts == {"sent": 1}


async def _status_while_waiting(db, disp: Dispatcher, after: float) -> dict[str, int]:
    """The outbox's statuses `after` seconds into a dispatcher run (a crash at that moment would
    find them so), then the run is let finish."""
    task = asyncio.create_task(disp.run_once())
    await asyncio.sleep(after)
    async with db.read() as conn:
        seen = await outbox.counts(conn)
    await task
    return seen


async def test_a_row_waiting_for_the_chats_pace_is_still_pending(db, emu):
    """The row is marked `sending` only as its request leaves: a crash while it waits for the
    chat's pace leaves it `pending`, and it is sent after the restart (not lost as ambiguous)."""
    await _one_row(db, emu, 25, "任务通知")
    bot = await _bot(emu)
    try:
        for n in range(3):  # the handler's replies use up the chat's burst
            await bot.send_message(25, f"回复{n}")
        disp = Dispatcher(db, bot, per_chat_interval=0.0)
        waiting = await _status_while_waiting(db, disp, 0.4)
        counts = await _drain(disp, db)
    finally:
        await bot.shutdown()
    assert waiting == {"pending": 1} and counts == {"sent": 1}
    assert _texts(emu, 25)[-1] == "任务通知"


async def test_a_row_refused_with_429_is_pending_while_it_waits(db, emu):
    await _one_row(db, emu, 26, "任务通知")
    emu.inject_fault("sendMessage", kind="429", retry_after=1)
    bot = await _bot(emu)
    try:
        disp = Dispatcher(db, bot, per_chat_interval=0.0)
        waiting = await _status_while_waiting(db, disp, 0.5)
        counts = await _drain(disp, db)
    finally:
        await bot.shutdown()
    assert waiting == {"pending": 1} and counts == {"sent": 1}
    assert _texts(emu, 26) == ["任务通知"] and emu.stats.too_many_requests == 1


def _raised(exc: Exception, cause: BaseException | None) -> Exception:
    try:
        raise exc from cause
    except Exception as caught:  # noqa: BLE001
        return caught


@pytest.mark.parametrize(
    ("exc", "cause", "retry"),
    [
        (NetworkError("Internal Server Error"), None, True),  # Telegram answered 500
        (NetworkError("Bad Gateway (502)"), TelegramError("Invalid server response"), True),
        (NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"), True),
        (TimedOut(), httpx.ConnectTimeout("connect"), True),
        (TimedOut(), httpx.PoolTimeout("pool"), True),
        (TimedOut(), httpx.ReadTimeout("read"), False),  # it may have been sent
        (NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone"), False),
        (BadRequest("message is too long"), None, False),  # refused: retrying cannot help
    ],
)
def test_only_calls_telegram_surely_did_not_carry_out_are_retried(exc, cause, retry):
    assert never_sent(_raised(exc, cause)) is retry


# -- the real application: a handler's own reply, and a re-delivered update -------------------


@pytest.fixture
async def lb(tmp_path):
    settings = load_settings(
        bot_token=TOKEN,
        database_path=tmp_path / "bot.db",
        items_file=ITEMS_FILE,
        evidence_dir=tmp_path / "evidence",
        quiet_hours="",
    )
    async with LocalBot(settings.database_path, settings=settings) as bot:
        yield bot


async def _at_first_question(lb: LocalBot):  # noqa: ANN202
    """An inspector checked in at a visit, looking at its first question (是/否/不适用)."""
    world = await make_world(lb.db, bureau_id=lb.bureau_id)
    user = world.users["张三"]
    iid = await new_visit(lb.db, world, members=())
    u = lb.emu.user(user.telegram_id, "张三", started=True)
    await u.send(f"/tasks {iid}")
    await u.wait_reply(contains="检查对象")
    await u.tap("📍 签到")
    await u.wait_reply(contains="发送当前位置")
    await u.share_location(40.1894, 117.9659)
    question = await u.wait_reply(contains="第 1/")
    return u, iid, question


async def _rows(lb: LocalBot, sql: str, *args: object) -> list[tuple]:
    async with lb.db.read() as conn:
        return [tuple(r) for r in await conn.execute_fetchall(sql, args)]


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_arrives_once(lb):
    u, iid, question = await _at_first_question(lb)
    lb.emu.inject_fault("editMessageText", kind="429", retry_after=1)
    began = time.monotonic()
    await u.tap("是", message_id=question.message_id)
    edited = await u.wait_reply(wait_edit=True, contains="第 2/", timeout=10)
    assert time.monotonic() - began >= 1.0  # retry_after honoured
    assert edited.message_id == question.message_id and len(edited.edits) == 1
    assert lb.emu.stats.too_many_requests == 1


async def test_a_5xx_on_a_reply_is_retried_and_the_answer_is_kept_once(lb):
    u, iid, question = await _at_first_question(lb)
    lb.emu.inject_fault("editMessageText", kind="500")
    await u.tap("是", message_id=question.message_id)
    edited = await u.wait_reply(wait_edit=True, contains="第 2/", timeout=10)
    assert edited.message_id == question.message_id and len(edited.edits) == 1
    history = await _rows(lb, "SELECT question_id FROM answer_history WHERE inspection_id = ?", iid)
    assert history == [("permit",)]


async def test_a_redelivered_update_is_handled_once(lb):
    """Telegram delivers an update again when the bot died before confirming it: the second copy
    stops at the dedupe handler. Here a typed answer: handled twice, it would be taken as input
    to the next question (a button question: the bot would answer "please tap a button")."""
    world = await make_world(lb.db, bureau_id=lb.bureau_id)
    iid = await new_visit(lb.db, world, items=("positive-list-remote",), members=(), mode="offsite")
    u = lb.emu.user(world.users["张三"].telegram_id, "张三", started=True)
    await u.send(f"/tasks {iid}")
    await u.wait_reply(contains="检查对象")
    await u.tap("▶ 开始检查")
    await u.wait_reply(contains="第 1/")
    await u.tap("是")
    await u.wait_reply(wait_edit=True, contains="第 2/")
    await u.tap("是")  # exceedances: the number of hours follows
    await u.wait_reply(wait_edit=True, contains="超标小时数")
    await u.send("12")
    await u.wait_reply(contains="分表计电")
    events = len(lb.emu.transcript(u.chat_id))
    again = lb.emu.redeliver_last_update(u)
    assert again["message"]["text"] == "12"
    await asyncio.sleep(1.5)
    assert lb.emu.transcript(u.chat_id)[events:] == []  # no reply at all
    seen = await _rows(
        lb, "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", again["update_id"]
    )
    history = await _rows(
        lb,
        "SELECT question_id, value_json FROM answer_history WHERE inspection_id = ? ORDER BY id",
        iid,
    )
    assert seen == [(1,)] and [q for q, _ in history] == [
        "online-data",
        "exceedance",
        "exceedance-hours",
    ]
    await u.tap("正常")  # and the bot carries on
    await u.wait_reply(wait_edit=True, contains="排污许可执行报告")
