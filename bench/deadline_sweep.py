"""Benchmark of the reminder sweep (提醒扫描): its cost must follow the due rows, not the table.

    .venv/bin/python bench/deadline_sweep.py                 # 10,000 and 100,000 open deadlines
    .venv/bin/python bench/deadline_sweep.py --totals 100000 --due 0 10 100 1000

For each total, a fresh SQLite file gets that many open visits (检查任务), each with its deadline
and six reminder rows (two inspectors before / on, the coordinators, the managers), scheduled by
`plan_reminders` for due dates spread over 2026-12-01..24, so at the sweep time (2026-11-23 09:05
Asia/Shanghai) nothing is due. Then, for each due count N, N reminder rows picked at random (a
fixed seed) are moved to an hour before the sweep, and `sweep()` is timed: one transaction that
reads the due rows, resolves recipients, renders texts, queues the outbox rows (and the managers'
digest, when an escalation is among them) and marks the rows. Between runs the same rows are set
back to pending and the outbox emptied. Prints the query plan of the due-row read and a table of
the median and best of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.reminders import BureauDeadlines, Step, plan_reminders  # noqa: E402
from bot.domain.workdays import WorkdayCalendar  # noqa: E402
from bot.services.reminders import sweep  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.deadlines import DUE_SQL, utc_text  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 5, tzinfo=SH)
STAMP = "2026-11-23T00:00:00+00:00"
INSPECTORS = 200
POLICY = BureauDeadlines(WorkdayCalendar())


async def build(db: Database, total: int) -> list[int]:
    """`total` open visits with deadlines and reminders; returns the reminder row ids."""
    plans = {}
    for offset in range(24):
        due = date(2026, 12, 1) + timedelta(days=offset)
        plans[due] = plan_reminders(due, POLICY, now=NOW.astimezone(SH))
    dues = sorted(plans)
    rng = random.Random(6)
    async with db.tx() as conn:
        await conn.execute("INSERT INTO bureaus VALUES (1, 'bench', '基准分局', ?)", (STAMP,))
        await conn.executemany(
            "INSERT INTO inspectors (id, bureau_id, key, name, department, certificate_no, kind,"
            " updated_at) VALUES (?, 1, ?, ?, '一中队', ?, 'staff', ?)",
            [(i, f"C{i:04d}", f"检查员{i}", f"C{i:04d}", STAMP) for i in range(1, INSPECTORS + 1)],
        )
        users = [
            (i, 1, 300000 + i, f"检查员{i}", "zh-CN", i, STAMP) for i in range(1, INSPECTORS + 1)
        ]
        users += [(1001, 1, 200001, "综合科", "zh-CN", None, STAMP)]
        users += [(1002 + m, 1, 400001 + m, f"经理{m}", "en", None, STAMP) for m in range(2)]
        await conn.executemany(
            "INSERT INTO users (id, bureau_id, telegram_id, display_name, lang, inspector_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            users,
        )
        roles = [(i, "inspector") for i in range(1, INSPECTORS + 1)]
        roles += [(1001, "coordinator"), (1002, "manager"), (1003, "manager")]
        await conn.executemany("INSERT INTO user_roles VALUES (?, ?)", roles)
        await conn.executemany(
            "INSERT INTO entities (id, bureau_id, stable_id, name, kind, category, status,"
            " updated_at) VALUES (?, 1, ?, ?, 'water_source', 'general', 'operating', ?)",
            [(v, f"WS{v:07d}", f"水源地{v}", STAMP) for v in range(1, total + 1)],
        )
        visits, pairs, deadlines, reminders = [], [], [], []
        rid = 0
        for v in range(1, total + 1):
            due = dues[v % len(dues)]
            team = rng.sample(range(1, INSPECTORS + 1), 2)
            visits.append((v, v, due.isoformat()))
            pairs += [(v, team[0], "lead"), (v, team[1], "member")]
            deadlines.append((v, str(v), due.isoformat()))
            for p in plans[due]:
                who = (
                    [(f"inspector:{i}", i) for i in team]
                    if p.step in (Step.BEFORE, Step.ON)
                    else [(p.audience.value, None)]
                )
                for recipient, inspector in who:
                    rid += 1
                    reminders.append(
                        (
                            rid,
                            v,
                            p.audience.value,
                            p.step.value,
                            recipient,
                            inspector,
                            utc_text(p.fire_at),
                        )
                    )
        await conn.executemany(
            "INSERT INTO inspections (id, bureau_id, period, entity_id, items_json, due_on,"
            f" created_at) VALUES (?, 1, '2026Q4', ?, '[]', ?, '{STAMP}')",
            visits,
        )
        await conn.executemany("INSERT INTO inspection_inspectors VALUES (?, ?, ?, 1, NULL)", pairs)
        await conn.executemany(
            "INSERT INTO deadlines (id, bureau_id, subject_kind, subject_id, kind, due_on,"
            f" created_at) VALUES (?, 1, 'inspection', ?, 'visit_due', ?, '{STAMP}')",
            deadlines,
        )
        await conn.executemany(
            "INSERT INTO reminders (id, deadline_id, bureau_id, audience, step, recipient,"
            f" inspector_id, fire_at, created_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, '{STAMP}')",
            reminders,
        )
    await db.conn.execute("ANALYZE")
    return [r[0] for r in reminders]


async def make_due(db: Database, ids: list[int]) -> None:
    """The chosen rows pending and due an hour ago; the outbox and digests empty."""
    due = utc_text(NOW - timedelta(hours=1))
    async with db.tx() as conn:
        await conn.executemany(
            "UPDATE reminders SET status = 'pending', note = '', done_at = NULL, fire_at = ?"
            " WHERE id = ?",
            [(due, i) for i in ids],
        )
        await conn.execute("DELETE FROM outbox")
        await conn.execute("DELETE FROM reminder_digests")


async def undo_due(db: Database, ids: list[int]) -> None:
    """Put the chosen rows back in the future (pending), so the next N starts clean."""
    later = utc_text(NOW + timedelta(days=60))
    async with db.tx() as conn:
        await conn.executemany(
            "UPDATE reminders SET status = 'pending', note = '', done_at = NULL, fire_at = ?"
            " WHERE id = ?",
            [(later, i) for i in ids],
        )


async def plan_text(db: Database) -> str:
    async with db.conn.execute("EXPLAIN QUERY PLAN " + DUE_SQL, (utc_text(NOW), 2000)) as cur:
        return "\n".join(f"  {r[3]}" for r in await cur.fetchall())


async def run(totals: list[int], dues: list[int], repeat: int) -> None:
    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}"
    )
    table = []
    for total in totals:
        with tempfile.TemporaryDirectory() as tmp:
            db = await Database.open(Path(tmp) / "bench.db")
            started = time.perf_counter()
            ids = await build(db, total)
            print(
                f"\n{total:,} open deadlines, {len(ids):,} reminder rows, built in "
                f"{time.perf_counter() - started:.1f} s; due-row read:\n{await plan_text(db)}"
            )
            rng = random.Random(total)
            for n in dues:
                chosen = rng.sample(ids, n)
                times, queued = [], 0
                for _ in range(repeat):
                    await make_due(db, chosen)
                    t0 = time.perf_counter()
                    queued = await sweep(db, NOW, POLICY)
                    times.append((time.perf_counter() - t0) * 1000)
                await undo_due(db, chosen)
                async with db.conn.execute("SELECT payload_json FROM outbox LIMIT 1") as cur:
                    first = await cur.fetchone()
                sample = json.loads(first[0])["text"][:60] if first else ""
                row = (total, len(ids), n, queued, statistics.median(times), min(times))
                table.append(row)
                print(
                    f"  due {n:>5}: median {row[4]:7.2f} ms, best {row[5]:7.2f} ms, "
                    f"{queued} outbox rows (e.g. {sample!r})"
                )
            await db.close()
    print("\n| open deadlines | reminder rows | due rows | outbox rows | median ms | best ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    for total, rows, n, queued, median, best in table:
        print(f"| {total:,} | {rows:,} | {n:,} | {queued:,} | {median:.1f} | {best:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--totals", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--due", type=int, nargs="+", default=[0, 10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(run(args.totals, args.due, args.repeat))


if __name__ == "__main__":
    main()
