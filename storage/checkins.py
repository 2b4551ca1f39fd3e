"""签到 storage: who checked in at a visit, when (server time) and where."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import now_iso


@dataclass(frozen=True, slots=True)
class Checkin:
    """One check-in: position, distance from the entity (None when unknown), far flag."""

    id: int
    inspection_id: int
    user_id: int
    user_name: str
    latitude: float
    longitude: float
    distance_m: float | None
    far: bool
    at: str


async def add_checkin(
    conn: aiosqlite.Connection,
    inspection_id: int,
    user_id: int,
    lat: float,
    lon: float,
    distance_m: float | None,
    far: bool,
    at: str | None = None,
) -> int:
    """Record a check-in at the server's time; returns its id."""
    cur = await conn.execute(
        "INSERT INTO checkins (inspection_id, user_id, latitude, longitude, distance_m, far, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (inspection_id, user_id, lat, lon, distance_m, int(far), at or now_iso()),
    )
    return int(cur.lastrowid)


async def checkins_of(conn: aiosqlite.Connection, inspection_id: int) -> list[Checkin]:
    """A visit's check-ins, oldest first."""
    sql = (
        "SELECT c.id, c.inspection_id, c.user_id, u.display_name, c.latitude, c.longitude,"
        " c.distance_m, c.far, c.at FROM checkins c JOIN users u ON u.id = c.user_id"
        " WHERE c.inspection_id = ? ORDER BY c.id"
    )
    rows = await conn.execute_fetchall(sql, (inspection_id,))
    return [Checkin(*tuple(r[:7]), bool(r[7]), r[8]) for r in rows]


async def has_checked_in(conn: aiosqlite.Connection, inspection_id: int, user_id: int) -> bool:
    """Whether the user has checked in at the visit."""
    sql = "SELECT 1 FROM checkins WHERE inspection_id = ? AND user_id = ? LIMIT 1"
    return bool(await conn.execute_fetchall(sql, (inspection_id, user_id)))
