"""Random chat input for the property-based flow tests (issue 8.6): what a person may send at any
step (text of every kind, commands, files, stickers, locations, forged or stale buttons), playing
it and waiting for the bot's answer, and the checks every flow test makes at the end.

The bot runs unpaced (`LocalBot(paced=False)`): these tests send hundreds of messages in a few
chats and are not about Telegram's pace, which `test_crash_safety.py` and `test_faults.py` cover.
Every wait is patient (a healthy bot answers in well under a second; a loaded CI machine may
take longer), so a slow machine makes the test slower, never red.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from telegram import Update

from bot.emulator.users import FakeUser
from bot.harness import TOKEN, LocalBot
from bot.settings import load_settings
from storage import audit
from storage.db import Database
from tests.inspection_world import JPEG

WAIT = 30.0  # seconds for one answer: patient, the bot answers in milliseconds when healthy
FUZZ = settings(  # few fixed examples: the same inputs on every run, so CI is never flaky
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2")),  # more for a deeper search by hand
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each failing try waits out WAIT
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NUMBERS = [
    "0", "-1", "12.5", "1e9", "NaN", "inf", "0x1F", "²", "١٢", "１２", "99999999999999999999",
    "2026-02-30", "2027Q9", "2027-13", "2027H3", "#12", "3/4",
]  # fmt: skip


class _NamedStr(str):
    """A long text that prints as the expression that made it (see `named`)."""

    name: str

    def __repr__(self) -> str:
        return self.name

    def _repr_pretty_(self, p, cycle: bool) -> None:  # noqa: ANN001 (hypothesis's printer)
        p.text(self.name)


class _NamedBytes(bytes):
    """A big file body that prints as the expression that made it (see `named`)."""

    name: str
    __repr__ = _NamedStr.__repr__
    _repr_pretty_ = _NamedStr._repr_pretty_


def named(value: str | bytes, name: str) -> str | bytes:
    """`value`, equal to it in every way, but printed as `name`: a failing example that holds
    the 4,096-character texts and the 20 MB file is then a few lines, and the error above it
    stays in sight in a CI log that keeps only its tail."""
    out = (_NamedStr if isinstance(value, str) else _NamedBytes)(value)
    out.name = name
    return out


LONG = named("字" * 4096, "LONG")  # the longest message Telegram delivers
NASTY = [
    "\x00", "\u200b", "\u202e反转", "\t\n\r", "'; DROP TABLE draws; --", "1 OR 1=1",
    "<b>粗体</b>", "</a>", "&amp;", "{name}", "%s%s%n", "\\x00",
    named("🙂🙃🧧" * 30, "'🙂🙃🧧' * 30"), "𠀀𪚥", named("a" * 4096, "'a' * 4096"), LONG,
    named("🎉" * 2048, "'🎉' * 2048"),
    named("\n" * 60 + "x", "'\\n' * 60 + 'x'"), "是", "否", "/", "//", "@bot",
]  # fmt: skip
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(NUMBERS + NASTY))
# read-only commands a person may send in the middle of any flow (/lang is tested on its own:
# pressing its buttons would change the language the rest of the test reads)
COMMANDS = [
    "help", "whoami", "start", "tasks", "deadlines", "overdue", "rectifications", "corrections",
    "replace", "draw", "import", "reveal", "cancel_draw", "withhold", "plan", "progress",
    "reports", "template", "nosuchcommand",
]  # fmt: skip
COMMAND = st.builds(
    lambda c, a: f"/{c} {a}".strip(),
    st.sampled_from(COMMANDS),
    st.one_of(st.just(""), st.sampled_from(NUMBERS + NASTY), st.text(max_size=12)),
)
NAMED = [
    "整改报告.pdf", "现场.JPG", "setup.exe", "名录.xlsx", "entities.csv", "noext", ".pdf",
    "a.tar.gz", "x" * 200 + ".pdf", "报告.PDF.exe", "../../etc/passwd", "图 片.png", "a.CSV",
]  # fmt: skip
NAMES = st.one_of(
    st.sampled_from(NAMED),
    st.builds(lambda s, e: s + e, st.text(min_size=1, max_size=20),
              st.sampled_from([".pdf", ".jpg", ".png", ".xlsx", ".csv", ".docx", ".exe", ""])),
)  # fmt: skip
MIMES = [None, "application/pdf", "image/jpeg", "application/x-msdownload", "text/csv",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]  # fmt: skip
BIG = 20 * 1024 * 1024 + 1  # one byte over the Bot API's download limit
BODIES = [JPEG, b"%PDF-1.4\n%%EOF\n", b"PK\x03\x04" + b"\x00" * 26, b"a,b\n1,2\n", b"\xff" * 3]
BODY = st.one_of(st.binary(min_size=1, max_size=64), st.sampled_from(BODIES))
PHOTOS = [JPEG, b"\x89PNG\r\n\x1a\n", b"not a photo"]
FILE = st.tuples(NAMES, BODY, st.sampled_from(MIMES), st.one_of(st.none(), TEXT.map(str.strip)))
LOCATIONS = ([0.0, 40.19, -90.0, 90.0, 39.9], [0.0, 117.97, -180.0, 180.0, 116.4])
LOCATION = st.tuples(*map(st.sampled_from, LOCATIONS))
PREFIXES = [
    "go", "ci", "q", "qb", "qv", "qg", "sb", "tk", "rx", "co:q", "co:a", "co:x", "rf:u", "rf:s",
    "rf:c", "rf:x", "drw:ok", "drw:no", "dcx:ok", "dcx:no", "rpl:v", "rpl:r", "rpl:ok", "rpl:no",
    "imp:entities", "imp", "lang", "zz", "",
]  # fmt: skip
# no small ids here: one may be a real visit of the person's, and its button a legitimate step
PARTS = st.sampled_from(["", "0", "²", "١", "99999999999999999999", "4294967296", "x", "-1"])
FORGED = st.builds(  # a known prefix with random parts: what a forged or garbled button sends
    lambda p, parts: ":".join([p, *parts])[:64],
    st.sampled_from(PREFIXES),
    st.lists(st.one_of(PARTS, st.text(max_size=6)), max_size=3),
)


def garbage(data: Sequence[str] = (), *, text: bool = True) -> st.SearchStrategy:
    """One action that must change nothing at a step: random text (unless the step takes any
    text), a read-only command, a forged or stale button (`data`: the flow's own, filled in by
    `Person.play`), a file, a photo, a sticker or a location."""
    kinds = [
        st.tuples(st.just("cmd"), COMMAND),
        st.tuples(st.just("forged"), FORGED),
        st.tuples(st.just("file"), FILE),
        st.tuples(st.just("photo"), st.sampled_from(PHOTOS)),
        st.tuples(st.just("sticker"), st.sampled_from(["👍", "🤡"])),
        st.tuples(st.just("location"), LOCATION),
    ]
    if data:
        kinds.append(st.tuples(st.just("data"), st.sampled_from(list(data))))
    if text:
        kinds.append(st.tuples(st.just("text"), TEXT))
    return st.one_of(kinds)


def plan(
    n: int, data: Sequence[str] = (), *, free_text: Sequence[int] = (), size: int = 8
) -> st.SearchStrategy:
    """`n` lists of up to `size` garbage actions, one for each step of a flow; at the steps in
    `free_text` any text is a legitimate answer, so their garbage has none."""
    lists = [st.lists(garbage(data, text=i not in free_text), max_size=size) for i in range(n)]
    return st.tuples(*lists).map(list)


def sweep(n: int, data: Sequence[str] = (), *, free_text: Sequence[int] = ()) -> list:
    """Every catalogued input once, dealt out over the `n` steps: the fixed example each flow
    test runs besides the random ones, so no value of the lists above is left to chance."""
    texts = [("text", x) for x in NUMBERS + NASTY]
    others = [("cmd", f"/{c} {a}") for c, a in zip(COMMANDS, NUMBERS + NASTY, strict=False)]
    others += [  # 4,096 characters each
        ("cmd", named(f"/{c} {LONG[: 4094 - len(c)]}", f"'/{c} ' + LONG[:{4094 - len(c)}]"))
        for c in COMMANDS
    ]
    others += [("forged", f"{p}:{x}") for p in PREFIXES for x in ("²", "99999999999999999999")]
    others += [("data", d) for d in data]
    others += [("file", (name, BODIES[i % len(BODIES)], MIMES[i % len(MIMES)], None))
               for i, name in enumerate(NAMED)]  # fmt: skip
    big = named(b"%PDF" + bytes(BIG), "b'%PDF' + bytes(BIG)")
    others += [("file", ("big.pdf", big, "application/pdf", named(LONG[:1024], "LONG[:1024]")))]
    others += [("photo", p) for p in PHOTOS] + [("sticker", "👍")]
    others += [("location", (lat, lon)) for lat, lon in zip(*LOCATIONS, strict=True)]
    out: list[list] = [[] for _ in range(n)]
    texting = [i for i in range(n) if i not in free_text]
    for k, action in enumerate(texts):
        out[texting[k % len(texting)]].append(action)
    for k, action in enumerate(others):
        out[k % n].append(action)
    return out


@dataclass
class Person:
    """A FakeUser who plays actions and waits for each answer; `fill` fills `{name}` in data."""

    user: FakeUser
    fill: dict[str, object] = field(default_factory=dict)

    async def play(self, kind: str, arg: object) -> None:
        """One action, then the bot's answer to it: a message or edit, or the tap answered."""
        u = self.user
        if kind in ("data", "forged", "tap"):
            if u.last_message is None:
                return  # no message in the chat yet: nothing to press on
            if kind == "tap":  # a button on screen by its label, if there is one now
                try:
                    sent = await u.tap(str(arg))
                except (LookupError, ValueError):  # none, or one that asks for a location
                    return
                if "data" not in sent:  # a reply-keyboard button: it sends its label as text
                    await u.wait_reply(timeout=WAIT, wait_edit=True)
                    return
            else:
                await u.press_data(str(arg).format(**self.fill) if kind == "data" else str(arg))
            await u.wait_answer(timeout=WAIT)
            await self.settle()  # what the tap sends comes after its answer: wait for it all
            return
        if kind in ("text", "cmd"):
            if not str(arg).strip():
                return  # Telegram clients send no blank messages
            await u.send(str(arg))
        elif kind == "file":
            name, body, mime, caption = arg  # type: ignore[misc]
            await u.send_document(body, filename=name, mime_type=mime, caption=caption or None)
        elif kind == "photo":
            await u.send_photo(arg)  # type: ignore[arg-type]
        elif kind == "sticker":
            await u.send_sticker(str(arg))
        elif kind == "location":
            await u.share_location(*arg)  # type: ignore[misc]
        else:
            raise ValueError(kind)
        await u.wait_reply(timeout=WAIT, wait_edit=True)

    async def mess(self, actions: Sequence[tuple[str, object]]) -> None:
        for kind, arg in actions:
            await self.play(kind, arg)

    async def say(self, text: str, contains: str | None = None, *, edit: bool = True):  # noqa: ANN201
        """Send text and wait for the answer (containing `contains`)."""
        await self.user.send(text)
        return await self.user.wait_reply(timeout=WAIT, contains=contains, wait_edit=edit)

    async def tap(self, label: str, contains: str | None = None, **kw: object):  # noqa: ANN201
        """Tap a button and wait for the message or edit it brings (containing `contains`)."""
        await self.user.tap(label, **kw)  # type: ignore[arg-type]
        return await self.user.wait_reply(timeout=WAIT, contains=contains, wait_edit=True)

    async def tap_or(self, label: str, again: Callable[[], Awaitable[object]]) -> dict:
        """Tap the newest [label]; if the garbage took its buttons away (a forged tap on its
        message is handled like a tap on it), get it shown `again`, as a person would."""
        try:
            return await self.user.tap(label)
        except LookupError:
            await again()
            return await self.user.tap(label)

    async def settle(self) -> None:
        """Wait until the bot has handled everything sent in this chat (updates of one chat are
        handled in order, so the answer to /whoami comes after all of them)."""
        await self.user.send("/whoami")
        await self.user.wait_reply(timeout=WAIT, contains=self.user.first_name)

    def button_data(self, label: str) -> str:
        """The callback_data of the newest button with this label."""
        for msg in reversed(self.user.messages):
            b = None if msg.deleted else msg.button(label)
            if b is not None:
                return b["callback_data"]
        raise LookupError(label)


