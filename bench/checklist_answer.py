"""Benchmark: handling one checklist answer (作答) with 200 inspectors answering at once.

    .venv/bin/python bench/checklist_answer.py                # a year of visits, both loads
    .venv/bin/python bench/checklist_answer.py --visits 1000 --think 0.5

A fresh SQLite file gets a county's year (4 quarters x --visits visits to the Zunhua synthetic
registry, each with a lead and a member out of 200 inspectors with accounts): quarters 1-3 are
submitted (frozen checklist, nine answers with their history, a check-in, an immutable record),
quarter 4 is open. Then 200 inspectors, each the lead of one open visit and already checked in,
answer its whole checklist at once through the service layer (the real storage, one connection,
as the bot runs it: each answer one transaction body handed to the group commit, `Database.batch`,
and answered once committed): buttons through `answers.tap`, numbers and text through
`answer_input.typed`, the location through `answer_input.located`. Each call is timed from the
inspector's input to the returned view (queueing for the database included).

Three loads: `paced`, where each inspector waits a random think time (uniform 0..2 x --think
seconds) before each answer; `busy`, the same with a quarter of that think time; and `burst`,
where all 200 answer with no pause at all (the worst case: every inspector taps in the same
instant, for the whole checklist, so each answer queues behind the others for the one writer).

After each load, its floor: the same 200 coroutines with the same think times run the smallest
body of an answer's shape (read the session row, upsert one answer) through the same group
commit, as many times as the load answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.checklist import QuestionType  # noqa: E402
from bot.domain.checklist_flow import freeze  # noqa: E402
from bot.domain.synthetic import generate_entities  # noqa: E402
from bot.services import answer_input, answers  # noqa: E402
from bot.services.flow_views import QuestionView  # noqa: E402
from bot.services.inspection import FlowEnv  # noqa: E402
from bot.services.plan import read_item_list  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.entities import entity_ids, upsert_entities  # noqa: E402
from storage.users import get_user  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ITEMS = read_item_list(ROOT / "examples" / "zunhua-2024.yaml")
CHECKLIST = freeze(ITEMS, ["site-check"])
INSPECTORS = 200
STAMP = "2026-11-20T02:00:00+00:00"
ENV = FlowEnv(
    now=datetime(2026, 11, 20, 2, 30, tzinfo=UTC), tz=ZoneInfo("Asia/Shanghai"), item_list=ITEMS
)
PAST_ANSWERS = {
    "permit": "yes", "self-monitoring": "yes", "facilities": "正常运行", "evasion": "no",
    "weather-grading": "已落实", "emission-check": "21.5",
    "check-in": {"lat": 40.19, "lon": 117.96, "distance_m": 12.0, "far": False},
    "service": "yes", "notes": "正常",
}  # fmt: skip


async def build(db: Database, visits_per_quarter: int) -> dict[int, int]:
    """The year's data; returns {user id: open visit id it leads}."""
    entities = list(generate_entities(5, max(visits_per_quarter, 1000)))
    async with db.tx() as conn:
        await conn.execute("INSERT INTO bureaus VALUES (1, 'bench', '基准分局', ?)", (STAMP,))
        await upsert_entities(conn, 1, entities)
        rows = list((await entity_ids(conn, 1)).values())
        await conn.executemany(
            "INSERT INTO inspectors (id, bureau_id, key, name, department, certificate_no, kind,"
            " updated_at) VALUES (?, 1, ?, ?, '综合执法大队一中队', ?, 'staff', ?)",
            [(i, f"C{i:04d}", f"检查员{i}", f"C{i:04d}", STAMP) for i in range(1, INSPECTORS + 1)],
        )
        await conn.executemany(
            "INSERT INTO users (id, bureau_id, telegram_id, display_name, department, inspector_id,"
            " created_at) VALUES (?, 1, ?, ?, '综合执法大队一中队', ?, ?)",
            [(i, 700000 + i, f"检查员{i}", i, STAMP) for i in range(1, INSPECTORS + 1)],
        )
        await conn.executemany(
            "INSERT INTO user_roles (user_id, role) VALUES (?, 'inspector')",
            [(i,) for i in range(1, INSPECTORS + 1)],
        )
        own = await _visits(conn, rows, visits_per_quarter)
    return own


