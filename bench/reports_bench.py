"""Reports of a province (报表): the monthly 调度表 and the quarterly 季度报表 as XLSX.

    .venv/bin/python bench/draw_scales.py build /tmp/p.db --entities 200000 --inspectors 5000
    .venv/bin/python bench/reports_bench.py /tmp/p.db

On a database from `draw_scales.py build` (changed in place) it writes a completed quarter,
2026Q3, with plain INSERTs (setup, timed apart): visits to the operating entities in the shares
the Zunhua item list asks (special 50%, key 25%, general 3% by registered category, the
positive list all, off site), each with a lead and a member, submitted with a record on a day of
July..September (80% no problem, 15% ordered to rectify with a rectification order, half of them
closed, 5% case filed), its publication deadline (`publication_due`) and 70% of the results
published. Then, as of 2026-10-09: the floor (the rows the reports read, one SELECT
per table, fetched and dropped: the entities the targets are computed from, and the quarter's
visits with result, rectification and disclosure), the 2026-09 调度表 and the 2026Q3 季度报表
(`bot.services.reports.write_report`, each the median of --rounds). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.deadlines import Deadlines  # noqa: E402
from bot.domain.periods import Period  # noqa: E402
from bot.domain.workdays import WorkdayCalendar  # noqa: E402
from bot.services.plan import read_item_list  # noqa: E402
from bot.services.publication import PublishEnv, publication_due  # noqa: E402
from bot.services.reports import write_report  # noqa: E402
from storage.bureaus import ensure_bureau  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.disclosures import LATEST_RESULT  # noqa: E402
from storage.entities import COLUMNS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "examples" / "zunhua-2024.yaml"
SH = ZoneInfo("Asia/Shanghai")
QUARTER, MONTH = Period.parse("2026Q3"), Period.parse("2026-09")
NOW = datetime(2026, 10, 9, 10, 0, tzinfo=SH)
STAMP = "2026-10-09T02:00:00+00:00"
# Share of each registered category visited in the quarter, as the item list's quotas ask
# (special 50%, key 25%, general 3%; the positive list every quarter, off site).
SHARES = {"special": 0.5, "key": 0.25, "general": 0.03}
RESULTS = ("no_problem", "ordered_to_rectify", "case_filed")


async def fill_quarter(db: Database, bureau: int, deadlines: Deadlines) -> dict[str, int]:
    """The quarter's visits, all submitted with a record; rectification orders for some; the
    results' publication deadlines (what `track` would write), 70% of them published."""
    rng = random.Random(9)
    days = [QUARTER.start + timedelta(days=n) for n in range((QUARTER.end - QUARTER.start).days)]
    due_of = {day: publication_due(deadlines, day) for day in days}
    async with db.tx() as conn:
        cur = await conn.execute(
            "INSERT INTO users (bureau_id, telegram_id, display_name, created_at)"
            " VALUES (?, 900001, '综合科', ?)",
            (bureau, STAMP),
        )
        user = int(cur.lastrowid)
        async with conn.execute(
            "SELECT id FROM inspectors WHERE bureau_id = ? AND kind = 'staff'", (bureau,)
        ) as cur:
            staff = [int(r[0]) for r in await cur.fetchall()]
        async with conn.execute(
            "SELECT id, stable_id, category, positive_list FROM entities WHERE bureau_id = ?"
            " AND status = 'operating'",
            (bureau,),
        ) as cur:
            entities = [tuple(r) for r in await cur.fetchall()]
        visits, teams, records, orders, disclosures = [], [], [], [], []
        for entity_id, stable_id, category, positive in entities:
            if rng.random() >= (1.0 if positive else SHARES.get(category, 0.03)):
                continue
            iid = len(visits) + 1
            items = '["positive-list-remote"]' if positive else '["site-check"]'
            visits.append((iid, bureau, QUARTER.label, entity_id, items, "offsite" if positive
                           else "site"))  # fmt: skip
            lead, member = rng.sample(staff, 2)
            teams += [(iid, lead, "lead"), (iid, member, "member")]
            day = rng.choice(days)
            at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
            roll = rng.random()
            result = RESULTS[0] if roll < 0.8 else RESULTS[1] if roll < 0.95 else RESULTS[2]
            records.append((iid, result, user, at.isoformat()))
            if result == "ordered_to_rectify":
                closed = rng.random() < 0.5
                orders.append(
                    (bureau, entity_id, stable_id, iid, day.isoformat(),
                     (day + timedelta(days=30)).isoformat(), "closed" if closed else "open",
                     user, (at + timedelta(days=20)).isoformat() if closed else None)
                )  # fmt: skip
            due = due_of[day]
            published = (day + timedelta(days=3)).isoformat() if rng.random() < 0.7 else None
            disclosures.append(
                (iid, bureau, day.isoformat(), due.isoformat(),
                 "published" if published else "pending", STAMP if published else None, published)
            )  # fmt: skip
        await conn.executemany(
            "INSERT INTO inspections (id, bureau_id, period, entity_id, items_json, mode, status,"
            f" due_on, created_at) VALUES (?, ?, ?, ?, ?, ?, 'submitted', '2026-09-30', '{STAMP}')",
            visits,
        )
        await conn.executemany(
            "INSERT INTO inspection_inspectors (inspection_id, inspector_id, role)"
            " VALUES (?, ?, ?)",
            teams,
        )
        await conn.executemany(
            "INSERT INTO inspection_records (inspection_id, version, checklist_digest,"
            " answers_json, findings_json, checkins_json, result, submitted_by, submitted_at,"
            " content_hash) VALUES (?, 1, 'bench', '[]', '[]', '[]', ?, ?, ?, 'bench')",
            records,
        )
        await conn.executemany(
            "INSERT INTO rectifications (bureau_id, entity_id, entity_stable_id, inspection_id,"
            " record_version, finding_text, ordered_on, due_on, status, ordered_by, closed_at)"
            " VALUES (?, ?, ?, ?, 1, '污染防治设施未正常运行', ?, ?, ?, ?, ?)",
            orders,
        )
        await conn.executemany(
            "INSERT INTO disclosures (inspection_id, bureau_id, completed_on, due_on, status,"
            f" published_at, published_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '{STAMP}')",
            disclosures,
        )
    published = sum(1 for d in disclosures if d[4] == "published")
    return {"visits": len(visits), "rectifications": len(orders), "published": published}


