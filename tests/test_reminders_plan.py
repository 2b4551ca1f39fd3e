"""提醒 schedule (pure): working-day steps, quiet hours, catch-up, the config file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.deadlines import DeadlineRules, Deadlines
from bot.domain.reminders import (
    Audience,
    BureauDeadlines,
    DeadlineConfig,
    DeadlineConfigError,
    QuietHours,
    ReminderRules,
    Step,
    WorkdayMemo,
    bureau_deadlines,
    parse_config,
    plan_reminders,
    supersede,
    workdays_left,
)
from bot.domain.workdays import WorkdayCalendar
from bot.settings import SettingsError, load_settings

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkdayCalendar()


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def steps(planned) -> list[tuple[Step, Audience, datetime]]:
    return [(p.step, p.audience, p.fire_at.astimezone(SH)) for p in planned]


def test_default_schedule_counts_working_days_around_the_due_date():
    # Due Thursday 2026-12-10: 3 working days before = Monday 12-07; 1 after = Friday 12-11;
    # 2 working days after that = Tuesday 12-15 (the weekend does not count).
    planned = plan_reminders(date(2026, 12, 10), bureau_deadlines(Deadlines(CAL)))
    assert steps(planned) == [
        (Step.BEFORE, Audience.INSPECTOR, local(2026, 12, 7)),
        (Step.ON, Audience.INSPECTOR, local(2026, 12, 10)),
        (Step.OVERDUE, Audience.COORDINATOR, local(2026, 12, 11)),
        (Step.ESCALATED, Audience.MANAGER, local(2026, 12, 15)),
    ]
    assert all(p.fire_at.tzinfo is not None and p.missing_year is None for p in planned)


def test_holidays_and_adjusted_weekends_move_the_steps():
    # Due Tuesday 2025-09-30, before 国庆 (10-01..10-08 off; Sunday 09-28 and Saturday 10-11
    # are adjusted working days, 调休). Before: 09-29, 09-28 (Sunday, worked), 09-26. Overdue:
    # the first working day after, 10-09. 督办: 10-10, then Saturday 10-11.
    planned = plan_reminders(date(2025, 9, 30), Deadlines(CAL))
    days = [p.fire_at.astimezone(SH).date() for p in planned]
    assert days == [date(2025, 9, 26), date(2025, 9, 30), date(2025, 10, 9), date(2025, 10, 11)]


def test_a_before_step_already_past_is_dropped_but_late_steps_stay():
    now = local(2026, 12, 9, 12)
    planned = plan_reminders(date(2026, 12, 10), Deadlines(CAL), now=now)
    assert [p.step for p in planned] == [Step.ON, Step.OVERDUE, Step.ESCALATED]
    handed_over_late = plan_reminders(date(2026, 12, 1), Deadlines(CAL), now=now)
    assert [p.step for p in handed_over_late] == [Step.ON, Step.OVERDUE, Step.ESCALATED]


def test_coordinators_own_reports_and_rules_are_configurable():
    rules = ReminderRules(before_workdays=0, escalate_after_workdays=0, remind_at=time(8, 30))
    policy = BureauDeadlines(CAL, DeadlineRules(), reminder_rules=rules)
    planned = plan_reminders(date(2026, 12, 4), policy, owner=Audience.COORDINATOR)
    assert steps(planned) == [
        (Step.ON, Audience.COORDINATOR, local(2026, 12, 4, 8, 30)),
        (Step.OVERDUE, Audience.COORDINATOR, local(2026, 12, 7, 8, 30)),
        (Step.ESCALATED, Audience.MANAGER, local(2026, 12, 7, 8, 30)),
    ]


@pytest.mark.parametrize(
    ("window", "moment", "expected"),
    [
        ("22:00-07:30", local(2026, 12, 10, 23, 0), local(2026, 12, 11, 7, 30)),
        ("22:00-07:30", local(2026, 12, 10, 3, 15), local(2026, 12, 10, 7, 30)),
        ("22:00-07:30", local(2026, 12, 10, 22, 0), local(2026, 12, 11, 7, 30)),
        ("22:00-07:30", local(2026, 12, 10, 7, 30), local(2026, 12, 10, 7, 30)),
        ("22:00-07:30", local(2026, 12, 10, 21, 59), local(2026, 12, 10, 21, 59)),
        ("12:00-14:00", local(2026, 12, 10, 12, 30), local(2026, 12, 10, 14, 0)),
        ("12:00-14:00", local(2026, 12, 10, 23, 0), local(2026, 12, 10, 23, 0)),
        ("", local(2026, 12, 10, 23, 0), local(2026, 12, 10, 23, 0)),
    ],
)
def test_quiet_hours_move_a_time_to_the_end_of_the_window(window, moment, expected):
    assert QuietHours.parse(window).shift(moment) == expected


def test_a_reminder_due_at_23_00_is_planned_for_the_end_of_quiet_hours():
    policy = BureauDeadlines(CAL, reminder_rules=ReminderRules(remind_at=time(23, 0)))
    on = next(p for p in plan_reminders(date(2026, 12, 10), policy) if p.step is Step.ON)
    assert on.fire_at == local(2026, 12, 11, 7, 30).astimezone(UTC)


def test_quiet_hours_text_is_checked():
    with pytest.raises(ValueError):
        QuietHours.parse("22-7")


def test_a_missing_calendar_year_gives_an_estimated_day_not_an_error():
    # Due Thursday 2026-12-31: the steps after it fall in 2027, which chinesecalendar 1.11 lacks.
    planned = plan_reminders(date(2026, 12, 31), Deadlines(CAL))
    by_step = {p.step: p for p in planned}
    assert by_step[Step.ON].missing_year is None
    assert by_step[Step.OVERDUE].missing_year == 2027
    assert by_step[Step.OVERDUE].fire_at.astimezone(SH).date() == date(2027, 1, 1)  # a Friday
    assert by_step[Step.ESCALATED].fire_at.astimezone(SH).date() == date(2027, 1, 5)
    assert workdays_left(CAL, date(2026, 12, 30), date(2027, 1, 6)) is None


class Row:
    def __init__(self, deadline_id: int, recipient: str, step: Step) -> None:
        self.deadline_id, self.recipient, self.step = deadline_id, recipient, step


def test_after_downtime_only_the_latest_step_per_recipient_is_sent():
    rows = [
        Row(1, "inspector:7", Step.BEFORE),
        Row(1, "inspector:7", Step.ON),
        Row(1, "inspector:8", Step.BEFORE),
        Row(1, "coordinator", Step.OVERDUE),
        Row(2, "inspector:7", Step.BEFORE),
    ]
    send, skip = supersede(rows)
    assert [(r.deadline_id, r.recipient, r.step) for r in send] == [
        (1, "inspector:7", Step.ON),
        (1, "inspector:8", Step.BEFORE),
        (1, "coordinator", Step.OVERDUE),
        (2, "inspector:7", Step.BEFORE),
    ]
    assert skip == [rows[0]]


def test_config_file_sets_both_rule_sets_and_defaults_stay_the_seeds():
    config = parse_config(
        "deadlines:\n  record_workdays: 5\nreminders:\n  before_workdays: 2\n  remind_at: '08:45'\n"
    )
    assert config.deadlines.record_workdays == 5
    assert config.deadlines.publication_workdays == 10  # seed default kept
    assert config.reminders.before_workdays == 2
    assert config.reminders.remind_at == time(8, 45)
    assert parse_config("") == parse_config("{}")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("deadlines:\n  record_days: 5\n", "deadlines.record_days"),
        ("reminders:\n  before_workdays: -1\n", "reminders.before_workdays"),
        ("reminders: [1, 2\n", "not valid YAML"),
        ("- 1\n", "expected a mapping"),
    ],
)
def test_config_file_errors_name_the_field(text, fragment):
    with pytest.raises(DeadlineConfigError) as info:
        parse_config(text, "rules.yaml")
    assert str(info.value).startswith("rules.yaml: ") and fragment in str(info.value)


def test_deadlines_file_setting_is_validated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "rules.yaml"
    bad.write_text("reminders:\n  escalate_after_workdays: many\n", encoding="utf-8")
    monkeypatch.setenv("SHUANGSUIJI_DEADLINES_FILE", str(bad))
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith("setting SHUANGSUIJI_DEADLINES_FILE: ")
    assert "escalate_after_workdays" in str(info.value) and "\n" not in str(info.value)
    bad.write_text("reminders:\n  escalate_after_workdays: 4\n", encoding="utf-8")
    assert load_settings().deadlines_file == bad


def test_the_sweeps_memo_counts_working_days_as_the_calendar_does():
    memo = WorkdayMemo(CAL)
    for start, end in [
        (date(2025, 9, 25), date(2025, 10, 13)),  # 国庆 and two adjusted weekends
        (date(2026, 12, 7), date(2026, 12, 10)),
        (date(2026, 12, 10), date(2026, 12, 10)),
        (date(2026, 12, 10), date(2026, 12, 7)),
    ]:
        assert memo.workdays_between(start, end) == CAL.workdays_between(start, end)
    assert workdays_left(memo, date(2025, 9, 25), date(2025, 10, 13)) == 8


def test_the_example_file_holds_the_defaults():
    example = Path(__file__).resolve().parent.parent / "examples" / "deadlines.example.yaml"
    assert parse_config(example.read_text(encoding="utf-8"), str(example)) == DeadlineConfig()
