"""The synthetic bureau (合成分局): deterministic, valid, and shaped like a real county."""

from __future__ import annotations

import time
from collections import Counter
from itertools import islice

from bot.domain.credit_code import credit_code_error
from bot.domain.models import Category, EntityKind, EntityStatus, InspectorKind, PermitClass
from bot.domain.synthetic import (
    INDUSTRIES,
    ZUNHUA,
    generate_entities,
    generate_inspectors,
    iter_entities,
    org_check,
)

N = 5000


def test_same_seed_same_bureau_other_seed_other_bureau():
    assert generate_entities(3, 300) == generate_entities(3, 300)
    assert generate_entities(3, 300) != generate_entities(4, 300)
    ids = [e.stable_id for e in generate_entities(3, 300)]
    assert generate_inspectors(3, 40, ids) == generate_inspectors(3, 40, ids)


def test_credit_codes_are_valid_unique_and_local():
    entities = generate_entities(1, N)
    codes = [e.credit_code for e in entities if e.credit_code]
    assert len(codes) == len(set(codes)) > 0.9 * N
    assert all(credit_code_error(c) is None for c in codes)
    assert all(c[2:8] == ZUNHUA.division for c in codes)
    assert all(org_check(c[8:16]) == c[16] for c in codes)  # the embedded 组织机构代码 too
    assert len({e.stable_id for e in entities}) == N


def test_org_check_matches_a_published_example():
    # GB 11714-1997 worked example: D2143569 -> check digit X
    assert org_check("D2143569") == "X"


def test_proportions_and_consistency():
    entities = generate_entities(2, N)
    enterprises = [e for e in entities if e.kind is EntityKind.ENTERPRISE]
    share = Counter(e.category for e in enterprises)
    assert abs(share[Category.GENERAL] / len(enterprises) - 0.70) < 0.03
    assert abs(share[Category.KEY] / len(enterprises) - 0.20) < 0.03
    assert abs(share[Category.SPECIAL] / len(enterprises) - 0.10) < 0.02
    key = [e for e in enterprises if e.category is Category.KEY]
    assert sum(e.permit_class is PermitClass.KEY for e in key) > 0.75 * len(key)
    general = [e for e in enterprises if e.category is Category.GENERAL]
    assert not any(e.permit_class is PermitClass.KEY for e in general)
    for e in enterprises:
        if e.category is Category.SPECIAL:
            assert e.last_violation_on or e.verified_complaints or e.supervised_rectification
            assert not e.positive_list
    assert 0.05 < sum(e.positive_list for e in enterprises) / len(enterprises) < 0.12
    codes = {i.code for i in INDUSTRIES}
    assert {e.industry_code for e in enterprises} <= codes
    assert {e.region for e in entities} <= set(ZUNHUA.towns)


def test_non_enterprises_statuses_and_positions():
    entities = generate_entities(2, N)
    kinds = Counter(e.kind for e in entities)
    assert kinds[EntityKind.WATER_SOURCE] and kinds[EntityKind.NATURE_RESERVE]
    for e in entities:
        if e.kind is not EntityKind.ENTERPRISE:
            assert e.credit_code is None and e.stable_id.split("-")[1] == ZUNHUA.division
        if e.kind is EntityKind.CONSTRUCTION_PROJECT:
            assert len(e.tags["竣工日期"]) == 10
        if e.status in (EntityStatus.CLOSED, EntityStatus.EXCLUDED):
            assert e.status_reason and e.status_decided_by
        lat, lon = ZUNHUA.centre
        assert abs(e.latitude - lat) < 0.5 and abs(e.longitude - lon) < 0.5
    statuses = Counter(e.status for e in entities)
    assert statuses[EntityStatus.EXCLUDED] and statuses[EntityStatus.CLOSED]
    assert statuses[EntityStatus.OPERATING] > 0.85 * N


def test_inspectors():
    ids = [e.stable_id for e in generate_entities(1, 200)]
    inspectors = generate_inspectors(1, 60, ids)
    keys = [i.key for i in inspectors]
    assert len(set(keys)) == 60
    experts = [i for i in inspectors if i.kind is InspectorKind.EXPERT]
    assert experts and all(i.expert_id and not i.certificate_no for i in experts)
    assert all(i.certificate_no for i in inspectors if i.kind is InspectorKind.STAFF)
    assert any(not i.active for i in inspectors)
    recusals = [r for i in inspectors for r in i.recusals]
    assert recusals and all(r.entity_stable_id in ids for r in recusals)
    assert {d for i in inspectors for d in [i.department]} >= {"执法大队一中队", "专家库"}
    assert all(i.expertise for i in inspectors)


def test_a_province_sized_registry_streams():
    """1.4 million entities are a generator away: the first ones come at once, nothing is built
    ahead, and each costs tens of microseconds."""
    start = time.perf_counter()
    stream = iter_entities(9, 1_400_000)
    first = list(islice(stream, 2000))
    assert len(first) == 2000
    assert time.perf_counter() - start < 5
    assert first == generate_entities(9, 2000)
