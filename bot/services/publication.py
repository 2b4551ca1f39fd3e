"""一公开 use cases: track each completed visit's publication deadline, publish what is due.

* `track` gives every submitted visit a disclosure row with its deadline (公开时限,
  `Deadlines.publication_due` of the day the record was first submitted) and schedules the
  deadline's reminders (coordinators are reminded, then managers, as for any deadline). The
  submission calls `on_record_submitted` in its own transaction; the tracking job and every
  publication call `track` too, so a visit submitted elsewhere (or before) is caught up.
* `publish` (/publish, `shuangsuiji publish`) decides, in one transaction, what of the pending
  results is published and what is withheld (bot.domain.disclosure), marks each, closes their
  deadlines, queues the post to the public channel through the outbox, appends the audit row,
  and writes the static site (bot.services.site) into `site_dir` (written aside, then swapped in).
* `withhold` marks a visit's record confidential before it is published.
* 更正后重新公开: when a corrected version of a published visit's record is submitted, the
  submission calls `on_record_corrected`, which marks the visit; the next `publish` decides its
  current version again by the same rules (confidential items still left out, a now wholly
  confidential visit taken down), replaces the published row with it, noting the correction's
  date, and posts it under a 更正 heading. The first publication's date still counts for the
  deadline figures.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.deadlines import Deadlines
from bot.domain.disclosure import (
    CompletedInspection,
    Decision,
    ItemInfo,
    PublicRow,
    WithholdReason,
    decide_all,
)
from bot.domain.itemlist import ItemList
from bot.domain.reminders import DeadlineKind, Subject, add_weekdays, bureau_deadlines
from bot.domain.results import Result
from bot.domain.workdays import CalendarYearMissing
from bot.i18n import t
from bot.services.errors import Refusal
from bot.services.plan import read_item_list
from bot.services.reminders import cancel_for, schedule_deadline
from bot.services.site import SiteFiles, write_site
from bot.settings import Settings
from storage import audit, outbox
from storage import disclosures as store
from storage.db import Database
from storage.inspections import get_inspection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishEnv:
    """What publishing needs from outside: clock, zone, rules, where to write and post."""

    now: datetime  # aware
    tz: ZoneInfo
    deadlines: Deadlines
    site_dir: Path
    channel_id: int | None = None
    item_list: ItemList | None = None
    bureau_name: str = ""
    lang: str = "zh-CN"  # the channel post's language (the results' wording is always Chinese)
    actor: str = "system"

    @property
    def today(self) -> date:
        """The bureau's local date."""
        return self.now.astimezone(self.tz).date()


@dataclass(frozen=True)
class PublishOutcome:
    """What one publication did."""

    publication_id: int
    decision: Decision
    late: int  # of the rows just published, how many after their deadline
    posted: bool
    site: SiteFiles
    corrected: Decision = Decision((), ())  # corrected results published again (or taken down)


def env_for(settings: Settings, deadlines: Deadlines, now: datetime, actor: str) -> PublishEnv:
    """The environment from the bot's settings; SourceError when the item list is refused."""
    items = read_item_list(settings.items_file) if settings.items_file else None
    return PublishEnv(
        now=now,
        tz=ZoneInfo(settings.timezone),
        deadlines=deadlines,
        site_dir=settings.site_dir,
        channel_id=settings.public_channel_id,
        item_list=items,
        bureau_name=settings.bureau_name,
        lang=settings.language,
        actor=actor,
    )


def subject(inspection_id: int) -> Subject:
    """The deadline subject of a visit's publication (not the visit's own, which closes when
    the record is submitted)."""
    return Subject("disclosure", str(inspection_id))


def publication_due(deadlines: Deadlines, completed_on: date) -> date:
    """`Deadlines.publication_due`, estimated by weekdays in a year the calendar lacks."""
    try:
        return deadlines.publication_due(completed_on)
    except CalendarYearMissing as exc:
        log.warning("publication deadline of %s estimated: calendar lacks %s", completed_on, exc)
        return add_weekdays(completed_on, deadlines.rules.publication_workdays)


async def track(conn: aiosqlite.Connection, bureau_id: int, env: PublishEnv) -> int:
    """Disclosure rows and deadlines for submitted visits that have none; returns how many."""
    return await _track(conn, bureau_id, env.now, env.tz, env.deadlines)


async def _track(
    conn: aiosqlite.Connection,
    bureau_id: int,
    now: datetime,
    tz: ZoneInfo,
    deadlines: Deadlines,
    inspection_id: int | None = None,
) -> int:
    found = await store.untracked(conn, bureau_id, inspection_id)
    rows = []
    for iid, submitted_at in found:
        completed_on = datetime.fromisoformat(submitted_at).astimezone(tz).date()
        rows.append((iid, completed_on, publication_due(deadlines, completed_on)))
    await store.add_pending(conn, bureau_id, rows)
    for iid, _, due_on in rows:
        await schedule_deadline(
            conn,
            bureau_id,
            subject(iid),
            DeadlineKind.PUBLICATION_DUE,
            due_on,
            deadlines=deadlines,
            now=now,
        )
    return len(rows)


