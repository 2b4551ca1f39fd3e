"""Users (用户) with roles, invites (邀请码) that bind a Telegram account, and refused strangers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.domain.models import Role
from storage.db import now_iso


@dataclass
class User:
    """A bound Telegram account of a bureau, with its roles (a person may hold several)."""

    id: int
    bureau_id: int
    telegram_id: int
    display_name: str
    department: str
    lang: str
    inspector_id: int | None
    roles: set[Role] = field(default_factory=set)

    def has(self, *roles: Role) -> bool:
        """True when the user holds any of `roles`."""
        return bool(self.roles.intersection(roles))


@dataclass
class Invite:
    """邀请: single-use, expiring, bound to one staff or inspector record."""

    code: str
    bureau_id: int
    roles: list[Role]
    display_name: str
    department: str
    inspector_id: int | None
    expires_at: str
    used_by_telegram_id: int | None


USER_COLS = "id, bureau_id, telegram_id, display_name, department, lang, inspector_id"


async def _roles(conn: aiosqlite.Connection, user_id: int) -> set[Role]:
    async with conn.execute("SELECT role FROM user_roles WHERE user_id = ?", (user_id,)) as cur:
        return {Role(r[0]) for r in await cur.fetchall()}


async def _user_where(conn: aiosqlite.Connection, where: str, arg: object) -> User | None:
    async with conn.execute(f"SELECT {USER_COLS} FROM users WHERE {where} = ?", (arg,)) as cur:
        row = await cur.fetchone()
    if not row:
        return None
    user = User(*tuple(row))
    user.roles = await _roles(conn, user.id)
    return user


async def get_by_telegram(conn: aiosqlite.Connection, telegram_id: int) -> User | None:
    """The user bound to a Telegram account, or None for a stranger."""
    return await _user_where(conn, "telegram_id", telegram_id)


async def get_user(conn: aiosqlite.Connection, user_id: int) -> User | None:
    """The user with row id `user_id`, or None."""
    return await _user_where(conn, "id", user_id)


async def users_with_role(conn: aiosqlite.Connection, bureau_id: int, role: Role) -> list[User]:
    """Every user of the bureau holding `role`."""
    sql = (
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id"
        " WHERE u.bureau_id = ? AND r.role = ? ORDER BY u.id"
    )
    async with conn.execute(sql, (bureau_id, role.value)) as cur:
        ids = [r[0] for r in await cur.fetchall()]
    return [u for i in ids if (u := await get_user(conn, i))]


async def create_user(
    conn: aiosqlite.Connection,
    bureau_id: int,
    telegram_id: int,
    display_name: str,
    roles: list[Role],
    *,
    department: str = "",
    lang: str = "zh-CN",
    inspector_id: int | None = None,
) -> User:
    """Insert a user with roles; call inside a transaction."""
    cur = await conn.execute(
        "INSERT INTO users (bureau_id, telegram_id, display_name, department, lang, inspector_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (bureau_id, telegram_id, display_name, department, lang, inspector_id, now_iso()),
    )
    uid = int(cur.lastrowid)
    await add_roles(conn, uid, roles)
    user = await get_user(conn, uid)
    assert user is not None
    return user


async def add_roles(conn: aiosqlite.Connection, user_id: int, roles: list[Role]) -> None:
    """Grant roles (idempotent)."""
    await conn.executemany(
        "INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?, ?)",
        [(user_id, r.value) for r in roles],
    )


async def set_lang(conn: aiosqlite.Connection, user_id: int, lang: str) -> None:
    """Store the user's interface language (zh-CN or en)."""
    await conn.execute("UPDATE users SET lang = ? WHERE id = ?", (lang, user_id))


async def create_invite(
    conn: aiosqlite.Connection,
    bureau_id: int,
    roles: list[Role],
    display_name: str,
    *,
    created_by: str,
    department: str = "",
    inspector_id: int | None = None,
    ttl: timedelta = timedelta(days=7),
    now: datetime | None = None,
) -> Invite:
    """A new single-use invite; the code is 128 bits from `secrets`, URL-safe for deep links."""
    now = now or datetime.now(UTC)
    code = secrets.token_urlsafe(16)
    expires = (now + ttl).isoformat(timespec="seconds")
    await conn.execute(
        "INSERT INTO invites (code, bureau_id, roles, display_name, department, inspector_id,"
        " created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            bureau_id,
            ",".join(r.value for r in roles),
            display_name,
            department,
            inspector_id,
            created_by,
            now.isoformat(timespec="seconds"),
            expires,
        ),
    )
    return Invite(code, bureau_id, roles, display_name, department, inspector_id, expires, None)


async def get_invite(conn: aiosqlite.Connection, code: str) -> Invite | None:
    """The invite with `code`, or None."""
    sql = (
        "SELECT code, bureau_id, roles, display_name, department, inspector_id, expires_at,"
        " used_by_telegram_id FROM invites WHERE code = ?"
    )
    async with conn.execute(sql, (code,)) as cur:
        row = await cur.fetchone()
    if not row:
        return None
    r = tuple(row)
    roles = [Role(x) for x in r[2].split(",") if x]
    return Invite(r[0], r[1], roles, r[3], r[4], r[5], r[6], r[7])


async def mark_invite_used(conn: aiosqlite.Connection, code: str, telegram_id: int) -> bool:
    """Mark the invite used by `telegram_id`; False when someone used it first."""
    cur = await conn.execute(
        "UPDATE invites SET used_by_telegram_id = ?, used_at = ?"
        " WHERE code = ? AND used_by_telegram_id IS NULL",
        (telegram_id, now_iso(), code),
    )
    return cur.rowcount == 1


async def note_stranger(conn: aiosqlite.Connection, telegram_id: int) -> bool:
    """Count a stranger's message; True only the first time (so they are refused once)."""
    cur = await conn.execute(
        "UPDATE strangers SET messages = messages + 1 WHERE telegram_id = ?", (telegram_id,)
    )
    if cur.rowcount:
        return False
    await conn.execute(
        "INSERT INTO strangers (telegram_id, first_seen) VALUES (?, ?)", (telegram_id, now_iso())
    )
    return True
