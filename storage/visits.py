"""Reads the inspection flow needs about a visit: the inspector's list, the entity's place, and
the bound users behind a visit's inspectors (for notifications)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from storage.inspections import SELECT, Assignee, InspectionView


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One line of an inspector's /tasks list."""

    id: int
    entity_name: str
    period: str
    status: str
    due_on: str
    mode: str
    role: str


async def tasks_of(conn: aiosqlite.Connection, inspector_id: int, limit: int = 20) -> list[TaskRow]:
    """The inspector's own visits (not cancelled), newest due date first."""
    sql = (
        "SELECT i.id, e.name, i.period, i.status, i.due_on, i.mode, a.role FROM inspections i"
        " JOIN inspection_inspectors a ON a.inspection_id = i.id"
        " JOIN entities e ON e.id = i.entity_id"
        " WHERE a.inspector_id = ? AND a.active = 1 AND i.status != 'cancelled'"
        " ORDER BY i.due_on DESC, i.id DESC LIMIT ?"
    )
    return [TaskRow(*tuple(r)) for r in await conn.execute_fetchall(sql, (inspector_id, limit))]


@dataclass(frozen=True, slots=True)
class EntityPlace:
    """What a visit card shows about the entity, and where it is registered."""

    id: int
    stable_id: str
    name: str
    address: str
    credit_code: str | None
    latitude: float | None
    longitude: float | None


async def entity_place(conn: aiosqlite.Connection, entity_id: int) -> EntityPlace | None:
    """The entity's name, address and registered coordinates."""
    sql = (
        "SELECT id, stable_id, name, address, credit_code, latitude, longitude FROM entities"
        " WHERE id = ?"
    )
    found = await conn.execute_fetchall(sql, (entity_id,))
    r = found[0] if found else None
    return EntityPlace(*tuple(r)) if r else None


@dataclass(frozen=True, slots=True)
class Contact:
    """A bound user to notify: row id, chat id, language, name."""

    user_id: int
    chat_id: int
    lang: str
    name: str


async def visit_contacts(
    conn: aiosqlite.Connection, inspection_id: int
) -> list[tuple[str, Contact]]:
    """(role, contact) of each active inspector of a visit who has a bound account."""
    sql = (
        "SELECT a.role, u.id, u.telegram_id, u.lang, u.display_name FROM inspection_inspectors a"
        " JOIN users u ON u.inspector_id = a.inspector_id"
        " WHERE a.inspection_id = ? AND a.active = 1 ORDER BY a.role = 'lead' DESC, u.id"
    )
    return [
        (r[0], Contact(r[1], r[2], r[3], r[4]))
        for r in await conn.execute_fetchall(sql, (inspection_id,))
    ]


async def role_contacts(conn: aiosqlite.Connection, bureau_id: int, role: str) -> list[Contact]:
    """Every bound user of the bureau holding `role`."""
    sql = (
        "SELECT u.id, u.telegram_id, u.lang, u.display_name FROM users u"
        " JOIN user_roles r ON r.user_id = u.id WHERE u.bureau_id = ? AND r.role = ? ORDER BY u.id"
    )
    return [Contact(*tuple(r)) for r in await conn.execute_fetchall(sql, (bureau_id, role))]


async def user_contact(conn: aiosqlite.Connection, user_id: int) -> Contact | None:
    """One user as a contact."""
    sql = "SELECT id, telegram_id, lang, display_name FROM users WHERE id = ?"
    found = await conn.execute_fetchall(sql, (user_id,))
    r = found[0] if found else None
    return Contact(*tuple(r)) if r else None


async def items_of(conn: aiosqlite.Connection, inspection_id: int) -> list[str]:
    """The check item ids a visit covers."""
    sql = "SELECT items_json FROM inspections WHERE id = ?"
    found = await conn.execute_fetchall(sql, (inspection_id,))
    r = found[0] if found else None
    return json.loads(r[0]) if r else []


async def visit_view(conn: aiosqlite.Connection, inspection_id: int) -> InspectionView | None:
    """A visit with its inspectors in two reads (the same view as storage.inspections gives;
    this is the path of every tap, so it avoids per-row cursor round trips)."""
    found = await conn.execute_fetchall(SELECT + " WHERE i.id = ?", (inspection_id,))
    if not found:
        return None
    r = tuple(found[0])
    view = InspectionView(*r[:8], json.loads(r[8]), r[9], r[10], r[11], bool(r[12]))
    sql = (
        "SELECT a.inspector_id, p.name, p.department, a.role, a.active FROM inspection_inspectors a"
        " JOIN inspectors p ON p.id = a.inspector_id WHERE a.inspection_id = ?"
        " ORDER BY a.role = 'lead' DESC, a.role, p.name"
    )
    rows = await conn.execute_fetchall(sql, (inspection_id,))
    view.inspectors = [Assignee(a[0], a[1], a[2], a[3], bool(a[4])) for a in rows]
    return view
