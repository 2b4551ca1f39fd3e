"""结果公开 storage: publication runs, each completed visit's disclosure row, confidentiality marks,
re-publication of corrected results, and the facts the compliance figures read. Tables:
0008_disclosures.sql and 0010_republication.sql (plus inspections, inspection_records,
rectifications, draws, read only here except `inspections.confidential`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import aiosqlite

from bot.domain.disclosure import DisclosureState, PublicRow, WithholdReason
from storage.db import now_iso

LATEST_RESULT = (
    "(SELECT r.result FROM inspection_records r WHERE r.inspection_id = i.id"
    " ORDER BY r.version DESC LIMIT 1)"
)
LATEST_VERSION = "(SELECT MAX(r.version) FROM inspection_records r WHERE r.inspection_id = i.id)"
LATEST_SUBMITTED = (
    "(SELECT r.submitted_at FROM inspection_records r WHERE r.inspection_id = i.id"
    " ORDER BY r.version DESC LIMIT 1)"
)


@dataclass(frozen=True)
class PendingSource:
    """A completed visit not yet published (or published, then corrected), with what publishing
    it needs."""

    inspection_id: int
    period: str
    entity_name: str
    credit_code: str | None
    items: tuple[str, ...]
    confidential: bool
    confidential_reason: str  # "<reason code>" or "<reason code>:<note>"
    completed_on: date
    due_on: date
    result: str | None
    version: int = 1  # the record's current version
    corrected_at: str | None = None  # UTC text: when the corrected version was submitted
    public_json: str | None = None  # the row published before the correction


@dataclass(frozen=True)
class FactRow:
    """One visit with its result, rectification and disclosure state (for the figures)."""

    inspection_id: int
    stable_id: str
    items: tuple[str, ...]
    period: str
    status: str
    result: str | None
    rectification: str | None
    disclosure: DisclosureState | None
    first_submitted_at: str | None  # UTC text
    rectification_closed_at: str | None  # UTC text


def split_reason(text: str) -> tuple[WithholdReason, str]:
    """Read `inspections.confidential_reason` ("code" or "code:note"); a reason that cannot be
    read (written by hand) is OTHER with the text as the note: the record is withheld anyway."""
    code, _, note = text.partition(":")
    try:
        return WithholdReason(code), note
    except ValueError:
        return WithholdReason.OTHER, text


async def untracked(
    conn: aiosqlite.Connection, bureau_id: int, inspection_id: int | None = None
) -> list[tuple[int, str]]:
    """(inspection id, first submission time) of submitted visits without a disclosure row (only
    the one visit with `inspection_id`)."""
    one = " AND i.id = ?" if inspection_id is not None else ""
    sql = (
        "SELECT i.id, MIN(r.submitted_at) FROM inspections i"
        " JOIN inspection_records r ON r.inspection_id = i.id"
        " LEFT JOIN disclosures d ON d.inspection_id = i.id"
        f" WHERE i.bureau_id = ? AND i.status = 'submitted' AND d.inspection_id IS NULL{one}"
        " GROUP BY i.id ORDER BY i.id"
    )
    args = (bureau_id,) if inspection_id is None else (bureau_id, inspection_id)
    async with conn.execute(sql, args) as cur:
        return [(int(r[0]), str(r[1])) for r in await cur.fetchall()]


async def add_pending(
    conn: aiosqlite.Connection, bureau_id: int, rows: Sequence[tuple[int, date, date]]
) -> int:
    """Disclosure rows (inspection id, completed on, due on); existing ones are kept."""
    stamp = now_iso()
    cur = await conn.executemany(
        "INSERT OR IGNORE INTO disclosures (inspection_id, bureau_id, completed_on, due_on,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        [(i, bureau_id, c.isoformat(), d.isoformat(), stamp) for i, c, d in rows],
    )
    return cur.rowcount


_SOURCE_COLUMNS = (
    "d.inspection_id, i.period, e.name, e.credit_code, i.items_json, i.confidential,"
    f" i.confidential_reason, d.completed_on, d.due_on, {LATEST_RESULT}"
)
_SOURCE_FROM = (
    " FROM disclosures d JOIN inspections i ON i.id = d.inspection_id"
    " JOIN entities e ON e.id = i.entity_id"
)


def _source(r: Sequence[Any], *extra: Any) -> PendingSource:
    """A PendingSource from a row starting with _SOURCE_COLUMNS, then its optional fields."""
    return PendingSource(
        int(r[0]),
        r[1],
        r[2],
        r[3],
        tuple(json.loads(r[4])),
        bool(r[5]),
        r[6] or "",
        date.fromisoformat(r[7]),
        date.fromisoformat(r[8]),
        r[9],
        *extra,
    )


async def pending_sources(conn: aiosqlite.Connection, bureau_id: int) -> list[PendingSource]:
    """Completed visits whose disclosure is pending, by inspection id."""
    sql = (
        f"SELECT {_SOURCE_COLUMNS}{_SOURCE_FROM}"
        " WHERE d.bureau_id = ? AND d.status = 'pending' ORDER BY d.inspection_id"
    )
    async with conn.execute(sql, (bureau_id,)) as cur:
        rows = await cur.fetchall()
    return [_source(r) for r in rows]


async def corrected_sources(conn: aiosqlite.Connection, bureau_id: int) -> list[PendingSource]:
    """Published visits marked for re-publication, with their current version, by inspection id."""
    sql = (
        f"SELECT {_SOURCE_COLUMNS}, {LATEST_VERSION}, {LATEST_SUBMITTED}, d.public_json"
        f"{_SOURCE_FROM}"
        " WHERE d.bureau_id = ? AND d.status = 'published' AND d.republish = 1"
        " ORDER BY d.inspection_id"
    )
    async with conn.execute(sql, (bureau_id,)) as cur:
        rows = await cur.fetchall()
    return [_source(r, int(r[10] or 1), r[11], r[12]) for r in rows]


async def mark_republish(conn: aiosqlite.Connection, inspection_id: int) -> bool:
    """A corrected version of the visit's record was submitted: if its result is published, the
    next publication publishes the current version again. True when it was published."""
    cur = await conn.execute(
        "UPDATE disclosures SET republish = 1 WHERE inspection_id = ? AND status = 'published'",
        (inspection_id,),
    )
    return cur.rowcount > 0


async def mark_republished(
    conn: aiosqlite.Connection,
    row: PublicRow,
    *,
    at: str,
    withheld_items: Sequence[str] = (),
    reason: WithholdReason | None = None,
) -> None:
    """The visit's corrected row went out as `row`, in place of the one published before (the
    first publication's date and run are kept: the deadline figures count that one)."""
    await conn.execute(
        "UPDATE disclosures SET public_json = ?, withheld_reason = ?, withheld_items_json = ?,"
        " republish = 0, republished_at = ? WHERE inspection_id = ? AND status = 'published'",
        (
            json.dumps(row.to_json(), ensure_ascii=False, sort_keys=True),
            reason.value if reason else None,
            json.dumps(list(withheld_items), ensure_ascii=False),
            at,
            row.inspection_id,
        ),
    )


