"""公证摇号 (public ceremony): the selection algorithm of RFC 3797, section 4, ported from its text.

Public sources (lottery numbers, stock volumes…) become one ASCII key string; the i-th random value
is MD5(counter || key || counter) with `counter` the 2-byte big-endian value of i (0, 1, 2, ...),
read as a 128-bit big-endian integer. With P entries left, the selected one is at position
(value mod P) + 1 of the remaining list, and is struck out before the next selection.

Canonical form of one source (RFC 3797 section 4, steps 1-3):
- every value is a non-negative decimal number written without leading zeros (a single "0" when
  the integer part is zero) and without trailing zeros after the decimal point;
- an integer value is terminated by a period ("12."); a value with a fractional part keeps its
  period between the whole and the fractional part and gets no extra one ("12.5");
- the values of one source are ordered from smallest to largest, concatenated and suffixed "/";
- the sources are concatenated in the order given.
Values may be separated by white space or commas (ASCII or full-width). Anything that is not a
number is rejected rather than guessed at.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

_NUMBER = re.compile(r"^(\d+)(?:\.(\d+))?$")
_SEPARATORS = re.compile(r"[\s,，、]+")
MAX_SELECTIONS = 1 << 16


@dataclass(frozen=True, slots=True)
class Pick:
    """One selection: its 1-based order, the MD5 value, the divisor, the chosen list position."""

    order: int
    md5_hex: str
    divisor: int
    position: int


def canonical_value(token: str) -> str:
    """One number in RFC 3797 form: "007" -> "7.", "2.50" -> "2.5", "0" -> "0."."""
    m = _NUMBER.match(token)
    if not m:
        raise ValueError(f"not a non-negative decimal number: {token!r}")
    whole = m.group(1).lstrip("0") or "0"
    fraction = (m.group(2) or "").rstrip("0")
    return f"{whole}.{fraction}" if fraction else f"{whole}."


def canonical_source(text: str) -> str:
    """One public source (e.g. "2 5 12 8 10") in RFC 3797 form ("2.5.8.10.12./")."""
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    if not tokens:
        raise ValueError("an empty public source")
    values = sorted((canonical_value(t) for t in tokens), key=lambda v: Decimal(v.rstrip(".")))
    return "".join(values) + "/"


def key_string(sources: Sequence[str]) -> str:
    """The key string of several sources, in the order given ("9319./2.5.8.10.12./...")."""
    return "".join(canonical_source(s) for s in sources)


def random_value(key: bytes, index: int) -> bytes:
    """The index-th MD5 value: MD5(index as 2 bytes big-endian || key || the same 2 bytes)."""
    if not 0 <= index < MAX_SELECTIONS:
        raise ValueError("RFC 3797 counts selections in two bytes (at most 65,536)")
    counter = index.to_bytes(2, "big")
    return hashlib.md5(counter + key + counter, usedforsecurity=False).digest()


def select(pool_size: int, key: str, count: int) -> list[Pick]:
    """Select `count` of `pool_size` entries (numbered from 1), in selection order."""
    if pool_size < 1 or not 0 <= count <= pool_size:
        raise ValueError(f"cannot select {count} of a pool of {pool_size}")
    if count > MAX_SELECTIONS:
        raise ValueError("RFC 3797 counts selections in two bytes (at most 65,536)")
    remaining = list(range(1, pool_size + 1))
    raw = key.encode("ascii")
    picks = []
    for i in range(count):
        digest = random_value(raw, i)
        divisor = len(remaining)
        position = remaining.pop(int.from_bytes(digest, "big") % divisor)
        picks.append(Pick(i + 1, digest.hex().upper(), divisor, position))
    return picks
