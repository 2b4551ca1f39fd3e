"""The draw (摇号) through the service at one scale: the frame read from SQLite, built, drawn.

    .venv/bin/python bench/draw_scales.py build /tmp/p.db --entities 200000 --inspectors 5000
    .venv/bin/python bench/draw_scales.py measure /tmp/p.db --items bench/province-items.yaml
    .venv/bin/python bench/draw_scales.py full /tmp/p.db      # with the writes, on a copy

`build` fills a fresh SQLite file with the synthetic county's registries
(`bot.domain.synthetic.iter_entities` / `generate_inspectors`, seed 7) through the storage
upserts (`upsert_entities`, `upsert_inspectors`), in one transaction. `measure` (meant to run in
a fresh process, so its peak resident memory is this scale's alone) first reads the entity,
inspector and recusal rows with plain SELECTs (the read floor: rows fetched as plain tuples,
nothing converted), then runs the draw service's path up to its writes, as
`bot.services.draw_run.run` does: `refuse_if_drawn`, `load_inputs` (registry rows, profiles,
history, coverage, `frames_for_period`, `build_frame`), `possible_problems` (feasibility),
`commit`, `run_draw`; `--repeat N` times, the read again after each draw. The figure is the
fastest draw against the fastest read (this shared machine's speed moves by a third within a
minute, and the first read pays page faults later ones do not; both sides get the same
treatment). The item list is `--items` (default examples/zunhua-2024.yaml; SCALE_ITEMS says
which one each scale of bench/run.py uses), the period 2026Q3, the history empty. Each step
prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.draw import DrawResult, commit, run_draw  # noqa: E402
from bot.domain.draw_inputs import possible_problems  # noqa: E402
from bot.domain.periods import Period  # noqa: E402
from bot.domain.synthetic import generate_inspectors, iter_entities  # noqa: E402
from bot.services.draw_run import run  # noqa: E402
from bot.services.draws import DrawEnv, load_inputs, refuse_if_drawn  # noqa: E402
from bot.services.gc_pause import paused_gc  # noqa: E402
from bot.services.plan import read_item_list  # noqa: E402
from storage import entities as entity_store  # noqa: E402
from storage import inspectors as inspector_store  # noqa: E402
from storage.bureaus import ensure_bureau  # noqa: E402
from storage.db import Database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "examples" / "zunhua-2024.yaml"
PROVINCE_ITEMS = ROOT / "bench" / "province-items.yaml"
PERIOD = "2026Q3"
SEED = 7
BUREAU = ("bench", "基准测试分局")
SCALES: dict[str, tuple[int, int]] = {
    "county": (600, 20),
    "city": (20_000, 300),
    "province": (200_000, 5_000),
    "nation": (1_400_000, 45_000),
}
# The item list each scale draws with: a real county's (Zunhua's, two items in a quarter) where
# a county's or a city's registry is drawn; the 20-item list issue 4 names for a province's and
# the nation's (a county's 20 inspectors could not staff 20 items' departments and experts).
SCALE_ITEMS: dict[str, Path] = {
    "county": ITEMS,
    "city": ITEMS,
    "province": PROVINCE_ITEMS,
    "nation": PROVINCE_ITEMS,
}


def peak_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def build(path: Path, entities: int, inspectors: int) -> dict[str, float]:
    """A fresh database at `path` holding the synthetic registries; counts and seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    first_ids = [e.stable_id for e in iter_entities(SEED, min(entities, 1000))]
    people = generate_inspectors(SEED, inspectors, first_ids)
    db = await Database.open(path)
    try:
        async with db.tx() as conn:
            bureau = await ensure_bureau(conn, *BUREAU)
            added = await entity_store.upsert_entities(conn, bureau, iter_entities(SEED, entities))
            staff = await inspector_store.upsert_inspectors(conn, bureau, people)
        await db.conn.execute("ANALYZE")
        await db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()
    return {
        "entities": added.added,
        "inspectors": staff.added,
        "seconds": time.perf_counter() - started,
        "megabytes": path.stat().st_size / 1e6,
    }


async def read_floor(db: Database, bureau: int) -> int:
    """The rows a draw's frame comes from, fetched and dropped: entities (the columns
    `list_entities` selects, in its order), inspectors, recusals. Returns the row count."""
    ent_cols = ", ".join(entity_store.COLUMNS)
    ins_cols = ", ".join(inspector_store.COLUMNS)
    queries = (
        f"SELECT {ent_cols} FROM entities WHERE bureau_id = ? ORDER BY stable_id",
        f"SELECT id, {ins_cols} FROM inspectors WHERE bureau_id = ?",
        "SELECT r.inspector_id, r.entity_stable_id, r.reason FROM recusals r"
        " JOIN inspectors i ON i.id = r.inspector_id WHERE i.bureau_id = ?",
    )
    rows = 0
    async with db.read() as conn:
        for sql in queries:
            async with conn.execute(sql, (bureau,)) as cur:
                cur.row_factory = None  # plain tuples, the cheapest rows sqlite3 makes
                rows += len(await cur.fetchall())
    return rows


