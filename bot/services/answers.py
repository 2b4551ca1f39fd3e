"""作答 use cases: start or resume a checklist, answer, go back, review. One transaction each,
through the group commit (`Database.batch`): a call returns only once its writes are committed.

Every answer is written on receipt (`answers` + `answer_history`) and the user's place is a row
(`checklist_sessions`), so a restart resumes at the same question. A button names the visit and
the question index; it is refused as out of date unless the user's session is on exactly that
question, the visit is still open, and the question is still asked and theirs to answer.
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.domain.checklist import QuestionType
from bot.domain.checklist_flow import (
    FrozenChecklist,
    FrozenQuestion,
    askable,
    finding_in,
    findings,
    mine,
    missing_required,
    next_in,
    previous_in,
    previous_question,
    progress_in,
)
from bot.domain.checklist_input import Reask, parse_choice, parse_selection, toggle
from bot.domain.ids import number
from bot.i18n import t
from bot.services.errors import Refusal
from bot.services.flow_views import (
    CheckinView,
    Notice,
    QuestionView,
    ReviewLine,
    ReviewView,
    View,
)
from bot.services.inspection import (
    FlowEnv,
    Visit,
    answer_map,
    ensure_checklist,
    load_visit,
    visit_checklist,
)
from storage import outbox
from storage.answers import StoredAnswer, answers_of, put_answer, user_names
from storage.checkins import has_checked_in
from storage.db import Database
from storage.evidence import evidence_of
from storage.inspections import set_status
from storage.sessions import Session, get_session, put_session
from storage.users import User
from storage.visits import visit_contacts

Stored = dict[str, StoredAnswer]


async def start(db: Database, user: User, inspection_id: int, env: FlowEnv) -> list[View]:
    """Open (or resume) the checklist: check-in first on a site visit, then the next question."""
    return await db.batch(lambda conn: _start(conn, user, inspection_id, env))


async def _start(
    conn: aiosqlite.Connection, user: User, inspection_id: int, env: FlowEnv
) -> list[View]:
    visit = await load_visit(conn, user, inspection_id, editable=True)
    if await needs_checkin(conn, visit, user):
        await put_session(conn, Session(user.id, inspection_id, "checkin"))
        return [CheckinView(inspection_id, visit.view.entity_name)]
    checklist = await ensure_checklist(conn, visit, env, user)
    session = await get_session(conn, user.id)
    if _on_visit(session, inspection_id) and session.step == "question":
        fq = checklist.at(session.question_index or 0)
        stored = await answers_of(conn, inspection_id)
        if fq is not None and _answerable(visit, checklist, stored, fq):
            return [await question_view(conn, user, visit, checklist, stored, fq)]
    return [await advance(conn, user, visit, checklist)]


async def needs_checkin(conn: aiosqlite.Connection, visit: Visit, user: User) -> bool:
    """A site visit not yet submitted needs this inspector's check-in before answers."""
    if visit.view.mode != "site" or not visit.open:
        return False
    return not await has_checked_in(conn, visit.id, user.id)


def _on_visit(session: Session | None, inspection_id: int) -> bool:
    return session is not None and session.inspection_id == inspection_id


def _answerable(
    visit: Visit, checklist: FrozenChecklist, stored: Stored, fq: FrozenQuestion
) -> bool:
    asked = {q.key for q in askable(checklist, answer_map(stored))}
    return fq.key in asked and visit.may(fq)


async def advance(
    conn: aiosqlite.Connection,
    user: User,
    visit: Visit,
    checklist: FrozenChecklist,
    *,
    after: int = -1,
    stored: Stored | None = None,
    notice: Notice | None = None,
) -> View:
    """The next unanswered question of this inspector's, or the review when none is left."""
    if stored is None:
        stored = await answers_of(conn, visit.id)
    own = mine(checklist, answer_map(stored), visit.may)
    fq = next_in(own, stored, after)
    if fq is None:
        await _note_done(conn, user, visit)
        return await review_view(conn, user, visit, checklist, stored, notice)
    return await question_view(conn, user, visit, checklist, stored, fq, notice, own=own)


