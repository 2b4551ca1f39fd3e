"""时限 (deadlines) of the double-random, one-public cycle, computed on the working-day calendar.

`DeadlineRules` holds the numbers; each default is quoted from one of the seed plans (shared
seeds/*.txt). A bureau whose plan says otherwise overrides the field. `Deadlines` turns the
rules and a `WorkdayCalendar` into due dates. A due date is the last day on which the work is
on time (inclusive). Working-day counts start the day after the event (see workdays.py).

Pure: no I/O, no clock.
"""

from __future__ import annotations

import calendar as _month_lengths
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.periods import Period, PeriodKind
from bot.domain.workdays import WorkdayCalendar


class CalendarRoll(StrEnum):
    """What to do when a calendar-day deadline (not a working-day count) falls on a day off."""

    NONE = "none"  # keep the date as the plan writes it
    # 《民法典》第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。
    NEXT_WORKDAY = "next_workday"
    PREVIOUS_WORKDAY = "previous_workday"  # finish before the day off


class DeadlineRules(BaseModel):
    """The bureau's 时限 settings. Defaults are quoted from the seed plans."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # 徐水 2020 二(三): "随机抽查计划应于每季度结束前5个工作日内采用摇号方式
    #   确定下一季度随机抽查对象及数量";
    # 昌吉 2015 三(四): "并于每季度结束前5个工作日内，确定下一季度被抽查单位名单".
    draw_window_workdays: int = Field(default=5, ge=1, le=60)
    # 昌吉 2015 四(二): "现场抽查工作结束后，实施抽查的环保部门要在7个工作日内
    #   将抽查结果填报移动执法信息库".
    record_workdays: int = Field(default=7, ge=1, le=120)
    # 徐水 2020 二(五): "二是每月抽查结束之日起10个工作日内，由市生态环境局官方网站
    #   向社会公开随机抽查结果及环境违法行为查处情况".
    publication_workdays: int = Field(default=10, ge=1, le=120)
    # 青岛西海岸 2020 四: "原则上 3 个月内完成环境问题及环境违法行为整改".
    rectification_months: int = Field(default=3, ge=1, le=36)
    # 青岛西海岸 2020 五: "每月 5 日前报送上月随机抽查工作调度表".
    monthly_report_day: int = Field(default=5, ge=1, le=28)
    # 青岛西海岸 2020 五: "每季度开始后 10 日内报送季度报表".
    quarterly_report_days: int = Field(default=10, ge=1, le=89)
    # 徐水 2020 二(五): "一是1月底前公开本年度确定的列入随机抽查日常监管污染源名单"
    #   (annual_plan_day None = the month's last day).
    # 昌吉 2015 instead: "每年12月10日前…确定下一年度被抽查单位数量"
    #   = month 12, day 10, year offset -1.
    annual_plan_month: int = Field(default=1, ge=1, le=12)
    annual_plan_day: int | None = Field(default=None, ge=1, le=31)
    annual_plan_year_offset: int = Field(default=0, ge=-1, le=0)
    # Applies to the calendar-day deadlines: visit, rectification, reports, annual plan.
    calendar_roll: CalendarRoll = CalendarRoll.NONE

    @model_validator(mode="after")
    def _plan_day_exists(self) -> DeadlineRules:
        day = self.annual_plan_day
        if day is not None and day > _month_lengths.monthrange(2000, self.annual_plan_month)[1]:
            raise ValueError(
                f"annual_plan_day {day} does not exist in month {self.annual_plan_month}"
            )
        return self


@dataclass(frozen=True, slots=True)
class DateWindow:
    """A span of days, both ends included, e.g. the 摇号 window."""

    opens: date
    closes: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.opens <= day <= self.closes


def add_months(day: date, months: int) -> date:
    """《民法典》第二百零二条: the corresponding day of the due month, or its last day if none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_lengths.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _as_period(value: Period | str, kind: PeriodKind) -> Period:
    period = Period.parse(value) if isinstance(value, str) else value
    if period.kind is not kind:
        raise ValueError(f"expected a {kind.value} period, got {period.label} ({period.kind})")
    return period


@dataclass(frozen=True)
class Deadlines:
    """Due dates for one bureau: its calendar and its rules."""

    calendar: WorkdayCalendar
    rules: DeadlineRules = field(default_factory=DeadlineRules)

    def _roll(self, day: date) -> date:
        roll = self.rules.calendar_roll
        if roll is CalendarRoll.NONE or self.calendar.is_workday(day):
            return day
        return self.calendar.add_workdays(day, 1 if roll is CalendarRoll.NEXT_WORKDAY else -1)

    def draw_window(self, period_start: date, period_end: date) -> DateWindow:
        """摇号 window for the period *after* [period_start, period_end].

        The next period's draw happens within the last `draw_window_workdays` working days
        before this period ends ("每季度结束前5个工作日内").
        """
        days = self.calendar.last_workdays_of(
            period_start, period_end, self.rules.draw_window_workdays
        )
        return DateWindow(days[0], days[-1])

    def draw_window_for(self, period: Period) -> DateWindow:
        """摇号 window for drawing `period` itself: the end of the period before it."""
        before = period.previous()
        return self.draw_window(before.start, before.end)

    def visit_due(self, period_end: date) -> date:
        """检查任务: each visit is done by its period's end.

        徐水 2020 二(三): "严格按照抽查计划按时完成季度随机抽查任务".
        """
        return self._roll(period_end)

    def record_due(self, visit_date: date) -> date:
        """检查结果录入: the record is entered within `record_workdays` working days."""
        return self.calendar.add_workdays(visit_date, self.rules.record_workdays)

    def publication_due(self, completed_on: date) -> date:
        """结果公开: results are published within `publication_workdays` of the inspections' end."""
        return self.calendar.add_workdays(completed_on, self.rules.publication_workdays)

    def rectification_due(self, ordered_on: date) -> date:
        """整改: the fix is due `rectification_months` calendar months after the order."""
        return self._roll(add_months(ordered_on, self.rules.rectification_months))

    def monthly_report_due(self, month: Period | str) -> date:
        """调度表 for `month` (e.g. "2026-09"): due on day N of the following month."""
        following = _as_period(month, PeriodKind.MONTH).next()
        return self._roll(following.start.replace(day=self.rules.monthly_report_day))

    def quarterly_report_due(self, quarter: Period | str) -> date:
        """季度报表 for `quarter` (e.g. "2026Q3"): due within N days after the next one starts."""
        following = _as_period(quarter, PeriodKind.QUARTER).next()
        return self._roll(following.start + timedelta(days=self.rules.quarterly_report_days - 1))

    def annual_plan_due(self, year: int) -> date:
        """年度抽查计划 of `year`: published by the configured day (default: end of January)."""
        rules = self.rules
        plan_year = year + rules.annual_plan_year_offset
        last = _month_lengths.monthrange(plan_year, rules.annual_plan_month)[1]
        day = min(rules.annual_plan_day or last, last)
        return self._roll(date(plan_year, rules.annual_plan_month, day))
