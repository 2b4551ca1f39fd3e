"""Statistical properties of the draw over a fixed list of seeds (deterministic: it never flakes).

Thresholds: every chi-square test rejects at the 1% level. Critical values are computed from the
regularised incomplete gamma function below, which is first checked against printed table values
(chi-square upper 1% points: df 9 -> 21.666, df 10 -> 23.209, df 50 -> 76.154; e.g. the
NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.4).

Inclusion counts of a simple random sample are not multinomial: each entity's count is
Binomial(S, p) and the counts are negatively correlated (each draw takes exactly q of N). With
covariance S p (1-p) N/(N-1) (I - J/N), the statistic
    X = (N-1)/N * sum((O - E)^2 / (E (1-p)))
follows chi-square with N-1 degrees of freedom under the null hypothesis.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from pathlib import Path

from bot.domain.draw import DrawResult, FrameGroup, FrameItem, run_draw
from tests.test_draw_fixtures import entities, frame_of, ids, one_item_frame, secret_for, staff

ALPHA = 0.01


def _q_gamma(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) (series / Lentz continued fraction)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > 1e-15 * abs(total):
            n += 1
            term *= x / n
            total += term
        return 1.0 - total * math.exp(log_front)
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = 1 / (an * d + b)
        c = b + an / c
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return math.exp(log_front) * h


def chi2_sf(x: float, df: int) -> float:
    """P(chi-square with df degrees of freedom > x)."""
    return _q_gamma(df / 2, x / 2)


def chi2_critical(df: int, alpha: float = ALPHA) -> float:
    """The upper alpha point, by bisection."""
    lo, hi = 0.0, df + 20 * math.sqrt(2 * df) + 50
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if chi2_sf(mid, df) > alpha else (lo, mid)
    return (lo + hi) / 2


def inclusion_statistic(counts: Counter, population: list[str], draws: int, take: int) -> float:
    n = len(population)
    p = take / n
    expected = draws * p
    total = sum((counts[s] - expected) ** 2 for s in population)
    return (n - 1) / n * total / (expected * (1 - p))


def test_critical_values_match_the_printed_tables() -> None:
    assert abs(chi2_critical(9) - 21.666) < 0.002
    assert abs(chi2_critical(10) - 23.209) < 0.002
    assert abs(chi2_critical(50) - 76.154) < 0.002


def test_each_entity_is_included_with_probability_quota_over_frame_size() -> None:
    ents = entities(51)
    frame = one_item_frame(ents, 17, staff("执法大队", 10))
    draws = 300
    counts = Counter(
        s for n in range(draws) for s in run_draw(frame, secret_for(n)).selections[0].selected
    )
    population = list(ids(ents))
    x = inclusion_statistic(counts, population, draws, 17)
    critical = chi2_critical(len(population) - 1)
    print(f"\ninclusion: X={x:.2f} (df {len(population) - 1}, 1% critical {critical:.3f})")
    assert x < critical
    biased = counts.copy()
    biased[population[0]] += 60  # what an entity always favoured would look like
    biased[population[1]] -= 60
    assert inclusion_statistic(biased, population, draws, 17) > critical


def test_inclusion_per_group_with_several_items_sharing_prns() -> None:
    key, general = entities(20, "K"), entities(60, "G")
    groups = (FrameGroup("key", 10, ids(key)), FrameGroup("general", 6, ids(general)))
    items = [
        FrameItem("water", "执法大队", groups),
        FrameItem("air", "监测站", (FrameGroup("general", 9, ids(general)),)),
    ]
    frame = frame_of(items, key + general, staff("执法大队", 12) + staff("监测站", 12))
    draws = 300
    counts: dict[tuple[str, str], Counter] = {}
    for n in range(draws):
        outcome = run_draw(frame, secret_for(10_000 + n))
        assert isinstance(outcome, DrawResult)
        for sel in outcome.selections:
            counts.setdefault((sel.item_id, sel.group_id), Counter()).update(sel.selected)
    for (item, group), population, take in [
        (("water", "key"), key, 10),
        (("water", "general"), general, 6),
        (("air", "general"), general, 9),
    ]:
        x = inclusion_statistic(counts[(item, group)], list(ids(population)), draws, take)
        assert x < chi2_critical(len(population) - 1), (item, group, x)


def test_half_a_quarter_with_uncovered_first_covers_every_key_entity_in_half_a_year() -> None:
    key = entities(101, "K")
    people = staff("执法大队", 10)
    quota = math.ceil(101 * 50 / 100)  # 徐水: 50% of key entities per quarter
    complete_without = 0
    for n in range(40):
        q1 = one_item_frame(key, quota, people)
        first = set(run_draw(q1, secret_for(2 * n)).selections[0].selected)
        q2 = one_item_frame(key, quota, people, uncovered=set(ids(key)) - first)
        second = set(run_draw(q2, secret_for(2 * n + 1)).selections[0].selected)
        assert first | second == set(ids(key))
        q2_plain = one_item_frame(key, quota, people)
        plain = set(run_draw(q2_plain, secret_for(2 * n + 1)).selections[0].selected)
        complete_without += first | plain == set(ids(key))
    assert complete_without == 0  # without the coverage cycle half a year leaves gaps


def test_inspectors_and_pairs_are_drawn_uniformly() -> None:
    people = staff("执法大队", 10)
    draws = 900
    single, pairs = Counter(), Counter()
    for n in range(draws):
        frame = one_item_frame(entities(1, f"S{n}-"), 1, people)
        team = run_draw(frame, secret_for(n)).inspections[0].inspectors
        single.update(team)
        pairs[frozenset(team)] += 1
    keys = [p.key for p in people]
    x = inclusion_statistic(single, keys, draws, 2)
    assert x < chi2_critical(9)
    all_pairs = [frozenset(c) for c in combinations(keys, 2)]
    expected = draws / len(all_pairs)
    y = sum((pairs[c] - expected) ** 2 / expected for c in all_pairs)
    print(f"\ninspectors: X={x:.2f} (df 9); pairs: X={y:.2f} (df {len(all_pairs) - 1})")
    assert y < chi2_critical(len(all_pairs) - 1)


# Three items of three departments over overlapping populations of 400 entities, 10% each:
# water: entities with i % 5 in {0, 1, 2} (240); air: all 400; waste: i % 10 in {0, 3, 7} (120).
JOINT_ITEMS = [
    ("water", "执法大队", lambda i: i % 5 in (0, 1, 2), 24),
    ("air", "监测站", lambda i: True, 40),
    ("waste", "固废科", lambda i: i % 10 in (0, 3, 7), 12),
]
JOINT_SEEDS = 50


def _joint_frame(items) -> tuple:
    ents = entities(400)
    frame_items = [
        FrameItem(i, d, (FrameGroup("g", q, tuple(e for k, e in enumerate(ids(ents)) if f(k))),))
        for i, d, f, q in items
    ]
    people = [p for _, d, _, _ in items for p in staff(d, 20)]
    return frame_of(frame_items, ents, people), ents


def joint_share_figures() -> dict[str, float]:
    """Visits and the share of joint inspections: shared PRNs versus independent draws per item."""
    frame, _ = _joint_frame(JOINT_ITEMS)
    shared_visits = shared_joint = indep_visits = indep_joint = 0
    for n in range(JOINT_SEEDS):
        result = run_draw(frame, secret_for(50_000 + n))
        shared_visits += len(result.inspections)
        shared_joint += result.joint_inspections
        hits: Counter = Counter()
        for j, spec in enumerate(JOINT_ITEMS):
            single, _ = _joint_frame([spec])
            hits.update(run_draw(single, secret_for(60_000 + 10 * n + j)).selections[0].selected)
        indep_visits += len(hits)
        indep_joint += sum(1 for c in hits.values() if c > 1)
    return {
        "shared_visits": shared_visits / JOINT_SEEDS,
        "shared_joint_share": shared_joint / shared_visits,
        "independent_visits": indep_visits / JOINT_SEEDS,
        "independent_joint_share": indep_joint / indep_visits,
    }


def test_shared_prns_merge_items_into_joint_visits() -> None:
    f = joint_share_figures()
    print(
        "\njoint inspections (3 items, 24 + 40 + 12 selections, 50 seeds): "
        f"shared PRNs {f['shared_visits']:.1f} inspections, {f['shared_joint_share']:.1%} joint; "
        f"independent draws {f['independent_visits']:.1f} inspections, "
        f"{f['independent_joint_share']:.1%} joint"
    )
    assert f["shared_visits"] < f["independent_visits"]
    assert f["shared_joint_share"] > 2 * f["independent_joint_share"]
    doc = (Path(__file__).resolve().parents[1] / "docs" / "draw-algorithm.md").read_text("utf-8")
    shared = (
        f"| shared PRNs (this algorithm) | {f['shared_visits']:.1f} "
        f"| {f['shared_joint_share']:.1%} |"
    )
    indep = (
        f"| independent draws per item | {f['independent_visits']:.1f} "
        f"| {f['independent_joint_share']:.1%} |"
    )
    assert shared in doc and indep in doc  # the figures recorded in docs/draw-algorithm.md
