"""WorkdayCalendar (工作日历) against the State Council holiday notices for 2024, 2025 and 2026.

The tables below are copied from the notices' text, not from chinesecalendar:
  2024: 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25)
  2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)
  2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from bot.domain.workdays import (
    HOLIDAY_NAMES,
    CalendarYearMissing,
    DayType,
    WorkdayCalendar,
    library_has_year,
)

D = date

# (first day, last day, Chinese name(s) allowed) for each 放假 stretch of the notice.
NOTICE_HOLIDAYS: dict[int, list[tuple[date, date, set[str]]]] = {
    2024: [
        (D(2024, 1, 1), D(2024, 1, 1), {"元旦"}),  # 一、1月1日放假，与周末连休
        (D(2024, 2, 10), D(2024, 2, 17), {"春节"}),  # 二、2月10日至17日放假调休
        (D(2024, 4, 4), D(2024, 4, 6), {"清明节"}),
        (D(2024, 5, 1), D(2024, 5, 5), {"劳动节"}),
        (D(2024, 6, 10), D(2024, 6, 10), {"端午节"}),  # 6月10日放假，与周末连休
        (D(2024, 9, 15), D(2024, 9, 17), {"中秋节"}),
        (D(2024, 10, 1), D(2024, 10, 7), {"国庆节"}),
    ],
    2025: [
        (D(2025, 1, 1), D(2025, 1, 1), {"元旦"}),
        (D(2025, 1, 28), D(2025, 2, 4), {"春节"}),
        (D(2025, 4, 4), D(2025, 4, 6), {"清明节"}),
        (D(2025, 5, 1), D(2025, 5, 5), {"劳动节"}),
        (D(2025, 5, 31), D(2025, 6, 2), {"端午节"}),
        (D(2025, 10, 1), D(2025, 10, 8), {"国庆节", "中秋节"}),  # 六、国庆节、中秋节 合并
    ],
    2026: [
        (D(2026, 1, 1), D(2026, 1, 3), {"元旦"}),
        (D(2026, 2, 15), D(2026, 2, 23), {"春节"}),
        (D(2026, 4, 4), D(2026, 4, 6), {"清明节"}),
        (D(2026, 5, 1), D(2026, 5, 5), {"劳动节"}),
        (D(2026, 6, 19), D(2026, 6, 21), {"端午节"}),
        (D(2026, 9, 25), D(2026, 9, 27), {"中秋节"}),
        (D(2026, 10, 1), D(2026, 10, 7), {"国庆节"}),
    ],
}

# 上班 weekends of the notice: date -> the holiday it belongs to.
NOTICE_WORKED_WEEKENDS: dict[date, str] = {
    D(2024, 2, 4): "春节",
    D(2024, 2, 18): "春节",
    D(2024, 4, 7): "清明节",
    D(2024, 4, 28): "劳动节",
    D(2024, 5, 11): "劳动节",
    D(2024, 9, 14): "中秋节",
    D(2024, 9, 29): "国庆节",
    D(2024, 10, 12): "国庆节",
    D(2025, 1, 26): "春节",
    D(2025, 2, 8): "春节",
    D(2025, 4, 27): "劳动节",
    D(2025, 9, 28): "国庆节",
    D(2025, 10, 11): "国庆节",
    D(2026, 1, 4): "元旦",
    D(2026, 2, 14): "春节",
    D(2026, 2, 28): "春节",
    D(2026, 5, 9): "劳动节",
    D(2026, 9, 20): "国庆节",
    D(2026, 10, 10): "国庆节",
}


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def _notice_holiday(day: date) -> set[str] | None:
    for first, last, names in NOTICE_HOLIDAYS[day.year]:
        if first <= day <= last:
            return names
    return None


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_of_the_year_matches_the_notice(cal, year):
    day = D(year, 1, 1)
    while day.year == year:
        names = _notice_holiday(day)
        kind = cal.kind(day)
        if day in NOTICE_WORKED_WEEKENDS:
            assert day.weekday() >= 5, day
            assert kind.type is DayType.WORKDAY and kind.adjusted, (day, kind)
            assert kind.name_zh == NOTICE_WORKED_WEEKENDS[day], (day, kind)
        elif names is not None:
            assert kind.type is DayType.HOLIDAY, (day, kind)
            assert kind.name_zh in names, (day, kind)
        elif day.weekday() >= 5:
            assert kind.type is DayType.WEEKEND, (day, kind)
        else:
            assert kind.type is DayType.WORKDAY and not kind.adjusted, (day, kind)
        assert cal.is_workday(day) is kind.is_workday
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2024, 2, 4), "workday (adjusted: 春节 Spring Festival)"),
        (D(2024, 2, 12), "holiday 春节 Spring Festival"),
        (D(2024, 10, 1), "holiday 国庆节 National Day"),
        (D(2024, 10, 5), "holiday 国庆节 National Day"),  # a Saturday inside the stretch
        (D(2024, 6, 8), "weekend"),  # 端午 "与周末连休": the weekend stays a weekend
        (D(2025, 10, 6), "holiday 中秋节 Mid-autumn Festival"),
        (D(2026, 1, 1), "holiday 元旦 New Year's Day"),
        (D(2026, 4, 6), "holiday 清明节 Tomb-sweeping Day"),
        (D(2026, 5, 1), "holiday 劳动节 Labour Day"),
        (D(2026, 6, 19), "holiday 端午节 Dragon Boat Festival"),
        (D(2026, 1, 12), "workday"),
    ],
)
def test_kind_text(cal, day, text):
    assert str(cal.kind(day)) == text


def test_every_library_holiday_has_a_chinese_name():
    assert {member.name for member in chinese_calendar.Holiday} <= set(HOLIDAY_NAMES)


def test_datetime_is_read_as_its_date(cal):
    assert cal.kind(datetime(2024, 10, 1, 23, 59)).type is DayType.HOLIDAY
    assert cal.add_workdays(datetime(2024, 9, 30, 8, 0), 1) == D(2024, 10, 8)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 9, 27), 1, D(2024, 9, 29)),  # Friday -> adjusted Sunday
        (D(2024, 9, 27), 2, D(2024, 9, 30)),
        (D(2024, 9, 27), 3, D(2024, 10, 8)),  # across 国庆节
        (D(2024, 9, 27), 7, D(2024, 10, 12)),  # ends on the adjusted Saturday
        (D(2024, 10, 1), 1, D(2024, 10, 8)),  # from a holiday: the next day counts as day 1
        (D(2024, 10, 5), 1, D(2024, 10, 8)),
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # Friday -> adjusted Sunday before 春节
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 2, 7), 1, D(2025, 2, 8)),  # Friday -> adjusted Saturday after 春节
        (D(2026, 12, 28), 3, D(2026, 12, 31)),
        (D(2024, 10, 8), -1, D(2024, 9, 30)),
        (D(2024, 10, 8), -2, D(2024, 9, 29)),  # counting back over an adjusted Sunday
        (D(2024, 10, 8), -3, D(2024, 9, 27)),
        (D(2025, 2, 10), -2, D(2025, 2, 7)),  # Monday back: 02-08 (Sat, worked), 02-07
        (D(2025, 2, 5), -1, D(2025, 1, 27)),
        (D(2024, 10, 3), 0, D(2024, 10, 3)),  # n = 0 returns the day, even a holiday
        (D(2027, 3, 3), 0, D(2027, 3, 3)),  # ... without needing the year
    ],
)
def test_add_workdays(cal, start, n, expected):
    assert cal.add_workdays(start, n) == expected


def test_add_workdays_and_workdays_between_are_inverse(cal):
    day = D(2024, 1, 1)
    while day < D(2026, 12, 1):
        for n in (-12, -5, -1, 1, 5, 12):
            target = cal.add_workdays(day, n)
            assert cal.is_workday(target)
            assert cal.workdays_between(day, target) == n, (day, n)
        day += timedelta(days=9)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2024, 9, 27), D(2024, 10, 12), 7),
        (D(2024, 10, 12), D(2024, 9, 27), -7),
        (D(2024, 10, 1), D(2024, 10, 7), 0),
        (D(2024, 10, 3), D(2024, 10, 3), 0),
        (D(2024, 12, 31), D(2025, 1, 2), 1),  # 01-01 元旦, 01-02 worked
        (D(2025, 1, 31), D(2024, 12, 31), -20),
    ],
)
def test_workdays_between(cal, start, end, count):
    assert cal.workdays_between(start, end) == count


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # 2024 Q3: Sunday 09-29 is worked, so it is one of the last five.
        (D(2024, 7, 1), D(2024, 9, 30), (D(2024, 9, 25), D(2024, 9, 26), D(2024, 9, 27),
                                         D(2024, 9, 29), D(2024, 9, 30))),
        # 2026 Q3: 中秋节 09-25..27 sits inside the last week.
        (D(2026, 7, 1), D(2026, 9, 30), (D(2026, 9, 23), D(2026, 9, 24), D(2026, 9, 28),
                                         D(2026, 9, 29), D(2026, 9, 30))),
        # 2025 Q4 ends on a Wednesday.
        (D(2025, 10, 1), D(2025, 12, 31), (D(2025, 12, 25), D(2025, 12, 26), D(2025, 12, 29),
                                           D(2025, 12, 30), D(2025, 12, 31))),
    ],
)  # fmt: skip
def test_last_workdays_of(cal, start, end, expected):
    assert cal.last_workdays_of(start, end, 5) == expected


def test_last_workdays_of_refuses_too_few_days(cal):
    with pytest.raises(ValueError, match="only 0 working days"):
        cal.last_workdays_of(D(2024, 10, 1), D(2024, 10, 7), 1)
    with pytest.raises(ValueError, match="at least 1"):
        cal.last_workdays_of(D(2024, 7, 1), D(2024, 9, 30), 0)


def test_chinesecalendar_signals_a_missing_year_with_not_implemented_error():
    """What the calendar relies on; if a release adds 2027 this test says so."""
    with pytest.raises(NotImplementedError, match="2027"):
        chinese_calendar.is_workday(D(2027, 1, 4))
    assert library_has_year(2026) and not library_has_year(2027)
    assert library_has_year(2004) and not library_has_year(2003)


@pytest.mark.parametrize("day", [D(2027, 1, 4), D(2027, 6, 5), D(2003, 12, 31)])
def test_unknown_year_raises_a_clear_error(cal, day):
    with pytest.raises(CalendarYearMissing) as caught:
        cal.kind(day)
    message = str(caught.value)
    assert caught.value.year == day.year
    assert f"no working-day calendar for {day.year}" in message
    assert f"国务院办公厅关于{day.year}年部分节假日安排的通知" in message
    assert "SHUANGSUIJI_WORKDAYS_OVERRIDE" in message
    assert "\n" not in message


def test_counting_into_an_unknown_year_raises_instead_of_guessing(cal):
    assert cal.add_workdays(D(2026, 12, 3), 20) == D(2026, 12, 31)
    with pytest.raises(CalendarYearMissing, match="2027"):
        cal.add_workdays(D(2026, 12, 4), 20)  # PITFALLS: already reaches 2027-01-04
    with pytest.raises(CalendarYearMissing, match="2027"):
        cal.is_workday(D(2027, 1, 1))
    with pytest.raises(CalendarYearMissing, match="2027"):
        cal.workdays_between(D(2026, 12, 30), D(2027, 1, 5))
    assert not cal.covers(2027) and cal.covers(2026)
