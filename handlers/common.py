"""Shared handler plumbing: who is asking, role checks, replies from the catalogue."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Chat, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.domain.models import Role
from bot.i18n import lang_of, t
from bot.outbox_dispatcher import split_text
from bot.services import access
from bot.services.errors import Refusal
from storage.db import Database, now_iso
from storage.users import User

log = logging.getLogger(__name__)
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, User], Awaitable[Any]]


def db_of(context: ContextTypes.DEFAULT_TYPE) -> Database:
    """The application's database."""
    return context.application.bot_data["db"]


def bureau_of(context: ContextTypes.DEFAULT_TYPE) -> int:
    """The bureau this bot instance serves."""
    return context.application.bot_data["bureau_id"]


def lang_for(update: Update, user: User | None) -> str:
    """The user's stored language, else their Telegram client's."""
    if user:
        return user.lang
    tg = update.effective_user
    return lang_of(tg.language_code if tg else None)


def roles_text(user: User) -> str:
    """The user's roles in their language, joined for display."""
    order = [Role.ADMIN, Role.MANAGER, Role.COORDINATOR, Role.INSPECTOR]
    return "、".join(t(user.lang, f"role_{r.value}") for r in order if r in user.roles)


async def answer(update: Update, text: str, **kwargs: Any) -> None:
    """Reply in the chat of the update (message or button)."""
    chat = update.effective_chat
    if chat:
        await send_text(chat, text, **kwargs)


async def send_text(chat: Chat, text: str, reply_markup: Any = None, **kwargs: Any) -> None:
    """Send `text`, in pieces of at most 4,096 characters (Telegram's limit) cut at line
    breaks when it is longer, as when it repeats a long input back; buttons go on the last."""
    pieces = split_text(text) or [text]
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        await chat.send_message(piece, reply_markup=reply_markup if last else None, **kwargs)


async def drop_buttons(update: Update) -> None:
    """Take the buttons off the tapped message so it is not tapped again. A second tap that was
    on its way finds them gone and Telegram answers "message is not modified": that tap is still
    handled (the service says it was already done), so it is no error."""
    try:
        await update.callback_query.edit_message_reply_markup(None)
    except BadRequest as exc:
        log.info("buttons not removed: %s", exc)


async def refuse_stranger(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One polite refusal per stranger, then silence; buttons are answered with nothing."""
    if update.callback_query:
        await update.callback_query.answer()
    tg = update.effective_user
    if tg is None or not await access.refuse_once(db_of(context), tg.id):
        return
    bureau = context.application.bot_data["settings"].bureau_name
    await update.effective_chat.send_message(
        t(lang_for(update, None), "refuse_stranger", bureau=bureau)
    )


def requires(*roles: Role) -> Callable[[Handler], Callable[..., Awaitable[Any]]]:
    """Load the user from the database; refuse strangers and anyone lacking all of `roles`.

    Every callback query is answered exactly once, here (Telegram refuses a second answer).
    """

    def wrap(fn: Handler) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(fn)
        async def inner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            tg = update.effective_user
            user = await access.identify(db_of(context), tg.id) if tg else None
            if user is None:
                return await refuse_stranger(update, context)
            if roles and not user.has(*roles):
                if update.callback_query:
                    await update.callback_query.answer(t(user.lang, "not_allowed"), show_alert=True)
                    return None
                return await answer(update, t(user.lang, "not_allowed"))
            if update.callback_query:
                await update.callback_query.answer()  # once, here; handlers never answer it
            try:
                return await fn(update, context, user)
            except Refusal as r:
                return await answer(update, t(user.lang, r.key, **r.params))

        return inner

    return wrap


async def dedupe_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle each update id once: a re-delivered update stops here (group -1)."""
    db = db_of(context)
    async with db.tx() as conn:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
            (update.update_id, now_iso()),
        )
    if cur.rowcount == 0:
        log.info("update %s already handled; skipped", update.update_id)
        raise ApplicationHandlerStop
