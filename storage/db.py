"""The embedded database (SQLite via aiosqlite): connection, numbered migrations, transactions.

This is the one adapter module allowed SQLite-specific pragmas; other storage modules use portable
SQL so a PostgreSQL adapter can follow.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import cast

import aiosqlite

from storage.batch import Body, GroupCommit, T
from storage.direct import DirectConnection

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped in storage/migrations, as (version, name, sql), in order."""
    found = []
    for item in resources.files("storage").joinpath("migrations").iterdir():
        m = MIGRATION_NAME.match(item.name)
        if m:
            found.append((int(m.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {[n for _, n, _ in found]}")
    return found


async def connect(
    path: Path | str, *, migrate: bool = True, upto: int | None = None
) -> aiosqlite.Connection:
    """Open the database with WAL and foreign keys on, and apply pending migrations.

    The sqlite3 connection may be used from the event loop's thread too (`DirectConnection`),
    never at the same time as from aiosqlite's: `Database`'s lock keeps them apart."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA busy_timeout=10000")
    await conn.execute("PRAGMA synchronous=NORMAL")
    if migrate:
        await apply_migrations(conn, upto=upto)
    return conn


async def schema_version(conn: aiosqlite.Connection) -> int:
    """The highest applied migration number, 0 for an empty database."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def apply_migrations(conn: aiosqlite.Connection, *, upto: int | None = None) -> list[str]:
    """Apply every migration newer than the file's version, each in its own transaction."""
    current = await schema_version(conn)
    applied = []
    for version, name, sql in migrations():
        if version <= current or (upto is not None and version > upto):
            continue
        stamp = datetime.now(UTC).isoformat()
        script = (
            f"BEGIN;\n{sql}\n;INSERT INTO schema_migrations(version, name, applied_at) "
            f"VALUES ({version}, '{name}', '{stamp}');\nCOMMIT;"
        )
        try:
            await conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def raw_connection(conn: aiosqlite.Connection) -> sqlite3.Connection:
    """The sqlite3 connection inside aiosqlite's proxy (its `_conn`: there is no public name)."""
    return conn._conn


def without_hops(conn: aiosqlite.Connection) -> aiosqlite.Connection:
    """`conn` with every statement run at once on the caller's thread (`storage.direct`), for a
    long run of statements (a draw writes tens of thousands of rows). Only inside a transaction
    the caller has begun and holds (`Database.tx`), like `Database.batch`'s bodies."""
    return cast(aiosqlite.Connection, DirectConnection(raw_connection(conn)))


class Database:
    """One connection plus a lock: every unit of work holds the lock, so coroutines never interleave
    statements inside each other's transactions on the shared connection. `tx` is one transaction
    of one caller; `batch` (成批提交) commits the short ones of many callers together."""

    def __init__(self, conn: aiosqlite.Connection, path: Path | str) -> None:
        self.conn = conn
        self.path = Path(path)
        self._lock = asyncio.Lock()
        self._group = GroupCommit(conn, DirectConnection(raw_connection(conn)), self._lock)

    @classmethod
    async def open(cls, path: Path | str, *, upto: int | None = None) -> Database:
        """Open (creating and migrating) the database file at `path`."""
        return cls(await connect(path, upto=upto), path)

    async def close(self) -> None:
        """Close after the unit of work in progress (a draw writes on this thread between its
        turns of the event loop, so the connection must not close under it)."""
        async with self._lock:
            await self.conn.close()

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT), rolled back on any error."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def batch(self, body: Body[T]) -> T:
        """A short write transaction (作答: a few indexed statements), committed with whatever
        others are queued at the same moment (`storage.batch`); its result once committed.
        The body gets a connection with aiosqlite's calls and must do nothing but use it."""
        return await self._group.run(body)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Read access, serialised with writers on this connection."""
        async with self._lock:
            yield self.conn


_NOW: tuple[int, str] = (-1, "")  # the last whole second asked for and its text


def now_iso() -> str:
    """Current UTC time as ISO-8601 text, the storage format for timestamps (to the second, so
    the text is formatted once a second: an answer asks for it twice, a burst thousands)."""
    global _NOW
    second = int(time.time())  # the clock datetime.now reads
    last = _NOW
    if second != last[0]:
        last = _NOW = (second, datetime.fromtimestamp(second, UTC).isoformat(timespec="seconds"))
    return last[1]


async def backup_to(source: Path | str, target: Path | str) -> None:
    """A consistent copy of a live database file (SQLite's online backup API)."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(str(source)) as src, aiosqlite.connect(str(target)) as dst:
        await src.backup(dst)
