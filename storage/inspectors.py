"""执法检查人员名录库 storage: inspectors of a bureau and their recusals (回避), upserted by key."""

from __future__ import annotations

import json
from collections.abc import Iterable

import aiosqlite

from bot.domain.models import Inspector, InspectorKind, Recusal
from storage.db import now_iso
from storage.entities import UpsertCounts

COLUMNS = (
    "key",
    "name",
    "department",
    "certificate_no",
    "expert_id",
    "expertise_json",
    "region",
    "years_of_service",
    "kind",
    "active",
)


def to_row(i: Inspector) -> tuple:
    """An Inspector (without recusals) as a tuple in COLUMNS order."""
    return (
        i.key,
        i.name,
        i.department,
        i.certificate_no,
        i.expert_id,
        json.dumps(sorted(i.expertise), ensure_ascii=False),
        i.region,
        i.years_of_service,
        i.kind.value,
        int(i.active),
    )


def _recusal_set(i: Inspector) -> frozenset[tuple[str, str]]:
    return frozenset((r.entity_stable_id, r.reason) for r in i.recusals)


async def _load(conn: aiosqlite.Connection, bureau_id: int) -> dict[str, tuple[int, tuple, set]]:
    cols = ", ".join(COLUMNS)
    out: dict[str, tuple[int, tuple, set]] = {}
    sql = f"SELECT id, {cols} FROM inspectors WHERE bureau_id = ?"
    async with conn.execute(sql, (bureau_id,)) as cur:
        for row in await cur.fetchall():
            out[row[1]] = (int(row[0]), tuple(row)[1:], set())
    by_id = {v[0]: k for k, v in out.items()}
    sql = (
        "SELECT r.inspector_id, r.entity_stable_id, r.reason FROM recusals r"
        " JOIN inspectors i ON i.id = r.inspector_id WHERE i.bureau_id = ?"
    )
    async with conn.execute(sql, (bureau_id,)) as cur:
        for iid, sid, reason in await cur.fetchall():
            out[by_id[iid]][2].add((sid, reason))
    return out


async def upsert_inspectors(
    conn: aiosqlite.Connection, bureau_id: int, inspectors: Iterable[Inspector]
) -> UpsertCounts:
    """Insert or update inspectors by key, replacing their recusals; call inside a transaction."""
    existing = await _load(conn, bureau_id)
    counts = UpsertCounts()
    stamp = now_iso()
    cols = ", ".join(COLUMNS)
    for i in inspectors:
        row, rec = to_row(i), _recusal_set(i)
        old = existing.get(i.key)
        if old is None:
            marks = ", ".join("?" * (len(COLUMNS) + 2))
            cur = await conn.execute(
                f"INSERT INTO inspectors (bureau_id, {cols}, updated_at) VALUES ({marks})",
                (bureau_id, *row, stamp),
            )
            iid = int(cur.lastrowid)
            counts.added += 1
        elif old[1] != row or old[2] != rec:
            iid = old[0]
            sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
            await conn.execute(
                f"UPDATE inspectors SET {sets}, updated_at = ? WHERE id = ?", (*row[1:], stamp, iid)
            )
            await conn.execute("DELETE FROM recusals WHERE inspector_id = ?", (iid,))
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        await conn.executemany(
            "INSERT INTO recusals (inspector_id, entity_stable_id, reason) VALUES (?, ?, ?)",
            [(iid, sid, reason) for sid, reason in sorted(rec)],
        )
    return counts


async def list_inspectors(
    conn: aiosqlite.Connection, bureau_id: int
) -> list[tuple[int, Inspector]]:
    """Every inspector of the bureau as (row id, Inspector), ordered by key."""
    loaded = await _load(conn, bureau_id)
    return [(loaded[key][0], _inspector(*loaded[key][1:])) for key in sorted(loaded)]


def _inspector(row: tuple, recusals: set[tuple[str, str]]) -> Inspector:
    """An Inspector from its row (COLUMNS order) and recusals. Rows were validated when they
    were written (every write goes through an Inspector), so they are rebuilt without
    validating again, as entities are (`storage.entities.from_row`): a nation's 45,000
    inspectors took a second to validate on every draw."""
    _, name, department, cert, expert_id, expertise, region, years, kind, active = row
    return Inspector.model_construct(
        name=name,
        department=department,
        certificate_no=cert,
        expert_id=expert_id,
        expertise=json.loads(expertise),
        region=region,
        years_of_service=years,
        kind=InspectorKind(kind),
        active=bool(active),
        recusals=[
            Recusal.model_construct(entity_stable_id=s, reason=r) for s, r in sorted(recusals)
        ],
    )