async def question_view(
    conn: aiosqlite.Connection,
    user: User,
    visit: Visit,
    checklist: FrozenChecklist,
    stored: Stored,
    fq: FrozenQuestion,
    notice: Notice | None = None,
    selected: list[str] | None = None,
    seen: int | None = None,
    own: list[FrozenQuestion] | None = None,
) -> QuestionView:
    """Show `fq` and put the user's session on it, remembering the answer's revision seen
    (`seen` keeps an earlier one, e.g. while options of a multiple choice are toggled; `own`:
    this inspector's questions given `stored`, when the caller has just worked them out)."""
    if own is None:
        own = mine(checklist, answer_map(stored), visit.may)
    position, total = progress_in(own, fq)
    current = stored.get(fq.key)
    if selected is None:
        selected = (
            list(current.value or [])
            if current and fq.question.type is QuestionType.MULTIPLE_CHOICE
            else []
        )
    session = Session(
        user.id,
        visit.id,
        "question",
        fq.index,
        seen if seen is not None else (current.revision if current else 0),
        draft={"sel": selected} if fq.question.type is QuestionType.MULTIPLE_CHOICE else {},
    )
    await put_session(conn, session)
    names = await user_names(conn, {current.answered_by}) if current else {}
    count = 0
    if fq.question.type is QuestionType.PHOTO and current and isinstance(current.value, dict):
        count = len(current.value.get("evidence", []))
    return QuestionView(
        visit.id,
        visit.view.entity_name,
        fq,
        position,
        total,
        has_value=current is not None,
        value=current.value if current else None,
        answered_by=names.get(current.answered_by, "") if current else "",
        selected=selected,
        evidence=count,
        can_back=previous_in(own, fq.index) is not None,
        notice=notice,
    )


async def review_view(
    conn: aiosqlite.Connection,
    user: User,
    visit: Visit,
    checklist: FrozenChecklist,
    stored: Stored,
    notice: Notice | None = None,
) -> ReviewView:
    """汇总 of the whole visit (every inspector's answers, with who answered); session on review."""
    await put_session(conn, Session(user.id, visit.id, "review"))
    answers = answer_map(stored)
    names = await user_names(conn, {a.answered_by for a in stored.values()})
    files: dict[str, int] = {}
    for ev in await evidence_of(conn, visit.id):
        key = f"{ev.item_id}/{ev.question_id}"
        files[key] = files.get(key, 0) + 1
    lines = []
    asked = askable(checklist, answers)
    for fq in asked:
        a = stored.get(fq.key)
        value = a.value if a else None
        finding = a is not None and value is not None and finding_in(checklist, fq, value)
        who = names.get(a.answered_by, "") if a else ""
        lines.append(
            ReviewLine(fq, a is not None, value, who, finding, files.get(fq.key, 0), visit.may(fq))
        )
    lead = visit.lead
    can_submit = visit.is_lead or (
        visit.editing_correction and visit.correction.requested_by == user.id
    )
    return ReviewView(
        visit.id,
        visit.view.entity_name,
        lines,
        missing_required(checklist, answers, asked),
        sum(line.finding for line in lines),
        can_submit,
        lead.name if lead else "",
        correction=visit.editing_correction,
        notice=notice,
    )


async def _note_done(conn: aiosqlite.Connection, user: User, visit: Visit) -> None:
    """A member who has answered all their questions tells the lead (once) through the outbox."""
    if visit.is_lead or not visit.open:
        return
    for role, contact in await visit_contacts(conn, visit.id):
        if role == "lead" and contact.user_id != user.id:
            text = t(
                contact.lang,
                "ck_member_done",
                name=user.display_name,
                id=visit.id,
                entity=visit.view.entity_name,
            )
            await outbox.enqueue(
                conn,
                contact.chat_id,
                {"text": text},
                key=f"ck-done:{visit.id}:{user.id}",
                bureau_id=user.bureau_id,
            )


async def _session_question(
    conn: aiosqlite.Connection, user: User, inspection_id: int, index: int
) -> tuple[Visit, FrozenChecklist, Session, Stored, FrozenQuestion]:
    """The visit, checklist, session, answers and question a button names, if it is current."""
    visit = await load_visit(conn, user, inspection_id, editable=True)
    session = await get_session(conn, user.id)
    checklist = await visit_checklist(conn, visit)
    if (
        checklist is None
        or not _on_visit(session, inspection_id)
        or session.step != "question"
        or session.question_index != index
    ):
        raise Refusal("btn_stale")
    fq = checklist.at(index)
    stored = await answers_of(conn, inspection_id)
    if fq is None or not _answerable(visit, checklist, stored, fq):
        raise Refusal("btn_stale")
    return visit, checklist, session, stored, fq


async def tap(db: Database, user: User, inspection_id: int, index: int, code: str) -> list[View]:
    """A button on a question: an answer (y/n/na, o<k>), a toggle (t<k>), done, skip or next."""
    return await db.batch(lambda conn: _tap(conn, user, inspection_id, index, code))


