"""整改 in chat: /rectifications lists open orders; inspectors upload evidence and submit it;
coordinators close (销号) or return (退回) it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.models import Role
from bot.i18n import t
from bot.services import rectifications
from handlers.checklist_view import button
from handlers.common import answer, db_of, drop_buttons, requires
from handlers.flow_common import ints, show
from storage.users import User


@requires(Role.INSPECTOR, Role.COORDINATOR, Role.MANAGER)
async def listing(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/rectifications — open orders, each with the buttons this user may use."""
    orders = await rectifications.mine(db_of(context), user)
    if not orders:
        return await answer(update, t(user.lang, "rf_none"))
    reviewer = user.has(Role.COORDINATOR)
    if len(orders) > 1:
        await answer(update, t(user.lang, "rf_header", count=len(orders)))
    for o in orders[:15]:
        text = t(
            user.lang,
            "rf_line",
            id=o.id,
            entity=o.entity_name,
            finding=o.finding_text,
            due=o.due_on,
            status=t(user.lang, f"rf_status_{o.status}"),
        )
        rows = []
        if reviewer and o.status == "submitted":
            rows.append(
                [
                    button(t(user.lang, "rf_btn_close"), f"rf:c:{o.id}"),
                    button(t(user.lang, "rf_btn_return"), f"rf:x:{o.id}"),
                ]
            )
        elif user.inspector_id is not None and o.status in ("open", "returned"):
            rows.append(
                [
                    button(t(user.lang, "rf_btn_upload"), f"rf:u:{o.id}"),
                    button(t(user.lang, "rf_btn_submit"), f"rf:s:{o.id}"),
                ]
            )
        await answer(update, text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


@requires(Role.INSPECTOR)
async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """rf:u:ID — the next files are evidence of the fix."""
    (rid,) = ints(update.callback_query.data, "rf:u", 1)
    views = await rectifications.begin_upload(db_of(context), user, rid)
    markup = InlineKeyboardMarkup([[button(t(user.lang, "rf_btn_submit"), f"rf:s:{rid}")]])
    text = t(user.lang, views[0].key, **views[0].params)
    await answer(update, text, reply_markup=markup)


@requires(Role.INSPECTOR)
async def submit(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """rf:s:ID — send the evidence for review."""
    (rid,) = ints(update.callback_query.data, "rf:s", 1)
    await show(update, user, await rectifications.submit(db_of(context), user, rid))


@requires(Role.COORDINATOR)
async def close(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """rf:c:ID — 销号."""
    (rid,) = ints(update.callback_query.data, "rf:c", 1)
    views = await rectifications.close(db_of(context), user, rid)
    await drop_buttons(update)
    await show(update, user, views)


@requires(Role.COORDINATOR)
async def send_back(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """rf:x:ID — 退回 (the reason is typed next)."""
    (rid,) = ints(update.callback_query.data, "rf:x", 1)
    await show(update, user, await rectifications.begin_return(db_of(context), user, rid))


HANDLERS = [
    CommandHandler("rectifications", listing),
    CallbackQueryHandler(upload, pattern=r"^rf:u:"),
    CallbackQueryHandler(submit, pattern=r"^rf:s:"),
    CallbackQueryHandler(close, pattern=r"^rf:c:"),
    CallbackQueryHandler(send_back, pattern=r"^rf:x:"),
]
