"""Who may do what (issue 8.5): every command against every role and a stranger, and forged
buttons naming another inspector's visit or a privileged action. Nothing leaks, nothing changes."""

from __future__ import annotations

import asyncio

import pytest
from telegram.ext import CommandHandler

from bot.domain.models import Role
from bot.harness import LocalBot
from bot.settings import load_settings
from handlers.menu import MENU
from storage.users import create_user
from tests.inspection_world import ITEMS_FILE, make_world, new_visit

ADMIN = 100001
REFUSED = "没有权限"
WATCHED = (
    "answers",
    "answer_history",
    "inspection_checklists",
    "checklist_sessions",
    "checkins",
    "evidence",
    "inspection_records",
    "record_corrections",
    "rectifications",
    "rectification_events",
    "draws",
    "draw_requests",
    "inspection_inspectors",
    "publications",
    "disclosures",
    "invites",
    "user_roles",
    "audit_log",
    "outbox",
)


async def exchange(user, text: str, quiet: float = 0.8, limit: float = 6.0) -> list[str]:  # noqa: ANN001
    """Send `text`; collect the bot's messages until the chat is quiet for `quiet` s after the
    first (or `limit` s pass with none)."""
    before = len(user.messages)
    await user.send(text)
    loop = asyncio.get_running_loop()
    start = last_change = loop.time()
    seen = before
    while loop.time() - start < limit:
        await asyncio.sleep(0.1)
        if len(user.messages) != seen:
            seen, last_change = len(user.messages), loop.time()
        elif seen > before and loop.time() - last_change >= quiet:
            break
    return [m.text or m.caption or "" for m in user.messages[before:]]


@pytest.fixture
async def world(tmp_path):
    settings = load_settings(
        bot_token="123456:EMULATOR-TOKEN",
        database_path=tmp_path / "m.db",
        admin_ids=[ADMIN],
        items_file=ITEMS_FILE,
        evidence_dir=tmp_path / "ev",
        site_dir=tmp_path / "site",
        quiet_hours="",
    )
    async with LocalBot(settings.database_path, settings=settings) as lb:
        w = await make_world(lb.db, bureau_id=lb.bureau_id)
        w.visit = await new_visit(lb.db, w)  # 张三 leads, 李四 member; 赵六 is not on it
        yield lb, w


def test_every_command_declares_who_may_use_it():
    from bot.app import build_application

    app = build_application(load_settings(bot_token="1:x"), None, 1)  # type: ignore[arg-type]
    registered = {
        c
        for hs in app.handlers.values()
        for h in hs
        if isinstance(h, CommandHandler)
        for c in h.commands
    }
    assert registered == {name for name, _ in MENU}


async def test_command_matrix_for_every_role(world):
    """Each (role, command) pair in its own chat, so every reply is attributed without doubt."""
    lb, w = world
    chats: dict[tuple[Role, str], int] = {}
    async with lb.db.tx() as conn:
        for r, role in enumerate(Role):
            for c, (name, _) in enumerate(MENU):
                uid = 5_000_000 + r * 100 + c
                linked = w.inspector_rows["张三"] if role is Role.INSPECTOR else None
                await create_user(
                    conn, lb.bureau_id, uid, f"{role.value}-{name}", [role], inspector_id=linked
                )
                chats[(role, name)] = uid
    users = {key: lb.emu.user(uid, f"{key[0].value}-{key[1]}") for key, uid in chats.items()}
    for (_, name), user in users.items():
        await user.send(f"/{name}")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline and not all(u.messages for u in users.values()):
        await asyncio.sleep(0.2)
    await asyncio.sleep(3.0)  # let slow handlers finish their last message
    problems = []
    for (role, name), user in users.items():
        allowed = dict(MENU)[name]
        texts = [m.text or m.caption or "" for m in user.messages]
        refused = any(REFUSED in t for t in texts)
        may = not allowed or role in allowed
        if may and (refused or not texts):
            problems.append(f"{role.value} /{name}: allowed but got {texts!r}")
        if not may and (not refused or len(texts) != 1):
            problems.append(f"{role.value} /{name}: not allowed but got {texts!r}")
    assert not problems, "\n".join(problems)


async def test_stranger_gets_one_refusal_for_everything(world):
    lb, _ = world
    stranger = lb.emu.user(900001, "陌生人")
    first = await exchange(stranger, "你好")
    assert len(first) == 1 and "仅供本局工作人员使用" in first[0]
    for name, _ in MENU:
        if name != "start":  # /start CODE is how strangers join: a bad code is answered
            await stranger.send(f"/{name} 2026Q1")
    await stranger.send("我想知道名单")
    await asyncio.sleep(2.0)
    assert [m.text for m in stranger.messages][1:] == []
    reply = await exchange(stranger, "/start 2026Q1")
    assert reply == ["邀请码无效。请向管理员重新索取邀请链接。"]


async def _counts(lb: LocalBot) -> dict[str, int]:
    out = {}
    async with lb.db.read() as conn:
        for table in WATCHED:
            async with conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ) as cur:
                if not await cur.fetchone():
                    continue
            async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
                out[table] = (await cur.fetchone())[0]
    return out


async def test_forged_buttons_change_nothing_and_leak_nothing(world):
    lb, w = world
    v = w.visit
    outsider = lb.emu.user(300004, "赵六")  # an inspector, not on the visit
    coordinator = lb.emu.user(200001, "综合")
    await exchange(outsider, "/whoami")
    await exchange(coordinator, "/whoami")
    before = await _counts(lb)
    visit_buttons = [
        f"go:{v}",
        f"ci:{v}",
        f"q:{v}:0:0",
        f"q:{v}:0:yes",
        f"qb:{v}:1",
        f"qv:{v}",
        f"qg:{v}",
        f"sb:{v}:go",
        f"sb:{v}:ok",
        f"tk:{v}",
        f"rx:{v}",
        f"co:q:{v}",
        f"rpl:v:{v}",
        f"rpl:r:{v}:健康",
    ]
    privileged = [
        "co:a:1",
        "co:x:1",
        "rf:c:1",
        "rf:x:1",
        "drw:ok:2026Q1:0000000000000000",
        "dcx:ok:1",
        "rpl:ok:1",
        "rpl:no:1",
        "imp:entities:1",
    ]
    entity = w.entities[0].name
    for data in visit_buttons + privileged:
        await outsider.press_data(data)
        await asyncio.sleep(0.15)
    for data in ["rpl:ok:1", "co:a:1", f"sb:{v}:ok", f"q:{v}:0:yes"]:
        await coordinator.press_data(data)
        await asyncio.sleep(0.15)
    await asyncio.sleep(1.5)
    assert await _counts(lb) == before
    leaked = [m.text for m in outsider.messages if entity in (m.text or "")]
    assert not leaked, leaked
    lead = lb.emu.user(300001, "张三")  # control: the same button from the lead does change state
    got = await exchange(lead, "/whoami")
    assert got, lb.emu.render_transcript(300001)
    await lead.press_data(f"go:{v}")
    await asyncio.sleep(1.5)
    changed = {k for k, n in (await _counts(lb)).items() if n != before[k]}
    assert "checklist_sessions" in changed or "inspection_checklists" in changed, changed
