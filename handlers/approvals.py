"""/requests (待审批) for managers: pending replacement and cancellation requests, each with the
[批准] [驳回] buttons of its notice. The buttons carry the notices' callback data (rpl:ok:ID,
dcx:ok:ID, …), so handlers.replacement.decide and handlers.draw.decide take them as they take a
tap on the notice."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ContextTypes

from bot.domain.models import Role
from bot.i18n import t
from bot.services.pending_requests import pending
from handlers.common import answer, db_of, requires
from handlers.deadlines import policy_of
from storage.users import User

SHOWN = 10  # one message each; more wait for the next /requests


def markup(buttons: dict) -> InlineKeyboardMarkup:
    """The notice's keyboard (an outbox payload's dict) as PTB buttons."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
            for row in buttons["inline_keyboard"]
        ]
    )


@requires(Role.MANAGER)
async def pending_requests(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/requests: every undecided replacement and cancellation request, oldest first."""
    items = await pending(db_of(context), user, policy_of(context).tz)
    if not items:
        return await answer(update, t(user.lang, "requests_none"))
    await answer(update, t(user.lang, "requests_header", count=len(items)))
    for item in items[:SHOWN]:
        await answer(update, item.text, reply_markup=markup(item.buttons))
    if len(items) > SHOWN:
        await answer(update, t(user.lang, "requests_more", count=len(items) - SHOWN))


HANDLERS = [CommandHandler("requests", pending_requests)]
