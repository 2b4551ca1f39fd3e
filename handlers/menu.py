"""The commands menu (命令菜单) per role and language, set with setMyCommands scopes.

Non-essential: a failure is logged and the bot carries on.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.domain.models import Role
from bot.i18n import LANGS, t
from storage.users import User

log = logging.getLogger(__name__)

EVERYONE: frozenset[Role] = frozenset()
# (command, roles that see it; empty = everyone bound). Later features append here.
MENU: list[tuple[str, frozenset[Role]]] = [
    ("start", EVERYONE),
    ("help", EVERYONE),
    ("lang", EVERYONE),
    ("whoami", EVERYONE),
    ("invite", frozenset({Role.ADMIN})),
    ("import", frozenset({Role.COORDINATOR, Role.ADMIN})),
    ("template", frozenset({Role.COORDINATOR, Role.ADMIN})),
    ("plan", frozenset({Role.COORDINATOR, Role.MANAGER})),
    ("deadlines", frozenset({Role.INSPECTOR})),
    ("overdue", frozenset({Role.COORDINATOR, Role.MANAGER})),
    ("tasks", frozenset({Role.INSPECTOR})),
    ("rectifications", frozenset({Role.INSPECTOR, Role.COORDINATOR, Role.MANAGER})),
    ("corrections", frozenset({Role.MANAGER})),
    ("requests", frozenset({Role.MANAGER})),
    ("draw", frozenset({Role.COORDINATOR})),
    ("reveal", frozenset({Role.COORDINATOR})),
    ("cancel_draw", frozenset({Role.COORDINATOR})),
    ("replace", frozenset({Role.INSPECTOR})),
    ("publish", frozenset({Role.COORDINATOR})),
    ("progress", frozenset({Role.COORDINATOR, Role.MANAGER})),
    ("reports", frozenset({Role.COORDINATOR, Role.MANAGER})),
    ("withhold", frozenset({Role.COORDINATOR})),
]


def commands_for(roles: set[Role], lang: str) -> list[BotCommand]:
    """The menu a user with `roles` sees, in `lang`."""
    return [
        BotCommand(name, t(lang, f"cmd_{name}"))
        for name, allowed in MENU
        if not allowed or roles & allowed
    ]


async def set_default_menu(bot: Bot) -> bool:
    """The strangers' menu (just /start) for every language; False if Telegram refused."""
    try:
        for lang in LANGS:
            code = None if lang == "zh-CN" else "en"
            cmds = [BotCommand("start", t(lang, "cmd_start"))]
            await bot.set_my_commands(cmds, scope=BotCommandScopeDefault(), language_code=code)
        return True
    except TelegramError as exc:
        log.warning("could not set the default commands menu (non-essential): %s", exc)
        return False


async def set_user_menu(bot: Bot, user: User) -> bool:
    """The user's own menu by role, in their language; False if Telegram refused."""
    try:
        scope = BotCommandScopeChat(chat_id=user.telegram_id)
        await bot.set_my_commands(commands_for(user.roles, user.lang), scope=scope)
        return True
    except TelegramError as exc:
        log.warning("could not set the commands menu for %s (non-essential): %s", user.id, exc)
        return False
