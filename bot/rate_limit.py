"""Rate limiting (限流) for every Bot API call: PTB's AIORateLimiter plus a per-private-chat pace.

PTB's limiter covers ~30 messages a second overall and 20 a minute per group, but has no limit per
private chat (PITFALLS); Telegram allows about one message a second there, with short bursts. This
adds a leaky bucket per private chat for sends and edits, so a burst of replies to one inspector
waits instead of drawing a 429.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

PACED = ("send", "edit", "copy", "forward")
MAX_IDLE_LIMITERS = 1024


class ChatPacedRateLimiter(AIORateLimiter):
    """AIORateLimiter with at most `burst` messages per `burst` seconds in each private chat."""

    def __init__(self, *, burst: int = 3, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self._burst = burst
        self._chats: dict[int, AsyncLimiter] = {}

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chats) > MAX_IDLE_LIMITERS:
            for key, lim in list(self._chats.items()):
                if lim.has_capacity(lim.max_rate):
                    del self._chats[key]
        if chat_id not in self._chats:
            # 10% under one a second, so clock skew against Telegram's own bucket never bites
            self._chats[chat_id] = AsyncLimiter(self._burst, self._burst * 1.1)
        return self._chats[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0 and endpoint.lower().startswith(PACED):
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
