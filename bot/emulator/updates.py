"""The update queue behind getUpdates, with Telegram's semantics:

* `offset` confirms: every update with a smaller update_id is forgotten; a negative offset keeps
  only the last -offset updates.
* Long polling: with nothing pending the call waits up to `timeout` seconds for a new update.
* A newer getUpdates call terminates a waiting one with 409 Conflict (two bot instances).
* `allowed_updates` is remembered until changed; updates of other types are dropped.
* A redelivered update (same update_id, see `redeliver`) is delivered once more despite offsets.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from dataclasses import dataclass
from typing import Any

from bot.emulator.params import APIError, bad_request

DEFAULT_ALLOWED = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query", "poll",
        "poll_answer", "my_chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "purchased_paid_media",
    }
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@dataclass
class _Entry:
    update: dict[str, Any]
    forced: bool = False  # a redelivery: survives one offset confirmation

    @property
    def update_id(self) -> int:
        return self.update["update_id"]

    @property
    def type(self) -> str:
        return next(k for k in self.update if k != "update_id")


class UpdateQueue:
    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self._entries: list[_Entry] = []
        self._next_id = first_update_id
        self._allowed: frozenset[str] = DEFAULT_ALLOWED
        self._changed = asyncio.Event()
        self._poll_generation = 0
        self._closed = False
        self.delivered: list[dict[str, Any]] = []  # history, for redelivery

    # -- producer side -------------------------------------------------------------------------
    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._entries.append(_Entry(update))
        self._wake()
        return update

    def redeliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a copy of an already delivered update ahead of the pending ones."""
        again = copy.deepcopy(update)
        self._entries.insert(0, _Entry(again, forced=True))
        self._wake()
        return again

    def drop_pending(self) -> None:
        self._entries.clear()

    @property
    def pending(self) -> int:
        return len(self._entries)

    def close(self) -> None:
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # -- consumer side (getUpdates) -----------------------------------------------------------
    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._entries = [
                e for e in self._entries if e.update_id >= offset or e.forced
            ]
        elif offset < 0:
            self._entries = self._entries[offset:]

    def _take(self, limit: int) -> list[dict[str, Any]]:
        self._entries = [e for e in self._entries if e.type in self._allowed]
        batch = self._entries[:limit]
        for e in batch:
            e.forced = False  # delivered once more: the next offset confirms it
        self.delivered.extend(e.update for e in batch)
        return [e.update for e in batch]

    def set_allowed(self, allowed: Any) -> None:
        if allowed is None:
            return
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        self._allowed = frozenset(allowed) if allowed else DEFAULT_ALLOWED

    async def get(self, offset: int, limit: int, timeout: float) -> list[dict[str, Any]]:
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # a call still waiting sees the new generation and answers 409
        self._confirm(offset)
        batch = self._take(limit)
        if batch or timeout <= 0 or self._closed:
            return batch
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
            if generation != self._poll_generation:
                raise APIError(409, CONFLICT)
            if self._closed:
                return []
            batch = self._take(limit)
            if batch:
                return batch

    def terminate_pollers(self) -> None:
        """Make a waiting getUpdates answer 409, as a second instance would."""
        self._poll_generation += 1
        self._wake()
