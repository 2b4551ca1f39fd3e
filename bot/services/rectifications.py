"""整改 use cases: a finding opens an order; evidence of the fix is uploaded in chat; a
coordinator closes it (销号) or sends it back (退回). Until closed the entity counts as specially
supervised (`storage.rectifications.open_rectification_stable_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.domain.checklist_input import IncomingFile, Reask, parse_text
from bot.domain.models import Role
from bot.domain.results import Result
from bot.i18n import t
from bot.services import flow_deadlines
from bot.services.errors import Refusal
from bot.services.evidence import SavedFile, keep_evidence
from bot.services.flow_views import Notice, View
from bot.services.inspection import FlowEnv, Visit, load_visit
from storage import audit, outbox
from storage import rectifications as orders
from storage.db import Database
from storage.evidence import evidence_for_rectification
from storage.records import Record
from storage.rectifications import Rectification
from storage.sessions import Session, clear_session, get_session, put_session
from storage.users import User
from storage.visits import role_contacts, visit_contacts


async def on_record(
    conn: aiosqlite.Connection, visit: Visit, record: Record, user: User, env: FlowEnv
) -> tuple[Rectification, str] | None:
    """Open the visit's order when its record states a problem, or restate the open one after a
    correction: (order, "opened" | "restated"); None when nothing is (still) to be fixed."""
    if not Result(record.result).opens_rectification or not record.findings:
        return None
    text = "；".join(f"{f['text']}：{f['shown']}" for f in record.findings)
    existing = await orders.order_for_inspection(conn, visit.id)
    if existing is not None:
        if not existing.is_open:
            return None
        await orders.restate(conn, existing.id, text, record.version)
        return existing, "restated"
    due = flow_deadlines.rectification_due(env)
    rid = await orders.open_order(
        conn,
        bureau_id=user.bureau_id,
        entity_id=visit.view.entity_id,
        entity_stable_id=visit.view.entity_stable_id,
        inspection_id=visit.id,
        record_version=record.version,
        finding_text=text,
        ordered_on=env.today.isoformat(),
        due_on=due.isoformat(),
        ordered_by=user.id,
    )
    order = await orders.get_order(conn, rid)
    await flow_deadlines.rectification_ordered(conn, rid, due, visit, env)
    await audit.append(
        conn,
        f"tg:{user.telegram_id}",
        "rectification.opened",
        f"rectification:{rid}",
        {"inspection": visit.id, "due_on": order.due_on, "entity": visit.view.entity_stable_id},
        bureau_id=user.bureau_id,
    )
    for c in await role_contacts(conn, user.bureau_id, Role.COORDINATOR.value):
        msg = t(
            c.lang,
            "rf_opened_note",
            id=rid,
            entity=order.entity_name,
            due=order.due_on,
            finding=text,
        )
        await outbox.enqueue(
            conn,
            c.chat_id,
            {"text": msg},
            key=f"rf-open:{rid}:{c.user_id}",
            bureau_id=user.bureau_id,
        )
    return order, "opened"


async def mine(db: Database, user: User) -> list[Rectification]:
    """/rectifications: an inspector's open orders; a coordinator's or manager's, the bureau's."""
    async with db.read() as conn:
        if user.has(Role.COORDINATOR, Role.MANAGER):
            return await orders.open_orders(conn, user.bureau_id)
        if user.inspector_id is None:
            raise Refusal("tasks_no_inspector")
        return await orders.orders_for_inspector(conn, user.inspector_id)


async def _own_order(conn: aiosqlite.Connection, user: User, rid: int) -> Rectification:
    order = await orders.get_order(conn, rid)
    if order is None or order.bureau_id != user.bureau_id:
        raise Refusal("rf_unknown", id=rid)
    await load_visit(conn, user, order.inspection_id)  # assigned to the visit that found it
    return order


async def begin_upload(db: Database, user: User, rid: int) -> list[View]:
    """📎: the next photos and documents are evidence of the fix."""
    async with db.tx() as conn:
        order = await _own_order(conn, user, rid)
        if order.status not in ("open", "returned"):
            raise Refusal("btn_stale")
        await put_session(
            conn, Session(user.id, order.inspection_id, "rect_evidence", subject_id=rid)
        )
        return [Notice("rf_send_files", {"id": rid, "entity": order.entity_name})]


@dataclass(frozen=True, slots=True)
class OrderFile:
    """Where an incoming file goes: an order's evidence."""

    inspection_id: int
    rectification_id: int


async def file_target(db: Database, user: User) -> OrderFile:
    """The order a file would be kept for (checked before downloading it)."""
    async with db.read() as conn:
        session = await get_session(conn, user.id)
        if session is None or session.step != "rect_evidence" or session.subject_id is None:
            raise Refusal("btn_stale")
        order = await _own_order(conn, user, session.subject_id)
        if order.status not in ("open", "returned"):
            raise Refusal("btn_stale")
    return OrderFile(order.inspection_id, order.id)


async def keep_file(
    db: Database, user: User, target: OrderFile, f: IncomingFile, saved: SavedFile
) -> list[View]:
    """Keep a downloaded file as evidence of the fix."""
    async with db.tx() as conn:
        order = await _own_order(conn, user, target.rectification_id)
        if order.status not in ("open", "returned"):
            raise Refusal("btn_stale")
        await keep_evidence(
            conn,
            f,
            saved,
            inspection_id=order.inspection_id,
            uploaded_by=user.id,
            rectification_id=order.id,
        )
        await orders.add_event(conn, order.id, "evidence", user.id, saved.sha256)
        count = len(await evidence_for_rectification(conn, order.id))
        return [Notice("rf_file_kept", {"id": order.id, "count": count, "sha": saved.sha256[:12]})]


