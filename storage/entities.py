"""检查对象名录库 storage: entities of a bureau, upserted by stable id (credit code or other id)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import aiosqlite

from bot.domain.models import Category, Entity, EntityKind, EntityStatus, PermitClass
from storage.db import now_iso

COLUMNS = (
    "stable_id",
    "credit_code",
    "name",
    "kind",
    "address",
    "region",
    "industry_code",
    "category",
    "permit_class",
    "credit_rating",
    "positive_list",
    "tags_json",
    "status",
    "status_reason",
    "status_decided_by",
    "latitude",
    "longitude",
    "last_violation_on",
    "verified_complaints",
    "supervised_rectification",
)


@dataclass
class UpsertCounts:
    """What an import did: 新增 / 更新 / 未变."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


def to_row(e: Entity) -> tuple:
    """An Entity as a tuple in COLUMNS order."""
    return (
        e.stable_id,
        e.credit_code,
        e.name,
        e.kind.value,
        e.address,
        e.region,
        e.industry_code,
        e.category.value,
        e.permit_class.value if e.permit_class else None,
        e.credit_rating,
        int(e.positive_list),
        json.dumps(e.tags, ensure_ascii=False, sort_keys=True),
        e.status.value,
        e.status_reason,
        e.status_decided_by,
        e.latitude,
        e.longitude,
        e.last_violation_on.isoformat() if e.last_violation_on else None,
        e.verified_complaints,
        int(e.supervised_rectification),
    )


def from_row(row: aiosqlite.Row | tuple, shared: dict[str, str] | None = None) -> Entity:
    """An Entity from a row selected in COLUMNS order.

    Rows were validated when they were written (every write goes through an Entity), so they are
    rebuilt without validating again: re-checking 200,000 credit codes cost a draw seconds. Enum
    members come from lookup tables and each distinct tags string is parsed once (a province has
    a few hundred), which halves the time to read a registry. With `shared`, equal values of the
    coded columns are kept once (pass one dict for a whole registry).
    """
    (sid, code, name, kind, address, region, industry, category, permit, rating, positive, tags,
     status, reason, decided_by, lat, lon, violation, complaints, supervised) = tuple(row)[:20]
    if shared is not None:
        region = shared.setdefault(region, region)
        industry = shared.setdefault(industry, industry)
        rating = shared.setdefault(rating, rating)
        reason = shared.setdefault(reason, reason)
        decided_by = shared.setdefault(decided_by, decided_by)
    return _construct(
        {
            "stable_id": sid,
            "credit_code": code,
            "name": name,
            "kind": _KINDS[kind],
            "address": address,
            "region": region,
            "industry_code": industry,
            "category": _CATEGORIES[category],
            "permit_class": _PERMITS[permit] if permit else None,
            "credit_rating": rating,
            "positive_list": bool(positive),
            "tags": _tags(tags),
            "status": _STATUSES[status],
            "status_reason": reason,
            "status_decided_by": decided_by,
            "latitude": lat,
            "longitude": lon,
            "last_violation_on": _date(violation) if violation else None,
            "verified_complaints": complaints,
            "supervised_rectification": bool(supervised),
        }
    )


_KINDS = {m.value: m for m in EntityKind}
_CATEGORIES = {m.value: m for m in Category}
_PERMITS = {m.value: m for m in PermitClass}
_STATUSES = {m.value: m for m in EntityStatus}


