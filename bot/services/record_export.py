"""现场检查记录表 as a printable HTML page with its photos (打印版检查记录).

One self-contained file: the photos are embedded as data URIs (JPEG, PNG, GIF, WebP), other
files are listed with their SHA-256. Every version is listed; an earlier version is marked as
superseded. Print it from a browser (or save as PDF there).
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, select_autoescape

from bot.domain.models import Role
from bot.domain.results import Result
from bot.i18n import catalogue, t
from bot.services.answer_text import distance_text
from bot.services.errors import Refusal
from bot.services.evidence import resolve
from storage.answers import user_names
from storage.db import Database
from storage.inspections import get_inspection
from storage.records import versions_of
from storage.rectifications import order_for_inspection
from storage.users import User
from storage.visits import entity_place, visit_view

EMBEDDED = {"image/jpeg", "image/png", "image/gif", "image/webp"}
MAX_EMBED = 8 * 1024 * 1024  # bytes of one photo put into the page


async def may_read_record(db: Database, user: User, inspection_id: int) -> None:
    """Coordinators and managers of the visit's bureau, and its own inspectors, may read a
    record; anyone else gets the same refusal as for a visit that does not exist."""
    async with db.read() as conn:
        view = await visit_view(conn, inspection_id)
    if view is not None and view.bureau_id == user.bureau_id:
        if user.has(Role.COORDINATOR, Role.MANAGER):
            return
        if any(a.inspector_id == user.inspector_id and a.active for a in view.inspectors):
            return
    raise Refusal("visit_not_yours", id=inspection_id)


def _template() -> Any:
    text = resources.files("bot").joinpath("templates", "record.html.j2").read_text("utf-8")
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(text)


def _labels(lang: str) -> dict[str, str]:
    return {k.removeprefix("rec_"): v for k, v in catalogue(lang).items() if k.startswith("rec_")}


def _data_uri(evidence_dir: Path, f: dict[str, Any]) -> str:
    path = resolve(evidence_dir, f["path"])
    mime = mimetypes.guess_type(path.name)[0] or ""
    if mime not in EMBEDDED or not path.is_file() or path.stat().st_size > MAX_EMBED:
        return ""
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


@dataclass(frozen=True)
class ExportOptions:
    """Where the evidence lives, the zone for times, the language of the labels."""

    evidence_dir: Path
    tz: ZoneInfo
    lang: str = "zh-CN"


def _local(iso: str, tz: ZoneInfo) -> str:
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M")


async def record_html(
    db: Database,
    inspection_id: int,
    opts: ExportOptions,
    *,
    version: int | None = None,
    bureau: str = "",
) -> str:
    """The record (newest version unless `version`) as one HTML page."""
    async with db.read() as conn:
        visit = await get_inspection(conn, inspection_id)
        versions = await versions_of(conn, inspection_id)
        if visit is None or not versions:
            raise Refusal("record_missing", id=inspection_id)
        record = next((v for v in versions if v.version == (version or versions[-1].version)), None)
        if record is None:
            raise Refusal("record_no_version", id=inspection_id, version=version)
        entity = await entity_place(conn, visit.entity_id)
        names = await user_names(conn, {v.submitted_by for v in versions})
        order = await order_for_inspection(conn, inspection_id)
    lang, tz = opts.lang, opts.tz
    answers = [
        {**a, "files": [{**f, "data_uri": _data_uri(opts.evidence_dir, f)} for f in a["evidence"]]}
        for a in record.answers
    ]
    checkins = [
        {
            **c,
            "at": _local(c["at"], tz),
            "distance": distance_text(c["distance_m"], lang) if c["distance_m"] is not None else "",
        }
        for c in record.checkins
    ]
    return _template().render(
        lang=lang,
        L=_labels(lang),
        bureau=bureau,
        visit=visit,
        entity=entity,
        record=record,
        is_latest=record.version == versions[-1].version,
        mode=t(lang, f"mode_{visit.mode}"),
        item_names=list(dict.fromkeys(a["item_name"] for a in record.answers)),
        inspectors=[
            {"name": a.name, "department": a.department, "role": t(lang, f"insp_role_{a.role}")}
            for a in visit.inspectors
            if a.active
        ],
        checkins=checkins,
        answers=answers,
        result_wording=Result(record.result).wording
        if lang == "zh-CN"
        else t(lang, f"result_{record.result}"),
        rectification=order,
        rect_status=t(lang, f"rf_status_{order.status}") if order else "",
        submitted_by=names.get(record.submitted_by, ""),
        submitted_at=_local(record.submitted_at, tz),
        versions=[
            {
                "version": v.version,
                "at": _local(v.submitted_at, tz),
                "by": names.get(v.submitted_by, ""),
                "reason": v.reason,
                "content_hash": v.content_hash,
            }
            for v in versions
        ],
    )


async def export_record(
    db: Database,
    inspection_id: int,
    path: Path,
    opts: ExportOptions,
    *,
    version: int | None = None,
    bureau: str = "",
) -> Path:
    """Write the record's HTML to `path`; returns it."""
    html = await record_html(db, inspection_id, opts, version=version, bureau=bureau)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