async def twice(person: Person, tapped: dict) -> None:
    """The button just tapped, pressed again at once (a double tap on a slow connection)."""
    await person.user.press_data(tapped["data"], message_id=tapped["message"]["message_id"])


async def drain(lb: LocalBot) -> None:
    """Wait until the outbox has nothing due left to send."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while loop.time() < deadline:
        async with lb.db.read() as conn:
            sql = "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"
            async with conn.execute(sql) as cur:
                if (await cur.fetchone())[0] == 0:
                    return
        await asyncio.sleep(0.1)


def fuzz_settings(tmp_path: Path, name: str, **kw: object):  # noqa: ANN201
    """A fresh database file and the settings of a fuzzed bot (no quiet hours)."""
    for f in tmp_path.glob(f"{name}.db*"):
        f.unlink()
    kw.setdefault("evidence_dir", tmp_path / f"{name}-ev")
    return load_settings(
        bot_token=TOKEN, database_path=tmp_path / f"{name}.db", quiet_hours="", **kw
    )


async def counts(db: Database, tables: Sequence[str]) -> dict[str, int]:
    """Rows in each table."""
    out = {}
    async with db.read() as conn:
        for table in tables:
            async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
                out[table] = (await cur.fetchone())[0]
    return out


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose counts differ: name -> (before, after)."""
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


