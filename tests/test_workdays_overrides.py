"""The override file (节假日调整文件): completing a missing year, local holidays, bad files."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.domain.workday_overrides import (
    OverrideDay,
    OverrideFile,
    OverrideFileError,
    YearOverride,
    load_overrides,
)
from bot.domain.workdays import CalendarYearMissing, DayType, WorkdayCalendar, load_calendar

D = date
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "workdays-override.example.yaml"

# TEST FIXTURE, MADE UP: a tiny fake "2027" so the completing path can be tested before the
# State Council publishes the real notice. Not the 2027 schedule; never copy it anywhere.
MADE_UP_2027_FIXTURE = """\
description: TEST FIXTURE ONLY - made-up days, not the State Council's 2027 notice
years:
  2027:
    notice: TEST FIXTURE (made up)
    complete: true
    holidays:
      - {date: 2027-01-01, name_zh: 元旦}
      - {date: 2027-02-08, name_zh: 测试假日, name_en: Test holiday}
    workdays:
      - 2027-02-06
"""


def _write(tmp_path: Path, text: str, name: str = "override.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def made_up_2027(tmp_path) -> WorkdayCalendar:
    return load_calendar(_write(tmp_path, MADE_UP_2027_FIXTURE))


def test_a_completing_override_answers_the_missing_year(made_up_2027):
    cal = made_up_2027
    assert cal.covers(2027)
    assert str(cal.kind(D(2027, 1, 1))) == "holiday 元旦 New Year's Day"  # English filled in
    assert str(cal.kind(D(2027, 2, 8))) == "holiday 测试假日 Test holiday"
    assert cal.kind(D(2027, 1, 2)).type is DayType.WEEKEND
    assert cal.kind(D(2027, 1, 4)).type is DayType.WORKDAY
    worked = cal.kind(D(2027, 2, 6))
    assert worked.is_workday and worked.adjusted and worked.notice == "TEST FIXTURE (made up)"
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 6)
    assert cal.add_workdays(D(2027, 2, 5), 2) == D(2027, 2, 9)
    assert cal.add_workdays(D(2027, 2, 9), -1) == D(2027, 2, 6)  # back over the holiday
    # The library still answers the years it knows.
    assert str(cal.kind(D(2026, 10, 1))) == "holiday 国庆节 National Day"


def test_the_next_missing_year_names_the_override_file(made_up_2027, tmp_path):
    with pytest.raises(CalendarYearMissing) as caught:
        made_up_2027.kind(D(2028, 1, 3))
    message = str(caught.value)
    assert caught.value.year == 2028
    assert f"add year 2028 to the override file {tmp_path / 'override.yaml'}" in message
    assert "国务院办公厅关于2028年部分节假日安排的通知" in message


def test_an_incomplete_year_is_still_missing(tmp_path):
    path = _write(
        tmp_path,
        """\
        years:
          2027:
            notice: a local notice
            holidays: [2027-03-10]
        """,
    )
    cal = load_calendar(path)
    assert not cal.covers(2027)
    with pytest.raises(CalendarYearMissing, match=str(path)):
        cal.is_workday(D(2027, 3, 11))


def test_local_holidays_layer_on_top_of_the_library():
    cal = load_calendar(EXAMPLE)
    plain = WorkdayCalendar()
    assert plain.is_workday(D(2025, 3, 31))
    assert str(cal.kind(D(2025, 3, 31))) == "holiday 肉孜节 Eid al-Fitr"
    assert str(cal.kind(D(2025, 6, 10))) == "holiday 古尔邦节 Eid al-Adha"
    assert plain.add_workdays(D(2025, 3, 28), 1) == D(2025, 3, 31)
    assert cal.add_workdays(D(2025, 3, 28), 1) == D(2025, 4, 1)
    assert cal.add_workdays(D(2025, 6, 5), 1) == D(2025, 6, 11)
    assert str(cal.kind(D(2025, 10, 1))) == "holiday 国庆节 National Day"  # untouched


def test_the_example_file_does_not_invent_a_national_year():
    example = load_overrides(EXAMPLE)
    assert example.completed_years() == frozenset()
    assert 2027 not in example.years


def test_an_extra_working_weekend_in_a_library_year_is_adjusted(tmp_path):
    path = _write(
        tmp_path,
        """\
        years:
          2026:
            notice: a local notice
            workdays:
              - {date: 2026-03-07, name_zh: 春节}
        """,
    )
    kind = load_calendar(path).kind(D(2026, 3, 7))
    assert str(kind) == "workday (adjusted: 春节 Spring Festival)"
    assert kind.notice == "a local notice"


def test_no_override_path_gives_the_library_calendar():
    cal = load_calendar(None)
    assert cal.override_path is None and cal.overrides.years == {}


BAD_FILES = [
    (
        """\
        years:
          2027:
            notice: n
            holidays: [2027-01-01]
            workdays:
              - 2027-01-01
        """,
        ":6: years.2027.workdays[0].date: 2027-01-01 is listed both as a holiday and as a "
        "working day",
    ),
    (
        """\
        years:
          2027:
            notice: n
            holidays:
              - 2027-01-01
              - {date: 2026-12-31}
        """,
        ":6: years.2027.holidays[1].date: 2026-12-31 is not in year 2027",
    ),
    (
        """\
        years:
          2027:
            notice: n
            holidays:
              - 20270101
        """,
        ":5: years.2027.holidays[0].date: expected a date YYYY-MM-DD, got 20270101",
    ),
    (
        """\
        years:
          2027:
            notice: n
            holidays:
              - 2027-02-30
        """,
        ":5: years.2027.holidays[0].date: not a valid date: '2027-02-30'",
    ),
    (
        """\
        years:
          2027:
            complete: true
        """,
        ":3: years.2027.notice: Field required",
    ),
    (
        """\
        years:
          2027:
            notice: n
            compleet: true
        """,
        ":4: years.2027.compleet: Extra inputs are not permitted",
    ),
    (
        """\
        years:
          2027: {notice: a}
          2027: {notice: b}
        """,
        ":3: key '2027' appears twice",
    ),
    (
        """\
        years:
          next: {notice: a}
        """,
        ":2: years.next: not a year",
    ),
    ("years: [2027\n", ":2: not valid YAML"),
    ("- 2027-01-01\n", ":1: expected a mapping with 'years:' at the top"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_FILES)
def test_bad_files_are_rejected_naming_file_line_and_field(tmp_path, text, fragment):
    path = _write(tmp_path, text)
    with pytest.raises(OverrideFileError) as caught:
        load_calendar(path)
    assert f"{path}{fragment}" in str(caught.value), str(caught.value)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(OverrideFileError, match="override file not found"):
        load_calendar(tmp_path / "nope.yaml")


def test_the_models_refuse_conflicts_when_built_directly():
    with pytest.raises(ValidationError, match="listed both"):
        OverrideFile(
            years={
                2027: YearOverride(
                    notice="n",
                    holidays=(OverrideDay(date=D(2027, 5, 1)),),
                    workdays=(OverrideDay(date=D(2027, 5, 1)),),
                )
            }
        )
