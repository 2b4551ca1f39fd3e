"""The inspection flow's deadlines (时限) handed to the reminder sweep (bot.services.reminders).

- the first check-in starts the record deadline (检查结果录入, `record_due` working days);
- submission closes the visit's deadlines (visit and record) and cancels their reminders;
- a rectification order gets its due date and reminders for the visit's inspectors, closed with
  the order.

A year the working-day calendar lacks (chinesecalendar has no 2027) never stops the flow: the due
date falls back to the plain rule and the reminder service estimates the days.
"""

from __future__ import annotations

import logging
from datetime import date

import aiosqlite

from bot.domain.deadlines import Deadlines, add_months
from bot.domain.reminders import DeadlineKind, Subject
from bot.domain.workdays import CalendarYearMissing, WorkdayCalendar
from bot.services.inspection import FlowEnv, Visit
from bot.services.reminders import cancel_for, schedule_deadline

log = logging.getLogger(__name__)
DEFAULT_RECTIFICATION_MONTHS = 3  # 青岛西海岸 2020 四: "原则上 3 个月内完成…整改"


def _rules(env: FlowEnv) -> Deadlines:
    return env.deadlines or Deadlines(WorkdayCalendar())


def rectification_due(env: FlowEnv) -> date:
    """The fix is due N months after today (the bureau's 时限 rules, default three)."""
    try:
        return _rules(env).rectification_due(env.today)
    except CalendarYearMissing as exc:
        log.warning("rectification due date without the calendar roll: %s", exc)
        months = env.deadlines.rules.rectification_months if env.deadlines else 3
        return add_months(env.today, months)


def _team(visit: Visit) -> list[int]:
    return [a.inspector_id for a in visit.active]


async def record_clock_starts(conn: aiosqlite.Connection, visit: Visit, env: FlowEnv) -> None:
    """The first check-in: the record is due `record_workdays` working days later."""
    try:
        due = _rules(env).record_due(env.today)
    except CalendarYearMissing as exc:
        log.warning("no record deadline for visit %s: %s", visit.id, exc)
        return
    await schedule_deadline(
        conn,
        visit.view.bureau_id,
        Subject.inspection(visit.id),
        DeadlineKind.RECORD_DUE,
        due,
        deadlines=_rules(env),
        now=env.now,
        inspector_ids=_team(visit),
    )


async def visit_submitted(conn: aiosqlite.Connection, visit: Visit) -> None:
    """The visit's deadlines are met: close them and cancel their pending reminders."""
    await cancel_for(conn, Subject.inspection(visit.id), status="done")


async def rectification_ordered(
    conn: aiosqlite.Connection, rid: int, due_on: date, visit: Visit, env: FlowEnv
) -> None:
    """An order's due date, with reminders for the visit's inspectors."""
    await schedule_deadline(
        conn,
        visit.view.bureau_id,
        Subject("rectification", str(rid)),
        DeadlineKind.RECTIFICATION_DUE,
        due_on,
        deadlines=_rules(env),
        now=env.now,
        inspector_ids=_team(visit),
    )


async def rectification_closed(conn: aiosqlite.Connection, rid: int) -> None:
    """The order is closed (销号): its deadline is met."""
    await cancel_for(conn, Subject("rectification", str(rid)), status="done")
