"""`shuangsuiji invite ROLES NAME [--certificate NO]`: an admin's invite link from the console."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.i18n import t
from bot.services import access
from bot.services.errors import Refusal
from bot.settings import SettingsError, load_settings
from storage.bureaus import ensure_bureau
from storage.db import Database


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "invite",
        help="create a single-use invite link (邀请链接)",
        description="Create a single-use, expiring invite that binds one Telegram account.",
    )
    p.add_argument("roles", help="inspector, coordinator, manager or admin; several with commas")
    p.add_argument("name", help="the person's name as the bot should greet them")
    p.add_argument("--certificate", help="enforcement certificate number (needed for inspector)")
    p.add_argument("--department", default="", help="department, for staff without a record")
    p.add_argument("--days", type=int, default=7, help="days until the invite expires")
    p.add_argument("--bot-username", default="", help="bot username, to print a t.me link")
    p.set_defaults(func=_invite)


def _invite(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        roles = access.parse_roles(args.roles)
    except SettingsError as exc:
        print(f"shuangsuiji: {exc}", file=sys.stderr)
        return 2
    except Refusal as r:
        print(f"shuangsuiji: {t('en', r.key, **r.params)}", file=sys.stderr)
        return 2
    return asyncio.run(_create(settings, roles, args))


async def _create(settings, roles, args: argparse.Namespace) -> int:  # noqa: ANN001
    db = await Database.open(settings.database_path)
    try:
        async with db.tx() as conn:
            bid = await ensure_bureau(conn, settings.bureau_code, settings.bureau_name)
        inv = await access.create_invite(
            db, bid, roles, args.name, created_by="cli", certificate_no=args.certificate,
            department=args.department, ttl_days=args.days,
        )
    except Refusal as r:
        print(f"shuangsuiji: {t('en', r.key, **r.params)}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    user = args.bot_username.lstrip("@") or "YOUR_BOT"
    print(f"https://t.me/{user}?start={inv.code}")
    print(f"(or send: /start {inv.code})  expires {inv.expires_at}")
    return 0
