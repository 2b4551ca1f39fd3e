"""The crash-safety test's world: a seeded bureau, the bot as a separate process (`python -m bot
run`) that can be SIGKILLed, and the accounting that compares what the bot sent (the emulator's
record) with what it meant to send (the outbox) and what it stored (answers, records)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.models import Role
from bot.domain.periods import Period, PeriodKind
from bot.emulator import BotAPIEmulator
from bot.outbox_dispatcher import INTERRUPTED, split_text
from bot.services.registry_io import import_registry
from storage.bureaus import ensure_bureau
from storage.db import Database
from storage.inspections import create_inspection
from storage.inspectors import list_inspectors
from storage.users import create_user

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PRESET = "xushui-2020"
ITEMS_FILE = EXAMPLES / f"{PRESET}.yaml"
ITEM = "pollution-source"
BUREAU_CODE, BUREAU_NAME = "crash", "徐水区分局"
ADMIN, COORDINATOR, MANAGER = 100001, 200001, 300001
CHANNEL = -100555
FIRST_INSPECTOR_CHAT = 500001
NOW = Period.containing(PeriodKind.QUARTER, datetime.now(ZoneInfo("Asia/Shanghai")).date())


def quarters_ahead(n: int) -> list[Period]:
    """The `n` quarters after the current one (the coordinator draws them)."""
    out = [NOW.next()]
    while len(out) < n:
        out.append(out[-1].next())
    return out


@dataclass(frozen=True)
class Visit:
    """A visit its lead answers alone: id and the entity's registered place."""

    id: int
    latitude: float
    longitude: float


@dataclass
class Seeded:
    """What the seed made: chat id -> name of every bound user, and each answering inspector's
    visits (chat id -> visits)."""

    names: dict[int, str] = field(default_factory=dict)
    visits: dict[int, list[Visit]] = field(default_factory=dict)


async def seed(db_path: Path, answering: int, visits_each: int) -> Seeded:
    """The preset's registries, a coordinator, a manager, every active inspector bound to a chat,
    and `visits_each` open visits of the current quarter led by each of the first `answering`
    inspectors; a member from the remaining staff is told when the lead submits."""
    db = await Database.open(db_path)
    out = Seeded()
    try:
        async with db.tx() as conn:
            bid = await ensure_bureau(conn, BUREAU_CODE, BUREAU_NAME)
        for kind in ("entities", "inspectors"):
            report = await import_registry(db, bid, kind, EXAMPLES / f"{PRESET}-{kind}.csv")
            assert report.ok, report.render("en")
        async with db.tx() as conn:
            await create_user(conn, bid, COORDINATOR, "王综合", [Role.COORDINATOR])
            await create_user(conn, bid, MANAGER, "赵局", [Role.MANAGER])
            out.names.update({COORDINATOR: "王综合", MANAGER: "赵局"})
            staff = [(i, ins) for i, ins in await list_inspectors(conn, bid) if ins.active]
            chat_of = {iid: FIRST_INSPECTOR_CHAT + n for n, (iid, _) in enumerate(staff)}
            for iid, ins in staff:
                await create_user(
                    conn, bid, chat_of[iid], ins.name, [Role.INSPECTOR], inspector_id=iid
                )
                out.names[chat_of[iid]] = ins.name
            sql = (
                "SELECT id, latitude, longitude FROM entities WHERE bureau_id = ?"
                " AND status = 'operating' AND latitude IS NOT NULL ORDER BY id"
            )
            places = iter(await conn.execute_fetchall(sql, (bid,)))
            leads = [iid for iid, ins in staff if ins.certificate_no][:answering]
            # told when the lead submits; of 综合股, which is not the item's department, so the
            # lead may answer every question whatever the lead's own unit
            member = next(i for i, ins in staff if ins.department == "综合股" and i not in leads)
            for iid in leads:
                for _ in range(visits_each):
                    ent, lat, lon = next(places)
                    vid = await create_inspection(
                        conn,
                        bid,
                        period=NOW.label,
                        entity_id=ent,
                        items=[ITEM],
                        due_on=NOW.end.isoformat(),
                        inspectors=[(iid, "lead"), (member, "member")],
                    )
                    out.visits.setdefault(chat_of[iid], []).append(Visit(vid, lat, lon))
    finally:
        await db.close()
    assert len(out.visits) == answering, "the preset has too few enforcement inspectors"
    return out


