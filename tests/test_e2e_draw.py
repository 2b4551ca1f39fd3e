"""End to end: /draw with preview and confirm, private announcements, refusals, and a replacement
approved by a manager, through the real Application polling the emulator."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.draw import verify
from bot.domain.draw.transcript import loads
from bot.domain.models import Role
from bot.domain.periods import Period
from bot.harness import TOKEN, LocalBot
from bot.services.draw_reveal import export_transcript, reveal_secret
from bot.services.draws import env_from_settings
from bot.services.registry_io import import_registry
from bot.settings import load_settings
from handlers import approvals
from storage.inspectors import list_inspectors
from storage.users import create_user
from tests.draw_helpers import EXAMPLES, visits_of
from tests.e2e_helpers import ADMIN, bind

CHANNEL = -100123
# The bot's clock in these tests (bot_data["clock"], read by /draw for its default period and
# by the draw for due dates), so that the quarter /draw picks does not move with the real date.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def set_clock(bot: LocalBot) -> None:
    """Give the running application the tests' clock (again after each restart: the
    application, and its bot_data, are built anew)."""
    bot.app.bot_data["clock"] = lambda: NOW


@pytest.fixture
async def lb(tmp_path):
    settings = load_settings(
        bot_token=TOKEN,
        database_path=tmp_path / "bot.db",
        admin_ids=[ADMIN],
        items_file=EXAMPLES / "xushui-2020.yaml",
        public_channel_id=CHANNEL,
    )
    async with LocalBot(settings.database_path, settings=settings) as bot:
        set_clock(bot)
        bot.emu.channel(CHANNEL, "信息公开")
        for kind in ("entities", "inspectors"):
            report = await import_registry(
                bot.db, bot.bureau_id, kind, EXAMPLES / f"xushui-2020-{kind}.csv"
            )
            assert report.ok
        yield bot


async def _bind_all_inspectors(lb: LocalBot, skip: str) -> dict[int, int]:
    """Every other inspector bound straight in the database; inspector id -> telegram id."""
    out = {}
    async with lb.db.tx() as conn:
        for n, (iid, ins) in enumerate(await list_inspectors(conn, lb.bureau_id)):
            if ins.key != skip:
                await create_user(
                    conn, lb.bureau_id, 700000 + n, ins.name, [Role.INSPECTOR], inspector_id=iid
                )
                out[iid] = 700000 + n
                lb.emu.user(700000 + n, ins.name, started=True)
    return out


async def test_draw_preview_confirm_announce_and_replace(lb):
    coord = await bind(lb, 200001, "王综合", "coordinator 王综合")
    manager = await bind(lb, 300001, "赵局", "manager 赵局")
    zhong = await bind(lb, 400001, "钟刚", "inspector 钟刚 13060920200001")
    others = await _bind_all_inspectors(lb, "13060920200001")

    stranger = lb.emu.user(900001, "陌生人")
    await stranger.send("/draw")
    assert "仅供本局工作人员使用" in (await stranger.wait_reply()).text
    await zhong.send("/draw")
    assert "没有权限" in (await zhong.wait_reply()).text

    await coord.send("/draw")  # the quarter after NOW's (the bot's clock): 2027Q1
    shown = await coord.wait_reply(contains="摇号预览")
    assert "2027年第一季度" in shown.text and "✅ 可行" in shown.text
    await coord.tap("确认摇号")
    done = await coord.wait_reply(contains="摇号完成", timeout=15)
    assert "承诺哈希" in done.text
    listing = await coord.wait_reply(contains="随机抽查名单", timeout=10)
    assert listing.document and listing.document[0].endswith(".xlsx")
    assert "承诺哈希" in (await lb.emu.chat(CHANNEL).wait_reply(contains="摇号承诺")).text

    mine = await zhong.wait_reply(contains="随机抽查任务", timeout=10)
    async with lb.db.read() as conn:
        row = await (await conn.execute("SELECT id FROM draws")).fetchone()
    visits = await visits_of(lb.db, row[0])
    async with lb.db.read() as conn:
        zhong_id = (
            await (
                await conn.execute("SELECT id FROM inspectors WHERE key = '13060920200001'")
            ).fetchone()
        )[0]
    own = [sid for _, sid, team in visits if zhong_id in {i for i, _ in team}]
    assert own and all(sid in mine.text for sid in own)
    other_id, other_chat = next(iter(others.items()))
    theirs = lb.emu.chat(other_chat)
    text = (await theirs.wait_reply(contains="随机抽查任务", timeout=10)).text
    for _, sid, team in visits:
        ids = {i for i, _ in team}
        assert (sid in text) == (other_id in ids)
        assert (sid in mine.text) == (zhong_id in ids)

    await zhong.send("/replace")
    await zhong.wait_reply(contains="请选择需要更换")
    first = zhong.last_message.buttons[0]
    await zhong.tap(first)
    await zhong.wait_reply(contains="原因")
    await zhong.tap("健康")
    await zhong.wait_reply(contains="已提交更换申请")
    await manager.wait_reply(contains="申请退出", timeout=10)
    await manager.tap("批准")
    approved = await manager.wait_reply(contains="已批准", timeout=10)
    new_name = approved.text.rsplit("更换为 ", 1)[1].rstrip("。")
    assert "接替" in (await zhong.wait_reply(contains="接替", timeout=10)).text
    async with lb.db.read() as conn:
        new_id = (
            await (
                await conn.execute("SELECT id FROM inspectors WHERE name = ?", (new_name,))
            ).fetchone()
        )[0]
    told = await lb.emu.chat(others[new_id]).wait_reply(contains="你被选定接替", timeout=10)
    assert "钟刚" in told.text


async def test_targeted_draw_from_chat_survives_a_restart_and_verifies(lb, tmp_path):
    coord = await bind(lb, 200002, "李综合", "coordinator 李综合")

    async def draws() -> list[tuple]:
        async with lb.db.read() as conn:
            found = await conn.execute("SELECT period, status, target_json FROM draws")
            return [tuple(r) for r in await found.fetchall()]

    await coord.send("/draw 2027Q1 colour=red")  # a malformed target is named; nothing changes
    bad = await coord.wait_reply(contains="定向抽查条件有误")
    assert "colour" in bad.text and "region" in bad.text and not bad.buttons
    await coord.send("/draw 2027Q1 region")
    assert "「region」" in (await coord.wait_reply(contains="定向抽查条件有误")).text
    await coord.send("/draw 2027Q1 region=不存在镇")  # well formed, matches nobody: no button
    empty = await coord.wait_reply(contains="摇号预览")
    assert "region=不存在镇" in empty.text and "没有匹配到任何可抽对象" in empty.text
    assert "确认摇号" not in empty.buttons
    assert await draws() == []

    # Chinese comma with a space after it, and a tag condition
    await coord.send("/draw 2027Q1 region=漕河镇， 瀑河乡 tag:排放类型=废水")
    shown = await coord.wait_reply(contains="摇号预览")
    by = "region=漕河镇,瀑河乡; tag:排放类型=废水"
    assert f"定向抽查：{by}" in shown.text and "✅ 可行" in shown.text
    data = shown.button("确认摇号")["callback_data"]
    assert len(data.encode()) <= 64 and "漕河镇" not in data  # the button carries no target
    await lb.restart()  # the target is looked up in the database by the preview's token
    set_clock(lb)
    await coord.tap("确认摇号")
    done = await coord.wait_reply(contains="摇号完成", timeout=15)
    assert f"定向抽查：{by}" in done.text
    [(period, status, target)] = await draws()
    assert (period, status) == ("2027Q1", "drawn")
    assert json.loads(target) == {"region": ["漕河镇", "瀑河乡"], "tag:排放类型": ["废水"]}
    async with lb.db.read() as conn:
        found = await conn.execute(
            "SELECT e.region, e.tags_json FROM inspections i JOIN entities e ON e.id = i.entity_id"
        )
        visited = [tuple(r) for r in await found.fetchall()]
    assert visited and all(
        region in ("漕河镇", "瀑河乡") and json.loads(tags).get("排放类型") == "废水"
        for region, tags in visited
    )

    env = replace(env_from_settings(lb.settings), files_dir=tmp_path / "draws")
    q1 = Period.parse("2027Q1")
    await reveal_secret(lb.db, lb.bureau_id, q1, "test", env, today=date(2027, 4, 1))
    transcript = loads(await export_transcript(lb.db, lb.bureau_id, q1))
    assert verify(transcript).exit_code == 0
    targets = {
        json.dumps(g["target"], ensure_ascii=False, sort_keys=True)
        for item in transcript["snapshot"]["items"]
        for g in item["groups"]
    }
    assert targets == {json.dumps(json.loads(target), ensure_ascii=False, sort_keys=True)}


async def _requests(db) -> list[tuple]:  # noqa: ANN001
    async with db.read() as conn:
        found = await conn.execute("SELECT id, kind, status FROM draw_requests ORDER BY id")
        return [tuple(r) for r in await found.fetchall()]


async def _ask_replacement(user) -> None:  # noqa: ANN001
    """/replace on the inspector's first open visit, for health reasons."""
    await user.send("/replace")
    await user.wait_reply(contains="请选择需要更换")
    await user.tap(user.last_message.buttons[0])
    await user.wait_reply(contains="原因")
    await user.tap("健康")
    await user.wait_reply(contains="已提交更换申请")


