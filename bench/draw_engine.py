"""Benchmark of the pure draw engine (摇号引擎) on a synthetic bureau.

    .venv/bin/python bench/draw_engine.py                      # 200,000 entities, 5,000 inspectors
    .venv/bin/python bench/draw_engine.py --entities 1400000 --inspectors 45000

The frame is generated from a fixed random seed: entities with category (5% key, 1% special),
region and industry; 20 items over 5 departments, each targeting 5 of the 20 industries, with
three groups (key 25%, special 50%, general 3% per quarter, rounded up); every fourth item needs an
expertise, every fifth asks for an expert; 5% of people are experts, 3% lack a certificate, 2% are
inactive, 10% have three recusals; 10% of entities have a previous team. Prints the time of each
step and the peak resident memory of the process (which includes building the frame).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.draw import (  # noqa: E402
    DrawFrame,
    DrawResult,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
    commit,
    run_draw,
)
from bot.domain.draw.transcript import build_transcript, dumps  # noqa: E402
from bot.domain.models import InspectorKind  # noqa: E402

DEPARTMENTS = ["执法一中队", "执法二中队", "监测站", "辐射科", "固废科"]
SKILLS = ["水", "气", "辐射", "危废", "噪声", "土壤"]
RATIOS = {"key": (25, 100), "special": (50, 100), "general": (3, 100)}


def _entities(rng: random.Random, n: int) -> list[FrameEntity]:
    out = []
    for i in range(n):
        roll = rng.random()
        category = "key" if roll < 0.05 else "special" if roll < 0.06 else "general"
        attrs = {
            "category": category,
            "region": f"R{rng.randrange(10)}",
            "industry": f"C{rng.randrange(20):02d}",
        }
        out.append(FrameEntity(f"9113{i:014d}", attrs))
    return out


def _items(ents: list[FrameEntity], count: int) -> list[FrameItem]:
    items = []
    for j in range(count):
        industries = {f"C{k:02d}" for k in random.Random(j).sample(range(20), 5)}
        groups = []
        for category, (num, den) in RATIOS.items():
            members = tuple(
                e.stable_id
                for e in ents
                if e.attributes["category"] == category and e.attributes["industry"] in industries
            )
            quota = math.ceil(len(members) * num / den)
            groups.append(FrameGroup(category, quota, members))
        items.append(
            FrameItem(
                item_id=f"item{j:02d}",
                department=DEPARTMENTS[j % len(DEPARTMENTS)],
                groups=tuple(groups),
                expertise_required=frozenset({SKILLS[j % 6]}) if j % 4 == 3 else frozenset(),
                experts_required=1 if j % 5 == 4 else 0,
            )
        )
    return items


def _people(rng: random.Random, n: int, ids: list[str]) -> list[FrameInspector]:
    out = []
    for i in range(n):
        expert = rng.random() < 0.05
        out.append(
            FrameInspector(
                key=f"{'E' if expert else 'S'}{i:06d}",
                department="专家库" if expert else DEPARTMENTS[i % len(DEPARTMENTS)],
                kind=InspectorKind.EXPERT if expert else InspectorKind.STAFF,
                certificate=not expert and rng.random() >= 0.03,
                active=rng.random() >= 0.02,
                expertise=frozenset(s for s in SKILLS if rng.random() < 0.4),
                recused=frozenset(rng.sample(ids, 3)) if rng.random() < 0.1 else frozenset(),
            )
        )
    return out


def build_frame(entities: int, inspectors: int, items: int, seed: int = 20260701) -> DrawFrame:
    """The synthetic frame described in the module docstring."""
    rng = random.Random(seed)
    ents = _entities(rng, entities)
    ids = [e.stable_id for e in ents]
    people = _people(rng, inspectors, ids)
    staff = [p.key for p in people if p.kind is InspectorKind.STAFF]
    previous = {sid: frozenset(rng.sample(staff, 2)) for sid in rng.sample(ids, entities // 10)}
    return DrawFrame(
        "BENCH", "2026Q3", tuple(_items(ents, items)), tuple(ents), tuple(people), previous
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=200_000)
    parser.add_argument("--inspectors", type=int, default=5_000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--transcript", action="store_true", help="also build and serialise it")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    frame = build_frame(args.entities, args.inspectors, args.items)
    t1 = time.perf_counter()
    commitment, secret = commit(frame, ["体彩排列5"], secret=hashlib.sha256(b"bench").digest())
    t2 = time.perf_counter()
    result = run_draw(frame, secret, ["3 8 1 0 6"], commitment.snapshot_hash)
    t3 = time.perf_counter()
    assert isinstance(result, DrawResult), result
    print(f"frame: {args.entities} entities, {args.inspectors} inspectors, {args.items} items")
    print(f"build frame (not the engine): {t1 - t0:6.2f} s")
    print(f"commit (snapshot hash):       {t2 - t1:6.2f} s")
    print(f"draw (select + match):        {t3 - t2:6.2f} s")
    print(f"engine total (commit + draw): {t3 - t1:6.2f} s")
    print(
        f"inspections {len(result.inspections)}, joint {result.joint_inspections} "
        f"({result.joint_inspections / max(1, len(result.inspections)):.1%}), "
        f"relaxed {result.relaxed_inspections}, staff cap {result.staff_cap}, "
        f"expert cap {result.expert_cap}"
    )
    if args.transcript:
        t4 = time.perf_counter()
        data = dumps(build_transcript(frame, commitment, ["3 8 1 0 6"], result))
        print(f"transcript: {len(data) / 2**20:.1f} MiB in {time.perf_counter() - t4:.2f} s")
    print(f"peak resident memory (whole process): {_peak_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
