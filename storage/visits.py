"""Reads the inspection flow needs about a visit: the inspector's list, the entity's place, and
the bound users behind a visit's inspectors (for notifications)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from storage.inspections import Assignee, InspectionView


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


# The visit, its frozen checklist's digest (NULL before it is frozen) and its inspectors in one
# read: the columns of storage.inspections.SELECT, the digest, then one row per assignment (one
# row with NULL team columns when there is none; a row whose inspector is missing has a NULL p.id
# and is left out, as that module's inner join does), put in its order by `_team_order`.
_VISIT = (
    "SELECT i.id, i.bureau_id, i.draw_id, i.drawn_by, i.period, i.entity_id, e.stable_id, e.name,"
    " i.items_json, i.mode, i.status, i.due_on, i.confidential, c.digest,"
    " a.inspector_id, p.name, p.department, a.role, a.active, p.id"
    " FROM inspections i JOIN entities e ON e.id = i.entity_id"
    " LEFT JOIN inspection_checklists c ON c.inspection_id = i.id"
    " LEFT JOIN inspection_inspectors a ON a.inspection_id = i.id"
    " LEFT JOIN inspectors p ON p.id = a.inspector_id"
    " WHERE i.id = ?"
)


def _team_order(row: tuple) -> tuple:
    """Lead first, then by role and name, as storage.inspections' ORDER BY (BINARY: code points)."""
    return (row[17] != "lead", row[17], row[15])


async def visit_view(conn: aiosqlite.Connection, inspection_id: int) -> InspectionView | None:
    """A visit with its inspectors (the same view as storage.inspections gives)."""
    return (await visit_and_digest(conn, inspection_id))[0]


async def visit_and_digest(
    conn: aiosqlite.Connection, inspection_id: int
) -> tuple[InspectionView | None, str | None]:
    """A visit with its inspectors, and its frozen checklist's digest (None when not frozen), in
    one read: this is the path of every tap, so it avoids a statement per part."""
    found = await conn.execute_fetchall(_VISIT, (inspection_id,))
    if not found:
        return None, None
    r = tuple(found[0])
    view = InspectionView(*r[:8], json.loads(r[8]), r[9], r[10], r[11], bool(r[12]))
    team = [a for a in found if a[19] is not None]
    if len(team) > 1:
        team.sort(key=_team_order)
    view.inspectors = [Assignee(a[14], a[15], a[16], a[17], bool(a[18])) for a in team]
    return view, r[13]
