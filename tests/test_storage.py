"""Storage: schema from empty, upgrade of an older file, WAL and foreign keys, transactions."""

from __future__ import annotations

import sqlite3

import pytest

from bot.domain.models import Entity, Inspector
from storage.bureaus import ensure_bureau
from storage.db import Database, migrations
from storage.entities import list_entities, upsert_entities

CODE = "91350100M000100Y43"


def tables(path) -> set[str]:
    with sqlite3.connect(path) as c:
        return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}


async def test_schema_from_empty(tmp_path):
    path = tmp_path / "new.db"
    db = await Database.open(path)
    await db.close()
    assert {"bureaus", "entities", "inspectors", "users", "outbox", "audit_log"} <= tables(path)
    with sqlite3.connect(path) as c:
        versions = [r[0] for r in c.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert versions == [v for v, _, _ in migrations()]


async def test_upgrade_keeps_data_of_an_older_file(tmp_path):
    path = tmp_path / "old.db"
    old = await Database.open(path, upto=1)
    async with old.tx() as conn:
        bid = await ensure_bureau(conn, "xs", "徐水")
        await upsert_entities(conn, bid, [Entity(stable_id=CODE, credit_code=CODE, name="甲厂")])
    await old.close()
    assert "strangers" not in tables(path)
    new = await Database.open(path)
    async with new.read() as conn:
        assert [e.name for e in await list_entities(conn, bid)] == ["甲厂"]
    await new.close()
    assert "strangers" in tables(path)


async def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        async with db.tx() as conn:
            await conn.execute("INSERT INTO departments (bureau_id, name) VALUES (999, 'x')")


async def test_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.tx() as conn:
            await ensure_bureau(conn, "a", "A")
            raise RuntimeError("boom")
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM bureaus") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_upsert_counts(db):
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "a", "A")
        e = Entity(stable_id=CODE, credit_code=CODE, name="甲厂")
        first = await upsert_entities(conn, bid, [e])
        again = await upsert_entities(conn, bid, [e])
        changed = await upsert_entities(conn, bid, [e.model_copy(update={"name": "乙厂"})])
    assert (first.added, again.unchanged, changed.updated) == (1, 1, 1)


async def test_entities_read_back_exactly_as_written(db):
    from datetime import date

    from bot.domain.models import Category, EntityKind, EntityStatus, PermitClass

    full = Entity(
        stable_id=CODE,
        credit_code=CODE,
        name="甲厂",
        kind=EntityKind.ENTERPRISE,
        address="一路1号",
        region="安肃镇",
        industry_code="2611",
        category=Category.SPECIAL,
        permit_class=PermitClass.KEY,
        credit_rating="警示",
        positive_list=True,
        tags={"排放类型": "废水"},
        status=EntityStatus.EXCLUDED,
        status_reason="关停",
        status_decided_by="局长",
        latitude=39.0,
        longitude=115.5,
        last_violation_on=date(2026, 3, 1),
        verified_complaints=3,
        supervised_rectification=True,
    )
    water = Entity(stable_id="WS-1", name="水源地", kind=EntityKind.WATER_SOURCE)
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "a", "A")
        await upsert_entities(conn, bid, [full, water])
    async with db.read() as conn:
        got = await list_entities(conn, bid)
    assert [e.model_dump() for e in got] == [full.model_dump(), water.model_dump()]
    assert got[0] == full and isinstance(got[0].category, Category)


def _by_entity(recusal) -> str:
    return recusal.entity_stable_id


async def test_inspectors_read_back_exactly_as_written(db):
    from bot.domain.synthetic import generate_inspectors
    from storage.inspectors import list_inspectors, upsert_inspectors

    people = generate_inspectors(3, 60, [f"E{i:04d}" for i in range(40)])
    assert any(p.recusals for p in people) and any(not p.active for p in people)
    async with db.tx() as conn:
        bureau = await ensure_bureau(conn, "t", "测试")
        await upsert_inspectors(conn, bureau, people)
    async with db.read() as conn:
        got = [i for _, i in await list_inspectors(conn, bureau)]
    expected = sorted(people, key=lambda p: p.key)
    for g, e in zip(got, expected, strict=True):  # rebuilt without validation, yet the same
        stored = {"expertise": sorted(e.expertise), "recusals": sorted(e.recusals, key=_by_entity)}
        e = e.model_copy(update=stored)
        assert g == e and g.kind is e.kind and g.key == e.key
        assert Inspector.model_validate(g.model_dump()) == g
