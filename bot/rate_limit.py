"""Rate limiting (限流) for every Bot API call: PTB's AIORateLimiter plus a per-private-chat pace.

PTB's limiter covers the overall rate (here 29 messages a second, one under Telegram's 30: see
`OVERALL_PER_SECOND`) and 20 a minute per group, but has no limit per private chat (PITFALLS);
Telegram allows about one message a second there, with short bursts. This adds a leaky bucket per
private chat for sends and edits, so a burst of replies to one inspector waits instead of
drawing a 429.

A 5xx answer or a failed connection is retried twice (0.5 s, 1 s): Telegram did not carry the call
out, so a handler's reply is not lost to a passing fault. A read time-out or a dropped connection
is not retried: the message may have gone out, and a retry could send it twice.

A call may pass `rate_limit_args=BeforeSend(hook, refused)`: `hook` runs once the limits let the
call go, right before each HTTP request, and `refused` when Telegram did not carry it out (429,
5xx, no connection) before the wait for a retry. The outbox marks a row `sending` in `hook` and
back `pending` in `refused`, so a crash while a row waits for its turn leaves it `pending` (sent
later), and only a crash during the request itself leaves it ambiguous.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

PACED = ("send", "edit", "copy", "forward")
MAX_IDLE_LIMITERS = 1024
# Overall sends a second: one under Telegram's 30. At exactly 30 the two buckets run level, so any
# jitter between the limiter's release and the request's arrival draws a 429, and each 429 stops
# every send for its retry_after (a second): 17-26 of them cost a broadcast of 1,000 about 10%.
OVERALL_PER_SECOND = 29
NETWORK_RETRIES = (0.5, 1.0)  # seconds before each retry of a call Telegram did not carry out
# Failures before a request has wholly left: Telegram cannot have carried it out.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)


def never_sent(exc: NetworkError) -> bool:
    """True when the request surely was not carried out: it never wholly left (no connection,
    none free, writing it failed), or Telegram answered with an error (5xx: PTB raises it
    without a cause, or from the unreadable HTML of a 502 page). A read time-out, a dropped
    connection or anything else unexplained is not: the message may have gone out.
    (BadRequest is Telegram refusing the call; it is never retried.)"""
    if isinstance(exc, BadRequest):
        return False
    cause = exc.__cause__
    return cause is None or isinstance(cause, (*NOT_SENT, TelegramError))


@dataclass(frozen=True)
class BeforeSend:
    """`rate_limit_args` for a call that must record that it is about to go out."""

    hook: Callable[[], Awaitable[None]]
    refused: Callable[[], Awaitable[None]] | None = None
    max_retries: int | None = None


def _around(
    callback: Callable[..., Coroutine[Any, Any, Any]], before: BeforeSend
) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def call(*args: Any, **kwargs: Any) -> Any:
        await before.hook()
        try:
            return await callback(*args, **kwargs)
        except (RetryAfter, NetworkError) as exc:
            if before.refused and (isinstance(exc, RetryAfter) or never_sent(exc)):
                await before.refused()
            raise

    return call


class ChatPacedRateLimiter(AIORateLimiter):
    """AIORateLimiter with at most `burst` messages per `burst` seconds in each private chat.

    `burst=0` switches the per-chat pace off (tests that send many messages in one chat and are
    not about pacing); the overall limit and the retries stay."""

    def __init__(self, *, burst: int = 3, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries, overall_max_rate=OVERALL_PER_SECOND)
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
        rate_limit_args: int | BeforeSend | None,
    ) -> Any:
        if isinstance(rate_limit_args, BeforeSend):
            callback = _around(callback, rate_limit_args)
            rate_limit_args = rate_limit_args.max_retries
        for pause in NETWORK_RETRIES:
            try:
                return await self._paced(callback, args, kwargs, endpoint, data, rate_limit_args)
            except NetworkError as exc:
                if not never_sent(exc):
                    raise
                await asyncio.sleep(pause)
        return await self._paced(callback, args, kwargs, endpoint, data, rate_limit_args)

    async def _paced(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        paced = endpoint.lower().startswith(PACED)
        if self._burst and isinstance(chat_id, int) and chat_id > 0 and paced:
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
