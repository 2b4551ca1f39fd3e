"""Texts of reminders (提醒), the managers' digest (督办日报) and the deadline lists.

Every word comes from the message catalogue; this module only chooses the key and fills it in.
"""

from __future__ import annotations

from datetime import date

from bot.domain.reminders import CountsWorkdays, Step, days_overdue, workdays_left
from bot.i18n import t
from storage.deadlines import DueReminder, OpenDeadline


def what(
    lang: str, kind: str, subject_kind: str, subject_id: str, entity: str | None, period: str | None
) -> str:
    """ "检查任务「甲化工」（2026Q4）" for a visit, "月度调度表（2026-09）" for a report."""
    label = t(lang, f"dlkind_{kind}")
    if subject_kind == "inspection" and entity is not None:
        return t(lang, "dl_what_visit", kind=label, entity=entity, period=period or "")
    return t(lang, "dl_what_other", kind=label, ref=subject_id)


def what_of(lang: str, item: DueReminder | OpenDeadline) -> str:
    """`what` for a due reminder or an open deadline."""
    return what(lang, item.kind, item.subject.kind, item.subject.id, item.entity_name, item.period)


def who(lang: str, names: list[str]) -> str:
    """ "；执法人员：张三、李四" or "" when nobody is assigned."""
    return t(lang, "dl_who", names="、".join(names)) if names else ""


def left_text(lang: str, calendar: CountsWorkdays, today: date, due_on: date) -> str:
    """ "还剩 N 个工作日" / "今天截止" / "已逾期 N 天"."""
    if due_on == today:
        return t(lang, "dl_left_today")
    if due_on < today:
        return t(lang, "dl_left_overdue", days=days_overdue(today, due_on))
    left = workdays_left(calendar, today, due_on)
    return t(lang, "dl_left_unknown") if left is None else t(lang, "dl_left_workdays", n=left)


def reminder_text(
    lang: str, row: DueReminder, today: date, calendar: CountsWorkdays, names: list[str]
) -> str:
    """The message of one fired reminder, worded for the day it is actually sent."""
    subject = what_of(lang, row)
    due = row.due_on.isoformat()
    if row.step is Step.OVERDUE:
        days = days_overdue(today, row.due_on)
        return t(lang, "rem_overdue", what=subject, due=due, days=days, who=who(lang, names))
    if today < row.due_on:
        left = left_text(lang, calendar, today, row.due_on)
        return t(lang, "rem_upcoming", what=subject, due=due, left=left)
    if today == row.due_on:
        return t(lang, "rem_today", what=subject, due=due)
    return t(lang, "rem_late", what=subject, due=due, days=days_overdue(today, row.due_on))


def digest_text(lang: str, items: list[OpenDeadline], today: date) -> str:
    """The managers' daily digest: every open escalated deadline, one line each."""
    lines = [t(lang, "digest_header", date=today.isoformat(), count=len(items))]
    lines += [overdue_line(lang, item, today) for item in items]
    return "\n".join(lines)


def overdue_line(lang: str, item: OpenDeadline, today: date) -> str:
    """One line of /overdue or of the digest."""
    return t(
        lang,
        "overdue_line",
        what=what_of(lang, item),
        due=item.due_on.isoformat(),
        days=days_overdue(today, item.due_on),
        who=who(lang, item.inspectors),
    )
