"""签到 use cases: ask for the location, record it with server time and distance, go on.

The time is the server's (`env.now`), never the phone's; the distance is from the entity's
registered coordinates when the registry has them, flagged when over `env.far_m`.
"""

from __future__ import annotations

from bot.domain.geo import valid_position
from bot.services import flow_deadlines
from bot.services.answers import advance, needs_checkin
from bot.services.errors import Refusal
from bot.services.flow_views import CheckedInView, CheckinView, Notice, View
from bot.services.inspection import FlowEnv, ensure_checklist, load_visit, visit_placement
from storage.checkins import add_checkin, checkins_of
from storage.db import Database
from storage.sessions import Session, put_session
from storage.users import User


async def ask(db: Database, user: User, inspection_id: int) -> list[View]:
    """📍 on a visit card: show the location button (site visits only)."""
    async with db.tx() as conn:
        visit = await load_visit(conn, user, inspection_id, editable=True)
        if visit.view.mode != "site" or not visit.open:
            raise Refusal("ci_not_needed")
        await put_session(conn, Session(user.id, inspection_id, "checkin"))
        return [CheckinView(inspection_id, visit.view.entity_name)]


async def located(
    db: Database, user: User, session: Session, lat: float, lon: float, env: FlowEnv
) -> list[View]:
    """A location while the session waits for a check-in: record it, then the first question."""
    async with db.tx() as conn:
        visit = await load_visit(conn, user, session.inspection_id, editable=True)
        if not valid_position(lat, lon):
            return [CheckinView(visit.id, visit.view.entity_name, Notice("ci_bad_location"))]
        where = await visit_placement(conn, visit, lat, lon, env)
        at = env.now.isoformat(timespec="seconds")
        if not await checkins_of(conn, visit.id):
            await flow_deadlines.record_clock_starts(conn, visit, env)
        await add_checkin(conn, visit.id, user.id, lat, lon, where.distance_m, where.far, at)
        done = CheckedInView(env.local(at), where.distance_m, where.far, env.far_m)
        checklist = await ensure_checklist(conn, visit, env, user)
        return [done, await advance(conn, user, visit, checklist)]


async def still_needed(db: Database, user: User, session: Session) -> list[View]:
    """Anything but a location while a check-in is awaited: ask again."""
    async with db.read() as conn:
        visit = await load_visit(conn, user, session.inspection_id, editable=True)
        if not await needs_checkin(conn, visit, user):
            return [Notice("ci_done_already")]
    return [CheckinView(visit.id, visit.view.entity_name, Notice("ci_use_button"))]
