"""/replace (申请更换检查人员): an inspector picks one of their open visits and a reason; a
manager approves or rejects with buttons. Every button's ids are re-checked by the service."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.ids import number
from bot.domain.models import Role
from bot.domain.replacement import REASONS
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services.draw_texts import period_name
from bot.services.errors import Refusal
from bot.services.replacements import decide_replacement, open_visits, request_replacement
from handlers.common import answer, db_of, drop_buttons, requires
from handlers.draw import env_of
from storage.users import User


@requires(Role.INSPECTOR)
async def replace(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/replace: the inspector's open visits as buttons."""
    visits = await open_visits(db_of(context), user)
    if not visits:
        return await answer(update, t(user.lang, "replace_no_visits"))
    rows = [
        [
            InlineKeyboardButton(
                f"{v.entity_name}（{period_name(v.period, user.lang)}，{v.due_on}）",
                callback_data=f"rpl:v:{v.id}",
            )
        ]
        for v in visits
    ]
    await answer(
        update, t(user.lang, "replace_pick_visit"), reply_markup=InlineKeyboardMarkup(rows)
    )


@requires(Role.INSPECTOR)
async def pick(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Buttons rpl:v:VISIT (ask the reason) and rpl:r:VISIT:REASON (file the request)."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    visit_id = number(parts[2]) if len(parts) >= 3 else None
    if visit_id is None:
        return None
    await drop_buttons(update)
    if parts[1] == "r" and len(parts) == 4:
        await request_replacement(db_of(context), user, visit_id, parts[3])
        reason = t(user.lang, f"replace_reason_{parts[3]}")
        return await answer(update, t(user.lang, "replace_requested", reason=reason))
    visit = next((v for v in await open_visits(db_of(context), user) if v.id == visit_id), None)
    if visit is None:
        return await answer(update, t(user.lang, "replace_not_on_visit"))
    buttons = [
        InlineKeyboardButton(
            t(user.lang, f"replace_reason_{r}"), callback_data=f"rpl:r:{visit_id}:{r}"
        )
        for r in REASONS
    ]
    await answer(
        update,
        t(user.lang, "replace_pick_reason", entity=visit.entity_name),
        reply_markup=InlineKeyboardMarkup([buttons[:2], buttons[2:]]),
    )


@requires(Role.MANAGER)
async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Buttons rpl:ok:ID / rpl:no:ID on a replacement request."""
    query = update.callback_query
    _, verdict, raw = ((query.data or "") + "::").split(":")[:3]
    request_id = number(raw)
    if request_id is None:
        return None
    try:
        text = await decide_replacement(
            db_of(context), request_id, user, verdict == "ok", env_of(context),
            now=now_of(context.application),
        )  # fmt: skip
    except Refusal as r:
        if r.key != "replace_nobody":
            await drop_buttons(update)
        return await answer(update, t(user.lang, r.key, **r.params))
    await drop_buttons(update)
    await answer(update, text)


HANDLERS = [
    CommandHandler("replace", replace),
    CallbackQueryHandler(pick, pattern=r"^rpl:[vr]:"),
    CallbackQueryHandler(decide, pattern=r"^rpl:(ok|no):"),
]