def resident_mib() -> float:
    """Resident memory of this process now, MiB (VmRSS)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _warm(path: Path) -> None:
    """Read the file once so both measurements find it in the OS page cache."""
    with path.open("rb") as fh:
        while fh.read(1 << 20):
            pass


async def measure(path: Path, items: Path = ITEMS, repeat: int = 1) -> dict[str, object]:
    """The read floor, then the draw's path up to its writes, `repeat` times, a read after each
    draw; the fastest draw against the fastest read, seconds and peak memory of each."""
    _warm(path)
    env = DrawEnv(items=read_item_list(items))
    db = await Database.open(path)
    try:
        async with db.read() as conn:
            bureau = await ensure_bureau(conn, *BUREAU)
        rows, floor_s = await _timed_floor(db, bureau)
        floors, floor_peak = [floor_s], peak_mib()
        draws = []
        for _ in range(repeat):
            draws.append(await _draw_once(db, bureau, env))
            gc.collect()  # the last draw's garbage, before the next one is timed
            floors.append((await _timed_floor(db, bureau))[1])
        draw_peak = peak_mib()
    finally:
        await db.close()
    best = min(draws, key=lambda d: d["draw_s"])
    return {
        "rows": rows,
        "floor_s": min(floors),
        "floor_peak_mib": floor_peak,
        **best,
        "draw_peak_mib": draw_peak,
        "draws_s": [d["draw_s"] for d in draws],
        "floors_s": floors,
    }


async def _timed_floor(db: Database, bureau: int) -> tuple[int, float]:
    """The read floor's row count and seconds, the collector paused as during a draw (to
    compare like with like)."""
    with paused_gc():
        t0 = time.perf_counter()
        rows = await read_floor(db, bureau)
        return rows, time.perf_counter() - t0


async def _draw_once(db: Database, bureau: int, env: DrawEnv) -> dict[str, float | int]:
    """One draw up to its writes, as `bot.services.draw_run.run` does; seconds of each step."""
    period = Period.parse(PERIOD)
    with paused_gc():
        t1 = time.perf_counter()
        async with db.read() as conn:
            await refuse_if_drawn(conn, bureau, period)
            inputs = await load_inputs(conn, bureau, period, env)
        t2 = time.perf_counter()
        inputs_mib = resident_mib()
        problems = possible_problems(inputs.frame)
        t3 = time.perf_counter()
        promise, secret = commit(inputs.frame, ())
        t4 = time.perf_counter()
        outcome = run_draw(inputs.frame, secret, (), promise.snapshot_hash)
        t5 = time.perf_counter()
    assert not problems, problems[:3]
    assert isinstance(outcome, DrawResult), outcome
    return {
        "draw_s": t5 - t1,
        "load_inputs_s": t2 - t1,
        "feasibility_s": t3 - t2,
        "commit_s": t4 - t3,
        "engine_s": t5 - t4,
        "inputs_rss_mib": inputs_mib,
        "frame_entities": len(inputs.frame.entities),
        "inspections": len(outcome.inspections),
        "joint": outcome.joint_inspections,
    }


async def full(path: Path, items: Path = ITEMS) -> dict[str, object]:
    """The whole `draw_run.run` on a copy of the database at `path`: the draw and writing its
    visits (teams, reminders), audit, list workbook and notices, committed; seconds and peak."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "draw.db"
        shutil.copy(path, copy)
        env = DrawEnv(items=read_item_list(items), files_dir=Path(tmp) / "draws")
        db = await Database.open(copy)
        try:
            async with db.read() as conn:
                bureau = await ensure_bureau(conn, *BUREAU)
            t0 = time.perf_counter()
            done = await run(db, bureau, Period.parse(PERIOD), "bench", env)
            seconds = time.perf_counter() - t0
        finally:
            await db.close()
    return {"run_s": seconds, "inspections": done.inspections, "peak_mib": peak_mib()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build", help="a fresh database of the synthetic registries")
    b.add_argument("path", type=Path)
    b.add_argument("--entities", type=int, default=200_000)
    b.add_argument("--inspectors", type=int, default=5_000)
    m = sub.add_parser("measure", help="read floor and draw, in this process")
    m.add_argument("path", type=Path)
    f = sub.add_parser("full", help="the whole draw with its writes, on a copy of the database")
    f.add_argument("path", type=Path)
    for step in (m, f):
        step.add_argument("--items", type=Path, default=ITEMS, help="the item list (YAML)")
    m.add_argument("--repeat", type=int, default=1, help="draws (each followed by a read)")
    args = parser.parse_args(argv)
    if args.step == "build":
        out = asyncio.run(build(args.path, args.entities, args.inspectors))
    elif args.step == "full":
        out = asyncio.run(full(args.path, args.items))
    else:
        out = asyncio.run(measure(args.path, args.items, args.repeat))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
