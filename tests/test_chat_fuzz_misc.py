"""Random chat input around the one-step commands (issue 8.6), property-based: /publish (sent
twice, and again after garbage), a registry file sent in chat (garbage files with random names,
types and captions, then a real one whose kind button is tapped twice), /lang (tapped twice,
forged codes), /plan, and an inspector's /tasks and /deadlines. Every input is answered, no
handler fails, and nothing changes that no legitimate action changed: one publication, one
import, the language the person chose."""

from __future__ import annotations

from hypothesis import example, given

from bot.domain.models import Role
from bot.harness import LocalBot
from storage.inspectors import list_inspectors
from storage.users import create_user
from tests import publish_world as pw
from tests.chat_fuzz_kit import (
    FUZZ,
    WAIT,
    Person,
    changed,
    check_session,
    counts,
    drain,
    fuzz_settings,
    plan,
    sound,
    sweep,
    twice,
)
from tests.draw_helpers import EXAMPLES

CHANNEL = -1009876543210
TABLES = ("entities", "inspectors", "publications", "disclosures", "inspection_records")
TABLES += ("inspections", "answers", "checklist_sessions", "draws", "users", "invites")
DATA = [  # forged and stale buttons of these commands
    "imp:entities:{other}", "imp:inspectors:²", "imp:", "imp:x", "imp:entities", "imp:x:1:2",
    "lang:xx", "lang:", "lang:zh-CN:x", "lang:EN", "tk:{visit}", "tk:²", "rx:{visit}",
    "rx:{visit}:²", "tk:99999999999999999999",
]  # fmt: skip
REGISTRY = EXAMPLES / "xushui-2020-entities.csv"


async def _people(lb: LocalBot) -> tuple[Person, Person]:
    """A coordinator (who may import) and 李四, an inspector on the world's visits."""
    async with lb.db.tx() as conn:
        await create_user(conn, lb.bureau_id, 200001, "王综合", [Role.COORDINATOR])
        li = {i.name: iid for iid, i in await list_inspectors(conn, lb.bureau_id)}["李四"]
        await create_user(conn, lb.bureau_id, 555002, "李四", [Role.INSPECTOR], inspector_id=li)
    coord = Person(lb.emu.user(200001, "王综合", started=True))
    return coord, Person(lb.emu.user(555002, "李四", started=True))


async def _session(tmp_path, mess) -> list[str]:  # noqa: ANN001
    items = tmp_path / "items.yaml"
    items.write_text(pw.ITEMS_YAML, encoding="utf-8")
    s = fuzz_settings(
        tmp_path, "misc", items_file=items, public_channel_id=CHANNEL,
        site_dir=tmp_path / "site", bureau_name="测试分局",
    )  # fmt: skip
    async with LocalBot(s.database_path, settings=s, paced=False) as lb:
        lb.app.bot_data["clock"] = lambda: pw.PUBLISH_AT
        channel = lb.emu.channel(CHANNEL, "测试分局信息公开")
        world = await pw.build(lb.db, s.bureau_code, s.bureau_name)
        coord, li = await _people(lb)
        fill = {"visit": world.visits["G3"], "other": 999}
        coord.fill = li.fill = fill
        problems: list[str] = []

        # /publish twice at once, garbage, /publish again: published once
        await coord.mess(mess[0])
        await coord.user.send("/publish")
        await coord.user.send("/publish")
        first = await coord.user.wait_reply(timeout=WAIT, contains="已公开")
        second = await coord.user.wait_reply(timeout=WAIT, contains="已公开")
        if "已公开 5 条" not in (first.text or "") or "已公开 0 条" not in (second.text or ""):
            problems.append(f"publish {first.text!r} then {second.text!r}")
        runs = await counts(lb.db, TABLES)
        await coord.mess(mess[1])
        await coord.say("/publish", "已公开 0 条")
        published = await counts(lb.db, TABLES)  # a run is logged; nothing else changes
        n = runs["publications"]
        if (diff := changed(runs, published)) != {"publications": (n, n + 1)}:
            problems.append(f"the third /publish changed {diff}")

        # a registry in chat: garbage files first, then a real one, its kind tapped twice
        await coord.mess(mess[2])
        await coord.settle()
        if diff := changed(published, await counts(lb.db, TABLES)):
            problems.append(f"the garbage changed {diff}")
        await coord.user.send_document(REGISTRY.read_bytes(), filename="名录.csv")
        await coord.user.wait_reply(timeout=WAIT, contains="是哪个名录")
        await twice(coord, await coord.user.tap("检查对象名录"))
        report = await coord.user.wait_reply(timeout=WAIT, contains="导入完成")
        summary = report.text.split("\n")[-1]
        imported = await counts(lb.db, TABLES)
        await coord.mess(mess[3])

        # /lang: forged codes, a double tap on English, back to Chinese
        await coord.mess(mess[4])
        await coord.say("/lang", "Choose a language")
        await twice(coord, await coord.user.tap("English"))
        await coord.user.wait_reply(timeout=WAIT, contains="English", wait_edit=True)
        await coord.mess(mess[5])
        await coord.say("/lang", "Choose a language")
        await coord.tap("简体中文", "已切换为简体中文")
        await coord.say("/plan 2026", "2026年度")

        # the inspector: /tasks, /deadlines and the card, with garbage between
        await li.mess(mess[6])
        listing = lambda: li.say("/tasks", "截止日期由近及远")  # noqa: E731
        task = (await listing()).buttons[0]
        await li.mess(mess[7])
        await li.say("/deadlines", "你的检查任务")
        await li.tap_or(task, listing)
        await li.user.wait_reply(timeout=WAIT, contains="检查对象")
        for person in (coord, li):
            await person.settle()
        after = await counts(lb.db, TABLES)
        if diff := changed(imported, after):
            problems.append(f"after the import: {diff}")
        async with lb.db.read() as conn, conn.execute("SELECT lang FROM users") as cur:
            langs = {r[0] for r in await cur.fetchall()}
        if langs != {"zh-CN"}:
            problems.append(f"languages {langs}")
        posts = [m for m in channel.messages if not m.deleted]
        if len(posts) != 1:
            problems.append(f"{len(posts)} posts in the channel")
        await drain(lb)
        return problems + await sound(lb) + ([] if "新增" in summary else [f"import {summary}"])


@FUZZ
@example(mess=sweep(8, DATA))
@given(mess=plan(8, DATA))
def test_random_input_around_publish_import_lang_plan_and_tasks(tmp_path, caplog, mess):
    check_session(caplog, _session(tmp_path, mess))