async def _visits(conn, entity_rows: list[int], per_quarter: int) -> dict[int, int]:  # noqa: ANN001
    rng = random.Random(5)
    digest, questions = CHECKLIST.digest, CHECKLIST.to_json()
    own: dict[int, int] = {}
    vid = 0
    for quarter in (1, 2, 3, 4):
        visits, team, frozen, answers_, history, records, checkins = [], [], [], [], [], [], []
        for k in range(per_quarter):
            vid += 1
            lead = k % INSPECTORS + 1
            member = (lead + 7) % INSPECTORS + 1
            status = "submitted" if quarter < 4 else "assigned"
            visits.append((vid, f"2026Q{quarter}", rng.choice(entity_rows), status))
            team += [(vid, lead, "lead"), (vid, member, "member")]
            frozen.append((vid, digest, questions))
            checkins.append((vid, lead))
            if quarter == 4:
                own.setdefault(lead, vid)
                continue
            for qid, value in PAST_ANSWERS.items():
                v = json.dumps(value, ensure_ascii=False)
                answers_.append((vid, qid, v, lead))
                history.append((vid, qid, v, lead))
            records.append((vid, lead))
        await conn.executemany(
            "INSERT INTO inspections (id, bureau_id, period, entity_id, items_json, status, due_on,"
            " created_at) VALUES (?, 1, ?, ?, '[\"site-check\"]', ?, '2026-12-31', '"
            + STAMP
            + "')",
            visits,
        )
        await conn.executemany(
            "INSERT INTO inspection_inspectors (inspection_id, inspector_id, role)"
            " VALUES (?, ?, ?)",
            team,
        )
        await conn.executemany(
            "INSERT INTO inspection_checklists VALUES (?, ?, ?, '" + STAMP + "', NULL)", frozen
        )
        await conn.executemany(
            "INSERT INTO checkins (inspection_id, user_id, latitude, longitude, distance_m, far,"
            " at) VALUES (?, ?, 40.19, 117.96, 12.0, 0, '" + STAMP + "')",
            checkins,
        )
        await conn.executemany(
            "INSERT INTO answers (inspection_id, item_id, question_id, value_json, answered_by,"
            " answered_at) VALUES (?, 'site-check', ?, ?, ?, '" + STAMP + "')",
            answers_,
        )
        await conn.executemany(
            "INSERT INTO answer_history (inspection_id, item_id, question_id, revision, value_json,"
            " answered_by, answered_at) VALUES (?, 'site-check', ?, 1, ?, ?, '" + STAMP + "')",
            history,
        )
        body = json.dumps(
            [{"question_id": q, "value": v} for q, v in PAST_ANSWERS.items()], ensure_ascii=False
        )
        await conn.executemany(
            "INSERT INTO inspection_records (inspection_id, version, checklist_digest,"
            " answers_json, findings_json, checkins_json, result, submitted_by, submitted_at,"
            " content_hash) VALUES (?, 1, '"
            + digest
            + "', ?, '[]', '[]', 'no_problem', ?, '"
            + STAMP
            + "', 'x')",
            [(vid, body, lead) for vid, lead in records],
        )
    return own


@dataclass
class Timings:
    """Latencies in seconds by kind of input."""

    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.by_kind.setdefault(kind, []).append(seconds)

    @property
    def all(self) -> list[float]:
        return [x for xs in self.by_kind.values() for x in xs]


async def inspector(db: Database, user_id: int, iid: int, think: float, rng, t: Timings) -> None:  # noqa: ANN001
    """One inspector answers the whole checklist of their visit."""
    async with db.read() as conn:
        user = await get_user(conn, user_id)
    view = (await answers.start(db, user, iid, ENV))[0]
    while isinstance(view, QuestionView):
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        q = view.fq.question
        began = time.perf_counter()
        if q.type is QuestionType.NUMBER:
            views, kind = await answer_input.typed(db, user, "23.4"), "number (typed)"
        elif q.type is QuestionType.TEXT:
            views, kind = await answer_input.typed(db, user, "现场正常"), "text (typed)"
        elif q.type is QuestionType.LOCATION:
            views = await answer_input.located(db, user, 40.1894, 117.9659, ENV)
            kind = "location"
        else:
            code = "y" if q.type is QuestionType.YES_NO else "o0"
            views, kind = await answers.tap(db, user, iid, view.fq.index, code), "button"
        t.add(kind, time.perf_counter() - began)
        view = views[-1]


