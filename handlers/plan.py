"""/plan (年度抽查计划): coordinators and managers read the plan, with the XLSX to publish."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.ids import number
from bot.domain.models import Role
from bot.domain.plan_text import render_plan
from bot.domain.yaml_source import SourceError
from bot.i18n import t
from bot.services.plan import plan_for_bureau, write_plan_xlsx
from handlers.common import answer, bureau_of, db_of, requires
from storage.users import User


def _year(args: list[str], tz: str) -> int | None:
    if not args:
        return datetime.now(ZoneInfo(tz)).year
    year = number(args[0], 4)
    return year if year is not None and 2000 <= year <= 2100 else None


@requires(Role.COORDINATOR, Role.MANAGER)
async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/plan [YEAR]: the summary as text, and the plan workbook (抽查计划) as a document."""
    settings = context.application.bot_data["settings"]
    year = _year(context.args or [], settings.timezone)
    if year is None:
        return await answer(update, t(user.lang, "plan_usage"))
    if settings.items_file is None:
        return await answer(update, t(user.lang, "plan_no_items"))
    try:
        result = await plan_for_bureau(
            db_of(context), bureau_of(context), settings.items_file, year
        )
    except SourceError as exc:
        return await answer(update, t(user.lang, "plan_bad_items", error=str(exc)[:3000]))
    await answer(update, render_plan(result, user.lang))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{year}年度抽查计划.xlsx"
        write_plan_xlsx(result, path)
        with path.open("rb") as fh:
            await update.effective_chat.send_document(
                fh, filename=path.name, caption=t(user.lang, "plan_caption", year=year)
            )


HANDLERS = [CommandHandler("plan", plan)]
