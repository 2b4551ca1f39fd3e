"""Broadcast of 1,000 assignments through the outbox to the emulator under Telegram's flood limits.

Measures the achieved rate against Telegram's ~30 messages a second overall, the 429s drawn, and
that every row was sent exactly once (issue 8 and issue 9; target: 27 messages a second or more,
none lost, none twice). `--unlimited` runs the same pipe without Telegram's limits (its own speed).

    .venv/bin/python bench/broadcast.py [--messages 1000] [--unlimited]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.emulator import BotAPIEmulator
from bot.outbox_dispatcher import Dispatcher
from bot.rate_limit import ChatPacedRateLimiter
from storage import outbox
from storage.db import Database

TOKEN = "123456:BROADCAST"
TELEGRAM_RATE = 30.0


@dataclass
class BroadcastResult:
    """What one broadcast achieved."""

    messages: int
    seconds: float
    too_many: int
    delivered: int
    duplicates: int

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


async def broadcast(n: int, workdir: Path, *, limited: bool = True) -> BroadcastResult:
    """Queue `n` assignment notices (one per inspector chat); time the dispatcher draining them.

    `limited=False` takes Telegram's limits away (no flood limits in the emulator, no rate
    limiter in the bot): the same pipe's own speed, the floor the limits are measured against.
    """
    db = await Database.open(workdir / f"broadcast-{'limited' if limited else 'free'}.db")
    limits = {} if limited else {"limits": None}
    async with BotAPIEmulator(token=TOKEN, **limits) as emu:
        for uid in range(1, n + 1):
            emu.user(100000 + uid, f"检查员{uid}", started=True)
        async with db.tx() as conn:
            for uid in range(1, n + 1):
                text = f"【检查任务】2026Q1 第{uid}号：请于 2026-03-31 前完成现场检查。"
                await outbox.enqueue(conn, 100000 + uid, {"text": text}, key=f"assign:{uid}")
        bot = ExtBot(
            TOKEN,
            base_url=emu.base_url,
            base_file_url=emu.base_file_url,
            request=HTTPXRequest(http_version="1.1", connection_pool_size=8),
            rate_limiter=ChatPacedRateLimiter() if limited else None,
        )
        await bot.initialize()
        disp = Dispatcher(db, bot)
        start = time.monotonic()
        sent = 0
        while sent < n:
            sent += await disp.run_once(limit=200)
        seconds = time.monotonic() - start
        await bot.shutdown()
        texts = Counter(
            (m.chat_id, m.text)
            for uid in range(1, n + 1)
            for m in emu.user(100000 + uid, "").messages
        )
        result = BroadcastResult(
            n, seconds, emu.stats.too_many_requests, len(texts), sum(c - 1 for c in texts.values())
        )
    await db.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--unlimited", action="store_true", help="without Telegram's limits")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(broadcast(args.messages, Path(tmp), limited=not args.unlimited))
    print("| messages | seconds | msg/s | ratio to 30/s | 429s | delivered | duplicates |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {r.messages} | {r.seconds:.1f} | {r.rate:.1f} | {r.rate / TELEGRAM_RATE:.2f} |"
        f" {r.too_many} | {r.delivered} | {r.duplicates} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
