"""Period (检查周期): parsing, bounds, labels, neighbours, hashing."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.domain.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2026-07", PeriodKind.MONTH, date(2026, 7, 1), date(2026, 7, 31), "2026-07"),
        ("2024-02", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2025-02", PeriodKind.MONTH, date(2025, 2, 1), date(2025, 2, 28), "2025-02"),
        ("2026Q1", PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 3, 31), "2026Q1"),
        ("2026Q3", PeriodKind.QUARTER, date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        ("2026q4", PeriodKind.QUARTER, date(2026, 10, 1), date(2026, 12, 31), "2026Q4"),
        ("2026H1", PeriodKind.HALF, date(2026, 1, 1), date(2026, 6, 30), "2026H1"),
        ("2026H2", PeriodKind.HALF, date(2026, 7, 1), date(2026, 12, 31), "2026H2"),
        (" 2026 ", PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_parse_bounds_and_label(text, kind, start, end, label):
    period = Period.parse(text)
    assert period.kind is kind
    assert (period.start, period.end) == (start, end)
    assert period.label == label == str(period)
    assert Period.parse(period.label) == period


@pytest.mark.parametrize(
    "text",
    ["", "2026Q5", "2026Q0", "2026H3", "2026-13", "2026-00", "2026-7", "26Q1", "2026 Q1", "Q3"],
)
def test_parse_rejects(text):
    with pytest.raises(ValueError, match="not a period"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("kind", "index"),
    [(PeriodKind.MONTH, 13), (PeriodKind.QUARTER, 0), (PeriodKind.HALF, 3), (PeriodKind.YEAR, 2)],
)
def test_constructor_rejects_out_of_range_index(kind, index):
    with pytest.raises(ValueError, match="out of range"):
        Period(kind, 2026, index)


def test_kind_given_as_string_is_normalised():
    assert Period("quarter", 2026, 3) == Period.parse("2026Q3")  # type: ignore[arg-type]
    assert Period("quarter", 2026, 3).kind is PeriodKind.QUARTER  # type: ignore[arg-type]


def test_frozen_and_hashable():
    period = Period.parse("2026Q3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.year = 2027  # type: ignore[misc]
    assert {period: 1}[Period(PeriodKind.QUARTER, 2026, 3)] == 1
    assert len({Period.parse("2026Q3"), Period.parse("2026Q3"), Period.parse("2026H2")}) == 2


def test_chinese_labels():
    assert Period.parse("2026-07").label_zh == "2026年7月"
    assert Period.parse("2026Q3").label_zh == "2026年第三季度"
    assert Period.parse("2026H1").label_zh == "2026年上半年"
    assert Period.parse("2026").label_zh == "2026年"


@pytest.mark.parametrize(
    ("kind", "day", "label"),
    [
        (PeriodKind.MONTH, date(2026, 12, 31), "2026-12"),
        (PeriodKind.QUARTER, date(2026, 9, 30), "2026Q3"),
        (PeriodKind.QUARTER, date(2026, 10, 1), "2026Q4"),
        (PeriodKind.HALF, date(2026, 6, 30), "2026H1"),
        (PeriodKind.HALF, date(2026, 7, 1), "2026H2"),
        (PeriodKind.YEAR, date(2026, 3, 3), "2026"),
    ],
)
def test_containing(kind, day, label):
    period = Period.containing(kind, day)
    assert period.label == label
    assert day in period


def test_contains_bounds_inclusive():
    q3 = Period.parse("2026Q3")
    assert date(2026, 7, 1) in q3
    assert date(2026, 9, 30) in q3
    assert date(2026, 6, 30) not in q3
    assert date(2026, 10, 1) not in q3
    assert "2026-07-01" not in q3


@pytest.mark.parametrize(
    ("label", "after", "before"),
    [
        ("2026Q4", "2027Q1", "2026Q3"),
        ("2026Q1", "2026Q2", "2025Q4"),
        ("2026-12", "2027-01", "2026-11"),
        ("2026-01", "2026-02", "2025-12"),
        ("2026H2", "2027H1", "2026H1"),
        ("2026", "2027", "2025"),
    ],
)
def test_next_and_previous(label, after, before):
    period = Period.parse(label)
    assert period.next().label == after
    assert period.previous().label == before
    assert period.next().previous() == period
    assert (period.next().start - period.end).days == 1
