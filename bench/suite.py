"""The in-process benchmarks of `bench/run.py`, each with its floor measured in the same run.

Each function reuses the benchmark script's own pieces (bench/broadcast.py,
checklist_answer.py, deadline_sweep.py, import_entities.py) and returns a plain dict of what
it measured:

* `broadcast_figures`: 1,000 assignments through the outbox to the emulator with Telegram's
  limits, then the same pipe without them (its own speed);
* `answer_figures`: 200 inspectors answering their checklists at once (paced, then burst), and
  the same schedule of think times running the smallest answer-shaped transaction body (read
  the session row, upsert one answer) through the same group commit as the floor;
* `sweep_figures`: the reminder sweep with 100 due among 100,000 open deadlines, and the floor:
  one write transaction that only runs the due-row read;
* `import_figures`: the import of 50,000 entities, and a bare openpyxl read of the same file.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import broadcast, checklist_answer, deadline_sweep, import_entities
from bot.domain.synthetic import iter_entities
from bot.services.registry_io import write_models
from bot.services.reminders import sweep
from storage.db import Database
from storage.deadlines import DUE_SQL, utc_text

INSPECTORS = checklist_answer.INSPECTORS


def broadcast_figures(messages: int = 1000) -> dict[str, Any]:
    """Rate with Telegram's limits, and without them (the pipe's own speed)."""
    with tempfile.TemporaryDirectory() as tmp:
        limited = asyncio.run(broadcast.broadcast(messages, Path(tmp), limited=True))
        free = asyncio.run(broadcast.broadcast(messages, Path(tmp), limited=False))
    assert limited.delivered == messages and not limited.duplicates, limited
    return {
        "messages": messages,
        "rate": limited.rate,
        "seconds": limited.seconds,
        "too_many": limited.too_many,
        "duplicates": limited.duplicates,
        "free_rate": free.rate,
        "telegram_rate": broadcast.TELEGRAM_RATE,
    }


async def _answers(visits: int, think: float) -> dict[str, Any]:
    pct = checklist_answer.pct
    out: dict[str, Any] = {"inspectors": INSPECTORS}
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "answers.db")
        try:
            began = time.perf_counter()
            own = await checklist_answer.build(db, visits)
            out["build_s"] = time.perf_counter() - began
            for label, pause in (("paced", think), ("burst", 0.0)):
                timings, wall = await checklist_answer.load(db, own, pause)
                real = timings.all
                floor = await checklist_answer.floor(db, own, len(real) // len(own), pause)
                out[label] = {
                    "answers": len(real),
                    "rate": len(real) / wall,
                    "p50": pct(real, 50),
                    "p99": pct(real, 99),
                    "floor_p50": pct(floor, 50),
                    "floor_p99": pct(floor, 99),
                }
        finally:
            await db.close()
    return out


def answer_figures(visits: int = 1000, think: float = 1.0) -> dict[str, Any]:
    """p50 / p99 ms of one answer with 200 inspectors at once, and of the floor transaction."""
    return asyncio.run(_answers(visits, think))


async def _due_read(db: Database) -> None:
    """The floor of a sweep: one write transaction that reads the due rows and commits."""
    due = (utc_text(deadline_sweep.NOW), 2000)
    async with db.tx() as conn, conn.execute(DUE_SQL, due) as cur:
        await cur.fetchall()


async def _sweep(total: int, due: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "sweep.db")
        try:
            began = time.perf_counter()
            ids = await deadline_sweep.build(db, total)
            built = time.perf_counter() - began
            chosen = random.Random(total).sample(ids, due)
            real, floor, queued = [], [], 0
            for _ in range(repeat):
                await deadline_sweep.make_due(db, chosen)
                t0 = time.perf_counter()
                await _due_read(db)
                t1 = time.perf_counter()
                queued = await sweep(db, deadline_sweep.NOW, deadline_sweep.POLICY)
                t2 = time.perf_counter()
                floor.append(t1 - t0)
                real.append(t2 - t1)
        finally:
            await db.close()
    return {
        "open": total,
        "reminders": len(ids),
        "due": due,
        "queued": queued,
        "build_s": built,
        "ms": 1000 * statistics.median(real),
        "floor_ms": 1000 * statistics.median(floor),
    }


def sweep_figures(total: int = 100_000, due: int = 100, repeat: int = 7) -> dict[str, Any]:
    """Median ms of a sweep with `due` of `total` open deadlines due, and of its floor."""
    return asyncio.run(_sweep(total, due, repeat))


def import_figures(rows: int = 50_000, rounds: int = 1, seed: int = 7) -> dict[str, Any]:
    """Median s of the full import and of a bare openpyxl read of the same XLSX."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / f"entities-{rows}.xlsx"
        began = time.perf_counter()
        write_models(path, "entities", iter_entities(seed, rows), count=rows)
        generated = time.perf_counter() - began
        bare, full = [], []
        for r in range(rounds):
            seconds, _, count = import_entities.timed(lambda: import_entities.bare_read(path))
            assert count == rows, count
            bare.append(seconds)
            seconds, _, count = import_entities.timed(
                lambda r=r: asyncio.run(import_entities.full_import(path, work, r))
            )
            assert count == rows, count
            full.append(seconds)
    return {
        "rows": rows,
        "generate_s": generated,
        "s": statistics.median(full),
        "floor_s": statistics.median(bare),
    }
