"""/deadlines and /overdue: an inspector's own open visits, the bureau's overdue work (逾期)."""

from __future__ import annotations

from datetime import date

from bot.services.errors import Refusal
from storage import deadlines as store
from storage.db import Database
from storage.deadlines import OpenDeadline
from storage.inspections import InspectionView, for_inspector
from storage.users import User


async def own_visits(db: Database, user: User) -> list[InspectionView]:
    """The user's open visits (检查任务), soonest due first; refused when the account is not
    linked to an inspector record."""
    if user.inspector_id is None:
        raise Refusal("deadlines_no_inspector")
    async with db.read() as conn:
        return await for_inspector(conn, user.inspector_id)


async def overdue(db: Database, bureau_id: int, today: date) -> list[OpenDeadline]:
    """Open deadlines of the bureau due before `today` (visits with their inspectors)."""
    async with db.read() as conn:
        return await store.overdue(conn, bureau_id, today)
