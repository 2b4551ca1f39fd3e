"""Helpers for end-to-end tests: the real bot over HTTP against the loopback emulator."""

from __future__ import annotations

import re

from bot.harness import LocalBot

ADMIN = 100001
INVITE_LINK = re.compile(r"start=([A-Za-z0-9_-]+)")


async def invite(lb: LocalBot, args: str) -> str:
    """An admin's /invite in chat; returns the code from the deep link."""
    admin = lb.emu.user(ADMIN, "管理员")
    await admin.send(f"/invite {args}")
    reply = await admin.wait_reply(contains="start=")
    m = INVITE_LINK.search(reply.text or "")
    assert m, reply.text
    return m.group(1)


async def bind(lb: LocalBot, telegram_id: int, name: str, args: str):  # noqa: ANN201
    """Invite and bind a user; returns their FakeUser."""
    code = await invite(lb, args)
    user = lb.emu.user(telegram_id, name)
    await user.send(f"/start {code}")
    await user.wait_reply(contains=name)
    return user
