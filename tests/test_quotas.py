"""Quota rules: exact ratios, rounding up, spreading an annual floor, coverage cycles."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from bot.domain.periods import Period, PeriodKind
from bot.domain.quotas import (
    QuotaInput,
    QuotaRule,
    cycle_of,
    describe,
    period_floor,
    periods_of_year,
)
from bot.domain.ratios import ceil_fraction, parse_multiple, parse_share, percent_text

RULE = TypeAdapter(QuotaRule)


def rule(**fields):
    return RULE.validate_python(fields)


def q(label: str, population: int, uncovered: int | None = None, staff: int = 0, planned: int = 0):
    return QuotaInput(
        Period.parse(label), population, population if uncovered is None else uncovered,
        staff, planned,
    )  # fmt: skip


# --- exact ratios -----------------------------------------------------------------


def test_shares_are_exact_fractions():
    assert parse_share("7%") * 100 == 7  # 0.07 * 100 == 7.000000000000001 in floats
    assert ceil_fraction(parse_share("7%") * 100) == 7
    assert parse_share("0.25") == Fraction(1, 4) == parse_share("1/4") == parse_share("25％")
    assert parse_share(0.07) == Fraction(7, 100)
    assert percent_text(Fraction(1, 3)) == "33.33%" and percent_text(Fraction(1, 2)) == "50%"


@pytest.mark.parametrize("bad", ["0%", "101%", "abc", "1/0", True, None, "-5%"])
def test_bad_shares_are_refused(bad):
    with pytest.raises(ValueError):
        parse_share(bad)


def test_inspector_ratios_read_both_ways_of_writing():
    assert parse_multiple("1:10") == 10 == parse_multiple("1：10") == parse_multiple(10)
    assert parse_multiple("2:15") == Fraction(15, 2)
    assert parse_multiple("5") == 5
    with pytest.raises(ValueError):
        parse_multiple("0:10")


def test_thirty_percent_of_twenty_three_is_seven():
    r = rule(rule="share", share="30%")
    assert period_floor(r, q("2026Q1", 23)).quota == 7


@given(st.integers(1, 100), st.integers(0, 5000))
def test_a_share_is_the_smallest_whole_number_not_below_it(pct, pop):
    r = rule(rule="share", share=f"{pct}%")
    n = period_floor(r, q("2026Q1", pop)).quota
    assert n * 100 >= pct * pop and (n - 1) * 100 < pct * pop


# --- the other rules --------------------------------------------------------------


def test_count_and_all():
    assert period_floor(rule(rule="count", count=10, per="月"), q("2026-03", 40)).quota == 10
    capped = period_floor(rule(rule="count", count=10, per="month"), q("2026-03", 6))
    assert capped.quota == 6 and capped.target == 10 and capped.capped
    assert period_floor(rule(rule="all"), q("2026Q2", 17)).quota == 17


def test_per_inspector_spreads_the_annual_floor_by_cumulative_ceilings():
    # 1:10 with 23 inspectors = 230 a year: by Q1 ⌈57.5⌉ = 58, by Q2 115, by Q3 ⌈172.5⌉ = 173.
    r = rule(rule="per_inspector", ratio="1:10", per="quarter")
    planned, out = 0, []
    for p in periods_of_year(PeriodKind.QUARTER, 2026):
        n = period_floor(r, q(p.label, 500, staff=23, planned=planned)).quota
        out.append(n)
        planned += n
    assert out == [58, 57, 58, 57] and sum(out) == 230


def test_per_inspector_carries_a_capped_period_forward():
    r = rule(rule="per_inspector", multiple=5, per="quarter")  # 5 × 20 = 100 a year
    first = period_floor(r, q("2026Q1", 10, staff=20, planned=0))
    assert (first.quota, first.target) == (10, 25)
    second = period_floor(r, q("2026Q2", 100, staff=20, planned=10))
    assert second.quota == 40  # by Q2 at least 50 in total


@given(
    st.integers(1, 400),
    st.sampled_from(["1:10", "1:5", "3", "2:15"]),
    st.sampled_from(["month", "quarter", "half", "year"]),
)
def test_per_inspector_meets_the_annual_floor_when_the_group_is_big_enough(staff, ratio, per):
    r = rule(rule="per_inspector", ratio=ratio, per=per)
    annual = ceil_fraction(parse_multiple(ratio) * staff)
    planned = 0
    for p in periods_of_year(PeriodKind(per), 2026):
        planned += period_floor(r, q(p.label, 10**6, staff=staff, planned=planned)).quota
    assert planned == annual


def test_times_per_year_gives_each_entity_its_visits():
    r = rule(rule="times_per_year", times=2, per="quarter")
    assert cycle_of(r, Period.parse("2026Q2")).label == "2026H1"
    first = period_floor(r, q("2026Q1", 23))
    assert first.quota == 12  # ⌈2 × 23 / 4⌉
    second = period_floor(r, q("2026Q2", 23, uncovered=11))
    assert second.quota == 12


def test_times_per_year_must_divide_the_periods():
    with pytest.raises(ValidationError, match="cannot be spread evenly"):
        rule(rule="times_per_year", times=3, per="quarter")
    r = rule(rule="times_per_year", times=3, per="month")
    assert cycle_of(r, Period.parse("2026-06")).label == "2026-05..2026-08"


def test_a_coverage_cycle_raises_the_last_period_to_everyone_left():
    r = rule(rule="share", share="25%", per="quarter", cover_every="half")
    first = period_floor(r, q("2026Q1", 40))
    assert first.quota == 20  # ⌈40 uncovered / 2 periods left⌉ beats ⌈25% × 40⌉ = 10
    last = period_floor(r, q("2026Q2", 40, uncovered=20))
    assert last.quota == 20 and "20 uncovered / 1 period(s) left in 2026H1" in last.formula


def test_a_pure_coverage_rule():
    r = rule(rule="coverage", every="year", per="quarter")
    assert [period_floor(r, q(f"2026Q{i}", 30, uncovered=u)).quota for i, u in
            [(1, 30), (2, 22), (3, 14), (4, 7)]] == [8, 8, 7, 7]  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"rule": "share", "share": "10%", "per": "half", "cover_every": "quarter"},
        {"rule": "coverage", "every": "quarter", "per": "year"},
        {"rule": "coverage", "every": "half", "cover_every": "year"},
        {"rule": "per_inspector", "ratio": "1:10", "multiple": 5},
        {"rule": "per_inspector"},
        {"rule": "share", "share": "10%", "per": "fortnight"},
    ],
)
def test_inconsistent_rules_are_refused(fields):
    with pytest.raises(ValidationError):
        rule(**fields)


@given(
    st.integers(0, 300),
    st.sampled_from(["1%", "10%", "25%", "50%"]),
    st.sampled_from([("month", "quarter"), ("month", "year"), ("quarter", "half"),
                     ("quarter", "year"), ("half", "year")]),
)  # fmt: skip
def test_every_entity_is_visited_in_each_cycle(pop, share, kinds):
    """Drawing uncovered entities first and meeting each floor covers the whole group."""
    per, cycle = kinds
    r = rule(rule="share", share=share, per=per, cover_every=cycle)
    covered: set[int] = set()
    label = None
    for p in periods_of_year(PeriodKind(per), 2026):
        c = cycle_of(r, p)
        if c.label != label:
            if label is not None:
                assert covered == set(range(pop))
            covered, label = set(), c.label
        uncovered = [i for i in range(pop) if i not in covered]
        n = period_floor(r, q(p.label, pop, uncovered=len(uncovered))).quota
        assert n <= pop
        covered.update(uncovered[:n])
    assert covered == set(range(pop))


def test_rules_read_as_the_plan_prints_them():
    r = rule(rule="share", share="50%", per="季度", cover_every="半年")
    assert describe(r) == "每季度不低于50%，且每半年全覆盖"
    assert describe(r, "en") == "at least 50% each quarter, and every entity once each half-year"
    r = rule(rule="per_inspector", ratio="1:10", per="quarter")
    assert describe(r) == "年度抽查数不低于在岗执法人员数的10倍（1:10），每季度分摊"
