"""The per-private-chat pace: a burst of replies to one chat waits instead of drawing 429s; and
the overall pace: a broadcast to many chats stays under Telegram's 30 a second."""

from __future__ import annotations

import asyncio
import contextlib
import time

from telegram.error import RetryAfter
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.emulator import BotAPIEmulator
from bot.rate_limit import OVERALL_PER_SECOND, ChatPacedRateLimiter

TOKEN = "123456:PACE"


async def _burst(limiter, n: int, chats: int = 1) -> tuple[int, float]:
    """`n` messages sent at once, round-robin to `chats` chats (ids 5, 6, ...)."""
    async with BotAPIEmulator(token=TOKEN) as emu:
        for c in range(chats):
            emu.user(5 + c, f"u{5 + c}", started=True)
        bot = ExtBot(
            TOKEN,
            base_url=emu.base_url,
            base_file_url=emu.base_file_url,
            request=HTTPXRequest(http_version="1.1"),
            rate_limiter=limiter,
        )
        await bot.initialize()
        start = time.monotonic()
        with contextlib.suppress(RetryAfter):  # the unpaced run is expected to fail
            await asyncio.gather(*(bot.send_message(5 + i % chats, f"m{i}") for i in range(n)))
        elapsed = time.monotonic() - start
        await bot.shutdown()
        return emu.stats.too_many_requests, elapsed


async def test_paced_burst_has_no_429_and_keeps_telegram_pace():
    too_many, elapsed = await _burst(ChatPacedRateLimiter(), 6)
    assert too_many == 0
    assert elapsed >= 2.5  # 3 at once, then about one a second


async def test_without_the_pace_the_same_burst_draws_429():
    too_many, _ = await _burst(None, 6)
    assert too_many > 0


async def test_a_broadcast_to_many_chats_draws_no_429():
    # an opening burst of 29 (aiolimiter admits while level + 1 <= rate), then one a second
    # under Telegram's 30: jitter between the limiter and the emulator's bucket has room
    too_many, elapsed = await _burst(ChatPacedRateLimiter(), 80, chats=80)
    assert too_many == 0
    assert elapsed >= (80 - OVERALL_PER_SECOND) / OVERALL_PER_SECOND * 0.9
