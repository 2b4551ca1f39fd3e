"""承诺并摇号 (commit, then draw), each in one transaction with its visits, audit and outbox.

`run` freezes the frame, makes a secret, records and announces the commitment and, when no
public source was declared, draws at once: the draws row (status drawn, the transcript without
the secret, the secret kept in the row), one inspection per drawn visit (lead = first enforcement
inspector, then members, then experts; due at the period's end), reminders, audit rows, and
the announcements. With public sources declared (e.g. "体彩排列5 第26123期") it stops at the
commitment; `draw_committed` runs the draw once their values are known.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.domain.draw import (
    Commitment,
    DrawFrame,
    DrawOutcome,
    Infeasible,
    build_transcript,
    commit,
    dumps,
    run_draw,
)
from bot.domain.draw.canonical import canonical_json
from bot.domain.draw.seed import public_key_string
from bot.domain.draw.snapshot import frame_from_json, frame_to_json
from bot.domain.draw_inputs import possible_problems
from bot.domain.itemlist import Mode
from bot.domain.periods import Period
from bot.services import draw_notices as notices
from bot.services.draw_list_xlsx import write_draw_list
from bot.services.draw_texts import Member, VisitNotice, summary_text
from bot.services.draws import (
    DrawEnv,
    DrawInfeasible,
    PreviewStale,
    Registry,
    entity_names,
    load_inputs,
    load_registry,
    refuse_if_drawn,
)
from bot.services.errors import Refusal
from bot.services.gc_pause import paused_gc
from bot.services.reminders import schedule_for_inspection
from storage import audit
from storage import draws as store
from storage.db import Database, without_hops
from storage.inspections import create_inspection

YIELD_EVERY = 200  # visits written between two turns of the event loop


@dataclass
class DrawDone:
    """What a coordinator is told after `run` or `draw_committed`."""

    draw_id: int
    period: str
    status: str  # committed (waiting for public sources) or drawn
    commitment: dict
    commitment_hash: str
    inspections: int = 0
    joint: int = 0
    relaxed: int = 0
    list_path: Path | None = None


def commitment_from(data: dict) -> Commitment:
    """The engine's Commitment back from its stored JSON."""
    return Commitment(
        bureau=data["bureau"],
        period=data["period"],
        algorithm=data["algorithm"],
        sections=dict(data["sections"]),
        snapshot_hash=data["snapshot_hash"],
        secret_hash=data["secret_hash"],
        public_sources=tuple(data["public_sources"]),
    )