async def submit(db: Database, user: User, rid: int) -> list[View]:
    """提交审核: the evidence goes to the coordinators to close or send back."""
    async with db.tx() as conn:
        order = await _own_order(conn, user, rid)
        if not await evidence_for_rectification(conn, rid):
            raise Refusal("rf_no_evidence", id=rid)
        if not await orders.set_status(
            conn, rid, "submitted", user.id, expect=("open", "returned")
        ):
            raise Refusal("btn_stale")
        await orders.add_event(conn, rid, "submitted", user.id)
        step = len(await orders.events_of(conn, rid))  # differs on each re-submission
        await audit.append(
            conn,
            f"tg:{user.telegram_id}",
            "rectification.submitted",
            f"rectification:{rid}",
            {},
            bureau_id=user.bureau_id,
        )
        session = await get_session(conn, user.id)
        if session and session.step == "rect_evidence":
            await clear_session(conn, user.id)
        for c in await role_contacts(conn, user.bureau_id, Role.COORDINATOR.value):
            msg = t(
                c.lang,
                "rf_review_request",
                id=rid,
                entity=order.entity_name,
                name=user.display_name,
                finding=order.finding_text,
            )
            markup = {
                "inline_keyboard": [
                    [
                        {"text": t(c.lang, "rf_btn_close"), "callback_data": f"rf:c:{rid}"},
                        {"text": t(c.lang, "rf_btn_return"), "callback_data": f"rf:x:{rid}"},
                    ]
                ]
            }
            await outbox.enqueue(
                conn,
                c.chat_id,
                {"text": msg, "reply_markup": markup},
                key=f"rf-sub:{rid}:{step}:{c.user_id}",
                bureau_id=user.bureau_id,
            )
        return [Notice("rf_submitted", {"id": rid})]


async def _coordinator_order(conn: aiosqlite.Connection, user: User, rid: int) -> Rectification:
    order = await orders.get_order(conn, rid)
    if order is None or order.bureau_id != user.bureau_id:
        raise Refusal("rf_unknown", id=rid)
    if order.status != "submitted":
        raise Refusal("rf_not_submitted", id=rid)
    return order


async def close(db: Database, user: User, rid: int) -> list[View]:
    """销号: the coordinator accepts the fix; the entity leaves special supervision."""
    async with db.tx() as conn:
        order = await _coordinator_order(conn, user, rid)
        await orders.set_status(conn, rid, "closed", user.id, expect=("submitted",))
        await orders.add_event(conn, rid, "closed", user.id)
        await flow_deadlines.rectification_closed(conn, rid)
        await audit.append(
            conn,
            f"tg:{user.telegram_id}",
            "rectification.closed",
            f"rectification:{rid}",
            {"entity": order.entity_stable_id},
            bureau_id=user.bureau_id,
        )
        await _tell_inspectors(conn, order, "rf_closed_note", f"rf-closed:{rid}", user)
        return [Notice("rf_closed", {"id": rid, "entity": order.entity_name})]


async def begin_return(db: Database, user: User, rid: int) -> list[View]:
    """退回: ask the coordinator why."""
    async with db.tx() as conn:
        order = await _coordinator_order(conn, user, rid)
        await put_session(
            conn, Session(user.id, order.inspection_id, "rect_return", subject_id=rid)
        )
        return [Notice("rf_return_ask", {"id": rid})]


async def return_reason(db: Database, user: User, text: str) -> list[View]:
    """The reason typed: the order goes back to the inspectors with it."""
    async with db.tx() as conn:
        session = await get_session(conn, user.id)
        if session is None or session.step != "rect_return" or session.subject_id is None:
            raise Refusal("btn_stale")
        order = await _coordinator_order(conn, user, session.subject_id)
        reason = parse_text(text)
        if isinstance(reason, Reask):
            return [Notice(reason.key, reason.params)]
        await orders.set_status(
            conn, order.id, "returned", user.id, expect=("submitted",), note=reason
        )
        count = len(await orders.events_of(conn, order.id))
        await orders.add_event(conn, order.id, "returned", user.id, reason)
        await audit.append(
            conn,
            f"tg:{user.telegram_id}",
            "rectification.returned",
            f"rectification:{order.id}",
            {"reason": reason},
            bureau_id=user.bureau_id,
        )
        await clear_session(conn, user.id)
        await _tell_inspectors(
            conn, order, "rf_returned_note", f"rf-ret:{order.id}:{count}", user, reason=reason
        )
        return [Notice("rf_returned", {"id": order.id})]


async def _tell_inspectors(
    conn: aiosqlite.Connection, order: Rectification, key: str, idem: str, user: User, **params: str
) -> None:
    for _, c in await visit_contacts(conn, order.inspection_id):
        msg = t(c.lang, key, id=order.id, entity=order.entity_name, **params)
        payload: dict = {"text": msg}
        if key == "rf_returned_note":
            payload["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": t(c.lang, "rf_btn_upload"), "callback_data": f"rf:u:{order.id}"}]
                ]
            }
        await outbox.enqueue(
            conn, c.chat_id, payload, key=f"{idem}:{c.user_id}", bureau_id=user.bureau_id
        )
