"""End to end: the real Application polling the emulator over HTTP (issue 2's flows)."""

from __future__ import annotations

import pytest

from bot.domain.models import Inspector
from bot.harness import LocalBot
from storage.inspectors import upsert_inspectors
from tests.e2e_helpers import ADMIN, bind, invite

ENTITY_HEADER = (
    "统一社会信用代码,对象编号,名称,对象类型,地址,所属区域,行业代码,监管类别,排污许可管理类别,"
    "信用评价,正面清单,标签,状态,状态原因,状态决定人,纬度,经度,最近违法日期,核实投诉次数,挂牌督办"
)
GOOD_ROW = (
    "91350100M000100Y43,,甲化工有限公司,企业,徐水区一路1号,安肃镇,2611,重点,重点管理,,否,,在产,,,,,,0,否"
)
BAD_ROW = "91350100M000100Y44,,乙厂,企业,,安肃镇,2611,特级,,,否,,在产,,,,,,0,否"


@pytest.fixture
async def lb(tmp_path):
    async with LocalBot(tmp_path / "bot.db", admin_ids=(ADMIN,)) as bot:
        async with bot.db.tx() as conn:
            await upsert_inspectors(
                conn,
                bot.bureau_id,
                [Inspector(name="张三", department="一中队", certificate_no="C001")],
            )
        yield bot


async def _count(lb: LocalBot, table: str) -> int:
    async with lb.db.read() as conn, conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        return (await cur.fetchone())[0]


async def test_stranger_gets_one_polite_refusal_and_nothing_else(lb):
    stranger = lb.emu.user(900001, "陌生人")
    await stranger.send("你好")
    reply = await stranger.wait_reply()
    assert "仅供本局工作人员使用" in reply.text
    await stranger.send("/help")
    await stranger.send("/invite admin 我")
    with pytest.raises(TimeoutError):
        await stranger.wait_reply(timeout=1.5)
    assert await _count(lb, "users") == 1  # only the configured admin


async def test_invites_bind_roles_and_set_menus(lb):
    coord = await bind(lb, 200001, "王综合", "coordinator 王综合")
    insp = await bind(lb, 300001, "张三", "inspector 张三 C001")
    await insp.send("/whoami")
    assert "一中队" in (await insp.wait_reply()).text
    menu = [c["command"] for c in lb.emu.commands(scope={"type": "chat", "chat_id": 200001})]
    assert "import" in menu and "invite" not in menu
    menu = [c["command"] for c in lb.emu.commands(scope={"type": "chat", "chat_id": 300001})]
    assert "import" not in menu
    await insp.send("/invite admin 李四")
    assert "没有权限" in (await insp.wait_reply()).text
    assert coord is not None


async def test_used_invite_is_refused(lb):
    code = await invite(lb, "manager 赵经理")
    first = lb.emu.user(400001, "赵经理")
    await first.send(f"/start {code}")
    await first.wait_reply(contains="赵经理")
    second = lb.emu.user(400002, "冒用者")
    await second.send(f"/start {code}")
    assert "已被使用" in (await second.wait_reply()).text


async def test_lang_switches_text_and_menu(lb):
    insp = await bind(lb, 300002, "张三", "inspector 张三 C001")
    await insp.send("/lang")
    await insp.wait_reply(contains="Choose")
    await insp.tap("English")
    await insp.send("/help")
    assert (await insp.wait_reply()).text.startswith("Commands:")
    menu = lb.emu.commands(scope={"type": "chat", "chat_id": 300002})
    assert any(c["description"] == "Switch language" for c in menu)


async def test_bad_workbook_rejected_with_rows_and_nothing_written(lb, tmp_path):
    coord = await bind(lb, 200002, "王综合", "coordinator 王综合")
    bad = f"{ENTITY_HEADER}\n{GOOD_ROW}\n{BAD_ROW}\n".encode()
    await coord.send_document(bad, filename="名录.csv", mime_type="text/csv")
    await coord.wait_reply(contains="名录.csv")
    await coord.tap("检查对象名录")
    report = await coord.wait_reply(timeout=10, contains="失败")
    assert "名录.csv 第 3 行「统一社会信用代码」" in report.text
    assert "第 3 行「监管类别」" in report.text and "第 2 行" not in report.text
    assert await _count(lb, "entities") == 0
    good = f"{ENTITY_HEADER}\n{GOOD_ROW}\n".encode()
    await coord.send_document(good, filename="名录2.csv", mime_type="text/csv", caption="检查对象")
    report = await coord.wait_reply(timeout=10, contains="导入完成")
    assert "新增 1，更新 0，未变 0" in report.text
    assert await _count(lb, "entities") == 1
