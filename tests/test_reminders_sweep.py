"""The reminder sweep on a real SQLite file with a fake clock: escalation step by step, restarts,
catch-up, quiet hours, cancellation, the managers' digest, a missing calendar year."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.deadlines import Deadlines
from bot.domain.models import Entity, EntityKind, Inspector, Role
from bot.domain.reminders import BureauDeadlines, ReminderRules, Subject
from bot.domain.workday_overrides import parse_overrides
from bot.domain.workdays import WorkdayCalendar
from bot.services import reminders
from storage import deadlines as store
from storage.bureaus import ensure_bureau
from storage.db import Database
from storage.entities import entity_ids, upsert_entities
from storage.inspections import create_inspection, set_status
from storage.inspectors import upsert_inspectors
from storage.users import create_user

SH = ZoneInfo("Asia/Shanghai")
POLICY = BureauDeadlines(WorkdayCalendar())


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 1) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@dataclass
class World:
    """A bureau: inspectors and their users, a coordinator, managers; an entity per visit."""

    bureau_id: int
    inspectors: dict[str, int]  # name -> inspector id
    users: dict[str, int]  # name -> user id
    telegram: dict[str, int]  # name -> telegram id


async def seed_world(conn, *, managers: int = 1, coordinator_tg: int = 200001) -> World:
    """Inspectors 张三/李四/王五 (users 300001..), coordinator 王综合, managers 赵经理…"""
    bureau = await ensure_bureau(conn, "demo", "示例生态环境分局")
    people = [("张三", "C001"), ("李四", "C002"), ("王五", "C003")]
    await upsert_inspectors(
        conn, bureau, [Inspector(name=n, department="一中队", certificate_no=c) for n, c in people]
    )
    async with conn.execute("SELECT name, id FROM inspectors WHERE bureau_id = ?", (bureau,)) as c:
        inspectors = {r[0]: r[1] for r in await c.fetchall()}
    users, telegram = {}, {}
    for i, (name, _) in enumerate(people):
        u = await create_user(
            conn, bureau, 300001 + i, name, [Role.INSPECTOR], inspector_id=inspectors[name]
        )
        users[name], telegram[name] = u.id, u.telegram_id
    u = await create_user(conn, bureau, coordinator_tg, "王综合", [Role.COORDINATOR])
    users["王综合"], telegram["王综合"] = u.id, u.telegram_id
    for i in range(managers):
        name = f"赵经理{i + 1}"
        u = await create_user(conn, bureau, 400001 + i, name, [Role.MANAGER], lang="en")
        users[name], telegram[name] = u.id, u.telegram_id
    return World(bureau, inspectors, users, telegram)


async def add_visit(
    conn,
    world: World,
    entity: str,
    due: date,
    names=("张三", "李四"),
    *,
    now: datetime,
    deadlines: Deadlines = POLICY,
) -> int:
    """A visit to a (new) water-source area, assigned and scheduled in one transaction."""
    stable = f"WS-{entity}"
    await upsert_entities(
        conn, world.bureau_id, [Entity(stable_id=stable, name=entity, kind=EntityKind.WATER_SOURCE)]
    )
    entity_id = (await entity_ids(conn, world.bureau_id))[stable]
    roles = ["lead", *["member"] * (len(names) - 1)]
    visit = await create_inspection(
        conn,
        world.bureau_id,
        period="2026Q4",
        entity_id=entity_id,
        items=["水源地保护"],
        due_on=due.isoformat(),
        inspectors=[(world.inspectors[n], r) for n, r in zip(names, roles, strict=True)],
    )
    await reminders.schedule_for_inspection(conn, visit, deadlines=deadlines, now=now)
    return visit


async def outbox_rows(db: Database) -> list[tuple[str, int, str]]:
    """(key, chat id, text) of every outbox row, in order."""
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT idempotency_key, chat_id, payload_json FROM outbox ORDER BY id"
        ) as cur,
    ):
        return [(r[0], r[1], json.loads(r[2])["text"]) for r in await cur.fetchall()]


async def keys(db: Database) -> list[str]:
    return [k for k, _, _ in await outbox_rows(db)]


async def test_a_visit_becoming_overdue_escalates_step_by_step(db):
    async with db.tx() as conn:
        w = await seed_world(conn)
        visit = await add_visit(conn, w, "甲水源地", date(2026, 12, 10), now=local(2026, 11, 23))
    assert await reminders.sweep(db, local(2026, 12, 6, 12), POLICY) == 0
    assert await reminders.sweep(db, local(2026, 12, 7, 8, 59), POLICY) == 0

    assert await reminders.sweep(db, local(2026, 12, 7), POLICY) == 2  # before: both inspectors
    rows = await outbox_rows(db)
    assert {chat for _, chat, _ in rows} == {w.telegram["张三"], w.telegram["李四"]}
    assert all("甲水源地" in text and "还剩 3 个工作日" in text for _, _, text in rows)
    assert await reminders.sweep(db, local(2026, 12, 7, 15), POLICY) == 0  # nothing twice

    assert await reminders.sweep(db, local(2026, 12, 10), POLICY) == 2  # on the day
    assert all("今天" in text for _, _, text in (await outbox_rows(db))[2:])

    assert await reminders.sweep(db, local(2026, 12, 11), POLICY) == 1  # coordinator
    key, chat, text = (await outbox_rows(db))[-1]
    assert chat == w.telegram["王综合"] and "逾期 1 天" in text and "张三、李四" in text

    assert await reminders.sweep(db, local(2026, 12, 14), POLICY) == 0  # Monday: not yet
    assert await reminders.sweep(db, local(2026, 12, 15), POLICY) == 1  # 督办: manager digest
    key, chat, text = (await outbox_rows(db))[-1]
    assert key == f"digest:{w.users['赵经理1']}:2026-12-15" and chat == w.telegram["赵经理1"]
    assert text.startswith("📋 Escalation digest (2026-12-15): 1 overdue items")  # English user
    assert "5 days overdue" in text
    assert await reminders.sweep(db, local(2026, 12, 15, 17), POLICY) == 0
    assert await reminders.sweep(db, local(2026, 12, 16), POLICY) == 1  # next day, still open
    async with db.read() as conn:
        statuses = {
            (s, r): st
            for s, r, _, st, _ in await store.reminders_of(conn, Subject.inspection(visit))
        }
    assert set(statuses.values()) == {"queued"} and len(statuses) == 6


async def test_a_restart_in_between_sends_nothing_twice_and_misses_nothing(tmp_path):
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    async with db.tx() as conn:
        w = await seed_world(conn)
        visit = await add_visit(conn, w, "甲水源地", date(2026, 12, 10), now=local(2026, 11, 23))
    await db.close()

    # Down from 11-23 until 12-10 10:00: the 'before' reminders are superseded by 'on the day'.
    db = await Database.open(path)
    assert await reminders.sweep(db, local(2026, 12, 10, 10), POLICY) == 2
    await db.close()
    db = await Database.open(path)
    assert await reminders.sweep(db, local(2026, 12, 10, 10), POLICY) == 0
    assert await reminders.sweep(db, local(2026, 12, 10, 11), POLICY) == 0
    await db.close()

    # Down again until 12-16: the coordinator's step and the managers' digest, once each.
    db = await Database.open(path)
    assert await reminders.sweep(db, local(2026, 12, 16, 9, 30), POLICY) == 2
    await db.close()
    db = await Database.open(path)
    assert await reminders.sweep(db, local(2026, 12, 16, 9, 31), POLICY) == 0
    rows = await outbox_rows(db)
    async with db.read() as conn:
        rems = await store.reminders_of(conn, Subject.inspection(visit))
        async with conn.execute("SELECT id, step, recipient FROM reminders ORDER BY id") as cur:
            rid = {(r[1], r[2]): r[0] for r in await cur.fetchall()}
    await db.close()
    assert len(rems) == 6
    u, zs, ls = w.users, w.inspectors["张三"], w.inspectors["李四"]
    assert [k for k, _, _ in rows] == [
        f"reminder:{rid[('on', f'inspector:{zs}')]}:{u['张三']}",
        f"reminder:{rid[('on', f'inspector:{ls}')]}:{u['李四']}",
        f"reminder:{rid[('overdue', 'coordinator')]}:{u['王综合']}",
        f"digest:{u['赵经理1']}:2026-12-16",
    ]
    assert "已逾期" not in rows[0][2] and "今天" in rows[0][2]
    assert {(s, st, note) for s, _, _, st, note in rems} == {
        ("before", "skipped", "superseded"),
        ("on", "queued", ""),
        ("overdue", "queued", ""),
        ("escalated", "queued", ""),
    }


async def test_a_late_catch_up_words_the_message_for_the_day_it_is_sent(db):
    async with db.tx() as conn:
        w = await seed_world(conn)
        await add_visit(conn, w, "甲水源地", date(2026, 12, 10), ["王五"], now=local(2026, 11, 23))
    assert await reminders.sweep(db, local(2026, 12, 12, 10), POLICY) == 2
    texts = {chat: text for _, chat, text in await outbox_rows(db)}
    assert "已逾期 2 天" in texts[w.telegram["王五"]]
    assert "逾期 2 天" in texts[w.telegram["王综合"]] and "王五" in texts[w.telegram["王综合"]]


async def test_a_reminder_due_at_23_00_arrives_at_the_end_of_quiet_hours(db):
    late = BureauDeadlines(WorkdayCalendar(), reminder_rules=ReminderRules(remind_at=time(23, 0)))
    async with db.tx() as conn:
        w = await seed_world(conn)
        await add_visit(
            conn,
            w,
            "甲水源地",
            date(2026, 12, 10),
            ["王五"],
            now=local(2026, 12, 9),
            deadlines=late,
        )
    assert await reminders.sweep(db, local(2026, 12, 10, 23, 5), late) == 0
    assert await reminders.sweep(db, local(2026, 12, 11, 7, 29), late) == 0
    assert await reminders.sweep(db, local(2026, 12, 11, 7, 30), late) == 1
    assert (await outbox_rows(db))[0][1] == w.telegram["王五"]


async def test_nothing_is_queued_during_quiet_hours_even_when_overdue(db):
    async with db.tx() as conn:
        w = await seed_world(conn)
        await add_visit(conn, w, "甲水源地", date(2026, 12, 10), ["王五"], now=local(2026, 11, 23))
    # The bot comes back at 23:00 on the due day: everything waits for 07:30.
    assert await reminders.sweep(db, local(2026, 12, 10, 23, 0), POLICY) == 0
    assert await reminders.sweep(db, local(2026, 12, 11, 3, 0), POLICY) == 0
    assert await reminders.sweep(db, local(2026, 12, 11, 7, 30), POLICY) == 1  # 'on', 'before'
    assert await reminders.sweep(db, local(2026, 12, 11, 9, 0), POLICY) == 1  # coordinator
    assert [chat for _, chat, _ in await outbox_rows(db)] == [
        w.telegram["王五"],
        w.telegram["王综合"],
    ]


async def test_a_submitted_visit_has_its_remaining_reminders_cancelled(db):
    async with db.tx() as conn:
        w = await seed_world(conn)
        visit = await add_visit(conn, w, "甲水源地", date(2026, 12, 10), now=local(2026, 11, 23))
        other = await add_visit(conn, w, "乙水源地", date(2026, 12, 10), now=local(2026, 11, 23))
    assert await reminders.sweep(db, local(2026, 12, 7), POLICY) == 4
    async with db.tx() as conn:
        await set_status(conn, visit, "submitted")
        assert await reminders.cancel_for(conn, Subject.inspection(visit)) == 4
        await set_status(conn, other, "cancelled")  # closed without cancel_for: the sweep sees it
    assert await reminders.sweep(db, local(2026, 12, 20), POLICY) == 0
    async with db.read() as conn:
        first = await store.reminders_of(conn, Subject.inspection(visit))
        second = await store.reminders_of(conn, Subject.inspection(other))
        assert await store.overdue(conn, w.bureau_id, date(2026, 12, 20)) == []
    assert [st for _, _, _, st, _ in first] == ["queued"] * 2 + ["cancelled"] * 4
    assert [(st, n) for _, _, _, st, n in second][2:] == [("cancelled", "closed")] * 4
    assert await reminders.sweep(db, local(2026, 12, 21), POLICY) == 0


async def test_the_digest_is_one_per_manager_per_day(db):
    async with db.tx() as conn:
        w = await seed_world(conn, managers=2)
        for name in ("甲水源地", "乙水源地", "丙水源地"):
            await add_visit(conn, w, name, date(2026, 12, 10), ["王五"], now=local(2026, 11, 23))
    await reminders.sweep(db, local(2026, 12, 11), POLICY)
    before = len(await keys(db))
    assert await reminders.sweep(db, local(2026, 12, 15), POLICY) == 2
    assert await reminders.sweep(db, local(2026, 12, 15, 10), POLICY) == 0
    digests = (await outbox_rows(db))[before:]
    assert sorted(k for k, _, _ in digests) == sorted(
        f"digest:{w.users[m]}:2026-12-15" for m in ("赵经理1", "赵经理2")
    )
    assert all(t.count("\n• ") == 3 and "3 overdue items" in t for _, _, t in digests)


async def test_a_replaced_inspector_stops_getting_reminders(db):
    async with db.tx() as conn:
        w = await seed_world(conn)
        visit = await add_visit(conn, w, "甲水源地", date(2026, 12, 10), now=local(2026, 11, 23))
        await conn.execute(
            "UPDATE inspection_inspectors SET active = 0, replaced_by = ? WHERE inspection_id = ?"
            " AND inspector_id = ?",
            (w.inspectors["王五"], visit, w.inspectors["李四"]),
        )
        await conn.execute(
            "INSERT INTO inspection_inspectors (inspection_id, inspector_id, role) VALUES (?, ?,"
            " 'member')",
            (visit, w.inspectors["王五"]),
        )
        await reminders.schedule_for_inspection(
            conn, visit, deadlines=POLICY, now=local(2026, 11, 24)
        )
    assert await reminders.sweep(db, local(2026, 12, 7), POLICY) == 2
    chats = {chat for _, chat, _ in await outbox_rows(db)}
    assert chats == {w.telegram["张三"], w.telegram["王五"]}


async def test_a_year_the_calendar_lacks_does_not_stop_scheduling_or_the_sweep(db):
    async with db.tx() as conn:
        w = await seed_world(conn)
        first = await add_visit(
            conn, w, "甲水源地", date(2026, 12, 31), ["王五"], now=local(2026, 11, 23)
        )
        await add_visit(conn, w, "乙水源地", date(2026, 12, 31), ["王五"], now=local(2026, 11, 23))
    notice = f"calendar-missing:{w.bureau_id}:2027:{w.users['王综合']}"
    assert await keys(db) == [notice]  # told once, not once per visit
    assert "2027" in (await outbox_rows(db))[0][2]
    # 2027-01-01 (estimated: a Friday) arrives with the calendar still lacking 2027: each visit's
    # late 'on the day' reminder and its coordinator step go out; the notice is not repeated.
    assert await reminders.sweep(db, local(2027, 1, 1), POLICY) == 4
    assert (await keys(db)).count(notice) == 1
    async with db.read() as conn:
        sent = await store.reminders_of(conn, Subject.inspection(first))
    assert [(r[0], r[3]) for r in sent if r[0] == "overdue"] == [("overdue", "queued")]

    # With the year added (a made-up 2027 where 01-01 is a holiday), an estimated step is
    # re-planned by the sweep: it moves to Monday 01-04 instead of firing.
    made_up = parse_overrides(
        "years:\n  2027:\n    notice: TEST FIXTURE (made up)\n    complete: true\n"
        "    holidays: [2027-01-01]\n"
    )
    fixed = BureauDeadlines(WorkdayCalendar(overrides=made_up))
    async with db.tx() as conn:
        third = await add_visit(
            conn, w, "丙水源地", date(2026, 12, 31), ["王五"], now=local(2026, 11, 23)
        )
    assert await reminders.sweep(db, local(2027, 1, 1), fixed) == 1  # only 王五's 'on'
    async with db.read() as conn:
        rems = await store.reminders_of(conn, Subject.inspection(third))
    overdue = next(r for r in rems if r[0] == "overdue")
    assert overdue[2] == store.utc_text(local(2027, 1, 4, 9, 0)) and overdue[3] == "pending"
    assert await reminders.sweep(db, local(2027, 1, 4), fixed) == 1
    assert (await outbox_rows(db))[-1][1] == w.telegram["王综合"]
