"""Reminders and escalation (提醒与督办): schedule them as rows, sweep due rows into the outbox.

* `schedule_for_inspection` / `schedule_deadline` write a deadline and its reminder rows; call
  them in the transaction that creates, reassigns or re-dates the visit (idempotent).
* `cancel_for` closes a subject's deadlines and cancels their pending reminders (visit
  submitted or cancelled).
* `sweep` turns due rows into outbox rows in one transaction, each once (the reminder row is
  marked in the same transaction, and each outbox row has a unique key). It reads only due rows,
  so after downtime the next sweep catches up: it sends the latest due step per deadline and
  recipient and skips the steps that step supersedes. Nothing is queued during quiet hours.
  Managers get one digest per local day listing every open escalated deadline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time

import aiosqlite

from bot.domain.deadlines import Deadlines
from bot.domain.models import Role
from bot.domain.reminders import (
    Audience,
    BureauDeadlines,
    DeadlineKind,
    Step,
    Subject,
    WorkdayMemo,
    bureau_deadlines,
    fire_time,
    missing_years,
    plan_reminders,
    step_days,
    supersede,
)
from bot.i18n import t
from bot.services.reminder_texts import digest_text, reminder_text
from storage import deadlines as store
from storage import outbox
from storage.db import Database
from storage.deadlines import DueReminder, Recipient, ReminderRow
from storage.inspections import get_inspection
from storage.outbox import Message

log = logging.getLogger(__name__)
SWEEP_LIMIT = 2000  # due rows per sweep; more wait for the next sweep (a minute later)


async def schedule_deadline(
    conn: aiosqlite.Connection,
    bureau_id: int,
    subject: Subject,
    kind: DeadlineKind | str,
    due_on: date,
    *,
    deadlines: Deadlines,
    now: datetime,
    inspector_ids: Iterable[int] = (),
) -> int:
    """Write (or re-date) one deadline and its reminders; returns how many reminder rows it has.

    With `inspector_ids` the inspectors are reminded before and on the due date; without, the
    coordinators are (reports, draws, the annual plan). Pending rows of recipients no longer
    listed are cancelled; rows already queued stay queued.
    """
    policy = bureau_deadlines(deadlines)
    inspectors = sorted(set(inspector_ids))
    owner = Audience.INSPECTOR if inspectors else Audience.COORDINATOR
    planned = plan_reminders(due_on, policy, owner=owner, now=now)
    rows: list[ReminderRow] = []
    for p in planned:
        if p.audience is Audience.INSPECTOR:
            rows += [
                ReminderRow(p.step, p.audience, f"inspector:{i}", i, p.fire_at, p.missing_year)
                for i in inspectors
            ]
        else:
            rows.append(
                ReminderRow(p.step, p.audience, p.audience.value, None, p.fire_at, p.missing_year)
            )
    deadline_id = await store.upsert_deadline(conn, bureau_id, subject, str(kind), due_on)
    await store.upsert_reminders(conn, deadline_id, bureau_id, rows)
    keep = [(r.step, r.recipient) for r in rows]
    await store.cancel_pending(conn, deadline_id, keep, note="rescheduled")
    for year in sorted(missing_years(planned)):
        log.warning(
            "deadline %s %s: calendar lacks %s; reminder days estimated", subject, kind, year
        )
        await calendar_notice(conn, bureau_id, year)
    return len(rows)


async def schedule_for_inspection(
    conn: aiosqlite.Connection, inspection_id: int, *, deadlines: Deadlines, now: datetime
) -> int:
    """Schedule a visit's 检查任务 deadline (its due_on) for its active inspectors.

    Call in the transaction that creates the visit, and again after a replacement or a new due
    date. A visit that is no longer open has its reminders cancelled instead.
    """
    view = await get_inspection(conn, inspection_id)
    if view is None:
        raise LookupError(f"no inspection {inspection_id}")
    subject = Subject.inspection(inspection_id)
    if view.status not in store.OPEN_VISIT:
        await cancel_for(
            conn, subject, status="done" if view.status == "submitted" else "cancelled"
        )
        return 0
    return await schedule_deadline(
        conn,
        view.bureau_id,
        subject,
        DeadlineKind.VISIT_DUE,
        date.fromisoformat(view.due_on),
        deadlines=deadlines,
        now=now,
        inspector_ids=[a.inspector_id for a in view.inspectors if a.active],
    )


async def cancel_for(
    conn: aiosqlite.Connection,
    subject: Subject,
    *,
    status: str = "done",
    bureau_id: int | None = None,
) -> int:
    """Close the subject's open deadlines (done or cancelled) and cancel their pending
    reminders; returns how many reminders were cancelled. Call in the submitting transaction."""
    if status not in ("done", "cancelled"):
        raise ValueError(f"status must be done or cancelled, not {status!r}")
    return await store.close_subject(conn, subject, status, bureau_id)


async def calendar_notice(conn: aiosqlite.Connection, bureau_id: int, year: int) -> int:
    """Tell each coordinator, once per year, that the working-day calendar lacks `year`."""
    queued = 0
    for user in await store.recipients_with_role(conn, bureau_id, Role.COORDINATOR):
        queued += await outbox.enqueue(
            conn,
            user.chat_id,
            {"text": t(user.lang, "calendar_missing", year=year)},
            key=f"calendar-missing:{bureau_id}:{year}:{user.user_id}",
            bureau_id=bureau_id,
        )
    return queued


def _still_open(row: DueReminder) -> bool:
    if row.deadline_status != "open":
        return False
    if row.subject.kind != "inspection":
        return True
    if row.visit_status not in store.OPEN_VISIT:
        return False
    return row.inspector_id is None or bool(row.assignee_active)


def digest_time(policy: BureauDeadlines) -> time:
    """Local time the managers' digest goes out: `remind_at`, or the end of the quiet hours."""
    at = policy.reminder_rules.remind_at
    quiet = policy.quiet
    return quiet.end if quiet.contains(at) and quiet.end is not None else at


