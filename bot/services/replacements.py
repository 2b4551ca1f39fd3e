"""更换执法人员 (replacement): an inspector who cannot go asks, with one of four reasons
(岗位调整, 工作冲突, 健康, 回避); a manager approves; the replacement is chosen by the rule in
bot.domain.replacement, and the change is logged and announced. The visit's entity never changes.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import aiosqlite

from bot.domain.draw_inputs import frame_inspectors
from bot.domain.models import Role
from bot.domain.replacement import REASONS, ItemNeeds, choose_replacement, seat_for
from bot.i18n import t
from bot.services.draw_cancel import decision_buttons, pending_request
from bot.services.draw_notices import users_by_inspector
from bot.services.draw_texts import Member, VisitNotice, period_name, visit_text
from bot.services.draws import DrawEnv, load_registry
from bot.services.errors import Refusal
from bot.services.reminders import schedule_for_inspection
from storage import audit, outbox, requests
from storage import draws as store
from storage.db import Database
from storage.entities import get_entity
from storage.inspections import InspectionView, for_inspector, get_inspection
from storage.users import User, get_user, users_with_role

OPEN = ("assigned", "in_progress")


async def open_visits(db: Database, user: User) -> list[InspectionView]:
    """The inspector's own open visits (empty without a linked inspector record)."""
    if user.inspector_id is None:
        raise Refusal("replace_no_inspector")
    async with db.read() as conn:
        return await for_inspector(conn, user.inspector_id)


async def _own_open_visit(
    conn: aiosqlite.Connection, user: User, inspection_id: int
) -> InspectionView:
    view = await get_inspection(conn, inspection_id)
    if (
        user.inspector_id is None
        or view is None
        or view.bureau_id != user.bureau_id
        or view.status not in OPEN
        or not any(a.inspector_id == user.inspector_id and a.active for a in view.inspectors)
    ):
        raise Refusal("replace_not_on_visit")
    return view


async def request_replacement(db: Database, user: User, inspection_id: int, reason: str) -> int:
    """The inspector's request to leave a visit; managers get approve/reject buttons."""
    if reason not in REASONS:  # a garbled button, or one from before the reasons were renamed
        raise Refusal("unknown_button")
    async with db.tx() as conn:
        view = await _own_open_visit(conn, user, inspection_id)
        try:
            rid = await requests.create_request(
                conn, view.bureau_id, "replace", requested_by=user.id, reason=reason,
                draw_id=view.draw_id, inspection_id=view.id, inspector_id=user.inspector_id,
            )  # fmt: skip
        except sqlite3.IntegrityError:
            raise Refusal("replace_pending_exists") from None
        await audit.append(
            conn, f"user:{user.id}", "inspection.replacement_requested", str(view.id),
            {"request_id": rid, "inspector_id": user.inspector_id, "reason": reason},
            bureau_id=view.bureau_id,
        )  # fmt: skip
        for m in await users_with_role(conn, view.bureau_id, Role.MANAGER):
            text = t(
                m.lang, "replace_request_manager", inspector=user.display_name,
                entity=view.entity_name, period=period_name(view.period, m.lang),
                due=view.due_on, reason=t(m.lang, f"replace_reason_{reason}"),
            )  # fmt: skip
            payload = {"text": text, "reply_markup": decision_buttons(m.lang, "rpl", rid)}
            await outbox.enqueue(
                conn, m.telegram_id, payload, key=f"request:{rid}:ask:{m.id}",
                bureau_id=view.bureau_id,
            )  # fmt: skip
    return rid