async def mark_taken_down(
    conn: aiosqlite.Connection,
    inspection_id: int,
    reason: WithholdReason,
    *,
    at: str,
    items: Sequence[str] = (),
    note: str = "",
) -> None:
    """A published visit whose corrected version must be withheld whole: its row leaves the
    site (status withheld, the reason recorded, the published row dropped)."""
    await conn.execute(
        "UPDATE disclosures SET status = 'withheld', public_json = NULL, withheld_reason = ?,"
        " withheld_items_json = ?, withheld_note = ?, republish = 0, republished_at = ?"
        " WHERE inspection_id = ? AND status = 'published'",
        (reason.value, json.dumps(list(items), ensure_ascii=False), note, at, inspection_id),
    )


async def insert_publication(
    conn: aiosqlite.Connection,
    bureau_id: int,
    *,
    at: str,
    by: str,
    published: int,
    withheld: int,
    site_dir: str,
    channel_id: int | None,
    republished: int = 0,
) -> int:
    """One publication run (公开批次); returns its id."""
    cur = await conn.execute(
        "INSERT INTO publications (bureau_id, published_at, published_by, rows_published,"
        " rows_withheld, site_dir, channel_id, rows_republished) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (bureau_id, at, by, published, withheld, site_dir, channel_id, republished),
    )
    return int(cur.lastrowid)


async def mark_published(
    conn: aiosqlite.Connection,
    row: PublicRow,
    *,
    publication_id: int,
    at: str,
    on: date,
    withheld_items: Sequence[str] = (),
    reason: WithholdReason | None = None,
) -> None:
    """The visit's row went out as `row` (with `withheld_items` left out for `reason`)."""
    await conn.execute(
        "UPDATE disclosures SET status = 'published', publication_id = ?, published_at = ?,"
        " published_on = ?, public_json = ?, withheld_reason = ?, withheld_items_json = ?"
        " WHERE inspection_id = ? AND status = 'pending'",
        (
            publication_id,
            at,
            on.isoformat(),
            json.dumps(row.to_json(), ensure_ascii=False, sort_keys=True),
            reason.value if reason else None,
            json.dumps(list(withheld_items), ensure_ascii=False),
            row.inspection_id,
        ),
    )


async def mark_withheld(
    conn: aiosqlite.Connection,
    inspection_id: int,
    reason: WithholdReason,
    *,
    publication_id: int,
    at: str,
    items: Sequence[str] = (),
    note: str = "",
) -> None:
    """The visit is withheld whole, for `reason` (recorded, never published)."""
    await conn.execute(
        "UPDATE disclosures SET status = 'withheld', publication_id = ?, published_at = ?,"
        " withheld_reason = ?, withheld_items_json = ?, withheld_note = ?"
        " WHERE inspection_id = ? AND status = 'pending'",
        (
            publication_id,
            at,
            reason.value,
            json.dumps(list(items), ensure_ascii=False),
            note,
            inspection_id,
        ),
    )


