"""Typed text, locations, files and stickers sent while a question is open (自由输入作答).

Each re-reads the user's session inside its own transaction (through the group commit,
`Database.batch`), so input goes to the question the database says is current, whatever
happened in between (a restart, a colleague's answer).
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.domain.checklist import QuestionType
from bot.domain.checklist_input import IncomingFile, parse_typed
from bot.domain.geo import valid_position
from bot.services.answers import advance, current_question, question_view, store
from bot.services.errors import Refusal
from bot.services.evidence import SavedFile, keep_evidence
from bot.services.flow_views import Notice, View
from bot.services.inspection import FlowEnv, load_visit, visit_checklist, visit_placement
from storage.answers import answers_of, put_answer
from storage.db import Database
from storage.inspections import set_status
from storage.sessions import Session, get_session
from storage.users import User


async def _question_session(conn, user: User) -> Session:  # noqa: ANN001
    session = await get_session(conn, user.id)
    if session is None or session.step != "question":
        raise Refusal("btn_stale")
    return session


async def _lost(conn, user: User, session: Session) -> list[View]:  # noqa: ANN001
    """The session's question is no longer asked (a colleague changed an earlier answer)."""
    visit = await load_visit(conn, user, session.inspection_id, editable=True)
    checklist = await visit_checklist(conn, visit)
    if checklist is None:
        raise Refusal("btn_stale")
    return [await advance(conn, user, visit, checklist, notice=Notice("ck_moved_on"))]


async def typed(db: Database, user: User, text: str) -> list[View]:
    """Text for the open question: a number, a date or a note; anything else is re-asked."""
    return await db.batch(lambda conn: _typed(conn, user, text))


async def _typed(conn: aiosqlite.Connection, user: User, text: str) -> list[View]:
    session = await _question_session(conn, user)
    found = await current_question(conn, user, session)
    if found is None:
        return await _lost(conn, user, session)
    visit, checklist, stored, fq = found
    value = parse_typed(fq.question, text)
    return [await store(conn, user, visit, checklist, session, stored, fq, value)]


async def located(db: Database, user: User, lat: float, lon: float, env: FlowEnv) -> list[View]:
    """A location for a location question (with its distance from the entity)."""
    return await db.batch(lambda conn: _located(conn, user, lat, lon, env))


async def _located(
    conn: aiosqlite.Connection, user: User, lat: float, lon: float, env: FlowEnv
) -> list[View]:
    session = await _question_session(conn, user)
    found = await current_question(conn, user, session)
    if found is None:
        return await _lost(conn, user, session)
    visit, checklist, stored, fq = found
    if fq.question.type is not QuestionType.LOCATION or not valid_position(lat, lon):
        notice = Notice("ck_location_unexpected")
        return [await question_view(conn, user, visit, checklist, stored, fq, notice)]
    where = await visit_placement(conn, visit, lat, lon, env)
    value = {"lat": lat, "lon": lon, "distance_m": where.distance_m, "far": where.far}
    return [await store(conn, user, visit, checklist, session, stored, fq, value)]


async def unusable(db: Database, user: User, key: str) -> list[View]:
    """A sticker (or other unusable message) while a question is open: say so, ask again."""
    return await db.batch(lambda conn: _unusable(conn, user, key))


async def _unusable(conn: aiosqlite.Connection, user: User, key: str) -> list[View]:
    session = await _question_session(conn, user)
    found = await current_question(conn, user, session)
    if found is None:
        return await _lost(conn, user, session)
    visit, checklist, stored, fq = found
    return [
        await question_view(
            conn, user, visit, checklist, stored, fq, Notice(key), seen=session.seen_revision
        )
    ]


@dataclass(frozen=True, slots=True)
class QuestionFile:
    """Where an incoming file goes: a visit's question."""

    inspection_id: int
    item_id: str
    question_id: str


async def file_target(db: Database, user: User) -> QuestionFile:
    """The question a file would be kept for (checked before downloading it)."""
    async with db.read() as conn:
        session = await _question_session(conn, user)
        found = await current_question(conn, user, session)
    if found is None:
        raise Refusal("btn_stale")
    fq = found[3]
    return QuestionFile(session.inspection_id, fq.item_id, fq.question.id)


async def keep_file(
    db: Database, user: User, target: QuestionFile, f: IncomingFile, saved: SavedFile
) -> list[View]:
    """Keep a downloaded file for its question; on a photo question it is (part of) the answer."""
    return await db.batch(lambda conn: _keep_file(conn, user, target, f, saved))


async def _keep_file(
    conn: aiosqlite.Connection, user: User, target: QuestionFile, f: IncomingFile, saved: SavedFile
) -> list[View]:
    session = await _question_session(conn, user)
    found = await current_question(conn, user, session)
    if (
        found is None
        or found[3].item_id != target.item_id
        or found[3].question.id != target.question_id
    ):
        raise Refusal("btn_stale")
    visit, checklist, stored, fq = found
    evidence_id = await keep_evidence(
        conn,
        f,
        saved,
        inspection_id=visit.id,
        uploaded_by=user.id,
        item_id=fq.item_id,
        question_id=fq.question.id,
    )
    if fq.question.type is not QuestionType.PHOTO:
        notice = Notice("ev_attached", {"sha": saved.sha256[:12]}, ok=True)
        return [
            await question_view(
                conn, user, visit, checklist, stored, fq, notice, seen=session.seen_revision
            )
        ]
    current = stored.get(fq.key)
    ids = list((current.value or {}).get("evidence", [])) if current else []
    ids.append(evidence_id)
    await put_answer(conn, visit.id, fq.item_id, fq.question.id, {"evidence": ids}, user.id)
    if visit.view.status == "assigned":
        await set_status(conn, visit.id, "in_progress")
    stored = await answers_of(conn, visit.id)
    notice = Notice("ev_received", {"count": len(ids), "sha": saved.sha256[:12]}, ok=True)
    return [await question_view(conn, user, visit, checklist, stored, fq, notice)]
