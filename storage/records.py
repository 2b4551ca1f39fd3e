"""现场检查记录表 storage: submitted records (immutable, versioned) and correction requests.

A record row is never updated or deleted (triggers refuse it); an approved correction
(更正) writes the next version with `supersedes_version` and the reason, and both stay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.db import now_iso


@dataclass(frozen=True)
class Record:
    """One version of a visit's record.

    `answers` is a list of {item_id, item_name, question_id, text, type, value, shown,
    finding, answered_by, answered_at, evidence: [{id, kind, sha256, path, filename}]};
    `findings` a list of {item_id, question_id, text, shown}; `checkins` a list of
    {user, at, latitude, longitude, distance_m, far}. `result` is a `Result` value.
    """

    inspection_id: int
    version: int
    checklist_digest: str
    answers: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    checkins: list[dict[str, Any]]
    result: str
    representative_name: str
    representative_post: str
    representative_refused: bool
    submitted_by: int
    submitted_at: str
    supersedes_version: int | None
    correction_id: int | None
    reason: str
    content_hash: str


RECORD_COLS = (
    "inspection_id, version, checklist_digest, answers_json, findings_json, checkins_json,"
    " result, representative_name, representative_post, representative_refused, submitted_by,"
    " submitted_at, supersedes_version, correction_id, reason, content_hash"
)


def _record(r: tuple) -> Record:
    return Record(
        r[0],
        r[1],
        r[2],
        json.loads(r[3]),
        json.loads(r[4]),
        json.loads(r[5]),
        r[6],
        r[7],
        r[8],
        bool(r[9]),
        *r[10:16],
    )


async def insert_record(conn: aiosqlite.Connection, rec: Record) -> None:
    """Write one version (the primary key refuses a second write of the same version)."""
    values = (
        rec.inspection_id,
        rec.version,
        rec.checklist_digest,
        _dumps(rec.answers),
        _dumps(rec.findings),
        _dumps(rec.checkins),
        rec.result,
        rec.representative_name,
        rec.representative_post,
        int(rec.representative_refused),
        rec.submitted_by,
        rec.submitted_at,
        rec.supersedes_version,
        rec.correction_id,
        rec.reason,
        rec.content_hash,
    )
    marks = ", ".join("?" * len(values))
    await conn.execute(f"INSERT INTO inspection_records ({RECORD_COLS}) VALUES ({marks})", values)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


async def latest_record(conn: aiosqlite.Connection, inspection_id: int) -> Record | None:
    """The newest version of a visit's record, or None before submission."""
    sql = (
        f"SELECT {RECORD_COLS} FROM inspection_records WHERE inspection_id = ?"
        " ORDER BY version DESC LIMIT 1"
    )
    found = await conn.execute_fetchall(sql, (inspection_id,))
    r = found[0] if found else None
    return _record(tuple(r)) if r else None


async def record_version(
    conn: aiosqlite.Connection, inspection_id: int, version: int
) -> Record | None:
    """One version of a visit's record."""
    sql = f"SELECT {RECORD_COLS} FROM inspection_records WHERE inspection_id = ? AND version = ?"
    found = await conn.execute_fetchall(sql, (inspection_id, version))
    r = found[0] if found else None
    return _record(tuple(r)) if r else None


async def versions_of(conn: aiosqlite.Connection, inspection_id: int) -> list[Record]:
    """Every version of a visit's record, oldest first."""
    sql = f"SELECT {RECORD_COLS} FROM inspection_records WHERE inspection_id = ? ORDER BY version"
    return [_record(tuple(r)) for r in await conn.execute_fetchall(sql, (inspection_id,))]


async def last_record_of_entity(
    conn: aiosqlite.Connection, entity_id: int, before_inspection: int
) -> tuple[int, Record] | None:
    """(inspection id, newest version) of the entity's latest earlier visit with a record."""
    sql = (
        "SELECT r.inspection_id FROM inspection_records r JOIN inspections i"
        " ON i.id = r.inspection_id WHERE i.entity_id = ? AND i.id != ?"
        " ORDER BY r.submitted_at DESC, r.inspection_id DESC LIMIT 1"
    )
    found = await conn.execute_fetchall(sql, (entity_id, before_inspection))
    row = found[0] if found else None
    if row is None:
        return None
    rec = await latest_record(conn, row[0])
    return (row[0], rec) if rec else None


@dataclass(frozen=True, slots=True)
class Correction:
    """更正申请: a request to change a submitted record, and its decision."""

    id: int
    inspection_id: int
    base_version: int
    requested_by: int
    requested_at: str
    reason: str
    status: str
    decided_by: int | None
    decided_at: str | None
    new_version: int | None

    @property
    def editing(self) -> bool:
        """Approved and not yet re-submitted: the visit's answers may be changed."""
        return self.status == "approved" and self.new_version is None


CORRECTION_COLS = (
    "id, inspection_id, base_version, requested_by, requested_at, reason, status, decided_by,"
    " decided_at, new_version"
)


async def add_correction(
    conn: aiosqlite.Connection, inspection_id: int, base_version: int, user_id: int, reason: str
) -> int | None:
    """A pending request; None when the visit already has an open one."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO record_corrections (inspection_id, base_version, requested_by,"
        " requested_at, reason) VALUES (?, ?, ?, ?, ?)",
        (inspection_id, base_version, user_id, now_iso(), reason),
    )
    return int(cur.lastrowid) if cur.rowcount == 1 else None


async def get_correction(conn: aiosqlite.Connection, correction_id: int) -> Correction | None:
    """One request by id."""
    sql = f"SELECT {CORRECTION_COLS} FROM record_corrections WHERE id = ?"
    found = await conn.execute_fetchall(sql, (correction_id,))
    r = found[0] if found else None
    return Correction(*tuple(r)) if r else None


async def open_correction(conn: aiosqlite.Connection, inspection_id: int) -> Correction | None:
    """The visit's pending request, or its approved one not yet re-submitted."""
    sql = (
        f"SELECT {CORRECTION_COLS} FROM record_corrections WHERE inspection_id = ?"
        " AND (status = 'pending' OR (status = 'approved' AND new_version IS NULL))"
    )
    found = await conn.execute_fetchall(sql, (inspection_id,))
    r = found[0] if found else None
    return Correction(*tuple(r)) if r else None


async def corrections_of(conn: aiosqlite.Connection, inspection_id: int) -> list[Correction]:
    """Every request for a visit, oldest first."""
    sql = f"SELECT {CORRECTION_COLS} FROM record_corrections WHERE inspection_id = ? ORDER BY id"
    return [Correction(*tuple(r)) for r in await conn.execute_fetchall(sql, (inspection_id,))]


async def decide_correction(
    conn: aiosqlite.Connection, correction_id: int, status: str, user_id: int
) -> bool:
    """Approve or reject a pending request; False when it was no longer pending."""
    cur = await conn.execute(
        "UPDATE record_corrections SET status = ?, decided_by = ?, decided_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (status, user_id, now_iso(), correction_id),
    )
    return cur.rowcount == 1


async def complete_correction(
    conn: aiosqlite.Connection, correction_id: int, new_version: int
) -> None:
    """Note the version the approved correction produced."""
    await conn.execute(
        "UPDATE record_corrections SET new_version = ? WHERE id = ?", (new_version, correction_id)
    )
