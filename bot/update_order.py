"""Update order (更新处理顺序): each chat's updates one at a time and in order, chats in parallel.

Handlers wait for Telegram's pace in their own chat (about one message a second), so processing
every update strictly in sequence would let one busy chat stall everyone. PTB's
`concurrent_updates(True)` drops the order within a chat, which a checklist needs (a quick second
tap must see the first tap's answer); this processor keeps it per chat and nothing more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_IDLE_LOCKS = 4096


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of one chat (or one user, when there is no chat) are handled in arrival order."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}

    def _lock(self, key: int) -> asyncio.Lock:
        if len(self._locks) > MAX_IDLE_LOCKS:
            for k, lock in list(self._locks.items()):
                if not lock.locked():
                    del self._locks[k]
        return self._locks.setdefault(key, asyncio.Lock())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = 0
        if isinstance(update, Update):
            chat, user = update.effective_chat, update.effective_user
            key = chat.id if chat else (user.id if user else 0)
        async with self._lock(key):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
