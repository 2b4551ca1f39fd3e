"""/requests (待审批): the bureau's undecided replacement (更换执法人员) and cancellation (撤销摇号)
requests for a manager whose notice, with its [批准] [驳回] buttons, was lost or scrolled away.

Each is shown with the text and buttons of its notice, so a decision from the list goes through
the same handler and service as one from the notice (and is refused the same way once decided).
A request whose visit or draw is no longer open can no longer be decided (the decision would be
refused as already decided), so it is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.domain.models import Role
from bot.i18n import t
from bot.services.draw_cancel import decision_buttons
from bot.services.draw_texts import period_name
from bot.services.errors import Refusal
from storage import draws as store
from storage import requests
from storage.db import Database
from storage.inspections import get_inspection
from storage.users import User, get_user

OPEN_VISIT = ("assigned", "in_progress")  # as bot.services.replacements.OPEN
OPEN_DRAW = ("committed", "drawn")  # the draws decide_cancel still accepts
PREFIX = {"replace": "rpl", "cancel": "dcx"}  # the notices' callback prefixes


@dataclass(frozen=True)
class PendingItem:
    """One request as the manager sees it: its number, when it was made and its notice's text
    (in `text`), and the notice's buttons."""

    id: int
    kind: str  # replace | cancel
    text: str
    buttons: dict  # {"inline_keyboard": ...}, as in the notice


async def pending(db: Database, manager: User, tz: tzinfo) -> list[PendingItem]:
    """The manager's bureau's requests still to decide, oldest first, in the manager's language."""
    if not manager.has(Role.MANAGER):
        raise Refusal("not_allowed")
    lang = manager.lang
    out = []
    async with db.read() as conn:
        for req in await requests.pending(conn, manager.bureau_id):
            requester = await get_user(conn, req.requested_by)
            who = requester.display_name if requester else "—"
            if req.kind == "replace":
                view = await get_inspection(conn, req.inspection_id or 0)
                if view is None or view.status not in OPEN_VISIT:
                    continue
                notice = t(
                    lang, "replace_request_manager", inspector=who, entity=view.entity_name,
                    period=period_name(view.period, lang), due=view.due_on,
                    reason=t(lang, f"replace_reason_{req.reason}"),
                )  # fmt: skip
            elif req.kind == "cancel":
                row = await store.get_draw(conn, req.draw_id or 0)
                if row is None or row.status not in OPEN_DRAW:
                    continue
                notice = t(
                    lang, "cancel_request_manager", requester=who,
                    period=period_name(row.period, lang), draw_id=row.id, reason=req.reason,
                )  # fmt: skip
            else:
                continue
            when = datetime.fromisoformat(req.created_at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
            text = t(lang, "requests_item", id=req.id, when=when, notice=notice)
            buttons = decision_buttons(lang, PREFIX[req.kind], req.id)
            out.append(PendingItem(req.id, req.kind, text, buttons))
    return out