async def on_record_submitted(
    conn: aiosqlite.Connection,
    bureau_id: int,
    inspection_id: int,
    *,
    now: datetime,
    tz: ZoneInfo,
    deadlines: Deadlines | None = None,
) -> int:
    """Call in the transaction that submits a record: the visit's publication deadline starts
    (its disclosure row, the deadline and its reminders; default rules without `deadlines`).
    Nothing for a visit that has them already (a corrected version keeps the first deadline)."""
    rules = bureau_deadlines(deadlines)
    return await _track(conn, bureau_id, now, tz, rules, inspection_id)


def item_info(item_list: ItemList | None, item_id: str) -> ItemInfo:
    """An item as published; an id the item list no longer has is published by its id."""
    if item_list is not None:
        try:
            it = item_list.item(item_id)
        except KeyError:
            pass
        else:
            return ItemInfo(it.id, it.name, it.department, it.confidential)
    return ItemInfo(item_id, item_id, "")


async def on_record_corrected(conn: aiosqlite.Connection, inspection_id: int) -> bool:
    """Call in the transaction that submits a corrected version of a record: a result already
    published is marked for re-publication (the next `publish` sends the current version).
    True when it was published."""
    return await store.mark_republish(conn, inspection_id)


def completed(
    source: store.PendingSource, item_list: ItemList | None, tz: ZoneInfo | None = None
) -> CompletedInspection:
    """A pending storage row as the domain's completed visit; with `tz`, a corrected one
    carries the local date its correction was submitted."""
    reason, note = store.split_reason(source.confidential_reason)
    corrected_on = None
    if tz is not None and source.corrected_at:
        corrected_on = datetime.fromisoformat(source.corrected_at).astimezone(tz).date()
    return CompletedInspection(
        inspection_id=source.inspection_id,
        period=source.period,
        entity_name=source.entity_name,
        credit_code=source.credit_code,
        items=tuple(item_info(item_list, i) for i in source.items),
        completed_on=source.completed_on,
        result=Result(source.result),
        confidential=reason if source.confidential else None,
        confidential_note=note if source.confidential else "",
        corrected_on=corrected_on,
    )


