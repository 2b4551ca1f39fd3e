"""提交 use cases: from the review to an immutable record (现场检查记录表).

The lead (主办) submits one combined record for the visit: the representative's name and post
(or that they refused to sign), the result in the standard wording, then confirmation. The record
is written as version 1 (or N+1 after an approved correction, which keeps the representative of
the version it corrects); the visit becomes `submitted`; a finding opens a rectification; the
first submission starts the publication deadline (公开时限, `publication.on_record_submitted`),
and a corrected version of a result already published marks it for re-publication
(`publication.on_record_corrected`); all in one transaction with the audit row and the
notifications.
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.domain.checklist_flow import findings, missing_required
from bot.domain.checklist_input import Reask, parse_name, parse_representative
from bot.domain.results import RESULTS, Result, result_problem
from bot.i18n import t
from bot.services import flow_deadlines, publication, rectifications
from bot.services.answer_text import shown
from bot.services.answers import review_view
from bot.services.errors import Refusal
from bot.services.flow_views import Notice, SubmittedView, SubmitView, View
from bot.services.inspection import FlowEnv, Visit, answer_map, checklist_of, load_visit
from bot.services.record_build import build_record
from storage import audit, outbox
from storage.answers import answers_of
from storage.db import Database
from storage.inspections import set_status
from storage.records import complete_correction, insert_record, latest_record
from storage.sessions import Session, clear_for_inspection, get_session, put_session
from storage.users import User
from storage.visits import visit_contacts

STEPS = ("rep_name", "rep_post", "result", "confirm")


async def _at(conn: aiosqlite.Connection, user: User, inspection_id: int, steps: tuple[str, ...]):  # noqa: ANN202
    """The visit and session when the user's session is on one of `steps` of this visit."""
    visit = await load_visit(conn, user, inspection_id, editable=True)
    session = await get_session(conn, user.id)
    if session is None or session.inspection_id != inspection_id or session.step not in steps:
        raise Refusal("btn_stale")
    return visit, session


def _may_submit(visit: Visit, user: User) -> bool:
    if visit.editing_correction:
        return visit.is_lead or visit.correction.requested_by == user.id
    return visit.is_lead


async def _finding_lines(conn: aiosqlite.Connection, visit: Visit, lang: str) -> list[str]:
    checklist = await checklist_of(conn, visit.id)
    answers = answer_map(await answers_of(conn, visit.id))
    return [
        f"{fq.question.text}：{shown(fq.question, answers[fq.key], lang)}"
        for fq in findings(checklist, answers)
    ]


async def _view(
    conn: aiosqlite.Connection,
    user: User,
    visit: Visit,
    session: Session,
    notice: Notice | None = None,
) -> SubmitView:
    d = session.draft
    return SubmitView(
        visit.id,
        visit.view.entity_name,
        session.step,
        await _finding_lines(conn, visit, user.lang),
        d.get("rep_name", ""),
        d.get("rep_post", ""),
        bool(d.get("refused")),
        Result(d["result"]) if d.get("result") else None,
        visit.editing_correction,
        notice,
    )


async def begin(db: Database, user: User, inspection_id: int) -> list[View]:
    """提交 on the review: refuse while required answers are missing, else ask for the
    representative (or, for a correction, straight for the result)."""
    async with db.tx() as conn:
        visit, _ = await _at(conn, user, inspection_id, ("review",))
        if not _may_submit(visit, user):
            raise Refusal("sub_not_lead", lead=visit.lead.name if visit.lead else "")
        checklist = await checklist_of(conn, inspection_id)
        stored = await answers_of(conn, inspection_id)
        missing = missing_required(checklist, answer_map(stored))
        if missing:
            notice = Notice("sub_missing", {"count": len(missing)})
            return [await review_view(conn, user, visit, checklist, stored, notice)]
        draft: dict[str, Any] = {}
        step = "rep_name"
        if visit.editing_correction:
            base = await latest_record(conn, inspection_id)
            draft = {
                "rep_name": base.representative_name,
                "rep_post": base.representative_post,
                "refused": base.representative_refused,
            }
            step = "result"
        session = Session(user.id, inspection_id, step, draft=draft)
        await put_session(conn, session)
        return [await _view(conn, user, visit, session)]


async def typed(db: Database, user: User, text: str) -> list[View]:
    """The representative's name, then post, typed while those steps are open."""
    async with db.tx() as conn:
        session = await get_session(conn, user.id)
        if session is None or session.step not in ("rep_name", "rep_post"):
            raise Refusal("btn_stale")
        visit, session = await _at(conn, user, session.inspection_id, ("rep_name", "rep_post"))
        rep = session.step == "rep_name"
        value = parse_representative(text) if rep else parse_name(text)
        if isinstance(value, Reask):
            return [await _view(conn, user, visit, session, Notice(value.key, value.params))]
        if rep:
            session.draft["rep_name"], post = value
            if post is not None:
                session.draft["rep_post"] = post
            session.step = "rep_post" if post is None else "result"
        else:
            session.draft["rep_post"] = value
            session.step = "result"
        await put_session(conn, session)
        return [await _view(conn, user, visit, session)]


