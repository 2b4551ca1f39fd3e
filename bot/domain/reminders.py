"""提醒与督办 (reminders and escalation): when to remind whom about a 时限 (deadline).

Pure: given a due date, the bureau's `BureauDeadlines` (working-day calendar, `DeadlineRules`,
`ReminderRules`, quiet hours, time zone) and `now`, `plan_reminders` returns the schedule as UTC
fire times. No I/O, no clock. The steps, for a deadline owned by inspectors (a visit):

* ``before``    the owner, `before_workdays` working days before the due date;
* ``on``        the owner, on the due date;
* ``overdue``   the coordinators (综合科), `overdue_after_workdays` working days after it;
* ``escalated`` the managers (督办), `escalate_after_workdays` working days after that, in
                their one daily digest.

Every step fires at `remind_at` local time; a fire time inside the quiet hours (免打扰时段)
moves to the end of the window. When a step's day falls in a year the working-day calendar
does not know, the day is estimated by counting Monday-Friday and the reminder is marked
provisional (`missing_year`), so scheduling never fails; the sweep re-plans it later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.domain.deadlines import DeadlineRules, Deadlines
from bot.domain.workdays import CalendarYearMissing, WorkdayCalendar

DEFAULT_TZ = "Asia/Shanghai"
DEFAULT_QUIET = "22:00-07:30"
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class Audience(StrEnum):
    """Who a reminder goes to: 执法人员 / 综合科 / 分管负责人."""

    INSPECTOR = "inspector"
    COORDINATOR = "coordinator"
    MANAGER = "manager"


class Step(StrEnum):
    """提醒步骤, in the order they fire: 到期前 / 到期当日 / 逾期 / 督办."""

    BEFORE = "before"
    ON = "on"
    OVERDUE = "overdue"
    ESCALATED = "escalated"

    @property
    def rank(self) -> int:
        """Position in the sequence; a later step supersedes an earlier one."""
        return list(Step).index(self)


class DeadlineKind(StrEnum):
    """时限 kinds, one per `Deadlines` method."""

    VISIT_DUE = "visit_due"
    RECORD_DUE = "record_due"
    PUBLICATION_DUE = "publication_due"
    RECTIFICATION_DUE = "rectification_due"
    MONTHLY_REPORT_DUE = "monthly_report_due"
    QUARTERLY_REPORT_DUE = "quarterly_report_due"
    ANNUAL_PLAN_DUE = "annual_plan_due"
    DRAW_DUE = "draw_due"


@dataclass(frozen=True, slots=True)
class Subject:
    """What a deadline is about: a visit (检查任务), a rectification, a report, a draw…"""

    kind: str
    id: str

    @classmethod
    def inspection(cls, inspection_id: int) -> Subject:
        """The subject of a visit's deadlines."""
        return cls("inspection", str(inspection_id))

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class ReminderRules(BaseModel):
    """提醒规则. The seed plans set no reminder times; these defaults are the project's choice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # 到期前提醒: working days before the due date; 0 = no early reminder.
    before_workdays: int = Field(default=3, ge=0, le=30)
    # 逾期通知综合科: working days after the due date.
    overdue_after_workdays: int = Field(default=1, ge=1, le=30)
    # 督办: working days after the coordinators were told.
    escalate_after_workdays: int = Field(default=2, ge=0, le=60)
    # Local time at which reminders and the managers' daily digest go out.
    remind_at: time = time(9, 0)


class DeadlineConfig(BaseModel):
    """The `SHUANGSUIJI_DEADLINES_FILE` YAML: ``deadlines:`` and ``reminders:`` sections."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadlines: DeadlineRules = Field(default_factory=DeadlineRules)
    reminders: ReminderRules = Field(default_factory=ReminderRules)


class DeadlineConfigError(ValueError):
    """The deadlines file is wrong; str() is one line naming the file, field and problem."""


def parse_config(text: str, source: str = "<deadlines>") -> DeadlineConfig:
    """Read the deadlines YAML text; an empty file means every default."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise DeadlineConfigError(f"{source}: not valid YAML: {exc}".replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise DeadlineConfigError(f"{source}: expected a mapping with deadlines: / reminders:")
    try:
        return DeadlineConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "?"
        raise DeadlineConfigError(f"{source}: {where}: {err['msg']}") from None


@dataclass(frozen=True, slots=True)
class QuietHours:
    """免打扰时段: a local window [start, end), across midnight when start > end; None = none."""

    start: time | None = None
    end: time | None = None

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """ "22:00-07:30", or "" for no quiet hours."""
        if not text:
            return cls()
        m = _WINDOW.match(text)
        if not m:
            raise ValueError(f"quiet hours must be HH:MM-HH:MM, got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, moment: time) -> bool:
        """Whether a local wall-clock time lies inside the window."""
        if self.start is None or self.end is None or self.start == self.end:
            return False
        moment = moment.replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def shift(self, local: datetime) -> datetime:
        """A local time inside the window moves to the window's end; others stay."""
        if not self.contains(local.timetz()):
            return local
        assert self.start is not None and self.end is not None
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=local.tzinfo)


@dataclass(frozen=True)
class BureauDeadlines(Deadlines):
    """A bureau's `Deadlines` plus when to remind: reminder rules, quiet hours, time zone."""

    reminder_rules: ReminderRules = field(default_factory=ReminderRules)
    quiet: QuietHours = field(default_factory=lambda: QuietHours.parse(DEFAULT_QUIET))
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))


