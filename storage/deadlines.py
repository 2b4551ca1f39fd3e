"""Deadlines (时限) and their reminders (提醒): rows with a due date and rows with a fire time.

The sweep's read is `due_reminders`: `status = 'pending' AND fire_at <= now` on the index
reminders_due, joined by primary key to the deadline, the visit and its entity, so it reads only
the due rows. Timestamps are UTC ISO-8601 text (as in the outbox), so text order is time order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import aiosqlite

from bot.domain.models import Role
from bot.domain.reminders import Audience, Step, Subject
from storage.db import now_iso

OPEN_VISIT = ("assigned", "in_progress")


def utc_text(moment: datetime) -> str:
    """An aware datetime as the stored UTC text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """A reminder to write: one step for one recipient."""

    step: Step
    audience: Audience
    recipient: str
    inspector_id: int | None
    fire_at: datetime
    missing_year: int | None = None


@dataclass(slots=True)
class DueReminder:
    """A pending reminder whose time has come, with what the message needs."""

    id: int
    deadline_id: int
    bureau_id: int
    audience: Audience
    step: Step
    recipient: str
    inspector_id: int | None
    fire_at: str
    missing_year: int | None
    subject: Subject
    kind: str
    due_on: date
    deadline_status: str
    visit_status: str | None
    period: str | None
    entity_name: str | None
    assignee_active: bool | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A bound user to message: row id, chat id, language."""

    user_id: int
    chat_id: int
    lang: str


@dataclass(slots=True)
class OpenDeadline:
    """An open deadline for lists and digests; visit fields are None for other subjects."""

    subject: Subject
    kind: str
    due_on: date
    entity_name: str | None = None
    period: str | None = None
    inspectors: list[str] = field(default_factory=list)


async def upsert_deadline(
    conn: aiosqlite.Connection, bureau_id: int, subject: Subject, kind: str, due_on: date
) -> int:
    """Create or move the deadline (reopening it); returns its id."""
    await conn.execute(
        "INSERT INTO deadlines (bureau_id, subject_kind, subject_id, kind, due_on, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bureau_id, subject_kind, subject_id, kind)"
        " DO UPDATE SET due_on = excluded.due_on, status = 'open', closed_at = NULL",
        (bureau_id, subject.kind, subject.id, kind, due_on.isoformat(), now_iso()),
    )
    sql = (
        "SELECT id FROM deadlines WHERE bureau_id = ? AND subject_kind = ? AND subject_id = ?"
        " AND kind = ?"
    )
    async with conn.execute(sql, (bureau_id, subject.kind, subject.id, kind)) as cur:
        return int((await cur.fetchone())[0])


async def upsert_reminders(
    conn: aiosqlite.Connection, deadline_id: int, bureau_id: int, rows: Sequence[ReminderRow]
) -> None:
    """Write the schedule; a pending row takes the new time, a queued one is left alone."""
    stamp = now_iso()
    await conn.executemany(
        "INSERT INTO reminders (deadline_id, bureau_id, audience, step, recipient, inspector_id,"
        " fire_at, missing_year, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (deadline_id, step, recipient) DO UPDATE SET fire_at = excluded.fire_at,"
        " missing_year = excluded.missing_year, status = 'pending', note = ''"
        " WHERE reminders.status IN ('pending', 'cancelled')",
        [
            (
                deadline_id,
                bureau_id,
                r.audience.value,
                r.step.value,
                r.recipient,
                r.inspector_id,
                utc_text(r.fire_at),
                r.missing_year,
                stamp,
            )
            for r in rows
        ],
    )


async def cancel_pending(
    conn: aiosqlite.Connection,
    deadline_id: int,
    keep: Iterable[tuple[Step, str]] = (),
    note: str = "",
) -> int:
    """Cancel the deadline's pending reminders except the (step, recipient) pairs in `keep`."""
    keep = {(s.value, r) for s, r in keep}
    sql = "SELECT id, step, recipient FROM reminders WHERE deadline_id = ? AND status = 'pending'"
    async with conn.execute(sql, (deadline_id,)) as cur:
        ids = [r[0] for r in await cur.fetchall() if (r[1], r[2]) not in keep]
    await set_status(conn, ids, "cancelled", note)
    return len(ids)