async def sound(lb: LocalBot) -> list[str]:
    """What is wrong after a run: outbox rows not delivered, a broken audit chain, a corrupt
    file. Empty when all is well."""
    problems = []
    async with lb.db.read() as conn:
        sql = "SELECT status, chat_id, last_error FROM outbox WHERE status NOT IN ('sent')"
        async with conn.execute(sql) as cur:
            problems += [f"outbox {tuple(r)}" for r in await cur.fetchall()]
        problems += [f"audit {p}" for p in await audit.verify(conn)]
        async with conn.execute("PRAGMA integrity_check") as cur:
            ok = (await cur.fetchone())[0]
        if ok != "ok":
            problems.append(f"integrity {ok}")
    return problems


def handler_errors(records: Sequence[logging.LogRecord]) -> list[str]:
    """Errors the bot logged (a handler or a job that failed), each with what it was handling."""
    out = []
    for r in records:
        if r.levelno < logging.ERROR:
            continue
        what = r.getMessage()[:200]
        update = r.args[0] if isinstance(r.args, tuple) and r.args else None
        if isinstance(update, Update):
            q, m = update.callback_query, update.effective_message
            what = f"tap {q.data!r}" if q else f"message {(m.text or m.caption or '')[:60]!r}"
        out.append(f"{r.name}: {what}: {r.exc_info[1]!r}" if r.exc_info else f"{r.name}: {what}")
    return out


def check_session(
    caplog: pytest.LogCaptureFixture, session: Coroutine[Any, Any, list[str]]
) -> None:
    """Play one fuzz session with the bot's errors captured: it found no problems and no handler
    failed."""
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        problems = asyncio.run(session)
    assert not problems, problems
    errors = handler_errors(caplog.records)
    assert not errors, "\n".join(errors)