async def floor_inspector(
    db: Database, user_id: int, iid: int, count: int, think: float, rng: random.Random, out: list
) -> None:
    """`count` smallest answer-shaped bodies (read the session row, upsert one answer) through
    the group commit, after the same think times as `inspector`."""
    for n in range(count):
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        began = time.perf_counter()
        await db.batch(lambda conn, n=n: _floor_body(conn, user_id, iid, f"q{n}"))
        out.append(time.perf_counter() - began)


async def _floor_body(conn, user_id: int, iid: int, question_id: str) -> None:  # noqa: ANN001
    async with conn.execute(
        "SELECT step, question_index FROM checklist_sessions WHERE user_id = ?", (user_id,)
    ) as cur:
        await cur.fetchone()
    await conn.execute(
        "INSERT INTO answers (inspection_id, item_id, question_id, value_json, answered_by,"
        " answered_at) VALUES (?, 'floor', ?, '\"yes\"', ?, ?)"
        " ON CONFLICT DO UPDATE SET value_json = excluded.value_json",
        (iid, question_id, user_id, STAMP),
    )


async def load(db: Database, own: dict[int, int], think: float) -> tuple[Timings, float]:
    """Every inspector answers its whole checklist (think times seeded); latencies, wall s."""
    await _reset(db)
    t = Timings()
    rng = random.Random(7)
    start = time.perf_counter()
    await asyncio.gather(
        *(
            inspector(db, u, v, think, random.Random(rng.random()), t)
            for u, v in sorted(own.items())
        )
    )
    return t, time.perf_counter() - start


async def floor(db: Database, own: dict[int, int], count: int, think: float) -> list[float]:
    """The floor of a load: `count` floor bodies per inspector, with the same think times."""
    await _reset(db)
    out: list[float] = []
    rng = random.Random(7)
    await asyncio.gather(
        *(
            floor_inspector(db, u, v, count, think, random.Random(rng.random()), out)
            for u, v in sorted(own.items())
        )
    )
    return out


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), in milliseconds."""
    s = sorted(xs)
    return 1000 * s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


async def run(visits: int, think: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        began = time.perf_counter()
        own = await build(db, visits)
        built = time.perf_counter() - began
        async with db.read() as conn:
            counts = {}
            for table in ("inspections", "answers", "answer_history", "inspection_records"):
                async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
                    counts[table] = (await cur.fetchone())[0]
        print(f"database: {counts} (built in {built:.1f} s)")
        print(
            f"machine: {platform.machine()} {_cpu()}, Python {platform.python_version()},"
            f" SQLite {sqlite3.sqlite_version}"
        )
        print(
            f"\n{'load':<8} {'kind':<16} {'answers':>8} {'p50 ms':>8} {'p95 ms':>8}"
            f" {'p99 ms':>8} {'max ms':>8} {'answers/s':>10}"
        )
        for label, pause in (("paced", think), ("busy", think / 4), ("burst", 0.0)):
            t, wall = await load(db, own, pause)
            rows = [*sorted(t.by_kind.items()), ("all", t.all)]
            for kind, xs in rows:
                rate = f"{len(xs) / wall:10.0f}" if kind == "all" else ""
                print(f"{label:<8} {kind:<16} {_figures(xs)} {rate}")
            bare = await floor(db, own, len(t.all) // len(own), pause)
            print(f"{label:<8} {'floor':<16} {_figures(bare)}")
            print(f"{label:<8} mean {statistics.mean(t.all) * 1000:.2f} ms over {wall:.1f} s")
        await db.close()


def _figures(xs: list[float]) -> str:
    return (
        f"{len(xs):>8} {pct(xs, 50):8.2f} {pct(xs, 95):8.2f} {pct(xs, 99):8.2f}"
        f" {1000 * max(xs):8.2f}"
    )


async def _reset(db: Database) -> None:
    """Quarter 4 back to unanswered (so both loads answer the same checklists)."""
    async with db.tx() as conn:
        q4 = "SELECT id FROM inspections WHERE period = '2026Q4'"
        await conn.execute(f"DELETE FROM answers WHERE inspection_id IN ({q4})")
        await conn.execute(f"DELETE FROM answer_history WHERE inspection_id IN ({q4})")
        await conn.execute("DELETE FROM checklist_sessions")
        await conn.execute("UPDATE inspections SET status = 'assigned' WHERE period = '2026Q4'")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--visits", type=int, default=1000, help="visits per quarter (default 1000)")
    p.add_argument("--think", type=float, default=1.0, help="mean think time, paced load (s)")
    args = p.parse_args()
    asyncio.run(run(args.visits, args.think))


if __name__ == "__main__":
    main()