async def close_subject(
    conn: aiosqlite.Connection, subject: Subject, status: str, bureau_id: int | None = None
) -> int:
    """Mark the subject's open deadlines `status` (done/cancelled), cancel their pending
    reminders; returns how many reminders were cancelled."""
    sql = "SELECT id FROM deadlines WHERE subject_kind = ? AND subject_id = ? AND status = 'open'"
    args: tuple = (subject.kind, subject.id)
    if bureau_id is not None:
        sql, args = sql + " AND bureau_id = ?", (*args, bureau_id)
    async with conn.execute(sql, args) as cur:
        ids = [r[0] for r in await cur.fetchall()]
    cancelled = 0
    for deadline_id in ids:
        await conn.execute(
            "UPDATE deadlines SET status = ?, closed_at = ? WHERE id = ?",
            (status, now_iso(), deadline_id),
        )
        cancelled += await cancel_pending(conn, deadline_id, note=status)
    return cancelled


DUE_SQL = (
    "SELECT r.id, r.deadline_id, r.bureau_id, r.audience, r.step, r.recipient, r.inspector_id,"
    " r.fire_at, r.missing_year, d.subject_kind, d.subject_id, d.kind, d.due_on, d.status,"
    " i.status, i.period, e.name, a.active"
    " FROM reminders r JOIN deadlines d ON d.id = r.deadline_id"
    " LEFT JOIN inspections i ON d.subject_kind = 'inspection'"
    "  AND i.id = CAST(d.subject_id AS INTEGER)"
    " LEFT JOIN entities e ON e.id = i.entity_id"
    " LEFT JOIN inspection_inspectors a ON a.inspection_id = i.id"
    "  AND a.inspector_id = r.inspector_id"
    " WHERE r.status = 'pending' AND r.fire_at <= ? ORDER BY r.fire_at, r.id LIMIT ?"
)


def _due(r: tuple) -> DueReminder:
    head = (r[0], r[1], r[2], Audience(r[3]), Step(r[4]), *r[5:9])
    tail = (Subject(r[9], r[10]), r[11], date.fromisoformat(r[12]), *r[13:17])
    return DueReminder(*head, *tail, None if r[17] is None else bool(r[17]))