def bureau_deadlines(deadlines: Deadlines | None) -> BureauDeadlines:
    """`deadlines` itself when it already knows the reminder rules, else it with the defaults."""
    if isinstance(deadlines, BureauDeadlines):
        return deadlines
    if deadlines is None:
        return BureauDeadlines(WorkdayCalendar())
    return BureauDeadlines(deadlines.calendar, deadlines.rules)


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """One step of a schedule: when (UTC) and for whom; `missing_year` marks an estimated day."""

    step: Step
    audience: Audience
    fire_at: datetime
    missing_year: int | None = None


def add_weekdays(day: date, n: int) -> date:
    """The n-th Monday-Friday after `day` (n < 0: before). Only for years without a calendar."""
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if day.weekday() < 5:
            remaining -= 1
    return day


def shift_workdays(calendar: WorkdayCalendar, day: date, n: int) -> tuple[date, int | None]:
    """`calendar.add_workdays(day, n)`, or a weekday estimate and the year the calendar lacks."""
    try:
        return calendar.add_workdays(day, n), None
    except CalendarYearMissing as exc:
        return add_weekdays(day, n), exc.year


def fire_time(day: date, policy: BureauDeadlines) -> datetime:
    """`remind_at` local time on `day`, out of the quiet hours, as an aware UTC datetime."""
    local = datetime.combine(day, policy.reminder_rules.remind_at, tzinfo=policy.tz)
    return policy.quiet.shift(local).astimezone(ZoneInfo("UTC"))


def step_days(due_on: date, policy: BureauDeadlines) -> list[tuple[Step, date, int | None]]:
    """The day of each step for a deadline due on `due_on` (estimated where marked)."""
    rules, cal = policy.reminder_rules, policy.calendar
    days: list[tuple[Step, date, int | None]] = []
    if rules.before_workdays:
        days.append((Step.BEFORE, *shift_workdays(cal, due_on, -rules.before_workdays)))
    days.append((Step.ON, due_on, None))
    overdue, missing = shift_workdays(cal, due_on, rules.overdue_after_workdays)
    days.append((Step.OVERDUE, overdue, missing))
    escalated, later = shift_workdays(cal, overdue, rules.escalate_after_workdays)
    days.append((Step.ESCALATED, escalated, missing or later))
    return days


AUDIENCE_OF_STEP = {Step.OVERDUE: Audience.COORDINATOR, Step.ESCALATED: Audience.MANAGER}


def plan_reminders(
    due_on: date,
    policy: Deadlines,
    *,
    owner: Audience = Audience.INSPECTOR,
    now: datetime | None = None,
) -> list[PlannedReminder]:
    """The schedule of one deadline. `owner` gets before/on; a `before` already past at `now`
    is dropped (the owner was just told of the work); later steps stay, so a deadline created
    late still reaches the coordinators and managers at the next sweep."""
    policy = bureau_deadlines(policy)
    planned = []
    for step, day, missing in step_days(due_on, policy):
        at = fire_time(day, policy)
        if step is Step.BEFORE and now is not None and at <= now:
            continue
        planned.append(PlannedReminder(step, AUDIENCE_OF_STEP.get(step, owner), at, missing))
    return planned


class _Due(Protocol):
    deadline_id: int
    recipient: str
    step: Step


D = TypeVar("D", bound=_Due)


def supersede(due: Iterable[D]) -> tuple[list[D], list[D]]:
    """Split reminders due together into (send, skip): for one deadline and one recipient only
    the latest step is sent (after downtime, "due today" replaces "due in 3 working days")."""
    latest: dict[tuple[int, str], D] = {}
    rows = list(due)
    for row in rows:
        key = (row.deadline_id, row.recipient)
        if key not in latest or row.step.rank > latest[key].step.rank:
            latest[key] = row
    keep = {id(r) for r in latest.values()}
    return [r for r in rows if id(r) in keep], [r for r in rows if id(r) not in keep]


class CountsWorkdays(Protocol):
    def workdays_between(self, start: date, end: date) -> int: ...


def workdays_left(calendar: CountsWorkdays, today: date, due_on: date) -> int | None:
    """Working days from tomorrow up to the due date; None when the calendar lacks a year."""
    try:
        return calendar.workdays_between(today, due_on)
    except CalendarYearMissing:
        return None


@dataclass
class WorkdayMemo:
    """A calendar that answers each day once: one sweep words many reminders about the same
    few days, and each chinesecalendar lookup costs tens of microseconds."""

    calendar: WorkdayCalendar
    known: dict[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        """`WorkdayCalendar.is_workday`, remembered."""
        if day not in self.known:
            self.known[day] = self.calendar.is_workday(day)
        return self.known[day]

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end], as `WorkdayCalendar.workdays_between` for end >= start."""
        if end < start:
            return self.calendar.workdays_between(start, end)
        return sum(
            self.is_workday(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )


def days_overdue(today: date, due_on: date) -> int:
    """Calendar days past the due date (0 on or before it): 逾期天数."""
    return max((today - due_on).days, 0)


def missing_years(planned: Sequence[PlannedReminder]) -> set[int]:
    """Years the calendar lacked while planning."""
    return {p.missing_year for p in planned if p.missing_year is not None}