async def sweep(
    db: Database, now: datetime, deadlines: Deadlines | None = None, *, limit: int = SWEEP_LIMIT
) -> int:
    """Queue every due reminder and the day's digests, in one transaction; returns the number
    of outbox rows queued. During quiet hours nothing is queued: it waits for the morning."""
    policy = bureau_deadlines(deadlines)
    local = now.astimezone(policy.tz)
    if policy.quiet.contains(local.timetz()):
        return 0
    async with db.tx() as conn:
        due = await store.due_reminders(conn, now, limit)
        queued = await _fire(conn, due, now, policy) if due else 0
        if local.time() >= digest_time(policy):
            queued += await _digests(conn, local.date())
    return queued


async def _replan(
    conn: aiosqlite.Connection, rows: list[DueReminder], now: datetime, policy: BureauDeadlines
) -> list[DueReminder]:
    """Provisional rows (estimated days): re-plan on today's calendar; a row now later than
    `now` waits; one still estimated fires, and the coordinators hear of the gap once."""
    ready = []
    for row in rows:
        if row.missing_year is None:
            ready.append(row)
            continue
        day, missing = next((d, m) for s, d, m in step_days(row.due_on, policy) if s is row.step)
        at = fire_time(day, policy)
        if missing is None and at > now:
            await store.reschedule(conn, row.id, at, None)
            continue
        if missing is not None:
            log.warning(
                "reminder %s: calendar still lacks %s; sent on the estimated day", row.id, missing
            )
            await calendar_notice(conn, row.bureau_id, missing)
        ready.append(row)
    return ready


async def _fire(
    conn: aiosqlite.Connection, due: list[DueReminder], now: datetime, policy: BureauDeadlines
) -> int:
    closed = [r.id for r in due if not _still_open(r)]
    await store.set_status(conn, closed, "cancelled", "closed")
    live = await _replan(conn, [r for r in due if _still_open(r)], now, policy)
    send, superseded = supersede(live)
    await store.set_status(conn, [r.id for r in superseded], "skipped", "superseded")
    today = now.astimezone(policy.tz).date()
    days = WorkdayMemo(policy.calendar)
    by_inspector = await store.recipients_for_inspectors(
        conn, [r.inspector_id for r in send if r.inspector_id is not None]
    )
    visits = [
        int(r.subject.id) for r in send if r.step is Step.OVERDUE and r.subject.kind == "inspection"
    ]
    names = await store.inspector_names(conn, visits)
    coordinators: dict[int, list[Recipient]] = {}
    messages: list[Message] = []
    done, nobody = [], []
    for row in send:
        if row.audience is Audience.MANAGER:
            done.append(row.id)  # told in the managers' digest
            continue
        if row.audience is Audience.INSPECTOR:
            users = by_inspector.get(row.inspector_id or 0, [])
        else:
            if row.bureau_id not in coordinators:
                coordinators[row.bureau_id] = await store.recipients_with_role(
                    conn, row.bureau_id, Role.COORDINATOR
                )
            users = coordinators[row.bureau_id]
        if not users:
            nobody.append(row.id)
            continue
        visit_names = (
            names.get(int(row.subject.id), [])
            if row.step is Step.OVERDUE and row.subject.kind == "inspection"
            else []
        )
        messages += [
            Message(
                user.chat_id,
                reminder_text(user.lang, row, today, days, visit_names),
                f"reminder:{row.id}:{user.user_id}",
                row.bureau_id,
            )
            for user in users
        ]
        done.append(row.id)
    await store.set_status(conn, done, "queued")
    await store.set_status(conn, nobody, "skipped", "no bound user")
    return await outbox.enqueue_many(conn, messages)


async def _digests(conn: aiosqlite.Connection, today: date) -> int:
    """One digest per manager per local day, while any escalated deadline is open."""
    queued = 0
    for bureau_id in await store.bureau_ids(conn):
        if await store.digest_done(conn, bureau_id, today):
            continue
        items = await store.escalated_open(conn, bureau_id)
        if not items:
            continue
        managers = await store.recipients_with_role(conn, bureau_id, Role.MANAGER)
        digests = [
            Message(
                user.chat_id,
                digest_text(user.lang, items, today),
                f"digest:{user.user_id}:{today.isoformat()}",
                bureau_id,
            )
            for user in managers
        ]
        queued += await outbox.enqueue_many(conn, digests)
        await store.record_digest(conn, bureau_id, today, len(items), len(managers))
    return queued
