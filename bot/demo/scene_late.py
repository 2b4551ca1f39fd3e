"""Demo scene (演示): on a visit that runs late, an inspector asks to be replaced (更换执法人员);
then the visit is escalated (督办): first to the coordinator, then in the manager's daily digest.

The replacement goes through the real bot. For the late visit, one visit of the current quarter is
created directly with a due date last week, its reminders scheduled as the draw schedules them,
and the reminder sweep is run at two later moments (the sweep takes `now`; nothing else is faked);
the outbox dispatcher then delivers what it queued.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.models import InspectorKind
from bot.domain.periods import Period
from bot.i18n import t
from bot.services.reminders import schedule_for_inspection, sweep
from storage.entities import entity_ids
from storage.inspections import create_inspection
from storage.inspectors import list_inspectors

WAIT = 30.0


async def play(story) -> None:  # noqa: ANN001 (bot.demo.story.Story)
    """A visit that runs late: first one of its inspectors is replaced, then it is escalated."""
    lb = story.lb
    story.tz = ZoneInfo(lb.settings.timezone)
    story.deadlines = lb.app.bot_data["deadlines"]
    today = datetime.now(story.tz).date()
    due = story.deadlines.calendar.add_workdays(today, -3)
    await _late_visit(story, due)
    await _replacement(story)
    await _late(story, due)


async def _replacement(story) -> None:  # noqa: ANN001
    lang, insp, manager, n = story.lang, story.inspector, story.manager, story.n
    n.scene("demo_replace")
    await insp.send("/replace")
    msg = await insp.wait_reply(timeout=WAIT)
    if not msg.buttons:
        n.chat(insp.id)
        return
    label = next((b for b in msg.buttons if b.startswith(story.late_entity)), msg.buttons[0])
    await insp.tap(label)
    await insp.wait_reply(timeout=WAIT)  # the reasons, as buttons
    await insp.tap(t(lang, "replace_reason_health"))
    await insp.wait_reply(timeout=WAIT)
    n.chat(insp.id)
    await manager.wait_reply(timeout=WAIT, contains="🔁")
    await manager.tap(t(lang, "btn_approve"))
    await manager.wait_reply(timeout=WAIT)
    n.chat(manager.id)
    await insp.wait_reply(timeout=WAIT, contains="✅")
    n.chat(insp.id)


async def _late_visit(story, due: date) -> int:  # noqa: ANN001
    lb = story.lb
    async with lb.db.tx() as conn:
        rows = await list_inspectors(conn, lb.bureau_id)
        me = next(i for i, p in rows if p.name == story.inspector.first_name)
        lead = next(
            i for i, p in reversed(rows) if i != me and p.kind is InspectorKind.STAFF and p.active
        )
        team = [lead, me]
        entity = story.entities[-1]
        iid = await create_inspection(
            conn, lb.bureau_id, period=Period.containing("quarter", due).label,
            entity_id=(await entity_ids(conn, lb.bureau_id))[entity.stable_id],
            items=["site-check"],
            due_on=due.isoformat(), inspectors=[(team[0], "lead"), (team[1], "member")],
        )  # fmt: skip
        created = datetime.combine(due - timedelta(days=20), time(9), tzinfo=story.tz)
        await schedule_for_inspection(conn, iid, deadlines=story.deadlines, now=created)
    story.late_entity = entity.name
    return iid


async def _late(story, due: date) -> None:  # noqa: ANN001
    lb, n = story.lb, story.n
    first = datetime.combine(
        story.deadlines.calendar.add_workdays(due, 1), time(9, 5), tzinfo=story.tz
    )
    n.scene(
        "demo_late", entity=story.late_entity, due=due.isoformat(), when=first.date().isoformat()
    )
    await sweep(lb.db, first, story.deadlines)
    await story.coord.wait_reply(timeout=WAIT, contains=story.late_entity)
    n.chat(story.coord.id)
    later = datetime.combine(
        story.deadlines.calendar.add_workdays(due, 3), time(9, 5), tzinfo=story.tz
    )
    n.scene("demo_late_digest", when=later.date().isoformat())
    await sweep(lb.db, later, story.deadlines)
    await story.manager.wait_reply(timeout=WAIT, contains="📋")
    n.chat(story.manager.id)