async def decide_replacement(
    db: Database,
    request_id: int,
    manager: User,
    approve: bool,
    env: DrawEnv,
    *,
    now: datetime | None = None,
) -> str:
    """A manager's decision; on approval the replacement is chosen and takes the seat. Returns
    the text for the manager; Refusal (nothing changed) when nobody qualifies."""
    now = now or datetime.now(UTC)
    async with db.tx() as conn:
        req = await pending_request(conn, request_id, "replace", manager)
        view = await get_inspection(conn, req.inspection_id or 0)
        requester = await get_user(conn, req.requested_by)
        if view is None or view.status not in OPEN:
            raise Refusal("request_decided")
        if not approve:
            await requests.decide(conn, req.id, "rejected", manager.id)
            await audit.append(
                conn, f"user:{manager.id}", "inspection.replacement_rejected", str(view.id),
                {"request_id": req.id}, bureau_id=view.bureau_id,
            )  # fmt: skip
            if requester:
                text = t(
                    requester.lang, "replace_rejected_requester",
                    manager=manager.display_name, entity=view.entity_name,
                )  # fmt: skip
                await outbox.enqueue(
                    conn, requester.telegram_id, {"text": text}, key=f"request:{req.id}:done",
                    bureau_id=view.bureau_id,
                )  # fmt: skip
            return t(manager.lang, "request_rejected_manager")
        old_id, new_id, old_name, new_name = await _swap(conn, req, view, env)
        await requests.decide(conn, req.id, "approved", manager.id, replacement_id=new_id)
        await schedule_for_inspection(conn, view.id, deadlines=env.deadlines, now=now)
        await audit.append(
            conn, f"user:{manager.id}", "inspection.replaced", str(view.id),
            {"request_id": req.id, "reason": req.reason, "old_inspector_id": old_id,
             "new_inspector_id": new_id, "rule": "fewest visits this period, then SHA-256 tie"},
            bureau_id=view.bureau_id,
        )  # fmt: skip
        after = await get_inspection(conn, view.id)
        await _announce(conn, req.id, after or view, old_id, new_id, old_name, new_name, env)
    return t(
        manager.lang, "replace_done_manager", entity=view.entity_name, old=old_name, new=new_name
    )


async def _swap(
    conn: aiosqlite.Connection, req: requests.DrawRequest, view: InspectionView, env: DrawEnv
) -> tuple[int, int, str, str]:
    """Choose the replacement and put them on the visit; returns ids and names (old, new)."""
    registry = await load_registry(conn, view.bureau_id)
    people = [i for _, i in registry.inspectors.values()]
    departments = [i.department for i in env.items.items]
    by_key = {f.key: f for f in frame_inspectors(departments, people)}
    old_key = registry.inspector_key(req.inspector_id or 0)
    assigned = await store.ever_assigned(conn, view.id)
    role = assigned.get(req.inspector_id or 0, ("member", True))[0]
    needs = {
        i.id: ItemNeeds(i.department, frozenset(i.expertise), i.experts_required)
        for i in env.items.items
    }
    seat = seat_for(by_key[old_key], role == "expert", view.items, needs)
    key_of = {iid: k for k, (iid, _) in registry.inspectors.items()}
    loads = {
        key_of[i]: n
        for i, n in (await store.period_loads(conn, view.bureau_id, view.period)).items()
        if i in key_of
    }
    chosen = choose_replacement(
        by_key.values(), seat, inspection_id=view.id, entity=view.entity_stable_id,
        on_visit={key_of[i] for i in assigned if i in key_of}, loads=loads,
    )  # fmt: skip
    if chosen is None:
        raise Refusal("replace_nobody")
    new_id, new = registry.inspectors[chosen.key]
    await store.replace_assignee(conn, view.id, req.inspector_id or 0, new_id)
    return req.inspector_id or 0, new_id, registry.inspectors[old_key][1].name, new.name


async def _announce(
    conn: aiosqlite.Connection,
    request_id: int,
    view: InspectionView,
    old_id: int,
    new_id: int,
    old_name: str,
    new_name: str,
    env: DrawEnv,
) -> None:
    """The old inspector, the new one (with the visit) and the co-inspectors are told."""
    people = await users_by_inspector(conn, view.bureau_id)
    items = {i.id: i.name for i in env.items.items}
    entity = await get_entity(conn, view.bureau_id, view.entity_stable_id)
    address, region = (entity.address, entity.region) if entity else ("", "")
    notice = VisitNotice(
        view.id, 0, view.entity_stable_id, view.entity_name, address, region,
        [(i, items.get(i, i)) for i in view.items],
        [Member(a.inspector_id, a.name, a.role) for a in view.inspectors if a.active],
        view.due_on,
    )  # fmt: skip
    others = [a.inspector_id for a in view.inspectors if a.active and a.inspector_id != new_id]
    for who, users in people.items():
        for u in users:
            period = period_name(view.period, u.lang)
            if who == old_id:
                text = t(
                    u.lang,
                    "replace_old_notice",
                    entity=view.entity_name,
                    period=period,
                    new=new_name,
                )
            elif who == new_id:
                visit = visit_text(notice, u.lang, viewer=new_id)
                text = t(u.lang, "replace_new_notice", old=old_name, period=period, visit=visit)
            elif who in others:
                text = t(
                    u.lang, "replace_co_notice", entity=view.entity_name, period=period,
                    old=old_name, new=new_name,
                )  # fmt: skip
            else:
                continue
            await outbox.enqueue(
                conn, u.telegram_id, {"text": text}, key=f"request:{request_id}:notice:{u.id}",
                bureau_id=view.bureau_id,
            )  # fmt: skip
