"""Candidate pools (候选人池) against plain lists: k-th member, removals, loads and caps."""

from __future__ import annotations

import random

from bot.domain.draw.canonical import canonical_json
from bot.domain.draw.frame import FrameEntity
from bot.domain.draw.pools import CapPools, FenwickPool
from bot.domain.draw.snapshot import _entities_json, entities_canonical


def _members(n: int) -> list[str]:
    return [f"i{k:03d}" for k in range(n)]


def test_fenwick_pool_finds_the_kth_present_member_as_a_list_would() -> None:
    rng = random.Random(5)
    for n in (0, 1, 2, 7, 64, 100):
        members = _members(n)
        flags = [rng.choice((0, 1, 1)) for _ in members]
        for start in (flags, [1] * n):  # the all-present pool is built another way
            pool = FenwickPool(members, {k: i for i, k in enumerate(members)}, start)
            present = [k for k, f in zip(members, start, strict=True) if f]
            for _ in range(60):
                assert pool.total == len(present)
                assert [pool.kth(k) for k in range(pool.total)] == present
                key = rng.choice(members) if members else None
                if key is None:
                    break
                if rng.random() < 0.6:
                    assert pool.remove(key) == (key in present)
                    present = [k for k in present if k != key]
                else:
                    pool.add(key)
                    present = sorted({*present, key})


def test_cap_pools_keep_each_cap_exact_and_the_lowest_load() -> None:
    rng = random.Random(9)
    members = _members(30)
    loads = {k: rng.randrange(3) for k in members if rng.random() < 0.5}
    group = CapPools(members, loads)
    for _ in range(300):
        cap = rng.randrange(1, 8)
        pool = group.pool(cap, loads)
        assert [pool.kth(k) for k in range(pool.total)] == [
            k for k in members if loads.get(k, 0) < cap
        ]
        assert group.low == min(loads.get(k, 0) for k in members)
        assert group.high == max(loads.get(k, 0) for k in members)
        key = rng.choice(members)
        load = loads.get(key, 0)
        loads[key] = load + 1
        group.moved(key, load)


def test_an_empty_group_says_nothing_about_caps() -> None:
    group = CapPools([], {})
    assert group.low == -1 and group.pool(1, {}).total == 0


def test_entities_section_written_directly_is_canonical_json() -> None:
    plain = [FrameEntity(s) for s in ("9113\\0001", 'a"b', "企业\n一", "\u2028x", "z\x01")]
    with_attrs = [*plain, FrameEntity("zz", {"region": "东城", "tag:行业": 'x"y'})]
    for entities in ([], plain, with_attrs):
        ordered = sorted(entities, key=lambda e: e.stable_id)
        assert entities_canonical(ordered) == canonical_json(_entities_json(ordered))


def test_all_eligible_behaves_as_the_frozenset_of_its_ids() -> None:
    from bot.domain.draw.frame import AllEligible, FrameGroup

    ids = tuple(f"e{i:03d}" for i in range(0, 60, 3))
    view, plain = AllEligible(ids), frozenset(ids)
    assert view == plain and plain == view and len(view) == len(plain)
    assert hash(view) == hash(plain)
    for probe in ("e000", "e003", "e001", "zzz", "", None, 3):
        assert (probe in view) == (probe in plain)
    assert view.intersection(["e003", "e004", "e057"]) == plain.intersection(
        ["e003", "e004", "e057"]
    )
    assert view - {"e000"} == plain - {"e000"} and set(view) == set(plain)
    other = ["e003", "x"]
    assert view.union(other) == plain.union(other)
    assert view.difference(other) == plain.difference(other)
    assert view.issubset(plain | {"x"}) and view.issuperset(["e003"]) and not view.issuperset(other)
    assert view.copy() == plain
    group = FrameGroup("g", 2, ids, ids)  # every eligible entity uncovered: the view
    assert isinstance(group.uncovered, AllEligible)
    assert group == FrameGroup("g", 2, ids, frozenset(ids))