async def _tap(
    conn: aiosqlite.Connection, user: User, inspection_id: int, index: int, code: str
) -> list[View]:
    visit, checklist, session, stored, fq = await _session_question(
        conn, user, inspection_id, index
    )
    q = fq.question
    k = number(code[1:]) if code.startswith("t") else None
    if k is not None and q.type is QuestionType.MULTIPLE_CHOICE:
        picked = toggle(q, session.draft.get("sel", []), k)
        view = await question_view(
            conn,
            user,
            visit,
            checklist,
            stored,
            fq,
            selected=picked,
            seen=session.seen_revision,
        )
        return [view]
    if code == "next":
        if fq.key not in stored:
            return [
                await question_view(
                    conn, user, visit, checklist, stored, fq, Notice("ck_need_photo")
                )
            ]
        return [await advance(conn, user, visit, checklist, after=fq.index, stored=stored)]
    if code == "skip":
        value: Any = None if not q.required else Reask("ck_required")
    elif code == "done":
        value = parse_selection(q, session.draft.get("sel", []))
    else:
        value = parse_choice(q, code)
    return [await store(conn, user, visit, checklist, session, stored, fq, value)]


async def store(
    conn: aiosqlite.Connection,
    user: User,
    visit: Visit,
    checklist: FrozenChecklist,
    session: Session,
    stored: Stored,
    fq: FrozenQuestion,
    value: Any,
) -> View:
    """Write an answer and move on; a re-ask, or a colleague's newer answer, stays put."""
    if isinstance(value, Reask):
        notice = Notice(value.key, value.params)
        return await question_view(conn, user, visit, checklist, stored, fq, notice)
    current = stored.get(fq.key)
    if current and current.revision != session.seen_revision and current.answered_by != user.id:
        names = await user_names(conn, {current.answered_by})
        notice = Notice("ck_changed_by", {"name": names.get(current.answered_by, "?")})
        return await question_view(conn, user, visit, checklist, stored, fq, notice)
    revision = await put_answer(conn, visit.id, fq.item_id, fq.question.id, value, user.id)
    if visit.view.status == "assigned":
        await set_status(conn, visit.id, "in_progress")
        visit.view.status = "in_progress"
    stored = dict(stored)
    stored[fq.key] = StoredAnswer(fq.item_id, fq.question.id, value, user.id, "", revision)
    return await advance(conn, user, visit, checklist, after=fq.index, stored=stored)


async def back(db: Database, user: User, inspection_id: int, index: int) -> list[View]:
    """◀: the question before the current one (to change its answer)."""
    return await db.batch(lambda conn: _back(conn, user, inspection_id, index))


async def _back(
    conn: aiosqlite.Connection, user: User, inspection_id: int, index: int
) -> list[View]:
    visit, checklist, _, stored, fq = await _session_question(conn, user, inspection_id, index)
    prev = previous_question(checklist, answer_map(stored), visit.may, fq.index)
    if prev is None:
        raise Refusal("btn_stale")
    return [await question_view(conn, user, visit, checklist, stored, prev)]


async def go_to(db: Database, user: User, inspection_id: int, index: int) -> list[View]:
    """✏️ from the review: jump to a question to change its answer."""
    return await db.batch(lambda conn: _go_to(conn, user, inspection_id, index))


async def _go_to(
    conn: aiosqlite.Connection, user: User, inspection_id: int, index: int
) -> list[View]:
    visit = await load_visit(conn, user, inspection_id, editable=True)
    session = await get_session(conn, user.id)
    checklist = await visit_checklist(conn, visit)
    if checklist is None or not _on_visit(session, inspection_id):
        raise Refusal("btn_stale")
    if session.step not in ("question", "review"):
        raise Refusal("btn_stale")
    stored = await answers_of(conn, inspection_id)
    fq = checklist.at(index)
    if fq is None or not _answerable(visit, checklist, stored, fq):
        raise Refusal("ck_not_yours_question")
    return [await question_view(conn, user, visit, checklist, stored, fq)]


async def review(db: Database, user: User, inspection_id: int) -> list[View]:
    """📋: the summary of the visit so far."""
    return await db.batch(lambda conn: _review(conn, user, inspection_id))


async def _review(conn: aiosqlite.Connection, user: User, inspection_id: int) -> list[View]:
    visit = await load_visit(conn, user, inspection_id, editable=True)
    checklist = await visit_checklist(conn, visit)
    if checklist is None:
        raise Refusal("btn_stale")
    stored = await answers_of(conn, inspection_id)
    return [await review_view(conn, user, visit, checklist, stored)]


async def current_question(
    conn: aiosqlite.Connection, user: User, session: Session
) -> tuple[Visit, FrozenChecklist, Stored, FrozenQuestion] | None:
    """The question typed input goes to, or None when the session no longer points at one."""
    visit = await load_visit(conn, user, session.inspection_id, editable=True)
    checklist = await visit_checklist(conn, visit)
    if checklist is None or session.question_index is None:
        return None
    fq = checklist.at(session.question_index)
    stored = await answers_of(conn, session.inspection_id)
    if fq is None or not _answerable(visit, checklist, stored, fq):
        return None
    return visit, checklist, stored, fq


def finding_texts(checklist: FrozenChecklist, answers: dict) -> list[FrozenQuestion]:
    """The questions whose answers are findings (for the submission summary)."""
    return findings(checklist, answers)