async def test_requests_lists_what_awaits_a_manager_and_decides_like_the_notice(lb, monkeypatch):
    """/requests (待审批): a replacement whose notice lost its buttons is found and approved from
    the list; the list's buttons are refused once decided, as the notice's are; a cancellation
    is approved from the list; a request that can no longer be decided is left out."""
    coord = await bind(lb, 200001, "王综合", "coordinator 王综合")
    manager = await bind(lb, 300001, "赵局", "manager 赵局")
    zhong = await bind(lb, 400001, "钟刚", "inspector 钟刚 13060920200001")
    others = await _bind_all_inspectors(lb, "13060920200001")

    def menu(chat: int) -> list[str]:
        return [c["command"] for c in lb.emu.commands(scope={"type": "chat", "chat_id": chat})]

    assert "requests" in menu(manager.id) and "requests" not in menu(coord.id)
    await manager.send("/requests")
    assert (await manager.wait_reply()).text == "没有待审批的更换人员或撤销摇号申请。"
    for someone in (coord, zhong):
        await someone.send("/requests")
        assert "没有权限" in (await someone.wait_reply()).text

    await coord.send("/draw")
    await coord.wait_reply(contains="摇号预览")
    await coord.tap("确认摇号")
    await coord.wait_reply(contains="摇号完成", timeout=15)
    await zhong.wait_reply(contains="随机抽查任务", timeout=10)

    await _ask_replacement(zhong)
    notice = await manager.wait_reply(contains="申请退出", timeout=10)
    assert notice.buttons == ["批准", "驳回"]
    await lb.app.bot.edit_message_reply_markup(manager.id, notice.message_id, reply_markup=None)
    assert notice.buttons == []  # the notice's buttons are gone
    await coord.send("/cancel_draw 2027Q1 名录导入有误")
    await coord.wait_reply(contains="已提交撤销")
    cancel_notice = await manager.wait_reply(contains="申请撤销", timeout=10)
    [(replace_id, *_), (cancel_id, *_)] = await _requests(lb.db)

    await manager.send("/requests")
    assert "待审批的申请 2 项" in (await manager.wait_reply(timeout=10)).text
    listed = await manager.wait_reply(contains="申请退出", timeout=10)  # the older one first
    made = r"提交于 \d{4}-\d\d-\d\d \d\d:\d\d"
    assert re.match(rf"📋 申请 #{replace_id}，{made}\n🔁 钟刚 申请退出", listed.text)
    assert "原因：健康" in listed.text and "2027年第一季度" in listed.text
    assert [b["callback_data"] for b in map(listed.button, ("批准", "驳回"))] == [
        f"rpl:ok:{replace_id}",
        f"rpl:no:{replace_id}",
    ]  # the notice's buttons, taken by the notice's handler
    cancel_listed = await manager.wait_reply(contains="申请撤销", timeout=10)
    assert re.match(rf"📋 申请 #{cancel_id}，{made}\n🛑 王综合 申请撤销", cancel_listed.text)
    assert "理由：名录导入有误" in cancel_listed.text and "（第 1 号）" in cancel_listed.text
    assert cancel_listed.buttons == ["批准", "驳回"]

    await manager.tap("批准", message_id=listed.message_id)
    assert "更换为" in (await manager.wait_reply(contains="已批准", timeout=10)).text
    assert "已获批准" in (await zhong.wait_reply(contains="已获批准", timeout=10)).text
    assert listed.buttons == []  # taken off the list's message, as off a notice
    await manager.press_data(f"rpl:ok:{replace_id}", message_id=listed.message_id)  # again
    assert (await manager.wait_reply(timeout=10)).text == "该申请已经处理过了。"

    # another inspector asks to leave; the list now holds the cancellation and that request,
    # shown one at a time here (ten in the bot) with a note for the rest
    visits = await visits_of(lb.db, 1)
    other_id = next(i for _, _, team in visits for i, _ in team if i in others)
    other = lb.emu.chat(others[other_id])
    await _ask_replacement(other)
    await manager.wait_reply(contains="申请退出", timeout=10)
    monkeypatch.setattr(approvals, "SHOWN", 1)
    await manager.send("/requests")
    assert "待审批的申请 2 项" in (await manager.wait_reply(timeout=10)).text
    cancel_listed = await manager.wait_reply(contains=f"申请 #{cancel_id}", timeout=10)
    more = await manager.wait_reply(timeout=10)
    assert more.text == "另有 1 项未列出；处理以上申请后再发送 /requests 查看。"
    await manager.tap("批准", message_id=cancel_listed.message_id)
    assert "摇号已撤销" in (await manager.wait_reply(contains="已批准", timeout=10)).text
    assert "已批准撤销" in (await coord.wait_reply(contains="已批准撤销", timeout=10)).text

    # the other inspector's visit was cancelled with the draw: their request was closed with it
    # (rejected by the approving manager), so the list leaves it out
    statuses = [status for _, _, status in await _requests(lb.db)]
    assert statuses == ["approved", "approved", "rejected"]
    await manager.send("/requests")
    assert (await manager.wait_reply()).text == "没有待审批的更换人员或撤销摇号申请。"
    await manager.tap("驳回", message_id=cancel_notice.message_id)  # the notice, decided
    assert (await manager.wait_reply(timeout=10)).text == "该申请已经处理过了。"
    async with lb.db.read() as conn:
        found = await conn.execute("SELECT status FROM draws")
        assert [r[0] for r in await found.fetchall()] == ["cancelled"]
