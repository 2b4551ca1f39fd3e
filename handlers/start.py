"""/start (邀请绑定), /help, /lang, /whoami and /invite."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.models import Role
from bot.i18n import LANGS, t
from bot.services import access
from bot.services.errors import Refusal
from handlers.common import (
    answer,
    bureau_of,
    db_of,
    lang_for,
    refuse_stranger,
    requires,
    roles_text,
)
from handlers.menu import commands_for, set_user_menu
from storage.users import User

INVITE_TTL_DAYS = 7


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start CODE binds an invite; /start alone greets a known user or refuses a stranger."""
    tg = update.effective_user
    db = db_of(context)
    code = context.args[0] if context.args else ""
    if not code:
        user = await access.identify(db, tg.id)
        if user is None:
            return await refuse_stranger(update, context)
        return await answer(
            update, t(user.lang, "welcome_back", name=user.display_name, roles=roles_text(user))
        )
    lang = lang_for(update, None)
    try:
        result = await access.redeem(db, code, tg.id, lang)
    except Refusal as r:
        return await answer(update, t(lang, r.key, **r.params))
    user = result.user
    key = "welcome" if result.new else "already_bound"
    await answer(update, t(user.lang, key, name=user.display_name, roles=roles_text(user)))
    if result.new:
        await set_user_menu(context.bot, user)


@requires()
async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/help: the commands this user's roles allow."""
    lines = [t(user.lang, "help_header")]
    lines += [f"/{c.command} — {c.description}" for c in commands_for(user.roles, user.lang)]
    await answer(update, "\n".join(lines))


@requires()
async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/whoami: name, department, roles."""
    await answer(
        update,
        t(
            user.lang,
            "whoami",
            name=user.display_name,
            department=user.department or "-",
            roles=roles_text(user),
        ),
    )


@requires()
async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/lang: choose zh-CN or English with buttons."""
    buttons = [
        [
            InlineKeyboardButton("简体中文", callback_data="lang:zh-CN"),
            InlineKeyboardButton("English", callback_data="lang:en"),
        ]
    ]
    await answer(update, t(user.lang, "lang_choose"), reply_markup=InlineKeyboardMarkup(buttons))


@requires()
async def lang_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Button lang:CODE: store the language, confirm, and re-send the menu in it."""
    query = update.callback_query
    choice = (query.data or "").split(":", 1)[-1]
    if choice not in LANGS:
        return
    await access.set_language(db_of(context), user, choice)
    try:
        await query.edit_message_text(t(choice, "lang_switched"))
    except BadRequest as exc:  # "not modified": a second tap while the first was on its way
        if "not modified" not in str(exc):
            await answer(update, t(choice, "lang_switched"))
    await set_user_menu(context.bot, user)


@requires(Role.ADMIN)
async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/invite ROLES NAME [CERT]: a single-use deep link bound to one staff or inspector record."""
    args = context.args or []
    if len(args) < 2:
        return await answer(update, t(user.lang, "invite_usage"))
    roles = access.parse_roles(args[0])
    cert = args[2] if len(args) > 2 else None
    inv = await access.create_invite(
        db_of(context),
        bureau_of(context),
        roles,
        args[1],
        created_by=f"tg:{user.telegram_id}",
        certificate_no=cert,
        ttl_days=INVITE_TTL_DAYS,
    )
    link = f"https://t.me/{context.bot.username}?start={inv.code}"
    names = "、".join(t(user.lang, f"role_{r.value}") for r in roles)
    await answer(
        update,
        t(user.lang, "invite_created", name=args[1], roles=names, days=INVITE_TTL_DAYS, link=link),
    )


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("help", help_),
    CommandHandler("whoami", whoami),
    CommandHandler("lang", lang),
    CallbackQueryHandler(lang_chosen, pattern=r"^lang:"),
    CommandHandler("invite", invite),
]
