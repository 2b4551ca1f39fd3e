"""/deadlines (我的检查任务) for inspectors, /overdue (逾期督办) for coordinators and managers."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.models import Role
from bot.domain.reminders import BureauDeadlines, bureau_deadlines
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services import deadline_lists
from bot.services.reminder_texts import left_text, overdue_line, what
from handlers.common import answer, bureau_of, db_of, requires
from storage.users import User


def policy_of(context: ContextTypes.DEFAULT_TYPE) -> BureauDeadlines:
    """The bureau's deadlines and reminder rules (set at start-up), or the defaults."""
    return bureau_deadlines(context.application.bot_data.get("deadlines"))


def today_of(context: ContextTypes.DEFAULT_TYPE) -> date:
    """Today in the bureau's time zone, from the application's clock (tests may replace it)."""
    return now_of(context.application).astimezone(policy_of(context).tz).date()


@requires(Role.INSPECTOR)
async def deadlines(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/deadlines: the inspector's open visits with due dates and working days left."""
    visits = await deadline_lists.own_visits(db_of(context), user)
    if not visits:
        return await answer(update, t(user.lang, "deadlines_none"))
    today, calendar = today_of(context), policy_of(context).calendar
    lines = [t(user.lang, "deadlines_header", count=len(visits))]
    for v in visits:
        due = date.fromisoformat(v.due_on)
        label = what(user.lang, "visit_due", "inspection", str(v.id), v.entity_name, v.period)
        left = left_text(user.lang, calendar, today, due)
        lines.append(t(user.lang, "deadlines_line", what=label, due=v.due_on, left=left))
    await answer(update, "\n".join(lines))


@requires(Role.COORDINATOR, Role.MANAGER)
async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/overdue: open work past its due date, with inspectors and days overdue."""
    today = today_of(context)
    items = await deadline_lists.overdue(db_of(context), bureau_of(context), today)
    if not items:
        return await answer(update, t(user.lang, "overdue_none", date=today.isoformat()))
    lines = [t(user.lang, "overdue_header", date=today.isoformat(), count=len(items))]
    lines += [overdue_line(user.lang, item, today) for item in items]
    await answer(update, "\n".join(lines))


HANDLERS = [CommandHandler("deadlines", deadlines), CommandHandler("overdue", overdue)]
