"""永久随机数 (permanent random numbers) and the per-seat inspector hash.

PRN(entity) = SHA-256(seed || UTF-8 stable id), read as a 256-bit big-endian integer. Entities are
ordered by PRN, then by stable id (a tie is astronomically unlikely but must still be decided).
Comparing the raw digests byte by byte is the same as comparing the integers, so the engine keeps
digests and never a float.

Seat hash(visit, role, seat) = SHA-256(seed || enc(visit id) || enc(role) || seat as 4 bytes
big-endian), read as an integer; it picks an inspector by remainder (see match.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from bot.domain.draw.seed import enc


def prn_digests(seed: bytes, stable_ids: Iterable[str]) -> dict[str, bytes]:
    """Each entity's PRN as its 32-byte digest (big-endian integer order = byte order)."""
    stable_ids = list(stable_ids)
    return dict(zip(stable_ids, prn_list(seed, stable_ids), strict=True))


def prn_list(seed: bytes, stable_ids: Iterable[str]) -> list[bytes]:
    """The PRN digests of the ids, in their order."""
    base = hashlib.sha256(seed)
    out: list[bytes] = []
    for sid in stable_ids:
        h = base.copy()
        h.update(sid.encode("utf-8"))
        out.append(h.digest())
    return out


def seat_value(seed: bytes, inspection_id: str, role: str, seat: int) -> int:
    """The random integer that fills one seat of a visit's team."""
    return seat_values(seed, inspection_id, role)(seat)


def seat_values(seed: bytes, inspection_id: str, role: str) -> Callable[[int], int]:
    """`seat_value` for one visit and role, as a function of the seat (the prefix is hashed once,
    at the first seat: most visits draw no expert seat at all)."""
    prefix: list = []

    def value(seat: int) -> int:
        if not prefix:
            prefix.append(hashlib.sha256(seed + enc(inspection_id) + enc(role)))
        h = prefix[0].copy()
        h.update(seat.to_bytes(4, "big"))
        return int.from_bytes(h.digest(), "big")

    return value
