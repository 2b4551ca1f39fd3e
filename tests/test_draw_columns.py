"""The frame as columns (列式框架) against the plain definitions: bitmaps, PRN order, ranks."""

from __future__ import annotations

import hashlib
import random

import numpy as np

from bot.domain.draw.columns import bitmap, first_by_rank, prn_order, ranks_of
from bot.domain.draw.snapshot import encode_bitmap


def test_bitmap_from_positions_is_the_snapshot_encoding() -> None:
    rng = random.Random(3)
    for size in (0, 1, 7, 8, 9, 100, 1001):
        ids = [f"e{i:05d}" for i in range(size)]
        index = {s: i for i, s in enumerate(ids)}
        for share in (0.0, 0.3, 1.0):
            chosen = sorted(rng.sample(range(size), int(size * share)))
            expected = encode_bitmap([ids[p] for p in chosen], index, size)
            assert bitmap(np.array(chosen, dtype=np.int64), size) == expected


def test_prn_order_compares_digests_as_integers_and_breaks_ties_by_position() -> None:
    rng = random.Random(4)
    digests = [hashlib.sha256(bytes([i % 7])).digest() for i in range(40)]  # many ties
    digests += [rng.randbytes(32) for _ in range(200)]
    digests.append(b"\x00" * 31 + b"\x01")
    digests.append(b"\x00" * 32)
    expected = sorted(range(len(digests)), key=lambda p: (int.from_bytes(digests[p], "big"), p))
    order = prn_order(digests)
    assert order.tolist() == expected
    assert ranks_of(order)[order].tolist() == list(range(len(digests)))
    assert prn_order([]).tolist() == []
    distinct = [rng.randbytes(32) for _ in range(300)]  # no tie in the first 64 bits
    expected = sorted(range(300), key=lambda p: distinct[p])
    assert prn_order(distinct).tolist() == expected
    same_start = [b"\x07" * 8 + rng.randbytes(24) for _ in range(50)]  # ties only there
    assert prn_order(same_start).tolist() == sorted(range(50), key=lambda p: same_start[p])


def test_first_by_rank_takes_the_lowest_ranks_in_order() -> None:
    rng = random.Random(5)
    rank = np.array(rng.sample(range(500), 500), dtype=np.int64)
    members = np.array(sorted(rng.sample(range(500), 120)), dtype=np.int64)
    for count in (0, 1, 5, 119, 120, 200):
        assert first_by_rank(members, rank, count) == sorted(rank[members].tolist())[:count]