class BotProcess:
    """`python -m bot run` against the emulator, in its own process, restartable after SIGKILL."""

    def __init__(self, emu: BotAPIEmulator, workdir: Path, db_path: Path) -> None:
        self.workdir, self.db_path = workdir, db_path
        self.log_path = workdir / "bot.log"
        keep = {k: v for k, v in os.environ.items() if not k.startswith("SHUANGSUIJI_")}
        self.env = keep | {
            "SHUANGSUIJI_BOT_TOKEN": emu.token,
            "SHUANGSUIJI_API_BASE_URL": emu.base_url.removesuffix("/bot"),
            "SHUANGSUIJI_DATABASE_PATH": str(db_path),
            "SHUANGSUIJI_ITEMS_FILE": str(ITEMS_FILE),
            "SHUANGSUIJI_ADMIN_IDS": str(ADMIN),
            "SHUANGSUIJI_EVIDENCE_DIR": str(workdir / "evidence"),
            "SHUANGSUIJI_QUIET_HOURS": "",
            "SHUANGSUIJI_BUREAU_CODE": BUREAU_CODE,
            "SHUANGSUIJI_BUREAU_NAME": BUREAU_NAME,
            "SHUANGSUIJI_PUBLIC_CHANNEL_ID": str(CHANNEL),
            "SHUANGSUIJI_SITE_DIR": str(workdir / "site"),
            "PYTHONUNBUFFERED": "1",
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        """Start a new bot process (its output is appended to bot.log)."""
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts} at {time.time():.3f} =====\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a power cut or the OOM killer would."""
        assert self.proc is not None and self.proc.returncode is None, self.log_tail()
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int:
        """SIGTERM and wait: the bot's own orderly shutdown; returns its exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 20)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def query(db_path: Path, sql: str, *args: object) -> list[tuple]:
    """Read the bot's database from the test process (WAL: readers do not block the bot)."""
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@dataclass
class OutboxReport:
    """The outbox against the emulator: per row status, and how often each notification arrived."""

    rows: int
    status: Counter[str]
    interrupted: int  # rows left `sending` by a kill, marked failed and not resent
    interrupted_delivered: int  # of those, how many had reached the chat before the kill
    lost: int  # sent rows whose message is not in the chat
    duplicated: int  # notifications that arrived more than once
    examples: list[str]


def _original_text(msg: Any) -> str:
    """A bot message as first sent (the emulator keeps earlier versions of edited messages)."""
    return (msg.edits[0].text if msg.edits else msg.text) or ""


def _row_text(kind: str, payload: dict) -> str:
    if kind == "text":
        return split_text(payload["text"])[0]
    return payload.get("caption") or ""


def outbox_report(emu: BotAPIEmulator, db_path: Path) -> OutboxReport:
    """Count, for every (chat, kind, text) an outbox row carried, the bot messages with exactly
    that content in that chat: a sent row must be there once, an interrupted one at most once,
    and no content may arrive more often than rows carry it."""
    sql = "SELECT id, chat_id, kind, payload_json, status, last_error, message_id FROM outbox"
    rows = query(db_path, sql)
    carried: Counter[tuple[int, str, str]] = Counter()
    for _, chat, kind, payload, *_ in rows:
        carried[(chat, kind, _row_text(kind, json.loads(payload)))] += 1
    chats = {chat for _, chat, *_ in rows}
    arrived: Counter[tuple[int, str, str]] = Counter()
    by_id: dict[tuple[int, int], tuple[str, str]] = {}
    for chat in chats:
        for m in emu.chat(chat).messages:
            kind = "text" if m.kind == "text" else m.kind
            arrived[(chat, kind, _original_text(m))] += 1
            by_id[(chat, m.message_id)] = (kind, _original_text(m))
    lost, interrupted, delivered, examples = 0, 0, 0, []
    for _, chat, kind, payload, status, error, message_id in rows:
        key = (chat, kind, _row_text(kind, json.loads(payload)))
        pieces = len(split_text(json.loads(payload)["text"])) if kind == "text" else 1
        shown = by_id.get((chat, message_id or 0), (kind, ""))  # a long text: its last piece
        if status == "sent" and pieces == 1 and shown != key[1:]:
            lost += 1
            examples.append(f"sent row not in chat {chat}: {key[2][:60]!r}")
        if status == "failed" and error == INTERRUPTED:
            interrupted += 1
            delivered += arrived[key] > 0
            examples.append(f"interrupted ({arrived[key]} arrived): {kind} {key[2][:50]!r}")
    duplicated = 0
    for key, n in carried.items():
        if arrived[key] > n:
            duplicated += arrived[key] - n
            examples.append(f"{arrived[key]}x for {n} row(s) in chat {key[0]}: {key[2][:60]!r}")
    status = Counter(r[4] for r in rows)
    return OutboxReport(len(rows), status, interrupted, delivered, lost, duplicated, examples)