async def due_reminders(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[DueReminder]:
    """Pending reminders with fire_at <= now, oldest first (an index range scan)."""
    async with conn.execute(DUE_SQL, (utc_text(now), limit)) as cur:
        rows = await cur.fetchall()
    return [_due(tuple(r)) for r in rows]


async def set_status(
    conn: aiosqlite.Connection, ids: Sequence[int], status: str, note: str = ""
) -> None:
    """Set reminders to queued / skipped / cancelled, with a note saying why."""
    stamp = now_iso()
    await conn.executemany(
        "UPDATE reminders SET status = ?, note = ?, done_at = ? WHERE id = ?",
        [(status, note, stamp, i) for i in ids],
    )


async def reschedule(
    conn: aiosqlite.Connection, reminder_id: int, fire_at: datetime, missing_year: int | None
) -> None:
    """Move a pending reminder to a new fire time (a provisional one, re-planned)."""
    await conn.execute(
        "UPDATE reminders SET fire_at = ?, missing_year = ? WHERE id = ?",
        (utc_text(fire_at), missing_year, reminder_id),
    )


async def recipients_for_inspectors(
    conn: aiosqlite.Connection, inspector_ids: Iterable[int]
) -> dict[int, list[Recipient]]:
    """The bound users of each inspector record (usually one)."""
    ids = sorted(set(inspector_ids))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT inspector_id, id, telegram_id, lang FROM users WHERE inspector_id IN ({marks})"
    found: dict[int, list[Recipient]] = {}
    async with conn.execute(sql, ids) as cur:
        for r in await cur.fetchall():
            found.setdefault(r[0], []).append(Recipient(r[1], r[2], r[3]))
    return found


async def recipients_with_role(
    conn: aiosqlite.Connection, bureau_id: int, role: Role
) -> list[Recipient]:
    """Every bound user of the bureau holding `role`."""
    sql = (
        "SELECT u.id, u.telegram_id, u.lang FROM users u JOIN user_roles r ON r.user_id = u.id"
        " WHERE u.bureau_id = ? AND r.role = ? ORDER BY u.id"
    )
    async with conn.execute(sql, (bureau_id, role.value)) as cur:
        return [Recipient(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def inspector_names(
    conn: aiosqlite.Connection, inspection_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Active inspectors' names per visit, lead first."""
    ids = sorted(set(inspection_ids))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    sql = (
        "SELECT a.inspection_id, p.name FROM inspection_inspectors a"
        f" JOIN inspectors p ON p.id = a.inspector_id WHERE a.inspection_id IN ({marks})"
        " AND a.active = 1 ORDER BY a.inspection_id, a.role = 'lead' DESC, p.name"
    )
    names: dict[int, list[str]] = {}
    async with conn.execute(sql, ids) as cur:
        for r in await cur.fetchall():
            names.setdefault(r[0], []).append(r[1])
    return names


OPEN_SQL = (
    "SELECT d.subject_kind, d.subject_id, d.kind, d.due_on, i.id, i.status, i.period, e.name"
    " FROM deadlines d"
    " LEFT JOIN inspections i ON d.subject_kind = 'inspection'"
    "  AND i.id = CAST(d.subject_id AS INTEGER)"
    " LEFT JOIN entities e ON e.id = i.entity_id"
)


async def _open_deadlines(conn: aiosqlite.Connection, sql: str, args: tuple) -> list[OpenDeadline]:
    found, visits = [], []
    async with conn.execute(sql, args) as cur:
        for r in await cur.fetchall():
            if r[4] is not None and r[5] not in OPEN_VISIT:
                continue  # the visit was closed without cancel_for: not outstanding
            item = OpenDeadline(Subject(r[0], r[1]), r[2], date.fromisoformat(r[3]), r[7], r[6])
            found.append(item)
            if r[4] is not None:
                visits.append((r[4], item))
    names = await inspector_names(conn, [v for v, _ in visits])
    for visit_id, item in visits:
        item.inspectors = names.get(visit_id, [])
    return found


async def escalated_open(conn: aiosqlite.Connection, bureau_id: int) -> list[OpenDeadline]:
    """Open deadlines whose 督办 step has fired: what the managers' digest lists."""
    sql = OPEN_SQL + (  # driven by the escalated rows (index), not by all open deadlines
        " WHERE d.id IN (SELECT deadline_id FROM reminders WHERE bureau_id = ?"
        " AND step = 'escalated' AND status = 'queued') AND d.status = 'open'"
        " ORDER BY d.due_on, d.id"
    )
    return await _open_deadlines(conn, sql, (bureau_id,))


async def overdue(conn: aiosqlite.Connection, bureau_id: int, today: date) -> list[OpenDeadline]:
    """Open deadlines due before `today`, oldest first, plus open visits past their due date
    that have no deadline row (created without scheduling): the inspections table is the truth
    for visits."""
    sql = OPEN_SQL + (
        " WHERE d.bureau_id = ? AND d.status = 'open' AND d.due_on < ? ORDER BY d.due_on, d.id"
    )
    found = await _open_deadlines(conn, sql, (bureau_id, today.isoformat()))
    seen = {item.subject for item in found}
    unscheduled = (
        "SELECT 'inspection', CAST(i.id AS TEXT), 'visit_due', i.due_on, i.id, i.status,"
        " i.period, e.name FROM inspections i JOIN entities e ON e.id = i.entity_id"
        " WHERE i.bureau_id = ? AND i.status IN ('assigned', 'in_progress') AND i.due_on < ?"
        " ORDER BY i.due_on, i.id"
    )
    extra = await _open_deadlines(conn, unscheduled, (bureau_id, today.isoformat()))
    found += [item for item in extra if item.subject not in seen]
    found.sort(key=lambda item: item.due_on)
    return found


async def bureau_ids(conn: aiosqlite.Connection) -> list[int]:
    """Every bureau (the digest is per bureau)."""
    async with conn.execute("SELECT id FROM bureaus ORDER BY id") as cur:
        return [r[0] for r in await cur.fetchall()]


async def digest_done(conn: aiosqlite.Connection, bureau_id: int, day: date) -> bool:
    """Whether the bureau's managers' digest for local `day` was queued."""
    sql = "SELECT 1 FROM reminder_digests WHERE bureau_id = ? AND day = ?"
    async with conn.execute(sql, (bureau_id, day.isoformat())) as cur:
        return await cur.fetchone() is not None


async def record_digest(
    conn: aiosqlite.Connection, bureau_id: int, day: date, escalations: int, managers: int
) -> None:
    """Note that the day's digest was queued (one per bureau per local day)."""
    await conn.execute(
        "INSERT INTO reminder_digests (bureau_id, day, escalations, managers, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (bureau_id, day.isoformat(), escalations, managers, now_iso()),
    )


async def reminders_of(conn: aiosqlite.Connection, subject: Subject) -> list[tuple]:
    """(step, recipient, fire_at, status, note) of a subject's reminders, for checks and tests."""
    sql = (
        "SELECT r.step, r.recipient, r.fire_at, r.status, r.note FROM reminders r"
        " JOIN deadlines d ON d.id = r.deadline_id WHERE d.subject_kind = ? AND d.subject_id = ?"
        " ORDER BY r.fire_at, r.id"
    )
    async with conn.execute(sql, (subject.kind, subject.id)) as cur:
        return [tuple(r) for r in await cur.fetchall()]