@lru_cache(maxsize=4096)
def _parsed_tags(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(json.loads(text).items())


def _tags(text: str) -> dict[str, str]:
    """The tags of one row: a fresh dict (never shared between entities)."""
    return dict(_parsed_tags(text))


@lru_cache(maxsize=8192)
def _date(text: str) -> date:
    return date.fromisoformat(text)


_DEFAULT_FIELDS = set(Entity.model_fields)


def _construct(values: dict) -> Entity:
    """What `Entity.model_construct(**values)` does when every field is given, without its
    per-field loop (it dominated reading a province's registry)."""
    entity = Entity.__new__(Entity)
    object.__setattr__(entity, "__dict__", values)
    object.__setattr__(entity, "__pydantic_fields_set__", _DEFAULT_FIELDS)
    object.__setattr__(entity, "__pydantic_extra__", None)
    object.__setattr__(entity, "__pydantic_private__", None)
    return entity


async def upsert_entities(
    conn: aiosqlite.Connection, bureau_id: int, entities: Iterable[Entity]
) -> UpsertCounts:
    """Insert or update entities by stable id; call inside a transaction."""
    existing: dict[str, tuple] = {}
    cols = ", ".join(COLUMNS)
    async with conn.execute(
        f"SELECT {cols} FROM entities WHERE bureau_id = ?", (bureau_id,)
    ) as cur:
        async for row in cur:
            existing[row[0]] = tuple(row)
    counts = UpsertCounts()
    stamp = now_iso()
    inserts, updates = [], []
    for e in entities:
        row = to_row(e)
        old = existing.get(e.stable_id)
        if old is None:
            inserts.append((bureau_id, *row, stamp))
            counts.added += 1
        elif old != row:
            updates.append((*row[1:], stamp, bureau_id, e.stable_id))
            counts.updated += 1
        else:
            counts.unchanged += 1
    marks = ", ".join("?" * (len(COLUMNS) + 2))
    await conn.executemany(
        f"INSERT INTO entities (bureau_id, {cols}, updated_at) VALUES ({marks})", inserts
    )
    sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
    await conn.executemany(
        f"UPDATE entities SET {sets}, updated_at = ? WHERE bureau_id = ? AND stable_id = ?", updates
    )
    return counts


async def list_entities(conn: aiosqlite.Connection, bureau_id: int) -> list[Entity]:
    """Every entity of the bureau, ordered by stable id."""
    shared: dict[str, str] = {}
    return [from_row(row, shared) for row in (await stored_entities(conn, bureau_id)).rows]


BATCH = 5000  # rows fetched per hop to the database thread


class StoredEntities(Mapping[str, Entity]):
    """A bureau's registry as read for a draw: rows (COLUMNS, then the row id) in stable-id
    order, each turned into an Entity only when looked up. A draw needs models for the few
    thousand entities it classifies (one per profile) and the ones it draws, not for all."""

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows
        self._index: dict[str, int] | None = None  # built at the first lookup (a preview has none)

    @property
    def _at(self) -> dict[str, int]:
        if self._index is None:
            self._index = {row[0]: n for n, row in enumerate(self.rows)}
        return self._index

    def __getitem__(self, stable_id: str) -> Entity:
        return from_row(self.rows[self._at[stable_id]])

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, stable_id: object) -> bool:
        return stable_id in self._at

    def row_ids(self) -> Mapping[str, int]:
        """stable id -> row id, for foreign keys from other tables (a view, nothing copied)."""
        return _RowIds(self)


class _RowIds(Mapping[str, int]):
    """The row ids of stored entities by stable id."""

    def __init__(self, stored: StoredEntities) -> None:
        self._stored = stored

    def __getitem__(self, stable_id: str) -> int:
        return self._stored.rows[self._stored._at[stable_id]][len(COLUMNS)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)


def parsed_tags(text: str) -> dict[str, str]:
    """A tags column read for comparison only (shared between equal strings: do not modify)."""
    return _shared_tags(text)


@lru_cache(maxsize=4096)
def _shared_tags(text: str) -> dict[str, str]:
    return json.loads(text)


async def stored_entities(conn: aiosqlite.Connection, bureau_id: int) -> StoredEntities:
    """Every entity row of the bureau, ordered by stable id, fetched as plain tuples in batches."""
    cols = ", ".join(COLUMNS)
    sql = f"SELECT {cols}, id FROM entities WHERE bureau_id = ? ORDER BY stable_id"
    rows: list[tuple] = []
    async with conn.execute(sql, (bureau_id,)) as cur:
        cur.row_factory = None
        while batch := await cur.fetchmany(BATCH):
            rows += batch
    return StoredEntities(rows)


async def get_entity(conn: aiosqlite.Connection, bureau_id: int, stable_id: str) -> Entity | None:
    """One entity by stable id, or None."""
    cols = ", ".join(COLUMNS)
    sql = f"SELECT {cols} FROM entities WHERE bureau_id = ? AND stable_id = ?"
    async with conn.execute(sql, (bureau_id, stable_id)) as cur:
        row = await cur.fetchone()
    return from_row(row) if row else None


async def entity_ids(conn: aiosqlite.Connection, bureau_id: int) -> dict[str, int]:
    """Map stable id -> row id, for foreign keys from other tables."""
    sql = "SELECT stable_id, id FROM entities WHERE bureau_id = ?"
    async with conn.execute(sql, (bureau_id,)) as cur:
        return {r[0]: int(r[1]) for r in await cur.fetchall()}