async def refused(db: Database, user: User, inspection_id: int) -> list[View]:
    """对方拒绝签字: the representative refused to acknowledge the record."""
    async with db.tx() as conn:
        visit, session = await _at(conn, user, inspection_id, ("rep_name", "rep_post"))
        session.draft.update(refused=True, rep_name="", rep_post="")
        session.step = "result"
        await put_session(conn, session)
        return [await _view(conn, user, visit, session)]


async def choose(db: Database, user: User, inspection_id: int, k: int) -> list[View]:
    """A result button; it must agree with the findings."""
    async with db.tx() as conn:
        visit, session = await _at(conn, user, inspection_id, ("result", "confirm"))
        if not 0 <= k < len(RESULTS):
            raise Refusal("btn_stale")
        result = RESULTS[k]
        count = len(await _finding_lines(conn, visit, user.lang))
        problem = result_problem(result, count)
        if problem:
            session.step = "result"
            await put_session(conn, session)
            return [await _view(conn, user, visit, session, Notice(problem, {"count": count}))]
        session.draft["result"] = result.value
        session.step = "confirm"
        await put_session(conn, session)
        return [await _view(conn, user, visit, session)]


async def cancel(db: Database, user: User, inspection_id: int) -> list[View]:
    """◀ during submission: back to the review, nothing written."""
    async with db.tx() as conn:
        visit, _ = await _at(conn, user, inspection_id, STEPS)
        checklist = await checklist_of(conn, inspection_id)
        stored = await answers_of(conn, inspection_id)
        return [await review_view(conn, user, visit, checklist, stored)]


async def confirm(db: Database, user: User, inspection_id: int, env: FlowEnv) -> list[View]:
    """✅ 确认提交: write the record version; the visit's answers are then closed to changes."""
    async with db.tx() as conn:
        visit, session = await _at(conn, user, inspection_id, ("confirm",))
        if not _may_submit(visit, user):
            raise Refusal("sub_not_lead", lead=visit.lead.name if visit.lead else "")
        checklist = await checklist_of(conn, inspection_id)
        stored = await answers_of(conn, inspection_id)
        if missing_required(checklist, answer_map(stored)):
            raise Refusal("btn_stale")
        result = Result(session.draft["result"])
        base = await latest_record(conn, inspection_id)
        correction = visit.correction if visit.editing_correction else None
        record = await build_record(
            conn,
            visit,
            checklist,
            stored,
            user,
            env,
            result=result,
            draft=session.draft,
            version=(base.version + 1) if base else 1,
            supersedes=base.version if base else None,
            correction=correction,
        )
        if result_problem(result, len(record.findings)):
            raise Refusal("btn_stale")
        await insert_record(conn, record)
        await set_status(conn, inspection_id, "submitted")
        await flow_deadlines.visit_submitted(conn, visit)
        if correction is not None:
            await complete_correction(conn, correction.id, record.version)
            await publication.on_record_corrected(conn, inspection_id)
        await audit.append(
            conn,
            f"tg:{user.telegram_id}",
            "record.submitted",
            f"inspection:{inspection_id}",
            {
                "version": record.version,
                "result": result.value,
                "content_hash": record.content_hash,
                "supersedes": record.supersedes_version,
                "correction": record.correction_id,
            },
            bureau_id=user.bureau_id,
        )
        ordered = await rectifications.on_record(conn, visit, record, user, env)
        await publication.on_record_submitted(
            conn, visit.view.bureau_id, inspection_id, now=env.now, tz=env.tz,
            deadlines=env.deadlines,
        )  # fmt: skip
        await clear_for_inspection(conn, inspection_id)
        await _tell_colleagues(conn, user, visit, record.version, result)
        done = SubmittedView(
            inspection_id, visit.view.entity_name, record.version, result, record.content_hash
        )
        if ordered is not None:
            order, done.rectification_state = ordered
            done.rectification_id, done.rectification_due = order.id, order.due_on
        return [done]


async def _tell_colleagues(
    conn: aiosqlite.Connection, user: User, visit: Visit, version: int, result: Result
) -> None:
    for _, c in await visit_contacts(conn, visit.id):
        if c.user_id == user.id:
            continue
        text = t(
            c.lang,
            "sub_colleague",
            name=user.display_name,
            entity=visit.view.entity_name,
            id=visit.id,
            version=version,
            result=t(c.lang, f"result_{result.value}"),
        )
        await outbox.enqueue(
            conn,
            c.chat_id,
            {"text": text},
            bureau_id=user.bureau_id,
            key=f"rec:{visit.id}:v{version}:{c.user_id}",
        )
