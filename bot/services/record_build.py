"""Building a record version (检查记录) from the frozen checklist and the answers.

The record is self-contained: each answer carries its question's text, type and basis, its
value and how it reads in Chinese, whether it is a finding, who answered, and the evidence
files with their hashes; so a record means the same thing whatever the item list says later.
`content_hash` is the SHA-256 of everything else in canonical JSON; the audit log keeps it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import aiosqlite

from bot.domain.checklist import is_finding
from bot.domain.checklist_flow import FrozenChecklist, askable
from bot.domain.results import Result
from bot.services.answer_text import shown
from bot.services.inspection import FlowEnv, Visit, answer_map
from storage.answers import StoredAnswer, user_names
from storage.checkins import checkins_of
from storage.evidence import evidence_of
from storage.records import Correction, Record
from storage.users import User

RECORD_LANG = "zh-CN"  # the record is an official Chinese form whatever the UI language


def content_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of a record's fields (without the hash itself) as canonical JSON."""
    canon = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


async def build_record(
    conn: aiosqlite.Connection,
    visit: Visit,
    checklist: FrozenChecklist,
    stored: dict[str, StoredAnswer],
    user: User,
    env: FlowEnv,
    *,
    result: Result,
    draft: dict[str, Any],
    version: int,
    supersedes: int | None,
    correction: Correction | None,
) -> Record:
    """The next version of the visit's record (not yet written)."""
    answers = answer_map(stored)
    names = await user_names(conn, {a.answered_by for a in stored.values()})
    files: dict[str, list[dict[str, Any]]] = {}
    for ev in await evidence_of(conn, visit.id):
        files.setdefault(f"{ev.item_id}/{ev.question_id}", []).append(
            {
                "id": ev.id,
                "kind": ev.kind,
                "sha256": ev.sha256,
                "path": ev.path,
                "filename": ev.filename,
                "size": ev.size,
            }
        )
    rows, found = [], []
    for fq in askable(checklist, answers):
        a = stored.get(fq.key)
        value = a.value if a else None
        q = fq.question
        finding = value is not None and is_finding(q, value)
        text = shown(q, value, RECORD_LANG)
        rows.append(
            {
                "item_id": fq.item_id,
                "item_name": fq.item_name,
                "department": fq.department,
                "question_id": q.id,
                "text": q.text,
                "type": q.type.value,
                "basis": q.basis,
                "value": value,
                "shown": text,
                "finding": finding,
                "answered_by": names.get(a.answered_by, "") if a else "",
                "answered_at": a.answered_at if a else "",
                "evidence": files.get(fq.key, []),
            }
        )
        if finding:
            found.append(
                {
                    "item_id": fq.item_id,
                    "question_id": q.id,
                    "text": q.text,
                    "shown": text,
                    "basis": q.basis,
                }
            )
    checkins = [
        {
            "user": c.user_name,
            "at": c.at,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "distance_m": c.distance_m,
            "far": c.far,
        }
        for c in await checkins_of(conn, visit.id)
    ]
    fields: dict[str, Any] = {
        "inspection_id": visit.id,
        "version": version,
        "checklist_digest": checklist.digest,
        "answers": rows,
        "findings": found,
        "checkins": checkins,
        "result": result.value,
        "representative_name": draft.get("rep_name", ""),
        "representative_post": draft.get("rep_post", ""),
        "representative_refused": bool(draft.get("refused")),
        "submitted_by": user.id,
        "submitted_at": env.now.isoformat(timespec="seconds"),
        "supersedes_version": supersedes,
        "correction_id": correction.id if correction else None,
        "reason": correction.reason if correction else "",
    }
    return Record(**fields, content_hash=content_hash(fields))