async def run(
    db: Database,
    bureau_id: int,
    period: Period,
    actor: str,
    env: DrawEnv,
    *,
    declared_sources: Sequence[str] = (),
    target: dict[str, tuple[str, ...]] | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> DrawDone:
    """Commit and (without declared public sources) draw `period`; Refusal, PreviewStale or
    DrawInfeasible with nothing written otherwise."""
    now = now or datetime.now(UTC)
    sources = tuple(s.strip() for s in declared_sources if s.strip())
    with paused_gc():
        return await _run(db, bureau_id, period, actor, env, sources, target, token, now)


async def _run(
    db: Database,
    bureau_id: int,
    period: Period,
    actor: str,
    env: DrawEnv,
    sources: tuple[str, ...],
    target: dict[str, tuple[str, ...]] | None,
    token: str | None,
    now: datetime,
) -> DrawDone:
    async with db.tx() as conn:
        await refuse_if_drawn(conn, bureau_id, period)
        inputs = await load_inputs(conn, bureau_id, period, env, target)
        if token is not None and token != inputs.token:
            raise PreviewStale(period.label)
        problems = possible_problems(inputs.frame)
        if problems:
            raise DrawInfeasible(period.label, problems, entity_names(inputs, problems))
        promise, secret = commit(inputs.frame, sources)
        snapshot = canonical_json(frame_to_json(inputs.frame)).decode() if sources else None
        draw_id = await store.insert_draw(
            conn,
            bureau_id,
            period.label,
            commitment=promise.to_json(),
            commitment_hash=promise.commitment_hash,
            secret_hex=secret.hex(),
            committed_by=actor,
            snapshot_json=snapshot,
            target={k: list(v) for k, v in inputs.target.items()},
        )
        await audit.append(
            conn,
            actor,
            "draw.committed",
            period.label,
            {
                "draw_id": draw_id,
                "commitment_hash": promise.commitment_hash,
                "snapshot_hash": promise.snapshot_hash,
                "secret_hash": promise.secret_hash,
                "public_sources": list(sources),
                "target": inputs.target,
            },
            bureau_id=bureau_id,
        )
        await notices.commitment(
            conn,
            bureau_id,
            draw_id,
            inputs.bureau_name,
            promise.to_json(),
            promise.commitment_hash,
            env,
            pending=bool(sources),
        )
        if sources:
            return DrawDone(
                draw_id, period.label, "committed", promise.to_json(), promise.commitment_hash
            )
        outcome = run_draw(inputs.frame, secret, (), promise.snapshot_hash)
        drawn = Drawn(draw_id, period, inputs.frame, promise, outcome, ())
        return await apply(conn, bureau_id, drawn, inputs.registry, env, actor, now)


async def draw_committed(
    db: Database,
    bureau_id: int,
    period: Period,
    actor: str,
    env: DrawEnv,
    source_values: Sequence[str],
    *,
    now: datetime | None = None,
) -> DrawDone:
    """Draw a committed period once its public sources' values are known (开奖后摇号)."""
    now = now or datetime.now(UTC)
    values = [v.strip() for v in source_values]
    with paused_gc():
        return await _draw_committed(db, bureau_id, period, actor, env, values, now)


async def _draw_committed(
    db: Database,
    bureau_id: int,
    period: Period,
    actor: str,
    env: DrawEnv,
    values: list[str],
    now: datetime,
) -> DrawDone:
    async with db.tx() as conn:
        row = await store.live_draw(conn, bureau_id, period.label)
        if row is None or row.status != "committed":
            raise Refusal("draw_not_committed", period=period.label)
        if len(values) != len(row.public_sources):
            raise Refusal("draw_values_count", declared=len(row.public_sources), given=len(values))
        try:
            public_key_string(values)
        except ValueError as exc:
            raise Refusal("draw_values_bad", error=str(exc)) from None
        frame = frame_from_json(json.loads(await store.snapshot_of(conn, row.id) or "{}"))
        promise = commitment_from(row.commitment)
        secret = bytes.fromhex(row.secret or "")
        outcome = run_draw(frame, secret, values, promise.snapshot_hash)
        drawn = Drawn(row.id, period, frame, promise, outcome, tuple(values))
        registry = await load_registry(conn, bureau_id)
        return await apply(conn, bureau_id, drawn, registry, env, actor, now)


@dataclass
class Drawn:
    """A draw's outcome with what produced it."""

    draw_id: int
    period: Period
    frame: DrawFrame
    commitment: Commitment
    outcome: DrawOutcome
    values: tuple[str, ...]


async def apply(
    conn: aiosqlite.Connection,
    bureau_id: int,
    drawn: Drawn,
    registry: Registry,
    env: DrawEnv,
    actor: str,
    now: datetime,
) -> DrawDone:
    """Store the transcript, create the visits, audit, announce (the caller's transaction, its
    statements run without thread hops: a province's draw writes some 400,000 rows)."""
    conn = without_hops(conn)
    outcome, period = drawn.outcome, drawn.period
    if isinstance(outcome, Infeasible):  # cannot happen after possible_problems; never partial
        names = {sid: e.name for sid, e in registry.entities.items()}
        raise DrawInfeasible(period.label, list(outcome.problems), names)
    transcript = build_transcript(drawn.frame, drawn.commitment, drawn.values, outcome)
    text = dumps(transcript).decode().rstrip("\n")
    await store.mark_drawn(conn, drawn.draw_id, text, actor)
    visits = await create_visits(conn, bureau_id, drawn, registry, env, now)
    await audit.append(
        conn,
        actor,
        "draw.run",
        period.label,
        {
            "draw_id": drawn.draw_id,
            "result_hash": transcript["result_hash"],
            "inspections": len(visits),
            "inspection_ids": [v.inspection_id for v in visits],
        },
        bureau_id=bureau_id,
    )
    code, name = await store.bureau_names(conn, bureau_id)
    path = env.files_dir / f"{code}-{period.label}-draw{drawn.draw_id}-名单.xlsx"
    write_draw_list(path, name, period.label, visits)
    selections = transcript["result"]["selections"]
    names = group_names(env)
    commitment_hash = drawn.commitment.commitment_hash

    def summary(lang: str) -> str:
        return summary_text(
            period.label, drawn.draw_id, commitment_hash, selections, names, visits, lang
        )

    await notices.result(conn, bureau_id, drawn.draw_id, period.label, visits, summary, path)
    return DrawDone(
        drawn.draw_id,
        period.label,
        "drawn",
        drawn.commitment.to_json(),
        commitment_hash,
        inspections=len(visits),
        joint=outcome.joint_inspections,
        relaxed=outcome.relaxed_inspections,
        list_path=path,
    )


def group_names(env: DrawEnv) -> dict[tuple[str, str], tuple[str, str]]:
    """(item id, group id) -> (item name, group name)."""
    return {(i.id, g.id): (i.name, g.name) for i in env.items.items for g in i.groups}


async def create_visits(
    conn: aiosqlite.Connection,
    bureau_id: int,
    drawn: Drawn,
    registry: Registry,
    env: DrawEnv,
    now: datetime,
) -> list[VisitNotice]:
    """One inspection per drawn visit, its team and reminders; returns them for the notices."""
    due = env.deadlines.visit_due(drawn.period.end).isoformat()
    item_names = {i.id: i.name for i in env.items.items}
    site = {i.id for i in env.items.items if i.mode is Mode.SITE}
    out = []
    for n, v in enumerate(drawn.outcome.inspections, start=1):
        if n % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # let the bot's other tasks (sending, polling) run meanwhile
        team = [(k, "lead" if n == 0 else "member") for n, k in enumerate(v.inspectors)]
        team += [(k, "expert") for k in v.experts]
        members = [
            Member(registry.inspectors[k][0], registry.inspectors[k][1].name, role)
            for k, role in team
        ]
        iid = await create_inspection(
            conn,
            bureau_id,
            period=drawn.period.label,
            entity_id=registry.entity_ids[v.entity],
            items=list(v.items),
            due_on=due,
            inspectors=[(m.inspector_id, m.role) for m in members],
            draw_id=drawn.draw_id,
            mode="site" if site.intersection(v.items) else "offsite",
        )
        await schedule_for_inspection(conn, iid, deadlines=env.deadlines, now=now)
        entity = registry.entities[v.entity]
        items = [(i, item_names.get(i, i)) for i in v.items]
        out.append(
            VisitNotice(
                iid, v.seq, v.entity, entity.name, entity.address, entity.region, items,
                members, due,
            )
        )  # fmt: skip
    return out