async def published_rows(conn: aiosqlite.Connection, bureau_id: int) -> list[PublicRow]:
    """Every row published so far, as it went out."""
    sql = (
        "SELECT public_json FROM disclosures WHERE bureau_id = ? AND status = 'published'"
        " ORDER BY inspection_id"
    )
    async with conn.execute(sql, (bureau_id,)) as cur:
        rows = [PublicRow.from_json(json.loads(r[0])) for r in await cur.fetchall()]
    rows.sort(key=lambda r: (r.period, r.inspected_on, r.entity_name, r.inspection_id))
    return rows


async def withheld_counts(
    conn: aiosqlite.Connection, bureau_id: int
) -> dict[str, Counter[WithholdReason]]:
    """Per inspection period, the visits withheld whole, counted per reason."""
    sql = (
        "SELECT i.period, d.withheld_reason, COUNT(*) FROM disclosures d"
        " JOIN inspections i ON i.id = d.inspection_id"
        " WHERE d.bureau_id = ? AND d.status = 'withheld' GROUP BY i.period, d.withheld_reason"
    )
    out: dict[str, Counter[WithholdReason]] = {}
    async with conn.execute(sql, (bureau_id,)) as cur:
        for period, reason, n in await cur.fetchall():
            out.setdefault(period, Counter())[WithholdReason(reason)] += int(n)
    return out


async def mark_confidential(
    conn: aiosqlite.Connection, inspection_id: int, reason: WithholdReason, note: str = ""
) -> None:
    """检查记录涉密: the visit's record is never published (reason kept on the visit)."""
    text = f"{reason.value}:{note}" if note else reason.value
    await conn.execute(
        "UPDATE inspections SET confidential = 1, confidential_reason = ? WHERE id = ?",
        (text, inspection_id),
    )


async def disclosure_status(conn: aiosqlite.Connection, inspection_id: int) -> str | None:
    """pending / published / withheld, or None when the visit has no disclosure row."""
    sql = "SELECT status FROM disclosures WHERE inspection_id = ?"
    async with conn.execute(sql, (inspection_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def visit_facts(
    conn: aiosqlite.Connection, bureau_id: int, periods: Sequence[str]
) -> list[FactRow]:
    """Visits of the given period labels with result, rectification and disclosure state."""
    if not periods:
        return []
    marks = ", ".join("?" * len(periods))
    sql = (
        f"SELECT i.id, e.stable_id, i.items_json, i.period, i.status, {LATEST_RESULT},"
        " (SELECT k.status FROM rectifications k WHERE k.inspection_id = i.id),"
        " d.due_on, d.published_on, d.status,"
        " (SELECT MIN(r.submitted_at) FROM inspection_records r WHERE r.inspection_id = i.id),"
        " (SELECT k.closed_at FROM rectifications k WHERE k.inspection_id = i.id)"
        " FROM inspections i JOIN entities e ON e.id = i.entity_id"
        " LEFT JOIN disclosures d ON d.inspection_id = i.id"
        f" WHERE i.bureau_id = ? AND i.period IN ({marks}) ORDER BY i.id"
    )
    async with conn.execute(sql, (bureau_id, *periods)) as cur:
        rows = await cur.fetchall()
    return [_fact(tuple(r)) for r in rows]


def _fact(r: tuple) -> FactRow:
    state = None
    if r[7] is not None:
        published = date.fromisoformat(r[8]) if r[8] else None
        state = DisclosureState(int(r[0]), date.fromisoformat(r[7]), published, r[9] == "withheld")
    return FactRow(
        int(r[0]), r[1], tuple(json.loads(r[2])), r[3], r[4], r[5], r[6], state, r[10], r[11]
    )


@dataclass(frozen=True)
class PublicDraw:
    """What of a draw may be published: the commitment always, the secret and the transcript
    only once revealed (the query never reads them before)."""

    id: int
    period: str
    status: str
    commitment: dict
    commitment_hash: str
    secret_hash: str
    committed_at: str
    revealed_at: str | None
    cancel_reason: str | None
    secret: str | None
    transcript_json: str | None


async def public_draws(conn: aiosqlite.Connection, bureau_id: int) -> list[PublicDraw]:
    """The bureau's draws by period, newest first, with nothing secret before the reveal."""
    sql = (
        "SELECT id, period, status, commitment_json, commitment_hash, secret_hash, committed_at,"
        " revealed_at, cancel_reason,"
        " CASE WHEN status = 'revealed' THEN secret END,"
        " CASE WHEN status = 'revealed' THEN transcript_json END"
        " FROM draws WHERE bureau_id = ? ORDER BY period DESC, id DESC"
    )
    async with conn.execute(sql, (bureau_id,)) as cur:
        rows = await cur.fetchall()
    return [
        PublicDraw(
            int(r[0]), r[1], r[2], json.loads(r[3] or "{}"), r[4] or "", r[5], *tuple(r)[6:11]
        )
        for r in rows
    ]
