"""直连 (direct) connection: aiosqlite's calls, run at once on the caller's thread.

aiosqlite runs every statement on its worker thread, so each `await conn.execute(...)` is a
round trip between threads (tens of microseconds, far more when the machine is busy). A short
transaction of a few indexed statements — one checklist answer — spends most of its time in
those hops. `DirectConnection` offers the same calls the storage modules use (`execute` as an
awaitable or `async with`, `execute_fetchall`, `execute_insert`, `executemany`, cursors with
`fetchone`/`fetchall`/`fetchmany`/`async for`) on the very same sqlite3 connection, without the
hop: each coroutine completes without suspending.

Only for the body of a transaction already begun (so no statement can wait for a lock of another
process; `Database.batch` begins and commits on the worker thread), and only while the
`Database` lock is held, so the worker thread never touches the connection at the same time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable
from typing import Any

Params = Iterable[Any] | dict[str, Any]


class DirectCursor:
    """A sqlite3 cursor behind aiosqlite's cursor calls."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()

    async def close(self) -> None:
        self._cursor.close()

    async def __aiter__(self) -> AsyncIterator[Any]:
        for row in self._cursor:
            yield row

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def description(self) -> Any:
        return self._cursor.description


class _Call:
    """`await conn.execute(...)` or `async with conn.execute(...) as cur`, as in aiosqlite."""

    def __init__(self, run: Callable[[], sqlite3.Cursor]) -> None:
        self._run = run
        self._cursor: DirectCursor | None = None

    def __await__(self) -> Generator[Any, None, DirectCursor]:
        return self._open().__await__()

    async def _open(self) -> DirectCursor:
        return DirectCursor(self._run())

    async def __aenter__(self) -> DirectCursor:
        self._cursor = await self._open()
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class DirectConnection:
    """The aiosqlite calls of the storage modules on a raw sqlite3 connection, without a hop."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Params = ()) -> _Call:
        return _Call(lambda: self.raw.execute(sql, parameters))

    def executemany(self, sql: str, parameters: Iterable[Params]) -> _Call:
        return _Call(lambda: self.raw.executemany(sql, parameters))

    def executescript(self, script: str) -> Awaitable[DirectCursor]:
        return _Call(lambda: self.raw.executescript(script))

    async def execute_fetchall(self, sql: str, parameters: Params = ()) -> list[Any]:
        return self.raw.execute(sql, parameters).fetchall()

    async def execute_insert(self, sql: str, parameters: Params = ()) -> Any:
        cursor = self.raw.execute(sql, parameters)
        return cursor.execute("SELECT last_insert_rowid()").fetchone()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction
