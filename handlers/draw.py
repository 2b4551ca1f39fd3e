"""/draw (摇号), /reveal (公开密钥), /cancel_draw (申请撤销) and the manager's decision.

/draw [PERIOD] shows the preview with [确认摇号] [取消]; the confirm button carries the period and
the preview token, and the service re-checks that the frame is still the one previewed.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.models import Role
from bot.domain.periods import Period
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services.draw_cancel import decide_cancel, request_cancel
from bot.services.draw_preview import preview
from bot.services.draw_reveal import reveal_secret
from bot.services.draw_run import run
from bot.services.draw_texts import done_text, period_name, render_preview
from bot.services.draws import (
    DrawEnv,
    DrawInfeasible,
    PreviewStale,
    env_from_settings,
    parse_period,
)
from bot.services.errors import Refusal
from handlers.common import answer, bureau_of, db_of, requires
from handlers.deadlines import policy_of, today_of
from storage.users import User


def env_of(context: ContextTypes.DEFAULT_TYPE) -> DrawEnv:
    """The draw environment from the settings and the bureau's deadlines."""
    return env_from_settings(context.application.bot_data["settings"], policy_of(context))


async def show_preview(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, period: Period
) -> None:
    """The preview, with the confirm button only when every draw can be staffed."""
    p = await preview(db_of(context), bureau_of(context), period, env_of(context))
    markup = None
    if p.feasible:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(user.lang, "btn_draw_confirm"),
                        callback_data=f"drw:ok:{p.period}:{p.token}",
                    ),
                    InlineKeyboardButton(
                        t(user.lang, "btn_draw_cancel"), callback_data=f"drw:no:{p.period}"
                    ),
                ]
            ]
        )
    await answer(update, render_preview(p, user.lang), reply_markup=markup)


@requires(Role.COORDINATOR)
async def draw(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/draw [PERIOD]: the preview of the period's draw (default: the next quarter)."""
    period = parse_period(context.args[0] if context.args else None, today_of(context))
    await show_preview(update, context, user, period)


@requires(Role.COORDINATOR)
async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Buttons drw:ok:PERIOD:TOKEN and drw:no:PERIOD."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    await query.edit_message_reply_markup(None)
    if len(parts) < 3 or parts[1] != "ok":
        return await answer(update, t(user.lang, "draw_preview_dropped"))
    period = parse_period(parts[2], today_of(context))
    token = parts[3] if len(parts) > 3 else ""
    try:
        done = await run(
            db_of(context), bureau_of(context), period, f"user:{user.id}", env_of(context),
            token=token, now=now_of(context.application),
        )  # fmt: skip
    except PreviewStale as stale:
        await answer(update, t(user.lang, stale.key, **stale.params))
        return await show_preview(update, context, user, period)
    except DrawInfeasible as no:
        text = t(user.lang, no.key, **{**no.params, "lines": no.lines(user.lang)})
        return await answer(update, text)
    await answer(update, done_text(done, user.lang))


@requires(Role.COORDINATOR)
async def reveal(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/reveal PERIOD: publish the secret once the period's visits are done."""
    if not context.args:
        return await answer(update, t(user.lang, "reveal_usage"))
    period = parse_period(context.args[0], today_of(context))
    shown = await reveal_secret(
        db_of(context), bureau_of(context), period, f"user:{user.id}", env_of(context),
        today=today_of(context),
    )  # fmt: skip
    text = t(
        user.lang,
        "reveal_done",
        period=period_name(shown.period, user.lang),
        secret=shown.secret,
        commitment_hash=shown.commitment_hash,
    )
    await answer(update, text)


@requires(Role.COORDINATOR)
async def cancel_draw(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/cancel_draw PERIOD 理由…: ask a manager to cancel the period's draw."""
    args = context.args or []
    if len(args) < 2:
        return await answer(update, t(user.lang, "cancel_usage"))
    period = parse_period(args[0], today_of(context))
    await request_cancel(db_of(context), bureau_of(context), period, user, " ".join(args[1:]))
    await answer(
        update, t(user.lang, "cancel_requested", period=period_name(period.label, user.lang))
    )


@requires(Role.MANAGER)
async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Buttons dcx:ok:ID / dcx:no:ID on a cancellation request."""
    query = update.callback_query
    _, verdict, raw = ((query.data or "") + "::").split(":")[:3]
    if not raw.isdigit():
        return None
    await query.edit_message_reply_markup(None)
    try:
        text = await decide_cancel(
            db_of(context), int(raw), user, verdict == "ok", env_of(context),
            now=now_of(context.application),
        )  # fmt: skip
    except Refusal as r:
        text = t(user.lang, r.key, **r.params)
    await answer(update, text)


HANDLERS = [
    CommandHandler("draw", draw),
    CommandHandler("reveal", reveal),
    CommandHandler("cancel_draw", cancel_draw),
    CallbackQueryHandler(confirm, pattern=r"^drw:"),
    CallbackQueryHandler(decide, pattern=r"^dcx:"),
]