async def read_floor(db: Database, bureau: int) -> int:
    """The rows the two reports read, one SELECT per table, fetched and nothing done."""
    cols = ", ".join(COLUMNS)
    queries = (
        (f"SELECT {cols} FROM entities WHERE bureau_id = ?", (bureau,)),
        (
            "SELECT i.id, i.period, e.name, e.credit_code, e.stable_id, i.items_json, i.status,"
            f" {LATEST_RESULT}, r.submitted_at, k.status, k.closed_at, d.status, d.published_on,"
            " d.due_on, i.confidential FROM inspections i JOIN entities e ON e.id = i.entity_id"
            " LEFT JOIN inspection_records r ON r.inspection_id = i.id AND r.version = 1"
            " LEFT JOIN rectifications k ON k.inspection_id = i.id"
            " LEFT JOIN disclosures d ON d.inspection_id = i.id"
            " WHERE i.bureau_id = ? AND i.period = ?",
            (bureau, QUARTER.label),
        ),
    )
    rows = 0
    async with db.read() as conn:
        for sql, args in queries:
            async with conn.execute(sql, args) as cur:
                rows += len(await cur.fetchall())
    return rows


async def run(path: Path, rounds: int) -> dict[str, object]:
    """Fill the quarter, then time the floor and both reports (median of `rounds`)."""
    deadlines = Deadlines(WorkdayCalendar())
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = await Database.open(path)
        try:
            async with db.tx() as conn:
                bureau = await ensure_bureau(conn, "bench", "基准测试分局")
            t0 = time.perf_counter()
            out.update(await fill_quarter(db, bureau, deadlines))
            await db.conn.execute("ANALYZE")
            out["fill_s"] = time.perf_counter() - t0
            env = PublishEnv(
                now=NOW, tz=SH, deadlines=deadlines, site_dir=work / "site",
                item_list=read_item_list(ITEMS), bureau_name="基准测试分局",
            )  # fmt: skip
            times: dict[str, list[float]] = {"floor": [], "monthly": [], "quarterly": []}
            for n in range(rounds):
                t0 = time.perf_counter()
                out["floor_rows"] = await read_floor(db, bureau)
                t1 = time.perf_counter()
                await write_report(db, bureau, MONTH, env, work / f"m{n}.xlsx")
                t2 = time.perf_counter()
                await write_report(db, bureau, QUARTER, env, work / f"q{n}.xlsx")
                t3 = time.perf_counter()
                times["floor"].append(t1 - t0)
                times["monthly"].append(t2 - t1)
                times["quarterly"].append(t3 - t2)
            for key, xs in times.items():
                out[f"{key}_s"] = statistics.median(xs)
            out["monthly_kb"] = (work / "m0.xlsx").stat().st_size / 1024
            out["quarterly_kb"] = (work / "q0.xlsx").stat().st_size / 1024
        finally:
            await db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a database from draw_scales.py build")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args.path, args.rounds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
