"""Who may do what (权限): invites (邀请) that bind a Telegram account to a staff record, roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.models import Role
from bot.services.errors import Refusal
from storage import audit, users
from storage.db import Database
from storage.users import Invite, User


def parse_roles(text: str) -> list[Role]:
    """Roles from 'inspector,coordinator'; Refusal naming the first unknown one."""
    roles = []
    for part in text.replace("，", ",").split(","):
        name = part.strip().lower()
        try:
            roles.append(Role(name))
        except ValueError:
            raise Refusal("invite_bad_role", role=part.strip()) from None
    return roles


async def create_invite(
    db: Database,
    bureau_id: int,
    roles: list[Role],
    display_name: str,
    *,
    created_by: str,
    certificate_no: str | None = None,
    department: str = "",
    ttl_days: int = 7,
) -> Invite:
    """A single-use invite; an inspector invite is bound to their registry record by certificate."""
    async with db.tx() as conn:
        inspector_id = None
        if Role.INSPECTOR in roles:
            if not certificate_no:
                raise Refusal("invite_needs_cert")
            sql = "SELECT id, department FROM inspectors WHERE bureau_id = ? AND key = ?"
            async with conn.execute(sql, (bureau_id, certificate_no)) as cur:
                row = await cur.fetchone()
            if not row:
                raise Refusal("invite_no_inspector", cert=certificate_no)
            inspector_id, department = int(row[0]), department or row[1]
        invite = await users.create_invite(
            conn,
            bureau_id,
            roles,
            display_name,
            created_by=created_by,
            department=department,
            inspector_id=inspector_id,
            ttl=timedelta(days=ttl_days),
        )
        await audit.append(
            conn,
            created_by,
            "invite.created",
            display_name,
            {"roles": [r.value for r in roles], "inspector_id": inspector_id},
            bureau_id=bureau_id,
        )
    return invite


@dataclass
class Redeemed:
    """The outcome of /start CODE: the bound user, and whether this call bound them."""

    user: User
    new: bool


async def redeem(
    db: Database, code: str, telegram_id: int, lang: str, *, now: datetime | None = None
) -> Redeemed:
    """Bind `telegram_id` with an invite; Refusal when unknown, expired or used."""
    now = now or datetime.now(UTC)
    async with db.tx() as conn:
        existing = await users.get_by_telegram(conn, telegram_id)
        if existing:
            return Redeemed(existing, new=False)
        invite = await users.get_invite(conn, code)
        if invite is None:
            raise Refusal("invite_unknown")
        if invite.used_by_telegram_id is not None:
            raise Refusal("invite_used")
        if datetime.fromisoformat(invite.expires_at) <= now:
            raise Refusal("invite_expired")
        if not await users.mark_invite_used(conn, code, telegram_id):
            raise Refusal("invite_used")
        user = await users.create_user(
            conn,
            invite.bureau_id,
            telegram_id,
            invite.display_name,
            invite.roles,
            department=invite.department,
            lang=lang,
            inspector_id=invite.inspector_id,
        )
        await audit.append(
            conn,
            f"tg:{telegram_id}",
            "invite.redeemed",
            invite.display_name,
            {"roles": [r.value for r in invite.roles]},
            bureau_id=invite.bureau_id,
        )
    return Redeemed(user, new=True)


async def identify(db: Database, telegram_id: int) -> User | None:
    """The bound user for a Telegram account, or None for a stranger."""
    async with db.read() as conn:
        return await users.get_by_telegram(conn, telegram_id)


async def refuse_once(db: Database, telegram_id: int) -> bool:
    """Record a stranger's message; True when they should get the (one) polite refusal."""
    async with db.tx() as conn:
        return await users.note_stranger(conn, telegram_id)


async def set_language(db: Database, user: User, lang: str) -> None:
    """Store the user's language."""
    async with db.tx() as conn:
        await users.set_lang(conn, user.id, lang)
    user.lang = lang


async def ensure_admins(
    db: Database, bureau_id: int, admin_ids: list[int], *, lang: str = "zh-CN"
) -> None:
    """Make the configured admin Telegram ids admins (creating their user rows)."""
    async with db.tx() as conn:
        for tg in admin_ids:
            user = await users.get_by_telegram(conn, tg)
            if user is None:
                await users.create_user(conn, bureau_id, tg, f"admin {tg}", [Role.ADMIN], lang=lang)
            elif Role.ADMIN not in user.roles:
                await users.add_roles(conn, user.id, [Role.ADMIN])
