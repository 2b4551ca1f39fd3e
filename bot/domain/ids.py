"""Numbers read from a person or a button: an id, an index, a version, a year."""

from __future__ import annotations

MAX_DIGITS = 9  # every id and index of ours is far below 10**9


def number(text: str | None, max_digits: int = MAX_DIGITS) -> int | None:
    """The non-negative integer `text` spells in ASCII digits, else None.

    `str.isdigit` is not enough: it takes "²" (which int() refuses) and "١٢" (which int() reads
    as 12), and twenty digits overflow SQLite's 64-bit integers."""
    t = text or ""
    return int(t) if t.isascii() and t.isdigit() and len(t) <= max_digits else None
