"""Deadlines (时限): each due date on the real 2024-2026 calendar; the rules' defaults, limits."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.domain.deadlines import CalendarRoll, DateWindow, DeadlineRules, Deadlines, add_months
from bot.domain.periods import Period
from bot.domain.workday_overrides import parse_overrides
from bot.domain.workdays import CalendarYearMissing, WorkdayCalendar

D = date
SEEDS = Path("/work/shared/seeds")


@pytest.fixture(scope="module")
def dl() -> Deadlines:
    return Deadlines(WorkdayCalendar())


def with_rules(**changes) -> Deadlines:
    return Deadlines(WorkdayCalendar(), DeadlineRules(**changes))


def test_defaults_are_the_seed_values():
    rules = DeadlineRules()
    assert rules.draw_window_workdays == 5  # 徐水 / 昌吉: 每季度结束前5个工作日内
    assert rules.record_workdays == 7  # 昌吉: 7个工作日内 填报
    assert rules.publication_workdays == 10  # 徐水: 10个工作日内 公开
    assert rules.rectification_months == 3  # 青岛: 3 个月内 整改
    assert rules.monthly_report_day == 5  # 青岛: 每月 5 日前 调度表
    assert rules.quarterly_report_days == 10  # 青岛: 每季度开始后 10 日内 季度报表
    assert (rules.annual_plan_month, rules.annual_plan_day, rules.annual_plan_year_offset) == (
        1,
        None,
        0,
    )  # 徐水: 1月底前
    assert rules.calendar_roll is CalendarRoll.NONE


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed plans not available")
def test_every_quotation_in_the_rules_is_in_a_seed():
    source = Path(__file__).resolve().parent.parent / "bot" / "domain" / "deadlines.py"
    comments = [
        line.strip().removeprefix("#")
        for line in source.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("#")
    ]
    # A quotation may wrap onto a "#   " continuation line.
    text = "\n".join(comments).replace("\n   ", "")
    quotes = re.findall(r'"([^"\n]*[\u4e00-\u9fff][^"\n]*)"', text)
    seeds = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    assert len(quotes) >= 8
    for quote in quotes:
        for part in quote.split("…"):
            assert part in seeds, part


@pytest.mark.parametrize(
    ("quarter", "opens", "closes"),
    [
        ("2024Q3", D(2024, 9, 25), D(2024, 9, 30)),  # includes the worked Sunday 09-29
        ("2026Q3", D(2026, 9, 23), D(2026, 9, 30)),  # skips 中秋节 09-25..27
        ("2025Q1", D(2025, 3, 25), D(2025, 3, 31)),
        ("2025Q4", D(2025, 12, 25), D(2025, 12, 31)),
    ],
)
def test_draw_window_is_the_last_five_working_days_of_the_quarter(dl, quarter, opens, closes):
    period = Period.parse(quarter)
    window = dl.draw_window(period.start, period.end)
    assert window == DateWindow(opens, closes)
    assert dl.draw_window_for(period.next()) == window
    assert closes in window and opens in window
    assert opens - timedelta(days=1) not in window and closes + timedelta(days=1) not in window


def test_draw_window_length_follows_the_rules():
    q = Period.parse("2024Q3")
    window = with_rules(draw_window_workdays=1).draw_window(q.start, q.end)
    assert window == DateWindow(D(2024, 9, 30), D(2024, 9, 30))


def test_visit_due_is_the_period_end(dl):
    assert dl.visit_due(D(2026, 9, 30)) == D(2026, 9, 30)
    assert dl.visit_due(D(2024, 6, 30)) == D(2024, 6, 30)  # a Sunday, kept as written
    assert with_rules(calendar_roll="previous_workday").visit_due(D(2024, 6, 30)) == D(2024, 6, 28)
    assert with_rules(calendar_roll="next_workday").visit_due(D(2024, 6, 30)) == D(2024, 7, 1)


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        (D(2024, 9, 27), D(2024, 10, 12)),  # 09-29 worked, 国庆节, ends on the worked 10-12
        (D(2025, 1, 24), D(2025, 2, 10)),  # 01-26 worked, 春节, 02-08 worked
        (D(2026, 3, 2), D(2026, 3, 11)),  # a plain fortnight
    ],
)
def test_record_due_counts_seven_working_days(dl, visit, due):
    assert dl.record_due(visit) == due


def test_publication_due_counts_ten_working_days(dl):
    assert dl.publication_due(D(2026, 9, 30)) == D(2026, 10, 20)
    assert dl.publication_due(D(2025, 9, 30)) == D(2025, 10, 21)


def test_working_day_deadlines_into_an_unknown_year_raise(dl):
    with pytest.raises(CalendarYearMissing, match="2027"):
        dl.record_due(D(2026, 12, 28))
    with pytest.raises(CalendarYearMissing, match="2027"):
        dl.draw_window_for(Period.parse("2027Q2"))


def test_a_completing_override_lets_deadlines_cross_the_year():
    # TEST FIXTURE, MADE UP: not the 2027 schedule.
    fixture = parse_overrides(
        "years:\n  2027:\n    notice: TEST FIXTURE (made up)\n    complete: true\n"
        "    holidays: [2027-01-01]\n"
    )
    dl = Deadlines(WorkdayCalendar(fixture))
    assert dl.record_due(D(2026, 12, 28)) == D(2027, 1, 7)  # 29 30 31 | 04 05 06 07


@pytest.mark.parametrize(
    ("ordered", "due"),
    [
        (D(2026, 1, 15), D(2026, 4, 15)),
        (D(2025, 11, 30), D(2026, 2, 28)),  # no 02-30: the month's last day
        (D(2023, 11, 30), D(2024, 2, 29)),
        (D(2026, 12, 1), D(2027, 3, 1)),  # calendar months need no holiday data
    ],
)
def test_rectification_due_is_three_calendar_months(dl, ordered, due):
    assert dl.rectification_due(ordered) == due


def test_rectification_due_can_roll_past_a_holiday_per_civil_code_203():
    rolled = with_rules(calendar_roll=CalendarRoll.NEXT_WORKDAY)
    assert rolled.rectification_due(D(2025, 7, 4)) == D(2025, 10, 9)  # 10-04 is 国庆节
    assert with_rules().rectification_due(D(2025, 7, 4)) == D(2025, 10, 4)


def test_monthly_report_due_is_the_fifth_of_the_next_month(dl):
    assert dl.monthly_report_due(Period.parse("2026-08")) == D(2026, 9, 5)
    assert dl.monthly_report_due("2026-12") == D(2027, 1, 5)
    assert dl.monthly_report_due("2026-09") == D(2026, 10, 5)  # inside 国庆节, as written
    rolled = with_rules(calendar_roll="next_workday")
    assert rolled.monthly_report_due("2026-09") == D(2026, 10, 8)
    assert rolled.monthly_report_due("2025-04") == D(2025, 5, 6)  # 05-05 is 劳动节
    with pytest.raises(ValueError, match="expected a month period"):
        dl.monthly_report_due("2026Q3")


def test_quarterly_report_due_is_ten_days_into_the_next_quarter(dl):
    assert dl.quarterly_report_due("2026Q3") == D(2026, 10, 10)
    assert dl.quarterly_report_due(Period.parse("2026Q4")) == D(2027, 1, 10)
    assert dl.quarterly_report_due("2026Q1") == D(2026, 4, 10)
    with pytest.raises(ValueError, match="expected a quarter period"):
        dl.quarterly_report_due("2026-09")


def test_annual_plan_due(dl):
    assert dl.annual_plan_due(2027) == D(2027, 1, 31)
    changji = with_rules(annual_plan_month=12, annual_plan_day=10, annual_plan_year_offset=-1)
    assert changji.annual_plan_due(2027) == D(2026, 12, 10)
    feb = with_rules(annual_plan_month=2, annual_plan_day=29)
    assert feb.annual_plan_due(2026) == D(2026, 2, 28)
    assert feb.annual_plan_due(2028) == D(2028, 2, 29)
    # 2028-01-31 is a Monday, 2026-01-31 a Saturday:
    assert with_rules(calendar_roll="previous_workday").annual_plan_due(2026) == D(2026, 1, 30)


@pytest.mark.parametrize(
    "changes",
    [
        {"draw_window_workdays": 0},
        {"record_workdays": -1},
        {"monthly_report_day": 31},
        {"annual_plan_month": 2, "annual_plan_day": 30},
        {"annual_plan_year_offset": 1},
        {"calendar_roll": "sideways"},
        {"publication_days": 10},
    ],
)
def test_rules_reject_bad_values(changes):
    with pytest.raises(ValidationError):
        DeadlineRules(**changes)


def test_rules_are_frozen_and_load_from_a_mapping():
    rules = DeadlineRules.model_validate({"record_workdays": 5, "calendar_roll": "next_workday"})
    assert rules.record_workdays == 5 and rules.calendar_roll is CalendarRoll.NEXT_WORKDAY
    with pytest.raises(ValidationError):
        rules.record_workdays = 9  # type: ignore[misc]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 10, 31), 3, D(2027, 1, 31)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 15), 12, D(2027, 5, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
