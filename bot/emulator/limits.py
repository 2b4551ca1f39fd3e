"""Flood limits as token buckets: ~30 messages/s overall, ~1/s per private chat (burst 3),
20/minute per group or channel. A send or edit that finds any bucket empty is refused with
429 and `retry_after` = whole seconds until that bucket has a token again."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FloodLimits:
    """Rates and bursts; pass `limits=None` to the emulator to switch them off."""

    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20

    @classmethod
    def strict(cls) -> FloodLimits:
        """No bursts beyond one message: every pacing bug shows up at once."""
        return cls(global_burst=1, private_burst=1, group_burst=1)


@dataclass
class TokenBucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float = -1.0
    stamp: float = 0.0

    def _refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens, self.stamp = self.capacity, now
            return
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0 if now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


@dataclass
class FloodGate:
    """All buckets of one emulator; `admit` is atomic (no await inside)."""

    limits: FloodLimits | None
    clock: Callable[[], float] = time.monotonic
    _global: TokenBucket | None = None
    _chats: dict[int, TokenBucket] = field(default_factory=dict)

    def admit(self, chat_id: int, group: bool) -> int:
        """0 and one token taken from each bucket, or the retry_after in seconds (>= 1)."""
        lim = self.limits
        if lim is None:
            return 0
        now = self.clock()
        if self._global is None:
            self._global = TokenBucket(lim.global_burst, lim.global_per_second)
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = (
                TokenBucket(lim.group_burst, lim.group_per_minute / 60.0)
                if group
                else TokenBucket(lim.private_burst, lim.private_per_second)
            )
            self._chats[chat_id] = bucket
        wait = max(self._global.wait(now), bucket.wait(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.take()
        bucket.take()
        return 0

    def reset(self) -> None:
        self._global = None
        self._chats.clear()
