"""Benchmark of the entity registry import (检查对象名录库导入), issue 2.

    .venv/bin/python bench/import_entities.py                  # 50,000 entities, 3 rounds
    .venv/bin/python bench/import_entities.py --rows 200000 --rounds 1

Generates the synthetic county (bot.domain.synthetic, seed 7) into one XLSX with the export
writer, then, in each round and in the same process: reads the workbook with bare openpyxl
(read-only, values only: the floor any XLSX import pays), runs the import's read-and-validate
step alone, and runs the whole import (read, validate every row into models, upsert in one
transaction) into a fresh SQLite file. Prints the median of each and its ratio to the bare read;
the exit status is 1 when the import's median is over the target (default 10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl  # noqa: E402

from bot.domain.synthetic import iter_entities  # noqa: E402
from bot.services.registry_io import (  # noqa: E402
    ImportReport,
    import_registry,
    read_registry,
    write_models,
)
from storage.bureaus import ensure_bureau  # noqa: E402
from storage.db import Database  # noqa: E402


def bare_read(path: Path) -> int:
    """Every row of the first sheet with openpyxl's fast path, doing nothing with the values."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
    finally:
        wb.close()


def read_and_validate(path: Path) -> int:
    report = ImportReport("entities", path.name)
    models = read_registry(path, "entities", report)
    assert not report.errors.total, report.render()
    return len(models)


async def full_import(path: Path, workdir: Path, round_no: int) -> int:
    db = await Database.open(workdir / f"round{round_no}.db")
    try:
        async with db.tx() as conn:
            bureau = await ensure_bureau(conn, "bench", "基准测试分局")
        report = await import_registry(db, bureau, "entities", path)
        assert report.ok, report.render()
        async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM entities") as cur:
            stored = (await cur.fetchone())[0]
        assert stored == report.counts.added, (stored, report.counts)
        return stored
    finally:
        await db.close()


def timed(fn: Callable[[], int]) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds (all threads of this process) of fn, and what it returns."""
    start, cpu = time.perf_counter(), time.process_time()
    rows = fn()
    return time.perf_counter() - start, time.process_time() - cpu, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--target", type=float, default=10.0, help="seconds the import must stay under")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / f"entities-{args.rows}.xlsx"
        gen_s, _, _ = timed(
            lambda: write_models(
                path, "entities", iter_entities(args.seed, args.rows), count=args.rows
            )
        )
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} entities -> {path.name} ({size_mb:.1f} MB) in {gen_s:.1f} s"
        )
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        wall: dict[str, list[float]] = {"bare": [], "validate": [], "import": []}
        cpu: dict[str, list[float]] = {k: [] for k in wall}
        for r in range(args.rounds):
            for key, fn in (
                ("bare", lambda: bare_read(path)),
                ("validate", lambda: read_and_validate(path)),
                ("import", lambda r=r: asyncio.run(full_import(path, workdir, r))),
            ):
                seconds, cpu_seconds, rows = timed(fn)
                assert rows == args.rows, (key, rows)
                wall[key].append(seconds)
                cpu[key].append(cpu_seconds)
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in wall.items()))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print_table(wall, cpu, args.rows)
        median = statistics.median(wall["import"])
    verdict = "within" if median < args.target else "OVER"
    print(f"\nimport median {median:.2f} s: {verdict} the {args.target:g} s target")
    return 0 if median < args.target else 1


def print_table(wall: dict[str, list[float]], cpu: dict[str, list[float]], rows: int) -> None:
    """Medians of wall time (what a user waits) and CPU time (steadier when the machine is
    shared), rows per second, and each step's ratio to the bare openpyxl read."""
    labels = {
        "bare": "openpyxl read-only, values only (floor)",
        "validate": "read + validate every row (no database)",
        "import": "full import into fresh SQLite (one transaction)",
    }
    base_wall, base_cpu = statistics.median(wall["bare"]), statistics.median(cpu["bare"])
    print(
        "\n| step | wall s (median) | wall s (min) | rows/s | × bare | CPU s (median) | × bare |"
        "\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for key, label in labels.items():
        w, c = statistics.median(wall[key]), statistics.median(cpu[key])
        print(
            f"| {label} | {w:.2f} | {min(wall[key]):.2f} | {rows / w:,.0f} | {w / base_wall:.2f} "
            f"| {c:.2f} | {c / base_cpu:.2f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
