"""一公开 in chat: /publish and /withhold (coordinators), /progress and /reports (coordinators
and managers)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.disclosure import WithholdReason, parse_reason
from bot.domain.ids import number
from bot.domain.models import Role
from bot.domain.periods import Period, PeriodKind
from bot.domain.reminders import bureau_deadlines
from bot.domain.yaml_source import SourceError
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services import publication, reports
from bot.services.errors import Refusal
from handlers.common import answer, bureau_of, db_of, requires
from storage.users import User


def env_of(context: ContextTypes.DEFAULT_TYPE, user: User) -> publication.PublishEnv:
    """The publication environment from settings, the bureau's deadlines and the clock."""
    app = context.application
    deadlines = bureau_deadlines(app.bot_data.get("deadlines"))
    try:
        return publication.env_for(
            app.bot_data["settings"], deadlines, now_of(app), f"user:{user.id}"
        )
    except SourceError as exc:
        raise Refusal("pub_bad_items", error=str(exc)[:3000]) from None


def reasons_text(lang: str, counts: dict[WithholdReason, int]) -> str:
    """ "（国家秘密 1 条，商业秘密 2 条）" or "" when nothing was withheld."""
    parts = [
        t(lang, "pub_reason_count", reason=t(lang, f"withhold_{r.value}"), n=counts[r])
        for r in WithholdReason
        if counts.get(r)
    ]
    return t(lang, "pub_reasons", reasons="，".join(parts)) if parts else ""


@requires(Role.COORDINATOR)
async def publish(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/publish: publish the results due (channel + static site) and say what was done."""
    env = env_of(context, user)
    out = await publication.publish(db_of(context), bureau_of(context), env)
    lang, d = user.lang, out.decision
    if env.channel_id is None:
        posted = t(lang, "pub_no_channel")
    else:
        posted = t(lang, "pub_posted" if out.posted else "pub_not_posted")
    withheld = d.withheld_whole()
    text = t(
        lang,
        "pub_done",
        published=len(d.public),
        withheld=sum(withheld.values()),
        reasons=reasons_text(lang, withheld),
        late=out.late,
        posted=posted,
        site=out.site.index,
    )
    corrected = out.corrected
    if corrected.public or corrected.withheld_whole():
        text += "\n" + t(
            lang,
            "pub_done_corrected",
            republished=len(corrected.public),
            taken_down=sum(corrected.withheld_whole().values()),
        )
    await answer(update, text)


def _period(args: list[str], today: date) -> Period | None:
    if not args:
        return Period.containing(PeriodKind.QUARTER, today)
    try:
        return Period.parse(args[0])
    except ValueError:
        return None


@requires(Role.COORDINATOR, Role.MANAGER)
async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/progress [PERIOD]: the progress chart (PNG) and a short table; default this quarter."""
    env = env_of(context, user)
    period = _period(context.args or [], env.today)
    if period is None:
        return await answer(update, t(user.lang, "progress_usage"))
    c = await reports.progress(db_of(context), bureau_of(context), period, env)
    with tempfile.TemporaryDirectory() as tmp:
        png = reports.progress_png(c, Path(tmp) / f"progress-{period.label}.png")
        with png.open("rb") as fh:
            caption = t(user.lang, "progress_caption", period=period.label)
            await update.effective_chat.send_photo(fh, caption=caption)
    await answer(update, reports.progress_text(c, user.lang))


@requires(Role.COORDINATOR, Role.MANAGER)
async def reports_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/reports PERIOD: 2026-09 调度表, 2026Q3 季度报表, 2026 被检查次数年度统计 (XLSX)."""
    args = context.args or []
    try:
        period = Period.parse(args[0]) if args else None
    except ValueError:
        period = None
    if period is None:
        return await answer(update, t(user.lang, "reports_usage"))
    env = env_of(context, user)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / reports.file_name(period) if period.kind in reports.TITLES else None
        made = await reports.write_report(db_of(context), bureau_of(context), period, env, path)
        with made.path.open("rb") as fh:
            caption = t(user.lang, "reports_caption", title=made.title, period=period.label)
            await update.effective_chat.send_document(fh, filename=made.path.name, caption=caption)


@requires(Role.COORDINATOR)
async def withhold(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/withhold ID REASON [NOTE]: mark a visit's record confidential before it is published."""
    args = context.args or []
    inspection_id = number(args[0].lstrip("#")) if args else None
    if len(args) < 2 or inspection_id is None:
        return await answer(update, t(user.lang, "withhold_usage"))
    try:
        reason = parse_reason(args[1])
    except ValueError:
        return await answer(update, t(user.lang, "withhold_usage"))
    note = " ".join(args[2:])
    await publication.withhold(
        db_of(context), bureau_of(context), inspection_id, reason, note, f"user:{user.id}"
    )
    reason_text = t(user.lang, f"withhold_{reason.value}")
    await answer(update, t(user.lang, "withhold_done", id=inspection_id, reason=reason_text))


HANDLERS = [
    CommandHandler("publish", publish),
    CommandHandler("progress", progress),
    CommandHandler("reports", reports_cmd),
    CommandHandler("withhold", withhold),
]
