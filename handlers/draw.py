"""/draw (摇号), /reveal (公开密钥), /cancel_draw (申请撤销) and the manager's decision.

/draw [PERIOD] [NAME=V[,V…] …] shows the preview with [确认摇号] [取消]; NAME=V… words make it a
targeted draw (定向抽查), as `shuangsuiji draw --target`. The confirm button carries the period and
the preview token (the start of the frame's snapshot hash, which covers the target), never the
target itself (callback data is limited to 64 bytes): a targeted preview keeps its target by that
token, the confirmation reads it back, and the service re-checks that the frame is still the one
previewed.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.ids import number
from bot.domain.models import Role
from bot.domain.periods import Period
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services.draw_cancel import decide_cancel, request_cancel
from bot.services.draw_preview import (
    Target,
    check_target,
    preview,
    previewed_target,
    remember_target,
    target_specs,
)
from bot.services.draw_reveal import reveal_secret
from bot.services.draw_run import run
from bot.services.draw_texts import done_text, period_name, render_preview, target_text
from bot.services.draws import (
    DrawEnv,
    DrawInfeasible,
    PreviewStale,
    env_from_settings,
    parse_period,
)
from bot.services.errors import Refusal
from handlers.common import answer, bureau_of, db_of, drop_buttons, requires
from handlers.deadlines import policy_of, today_of
from storage.users import User


def env_of(context: ContextTypes.DEFAULT_TYPE) -> DrawEnv:
    """The draw environment from the settings and the bureau's deadlines."""
    return env_from_settings(context.application.bot_data["settings"], policy_of(context))


async def show_preview(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    user: User,
    period: Period,
    target: Target | None = None,
) -> None:
    """The preview, with the confirm button only when every draw can be staffed (and a target
    leaves something to draw); a targeted preview's target is kept by its token."""
    db, bureau_id = db_of(context), bureau_of(context)
    p = await preview(db, bureau_id, period, env_of(context), target or None)
    markup = None
    if p.drawable:
        await remember_target(db, bureau_id, p, f"user:{user.id}")
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
    """/draw [PERIOD] [NAME=V[,V…] …]: the preview of the period's draw (default: the next
    quarter), targeted when conditions follow; a malformed condition is named, nothing kept."""
    words = list(context.args or [])
    first = words.pop(0) if words and "=" not in words[0] and "＝" not in words[0] else None
    target = check_target(target_specs(words)) if words else {}
    period = parse_period(first, today_of(context))
    await show_preview(update, context, user, period, target)


@requires(Role.COORDINATOR)
async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Buttons drw:ok:PERIOD:TOKEN (the target, if any, found by the token) and drw:no:PERIOD."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    await drop_buttons(update)
    if len(parts) < 3 or parts[1] != "ok":
        return await answer(update, t(user.lang, "draw_preview_dropped"))
    period = parse_period(parts[2], today_of(context))
    token = parts[3] if len(parts) > 3 else ""
    target = await previewed_target(db_of(context), bureau_of(context), period, token)
    try:
        done = await run(
            db_of(context), bureau_of(context), period, f"user:{user.id}", env_of(context),
            target=target or None, token=token, now=now_of(context.application),
        )  # fmt: skip
    except PreviewStale as stale:
        await answer(update, t(user.lang, stale.key, **stale.params))
        return await show_preview(update, context, user, period, target)
    except DrawInfeasible as no:
        text = t(user.lang, no.key, **{**no.params, "lines": no.lines(user.lang)})
        return await answer(update, text)
    text = done_text(done, user.lang)
    if target:
        text += "\n" + t(user.lang, "draw_preview_target", target=target_text(target))
    await answer(update, text)


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
    request_id = number(raw)
    if request_id is None:
        return None
    await drop_buttons(update)
    try:
        text = await decide_cancel(
            db_of(context), request_id, user, verdict == "ok", env_of(context),
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
