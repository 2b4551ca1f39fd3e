"""The table of Bot API methods the emulator answers (method names are case-insensitive)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Method:
    name: str  # canonical spelling, e.g. "sendMessage"
    func: Callable[..., Any]
    is_async: bool


METHODS: dict[str, Method] = {}


def api_method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `func(emu, params) -> result` (or a coroutine function) as Bot API `name`."""

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        METHODS[name.lower()] = Method(name, func, inspect.iscoroutinefunction(func))
        return func

    return deco
