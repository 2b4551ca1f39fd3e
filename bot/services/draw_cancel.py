"""撤销摇号 (cancelling a draw): a coordinator asks with a reason, a manager approves or rejects.

Approval cancels the draw (so the period may be drawn again) and its open visits with their
reminders; submitted visits stay as they are. Request and decision are audited and announced
through the outbox. A revealed draw cannot be cancelled.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import aiosqlite

from bot.domain.models import Role
from bot.domain.periods import Period
from bot.i18n import t
from bot.services.draw_notices import users_by_inspector
from bot.services.draw_texts import period_name
from bot.services.draws import DrawEnv
from bot.services.errors import Refusal
from bot.services.reminders import schedule_for_inspection
from storage import audit, outbox, requests
from storage import draws as store
from storage.db import Database
from storage.inspections import get_inspection
from storage.users import User, get_user, users_with_role


def decision_buttons(lang: str, prefix: str, request_id: int) -> dict:
    """[批准] [驳回] as an inline keyboard for an outbox message."""
    return {
        "inline_keyboard": [
            [
                {"text": t(lang, "btn_approve"), "callback_data": f"{prefix}:ok:{request_id}"},
                {"text": t(lang, "btn_reject"), "callback_data": f"{prefix}:no:{request_id}"},
            ]
        ]
    }


async def request_cancel(
    db: Database, bureau_id: int, period: Period, requester: User, reason: str
) -> int:
    """A coordinator's request to cancel the period's draw; managers get approve/reject buttons."""
    reason = reason.strip()
    if not reason:
        raise Refusal("cancel_usage")
    async with db.tx() as conn:
        row = await store.live_draw(conn, bureau_id, period.label)
        if row is None:
            raise Refusal("draw_none", period=period.label)
        if row.status == "revealed":
            raise Refusal("cancel_revealed", period=period.label)
        try:
            rid = await requests.create_request(
                conn, bureau_id, "cancel", requested_by=requester.id, reason=reason, draw_id=row.id
            )
        except sqlite3.IntegrityError:
            raise Refusal("cancel_pending_exists", period=period.label) from None
        await audit.append(
            conn,
            f"user:{requester.id}",
            "draw.cancel_requested",
            period.label,
            {"draw_id": row.id, "request_id": rid, "reason": reason},
            bureau_id=bureau_id,
        )
        for m in await users_with_role(conn, bureau_id, Role.MANAGER):
            text = t(
                m.lang,
                "cancel_request_manager",
                requester=requester.display_name,
                period=period_name(period.label, m.lang),
                draw_id=row.id,
                reason=reason,
            )
            payload = {"text": text, "reply_markup": decision_buttons(m.lang, "dcx", rid)}
            await outbox.enqueue(
                conn, m.telegram_id, payload, key=f"request:{rid}:ask:{m.id}", bureau_id=bureau_id
            )
    return rid


async def pending_request(
    conn: aiosqlite.Connection, request_id: int, kind: str, decider: User
) -> requests.DrawRequest:
    """The undecided request of `kind` in the decider's bureau; Refusal otherwise."""
    if not decider.has(Role.MANAGER):
        raise Refusal("not_allowed")
    req = await requests.get_request(conn, request_id)
    if req is None or req.kind != kind or req.bureau_id != decider.bureau_id:
        raise Refusal("request_unknown")
    if req.status != "pending":
        raise Refusal("request_decided")
    return req


async def decide_cancel(
    db: Database,
    request_id: int,
    manager: User,
    approve: bool,
    env: DrawEnv,
    *,
    now: datetime | None = None,
) -> str:
    """A manager's decision on a cancellation; returns the text for the manager."""
    now = now or datetime.now(UTC)
    async with db.tx() as conn:
        req = await pending_request(conn, request_id, "cancel", manager)
        row = await store.get_draw(conn, req.draw_id or 0)
        requester = await get_user(conn, req.requested_by)
        if row is None or row.status not in ("committed", "drawn"):
            raise Refusal("request_decided")
        actor = f"user:{manager.id}"
        if not approve:
            await requests.decide(conn, req.id, "rejected", manager.id)
            await audit.append(
                conn, actor, "draw.cancel_rejected", row.period,
                {"draw_id": row.id, "request_id": req.id}, bureau_id=req.bureau_id,
            )  # fmt: skip
            if requester:
                await _tell(conn, requester, req.id, "cancel_rejected_requester", manager, row)
            return t(manager.lang, "request_rejected_manager")
        await requests.decide(conn, req.id, "approved", manager.id)
        await store.mark_cancelled(conn, row.id, req.reason, actor)
        cancelled = await store.cancel_open_inspections(conn, row.id)
        for iid in cancelled:
            await schedule_for_inspection(conn, iid, deadlines=env.deadlines, now=now)
        moot = await requests.close_replacements(conn, row.id, manager.id)  # visits are gone
        await audit.append(
            conn, actor, "draw.cancelled", row.period,
            {"draw_id": row.id, "request_id": req.id, "reason": req.reason,
             "inspections_cancelled": cancelled, "replacement_requests_closed": moot},
            bureau_id=req.bureau_id,
        )  # fmt: skip
        await _tell_inspectors(conn, req.bureau_id, row, cancelled, req.reason)
        if requester:
            await _tell(
                conn, requester, req.id, "cancel_approved_requester", manager, row,
                count=len(cancelled),
            )  # fmt: skip
    return t(
        manager.lang,
        "cancel_done_manager",
        period=period_name(row.period, manager.lang),
        count=len(cancelled),
    )


async def _tell(
    conn: aiosqlite.Connection,
    user: User,
    request_id: int,
    key: str,
    manager: User,
    row: store.DrawRow,
    **params: object,
) -> None:
    text = t(
        user.lang,
        key,
        manager=manager.display_name,
        period=period_name(row.period, user.lang),
        **params,
    )
    await outbox.enqueue(
        conn, user.telegram_id, {"text": text}, key=f"request:{request_id}:done",
        bureau_id=row.bureau_id,
    )  # fmt: skip


async def _tell_inspectors(
    conn: aiosqlite.Connection, bureau_id: int, row: store.DrawRow, ids: list[int], reason: str
) -> None:
    """Each inspector of a cancelled visit is told it is off."""
    people = await users_by_inspector(conn, bureau_id)
    for iid in ids:
        view = await get_inspection(conn, iid)
        if view is None:
            continue
        for a in view.inspectors:
            for u in people.get(a.inspector_id, []) if a.active else []:
                text = t(
                    u.lang,
                    "cancel_visit_notice",
                    period=period_name(row.period, u.lang),
                    reason=reason,
                    entity=view.entity_name,
                )
                await outbox.enqueue(
                    conn, u.telegram_id, {"text": text},
                    key=f"draw:{row.id}:cancelled:{iid}:{u.id}", bureau_id=bureau_id,
                )  # fmt: skip
