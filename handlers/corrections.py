"""更正 in chat: an inspector asks with a reason; a manager approves or rejects (/corrections)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.models import Role
from bot.i18n import t
from bot.services import corrections
from handlers.checklist_view import button
from handlers.common import answer, db_of, drop_buttons, requires
from handlers.flow_common import ints, show
from storage.users import User


@requires(Role.INSPECTOR)
async def request(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """co:q:ID — ask for a correction of the visit's record (the reason is typed next)."""
    (iid,) = ints(update.callback_query.data, "co:q", 1)
    await show(update, user, await corrections.begin(db_of(context), user, iid))


@requires(Role.MANAGER)
async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """co:a:ID / co:x:ID — approve or reject a pending request."""
    data = update.callback_query.data or ""
    approve = data.startswith("co:a:")
    (cid,) = ints(data, "co:a" if approve else "co:x", 1)
    views = await corrections.decide(db_of(context), user, cid, approve)
    await drop_buttons(update)
    await show(update, user, views)


@requires(Role.MANAGER)
async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/corrections — pending requests with their buttons."""
    items = await corrections.pending(db_of(context), user)
    if not items:
        return await answer(update, t(user.lang, "corr_none"))
    for c, entity, name in items[:10]:
        text = t(
            user.lang,
            "corr_request_note",
            name=name,
            id=c.inspection_id,
            entity=entity,
            version=c.base_version,
            reason=c.reason,
        )
        markup = InlineKeyboardMarkup(
            [
                [
                    button(t(user.lang, "corr_btn_approve"), f"co:a:{c.id}"),
                    button(t(user.lang, "corr_btn_reject"), f"co:x:{c.id}"),
                ]
            ]
        )
        await answer(update, text, reply_markup=markup)


HANDLERS = [
    CommandHandler("corrections", pending),
    CallbackQueryHandler(request, pattern=r"^co:q:"),
    CallbackQueryHandler(decide, pattern=r"^co:[ax]:"),
]
