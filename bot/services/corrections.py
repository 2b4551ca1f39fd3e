"""更正 use cases: a submitted record changes only by request, with a reason, approved by a
manager. Approval reopens the visit's answers to its inspectors; re-submission writes the next
version and keeps the old one. Request, decision and new version are each audited.
"""

from __future__ import annotations

from bot.domain.checklist_input import Reask, parse_text
from bot.domain.models import Role
from bot.i18n import t
from bot.services.errors import Refusal
from bot.services.flow_views import Notice, View
from bot.services.inspection import load_visit
from storage import audit, outbox
from storage.db import Database
from storage.inspections import get_inspection
from storage.records import (
    Correction,
    add_correction,
    decide_correction,
    get_correction,
    latest_record,
    open_correction,
)
from storage.sessions import Session, clear_session, get_session, put_session
from storage.users import User
from storage.visits import role_contacts, user_contact


async def begin(db: Database, user: User, inspection_id: int) -> list[View]:
    """申请更正 on a submitted record: ask for the reason."""
    async with db.tx() as conn:
        visit = await load_visit(conn, user, inspection_id)
        if await latest_record(conn, inspection_id) is None:
            raise Refusal("corr_no_record", id=inspection_id)
        if await open_correction(conn, inspection_id) is not None:
            raise Refusal("corr_open_exists", id=inspection_id)
        await put_session(conn, Session(user.id, visit.id, "correction_reason"))
        return [Notice("corr_ask_reason", {"id": inspection_id, "entity": visit.view.entity_name})]


async def reason_given(db: Database, user: User, text: str) -> list[View]:
    """The reason typed: the request goes to every manager with approve / reject buttons."""
    async with db.tx() as conn:
        session = await get_session(conn, user.id)
        if session is None or session.step != "correction_reason":
            raise Refusal("btn_stale")
        visit = await load_visit(conn, user, session.inspection_id)
        reason = parse_text(text)
        if isinstance(reason, Reask):
            return [Notice(reason.key, reason.params)]
        base = await latest_record(conn, visit.id)
        cid = await add_correction(conn, visit.id, base.version, user.id, reason)
        if cid is None:
            raise Refusal("corr_open_exists", id=visit.id)
        await clear_session(conn, user.id)
        await audit.append(
            conn,
            f"tg:{user.telegram_id}",
            "correction.requested",
            f"inspection:{visit.id}",
            {"correction": cid, "base_version": base.version, "reason": reason},
            bureau_id=user.bureau_id,
        )
        managers = await role_contacts(conn, user.bureau_id, Role.MANAGER.value)
        for m in managers:
            text_m = t(
                m.lang,
                "corr_request_note",
                name=user.display_name,
                id=visit.id,
                entity=visit.view.entity_name,
                version=base.version,
                reason=reason,
            )
            markup = {
                "inline_keyboard": [
                    [
                        {"text": t(m.lang, "corr_btn_approve"), "callback_data": f"co:a:{cid}"},
                        {"text": t(m.lang, "corr_btn_reject"), "callback_data": f"co:x:{cid}"},
                    ]
                ]
            }
            await outbox.enqueue(
                conn,
                m.chat_id,
                {"text": text_m, "reply_markup": markup},
                key=f"corr:{cid}:{m.user_id}",
                bureau_id=user.bureau_id,
            )
        key = "corr_requested" if managers else "corr_requested_no_manager"
        return [Notice(key, {"id": visit.id})]


async def pending(db: Database, user: User) -> list[tuple[Correction, str, str]]:
    """/corrections for managers: pending requests as (request, entity, requester)."""
    sql = (
        "SELECT c.id, e.name, u.display_name FROM record_corrections c"
        " JOIN inspections i ON i.id = c.inspection_id JOIN entities e ON e.id = i.entity_id"
        " JOIN users u ON u.id = c.requested_by WHERE i.bureau_id = ? AND c.status = 'pending'"
        " ORDER BY c.id"
    )
    async with db.read() as conn:
        async with conn.execute(sql, (user.bureau_id,)) as cur:
            rows = await cur.fetchall()
        out = []
        for cid, entity, name in rows:
            c = await get_correction(conn, cid)
            out.append((c, entity, name))
    return out


async def decide(db: Database, user: User, cid: int, approve: bool) -> list[View]:
    """批准 / 驳回 by a manager; the requester is told (approval with a button to start)."""
    async with db.tx() as conn:
        c = await get_correction(conn, cid)
        view = await get_inspection(conn, c.inspection_id) if c else None
        if c is None or view is None or view.bureau_id != user.bureau_id:
            raise Refusal("corr_unknown", id=cid)
        status = "approved" if approve else "rejected"
        if not await decide_correction(conn, cid, status, user.id):
            raise Refusal("corr_decided", id=cid)
        await audit.append(
            conn,
            f"tg:{user.telegram_id}",
            f"correction.{status}",
            f"inspection:{c.inspection_id}",
            {"correction": cid, "base_version": c.base_version},
            bureau_id=user.bureau_id,
        )
        requester = await user_contact(conn, c.requested_by)
        if requester is not None:
            key = "corr_approved_note" if approve else "corr_rejected_note"
            msg = t(
                requester.lang,
                key,
                id=c.inspection_id,
                entity=view.entity_name,
                name=user.display_name,
                version=c.base_version + 1,
            )
            payload: dict = {"text": msg}
            if approve:
                payload["reply_markup"] = {
                    "inline_keyboard": [
                        [
                            {
                                "text": t(requester.lang, "corr_btn_start"),
                                "callback_data": f"go:{c.inspection_id}",
                            }
                        ]
                    ]
                }
            await outbox.enqueue(
                conn,
                requester.chat_id,
                payload,
                key=f"corr-{status}:{cid}",
                bureau_id=user.bureau_id,
            )
        done = "corr_approved" if approve else "corr_rejected"
        return [Notice(done, {"id": c.inspection_id, "entity": view.entity_name})]
