"""成批提交 (group commit, `Database.batch`) and the direct connection its bodies get.

Each caller's result arrives only after the transaction holding its writes committed; a body
that raises loses only its own writes; a failed COMMIT loses the whole batch and every caller
hears so; a caller that gave up before its turn never runs.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from storage.db import Database

TABLE = "CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"


async def _rows(db: Database) -> dict[int, str]:
    async with db.read() as conn:
        return {k: v for k, v in await conn.execute_fetchall("SELECT k, v FROM t")}


async def _table(db: Database) -> None:
    async with db.tx() as conn:
        await conn.execute(TABLE)


def _put(k: int, v: str):  # noqa: ANN202
    async def body(conn) -> int:  # noqa: ANN001
        cur = await conn.execute("INSERT INTO t (k, v) VALUES (?, ?)", (k, v))
        return cur.rowcount

    return body


async def test_concurrent_bodies_commit_together(db: Database) -> None:
    await _table(db)
    results = await asyncio.gather(*(db.batch(_put(k, f"v{k}")) for k in range(100)))
    assert results == [1] * 100
    assert await _rows(db) == {k: f"v{k}" for k in range(100)}
    assert not db.conn.in_transaction


async def test_a_failing_body_loses_only_its_writes(db: Database) -> None:
    await _table(db)

    async def half_then_fail(conn) -> None:  # noqa: ANN001
        await conn.execute("INSERT INTO t (k, v) VALUES (50, 'half')")
        raise ValueError("refused")

    calls = [db.batch(_put(k, "ok")) for k in range(3)]
    calls.insert(1, db.batch(half_then_fail))
    calls.append(db.batch(_put(0, "duplicate")))  # a constraint error, also its own
    out = await asyncio.gather(*calls, return_exceptions=True)
    assert out[0] == out[2] == out[3] == 1
    assert isinstance(out[1], ValueError)
    assert isinstance(out[4], sqlite3.IntegrityError)
    assert await _rows(db) == {0: "ok", 1: "ok", 2: "ok"}


async def test_a_failed_commit_fails_every_caller(db: Database) -> None:
    """A deferred foreign-key violation surfaces only at COMMIT: nothing of the batch stays."""
    async with db.tx() as conn:
        await conn.execute(TABLE)
        await conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        await conn.execute(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id)"
            " DEFERRABLE INITIALLY DEFERRED)"
        )

    async def orphan(conn) -> str:  # noqa: ANN001
        await conn.execute("INSERT INTO child (id, parent_id) VALUES (1, 99)")
        return "written"

    out = await asyncio.gather(
        db.batch(_put(1, "a")), db.batch(orphan), db.batch(_put(2, "b")), return_exceptions=True
    )
    assert all(isinstance(x, sqlite3.IntegrityError) for x in out), out
    assert await _rows(db) == {}
    assert not db.conn.in_transaction
    assert await db.batch(_put(3, "after")) == 1  # the writer goes on
    assert await _rows(db) == {3: "after"}


async def test_a_caller_that_gave_up_never_runs(db: Database) -> None:
    await _table(db)
    async with db.read():  # hold the database: both calls queue
        first = asyncio.ensure_future(db.batch(_put(1, "kept")))
        gone = asyncio.ensure_future(db.batch(_put(2, "never")))
        await asyncio.sleep(0)
        gone.cancel()
    assert await first == 1
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert await _rows(db) == {1: "kept"}


async def test_batches_and_transactions_do_not_mix(db: Database) -> None:
    """A `tx` waiting for the lock runs whole, before or after a batch, never inside it."""
    await _table(db)

    async def long_tx() -> None:
        async with db.tx() as conn:
            await conn.execute("INSERT INTO t (k, v) VALUES (1000, 'tx')")
            await asyncio.sleep(0.01)
            raise RuntimeError("undo the tx")

    out = await asyncio.gather(
        long_tx(), *(db.batch(_put(k, "b")) for k in range(20)), return_exceptions=True
    )
    assert isinstance(out[0], RuntimeError) and out[1:] == [1] * 20
    assert await _rows(db) == {k: "b" for k in range(20)}


async def test_direct_connection_calls(db: Database) -> None:
    """The aiosqlite calls the storage modules use, on the direct connection."""
    await _table(db)

    async def body(conn) -> tuple:  # noqa: ANN001
        await conn.executemany("INSERT INTO t (k, v) VALUES (?, ?)", [(1, "a"), (2, "b")])
        row = await conn.execute_insert("INSERT INTO t (v) VALUES ('c')")
        async with conn.execute("SELECT v FROM t ORDER BY k") as cur:
            seen = [r[0] async for r in cur]
        cur = await conn.execute("SELECT k FROM t WHERE v = ?", ("b",))
        one = await cur.fetchone()
        rows = await conn.execute_fetchall("SELECT k, v FROM t WHERE k > :k", {"k": 1})
        return row[0], seen, one["k"], [tuple(r) for r in rows], conn.in_transaction

    assert await db.batch(body) == (3, ["a", "b", "c"], 2, [(2, "b"), (3, "c")], True)
