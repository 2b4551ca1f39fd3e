"""Routing free input (自由输入) by the user's session row: typed text, a location, a file or a
sticker goes to whatever the database says the user is doing. None means "not in any flow":
the handler lets the message go on to the bot's other handlers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.checklist_input import IncomingFile, Reask, file_problem
from bot.services import answer_input, checkin, corrections, rectifications, submission
from bot.services.answer_input import QuestionFile
from bot.services.errors import Refusal
from bot.services.flow_views import Notice, View
from bot.services.inspection import FlowEnv
from bot.services.rectifications import OrderFile
from storage.db import Database
from storage.rectifications import get_order
from storage.sessions import Session, get_session
from storage.users import User

BUTTON_STEPS = {"review": "ck_at_review", "result": "ck_use_buttons", "confirm": "ck_use_buttons"}


async def session_of(db: Database, user: User) -> Session | None:
    """The user's place in a flow, if any."""
    async with db.read() as conn:
        return await get_session(conn, user.id)


async def on_text(db: Database, user: User, text: str, env: FlowEnv) -> list[View] | None:
    """Typed text: an answer, a representative's name or post, a reason; or a hint."""
    s = await session_of(db, user)
    if s is None:
        return None
    if s.step == "checkin":
        return await checkin.still_needed(db, user, s)
    if s.step == "question":
        return await answer_input.typed(db, user, text)
    if s.step in ("rep_name", "rep_post"):
        return await submission.typed(db, user, text)
    if s.step == "correction_reason":
        return await corrections.reason_given(db, user, text)
    if s.step == "rect_return":
        return await rectifications.return_reason(db, user, text)
    if s.step == "rect_evidence":
        async with db.read() as conn:
            order = await get_order(conn, s.subject_id or 0)
        entity = order.entity_name if order else ""
        return [Notice("rf_send_files", {"id": s.subject_id, "entity": entity})]
    return [Notice(BUTTON_STEPS.get(s.step, "ck_use_buttons"))]


async def on_location(
    db: Database, user: User, lat: float, lon: float, env: FlowEnv
) -> list[View] | None:
    """A shared location: a check-in, or the answer to a location question."""
    s = await session_of(db, user)
    if s is None:
        return None
    if s.step == "checkin":
        return await checkin.located(db, user, s, lat, lon, env)
    if s.step == "question":
        return await answer_input.located(db, user, lat, lon, env)
    return [Notice("ck_location_unexpected")]


async def on_unusable(db: Database, user: User, key: str) -> list[View] | None:
    """A sticker or another message that cannot answer anything: say so, change nothing."""
    s = await session_of(db, user)
    if s is None:
        return None
    if s.step == "question":
        return await answer_input.unusable(db, user, key)
    return [Notice(key)]


@dataclass(frozen=True, slots=True)
class FileRoute:
    """Where a file is going, decided before it is downloaded."""

    folder: str
    target: QuestionFile | OrderFile


async def file_route(db: Database, user: User, f: IncomingFile) -> FileRoute | list[View] | None:
    """Check a file before downloading it: too large or of an unkept type is refused here."""
    s = await session_of(db, user)
    if s is None:
        return None
    problem: Reask | None = file_problem(f)
    if problem is not None:
        return [Notice(problem.key, problem.params)]
    if s.step == "question":
        q = await answer_input.file_target(db, user)
        return FileRoute(str(q.inspection_id), q)
    if s.step == "rect_evidence":
        o = await rectifications.file_target(db, user)
        return FileRoute(f"{o.inspection_id}/rectification-{o.rectification_id}", o)
    raise Refusal("ev_not_now")