async def publish(db: Database, bureau_id: int, env: PublishEnv) -> PublishOutcome:
    """Publish every pending result (withholding what must be) and every corrected one again,
    post, audit, write the site.

    Refused without an item list: it says which items are confidential."""
    if env.item_list is None:
        raise Refusal("pub_no_items")
    staging = env.site_dir.with_name(f".{env.site_dir.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    async with db.tx() as conn:
        await track(conn, bureau_id, env)
        sources = [s for s in await store.pending_sources(conn, bureau_id) if s.result]
        decision = decide_all(completed(s, env.item_list) for s in sources)
        due = {s.inspection_id: s.due_on for s in sources}
        corrections = [s for s in await store.corrected_sources(conn, bureau_id) if s.result]
        corrected = decide_all(completed(s, env.item_list, env.tz) for s in corrections)
        at = env.now.isoformat(timespec="seconds")
        pid = await store.insert_publication(
            conn,
            bureau_id,
            at=at,
            by=env.actor,
            published=len(decision.public),
            withheld=sum(1 for w in decision.withheld if w.whole),
            site_dir=str(env.site_dir),
            channel_id=env.channel_id,
            republished=len(corrected.public),
        )
        await _mark(conn, decision, pid, at, env.today)
        await _mark_corrected(conn, corrected, at)
        for s in sources:
            await cancel_for(conn, subject(s.inspection_id), status="done", bureau_id=bureau_id)
        posted = await _post(conn, bureau_id, env, decision, pid, corrected)
        site = await write_site(conn, bureau_id, env, staging)
        payload = _audit_payload(decision, site, env, posted)
        if corrections:
            payload["republished"] = _corrected_payload(corrections, corrected)
        await audit.append(
            conn, env.actor, "publication", f"publication:{pid}", payload, bureau_id=bureau_id
        )
    _swap(staging, env.site_dir)
    late = sum(1 for r in decision.public if env.today > due[r.inspection_id])
    return PublishOutcome(pid, decision, late, posted, site.moved_to(env.site_dir), corrected)


async def _mark(
    conn: aiosqlite.Connection, decision: Decision, pid: int, at: str, today: date
) -> None:
    partial = {w.inspection_id: w for w in decision.withheld if not w.whole}
    for row in decision.public:
        w = partial.get(row.inspection_id)
        await store.mark_published(
            conn,
            row,
            publication_id=pid,
            at=at,
            on=today,
            withheld_items=w.items if w else (),
            reason=w.reason if w else None,
        )
    for w in decision.withheld:
        if w.whole:
            await store.mark_withheld(
                conn, w.inspection_id, w.reason, publication_id=pid, at=at, items=w.items,
                note=w.note,
            )  # fmt: skip


async def _mark_corrected(conn: aiosqlite.Connection, corrected: Decision, at: str) -> None:
    partial = {w.inspection_id: w for w in corrected.withheld if not w.whole}
    for row in corrected.public:
        w = partial.get(row.inspection_id)
        await store.mark_republished(
            conn,
            row,
            at=at,
            withheld_items=w.items if w else (),
            reason=w.reason if w else None,
        )
    for w in corrected.withheld:
        if w.whole:
            await store.mark_taken_down(
                conn, w.inspection_id, w.reason, at=at, items=w.items, note=w.note
            )


def _row_text(lang: str, n: int, row: PublicRow) -> str:
    return t(
        lang,
        "pub_post_row",
        n=n,
        entity=row.entity_name,
        code=row.credit_code,
        items="；".join(row.items),
        date=row.inspected_on.isoformat(),
        departments="；".join(row.departments) or "—",
        result=row.wording,
    )


def post_text(
    env: PublishEnv,
    rows: tuple[PublicRow, ...],
    decision: Decision,
    corrected: tuple[PublicRow, ...] = (),
) -> str:
    """The channel post: a header, one block per published row, the corrected rows under their
    own heading, the withheld count."""
    lang = env.lang
    count = len(rows) + len(corrected)
    lines = [t(lang, "pub_post_header", bureau=env.bureau_name, date=env.today, count=count)]
    lines += [_row_text(lang, n, row) for n, row in enumerate(rows, start=1)]
    if corrected:
        lines.append(t(lang, "pub_post_corrected", n=len(corrected)))
        lines += [_row_text(lang, n, r) for n, r in enumerate(corrected, start=len(rows) + 1)]
    withheld = decision.withheld_whole()
    if withheld:
        reasons = "，".join(
            t(lang, "pub_reason_count", reason=t(lang, f"withhold_{r.value}"), n=withheld[r])
            for r in WithholdReason
            if withheld[r]
        )
        lines.append(t(lang, "pub_post_withheld", n=sum(withheld.values()), reasons=reasons))
    return "\n\n".join(lines)


async def _post(
    conn: aiosqlite.Connection,
    bureau_id: int,
    env: PublishEnv,
    decision: Decision,
    pid: int,
    corrected: Decision,
) -> bool:
    news = decision.public or decision.withheld_whole() or corrected.public
    if env.channel_id is None or not news:
        return False
    return await outbox.enqueue(
        conn,
        env.channel_id,
        {"text": post_text(env, decision.public, decision, corrected.public)},
        key=f"publication:{bureau_id}:{pid}",
        bureau_id=bureau_id,
    )


def _audit_payload(decision: Decision, site: SiteFiles, env: PublishEnv, posted: bool) -> dict:
    return {
        "published": [r.inspection_id for r in decision.public],
        "withheld": [
            {
                "inspection": w.inspection_id,
                "reason": w.reason.value,
                "whole": w.whole,
                "items": list(w.items),
            }
            for w in decision.withheld
        ],  # fmt: skip
        "site_dir": str(env.site_dir),
        "site_sha256": site.digest,
        "channel": env.channel_id if posted else None,
    }


def _corrected_payload(sources: list[store.PendingSource], corrected: Decision) -> list[dict]:
    """Per corrected visit: the version now public (or taken down, why) and the row it replaced."""
    public = {r.inspection_id for r in corrected.public}
    down = {w.inspection_id: w.reason.value for w in corrected.withheld if w.whole}
    return [
        {
            "inspection": s.inspection_id,
            "version": s.version,
            "published": s.inspection_id in public,
            "taken_down": down.get(s.inspection_id),
            "replaced": json.loads(s.public_json) if s.public_json else None,
        }
        for s in sources
    ]


def _swap(staging: Path, target: Path) -> None:
    """Replace the site folder by the freshly written one."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


async def withhold(
    db: Database,
    bureau_id: int,
    inspection_id: int,
    reason: WithholdReason,
    note: str,
    actor: str,
) -> None:
    """Mark a visit's record confidential (检查记录涉密) before its results are published."""
    async with db.tx() as conn:
        view = await get_inspection(conn, inspection_id)
        if view is None or view.bureau_id != bureau_id:
            raise Refusal("withhold_unknown", id=inspection_id)
        if await store.disclosure_status(conn, inspection_id) in ("published", "withheld"):
            raise Refusal("withhold_too_late", id=inspection_id)
        await store.mark_confidential(conn, inspection_id, reason, note)
        payload = {"reason": reason.value, "note": note}
        await audit.append(
            conn, actor, "record.confidential", f"inspection:{inspection_id}", payload,
            bureau_id=bureau_id,
        )  # fmt: skip
