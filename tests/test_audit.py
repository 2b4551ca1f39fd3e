"""The audit log's hash chain finds an edited, inserted or deleted row and names it."""

from __future__ import annotations

from storage import audit


async def _three_rows(db):
    async with db.tx() as conn:
        for i in range(3):
            await audit.append(conn, "tester", "draw.committed", f"2026Q{i + 1}", {"n": i})


async def test_intact_chain_has_no_problems(db):
    await _three_rows(db)
    async with db.read() as conn:
        assert await audit.verify(conn) == []


async def test_edited_row_is_named(db):
    await _three_rows(db)
    async with db.tx() as conn:
        await conn.execute("UPDATE audit_log SET payload_json = '{\"n\": 9}' WHERE id = 2")
    async with db.read() as conn:
        problems = await audit.verify(conn)
    assert problems == ["row 2 (draw.committed 2026Q2): content changed: edited"]


async def test_deleted_row_is_named(db):
    await _three_rows(db)
    async with db.tx() as conn:
        await conn.execute("DELETE FROM audit_log WHERE id = 2")
    async with db.read() as conn:
        problems = await audit.verify(conn)
    assert any(p.startswith("row 2: missing") for p in problems)


async def test_inserted_row_is_named(db):
    await _three_rows(db)
    async with db.tx() as conn:
        await conn.execute(
            "INSERT INTO audit_log (id, at, actor, action, subject, payload_json, prev_hash, hash)"
            " VALUES (4, 'x', 'intruder', 'draw.cancelled', '2026Q1', '{}', 'bogus', 'bogus')"
        )
    async with db.read() as conn:
        problems = await audit.verify(conn)
    assert any(p.startswith("row 4: prev_hash") for p in problems)
