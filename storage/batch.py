"""成批提交 (group commit): short write transactions of many callers committed together.

SQLite has one writer. When 200 inspectors answer in the same instant, each answer as its own
transaction queues behind the others, and each of its ten statements is a round trip to
aiosqlite's thread. Here a caller hands over the body of its transaction instead; one writer
task takes every body queued (up to `most`), begins one transaction on aiosqlite's thread (where
waiting for another process's lock cannot stall the event loop), runs each body in its own
SAVEPOINT on the direct connection (`storage.direct`: no hops), commits on aiosqlite's thread,
and only then answers the callers. So:

* a caller's writes are acknowledged only once committed, exactly as with `Database.tx`;
* a body that raises is rolled back alone (ROLLBACK TO its savepoint) and its caller gets the
  error; the others' writes stand;
* a failed BEGIN or COMMIT fails every caller of the batch, none of whose writes stay.

A body must only use the connection it is given, and must not wait for anything else: it runs
on the event loop while the batch holds the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import aiosqlite

from storage.direct import DirectConnection

T = TypeVar("T")
Body = Callable[[aiosqlite.Connection], Awaitable[T]]
MOST = 64  # bodies per transaction: later callers start the next one


@dataclass(eq=False)
class _Job(Generic[T]):
    """One caller's body, its future, and how the body ended (known before the commit)."""

    body: Body[T]
    done: asyncio.Future[T]
    value: Any = None
    error: Exception | None = field(default=None)

    def settle(self) -> None:
        """Tell the caller (after the commit)."""
        if self.done.done():  # the caller gave up waiting
            return
        if self.error is not None:
            self.done.set_exception(self.error)
        else:
            self.done.set_result(self.value)

    def fail(self, error: BaseException) -> None:
        """The batch failed: nothing of this body was kept."""
        if self.done.done():
            return
        if isinstance(error, Exception):
            self.done.set_exception(error)
        else:
            self.done.cancel()


class GroupCommit:
    """The queue of bodies and the one writer task that commits them in batches."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        direct: DirectConnection,
        lock: asyncio.Lock,
        most: int = MOST,
    ) -> None:
        self._conn = conn
        self._direct = direct
        self._lock = lock
        self._most = most
        self._queue: list[_Job[Any]] = []
        self._writer: asyncio.Task[None] | None = None

    async def run(self, body: Body[T]) -> T:
        """Queue `body`; its result once the transaction it ran in is committed."""
        job: _Job[T] = _Job(body, asyncio.get_running_loop().create_future())
        self._queue.append(job)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return await job.done

    async def _drain(self) -> None:
        """Commit batches until nobody is waiting."""
        try:
            while self._queue:
                batch, self._queue = self._queue[: self._most], self._queue[self._most :]
                await self._commit(batch)
        except BaseException as e:  # the writer itself was cancelled: nobody waits forever
            for job in self._queue:
                job.fail(e)
            self._queue = []
            raise

    async def _commit(self, batch: list[_Job[Any]]) -> None:
        """One transaction: each body in its savepoint, then COMMIT, then the answers."""
        async with self._lock:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                for job in batch:
                    if not job.done.done():
                        await self._member(job)
                await self._conn.execute("COMMIT")
            except BaseException as e:
                try:
                    if self._direct.in_transaction:
                        await self._conn.execute("ROLLBACK")
                finally:
                    for job in batch:
                        job.fail(e)
                if not isinstance(e, Exception):
                    raise
                return
        for job in batch:
            job.settle()

    async def _member(self, job: _Job[Any]) -> None:
        """Run one body in its own savepoint; an error undoes only its writes."""
        raw = self._direct.raw
        raw.execute("SAVEPOINT member")
        try:
            job.value = await job.body(cast(aiosqlite.Connection, self._direct))
        except Exception as e:
            raw.execute("ROLLBACK TO member")
            job.error = e
        raw.execute("RELEASE member")
