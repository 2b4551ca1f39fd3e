"""One busy chat does not stall the others; one chat's updates stay in order."""

from __future__ import annotations

import asyncio
import time

from bot.harness import LocalBot
from tests.e2e_helpers import ADMIN


async def test_a_busy_chat_does_not_stall_another(tmp_path):
    async with LocalBot(tmp_path / "o.db", admin_ids=(ADMIN, 2)) as lb:
        busy, other = lb.emu.user(ADMIN, "甲"), lb.emu.user(2, "乙")
        for _ in range(12):  # twelve replies: about ten seconds of Telegram's pace in that chat
            await busy.send("/whoami")
        await asyncio.sleep(0.3)
        start = time.monotonic()
        await other.send("/whoami")
        await other.wait_reply(timeout=5)
        assert time.monotonic() - start < 3.0
        deadline = time.monotonic() + 20
        while len(busy.messages) < 12 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert len(busy.messages) == 12  # every one answered, in its chat's own order
