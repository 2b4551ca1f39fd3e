"""End to end (issue 5): the real bot over HTTP against the emulator. An inspector checks in,
answers the checklist with a photo and a location, the bot restarts mid-way and the inspector
carries on at the same question, submits; a correction is requested and approved (version 2,
version 1 kept); the finding's rectification is evidenced and closed. Bad input on the way
(text for a number, a sticker, an unsupported file, a very large file, an old button, another
inspector's visit id) gets a short answer and changes nothing."""

from __future__ import annotations

import pytest

from bot.harness import TOKEN, LocalBot
from bot.settings import load_settings
from storage import audit
from storage.answers import answers_of
from storage.records import versions_of
from storage.rectifications import open_rectification_stable_ids
from tests.e2e_helpers import ADMIN, bind
from tests.inspection_world import ITEMS_FILE, JPEG, STAFF, make_world, new_visit

WAIT = 15.0


@pytest.fixture
async def lb(tmp_path):
    settings = load_settings(
        bot_token=TOKEN,
        database_path=tmp_path / "bot.db",
        admin_ids=[ADMIN],
        items_file=ITEMS_FILE,
        evidence_dir=tmp_path / "evidence",
    )
    async with LocalBot(settings.database_path, settings=settings) as bot:
        yield bot


async def reply(u, contains: str):  # noqa: ANN001, ANN201
    """The bot's next message or edit in u's chat containing `contains`."""
    return await u.wait_reply(timeout=WAIT, contains=contains, wait_edit=True)


async def test_inspection_from_check_in_to_closed_rectification(lb, tmp_path):
    world = await make_world(lb.db, bureau_id=lb.bureau_id, accounts=False)
    zhang = await bind(lb, 300101, "张三", f"inspector 张三 {STAFF['张三'][1]}")
    wang = await bind(lb, 300103, "王五", f"inspector 王五 {STAFF['王五'][1]}")
    manager = await bind(lb, 400101, "赵局", "manager 赵局")
    coord = await bind(lb, 200101, "王综合", "coordinator 王综合")
    iid = await new_visit(lb.db, world, members=("李四",))
    entity = world.entities[0].name

    # /tasks, the card with its map link, check-in with the location button
    await zhang.send("/tasks")
    listing = await reply(zhang, entity)
    assert f"#{iid} {entity}" in listing.text and "待检查" in listing.text
    await zhang.tap(f"#{iid} {entity}"[:24])
    card = await reply(zhang, "检查对象")
    assert "openstreetmap.org" in card.text and "张三（主办" in card.text
    await zhang.tap("📍 签到")
    await reply(zhang, "发送当前位置")
    assert zhang.reply_keyboard == [["📍 发送当前位置"]]
    await zhang.share_location(40.1895, 117.9659)
    q = await reply(zhang, "已签到")  # the confirmation heads the first question
    assert "距登记位置" in q.text and "米" in q.text and "第 1/9 题" in q.text
    assert "是否依法取得排污许可证" in q.text and "依据：《排污许可管理条例》第二条" in q.text

    # buttons, a follow-up, a photo, an unsupported file, a very large file
    await zhang.tap("是")
    await reply(zhang, "第 2/9 题")
    await zhang.tap("不适用")
    await reply(zhang, "第 3/9 题")
    await zhang.tap("未运行")
    await reply(zhang, "第 4/10 题")  # the photo follow-up joined
    await zhang.send_document(b"MZ\x90\x00", filename="setup.exe")
    assert "不支持的文件类型" in (await reply(zhang, "setup.exe")).text
    await zhang.send_document(b"\0" * (21 * 1024 * 1024), filename="big.pdf")
    assert "上限为 20 MB" in (await reply(zhang, "文件过大")).text
    await zhang.send_photo(JPEG)
    await reply(zhang, "已保存照片（共 1 张")
    await zhang.tap("下一题 ▶")
    before_restart = await reply(zhang, "第 5/10 题")

    # the bot restarts; /tasks resumes at the same question
    await lb.restart()
    await zhang.send(f"/tasks {iid}")
    await reply(zhang, "进度：你负责的 10 题已答 4 题")
    await zhang.tap("▶ 继续检查")
    resumed = await reply(zhang, "第 5/10 题")
    assert "逃避监管" in resumed.text and resumed.message_id != before_restart.message_id
    await zhang.tap("否", message_id=resumed.message_id)
    await reply(zhang, "第 6/10 题")
    await zhang.tap("否", message_id=before_restart.message_id)  # the same question, old copy
    assert "按钮已过期" in (await reply(zhang, "按钮已过期")).text
    await zhang.tap("非应急期间")
    await reply(zhang, "第 7/10 题")
    await zhang.send("三十五")
    assert "请输入数字" in (await reply(zhang, "请输入数字，例如")).text
    await zhang.send_sticker()
    await reply(zhang, "贴纸不能作为答案")
    await zhang.send("35.2")
    await reply(zhang, "第 8/10 题")
    await zhang.share_location(40.1893, 117.9658)
    await reply(zhang, "第 9/10 题")
    await zhang.tap("跳过")
    await reply(zhang, "第 10/10 题")
    await zhang.send("设施停运，已责令立即恢复运行")
    summary = await reply(zhang, "📋 汇总")
    assert "⚠️ 污染防治设施运行状况 — 未运行（张三）" in summary.text
    async with lb.db.read() as conn:
        stored = await answers_of(conn, iid)
    assert stored["site-check/evasion"].value == "no" and stored["site-check/evasion"].revision == 1

    # someone else's visit, typed by hand
    await wang.send(f"/tasks {iid}")
    assert "找不到编号为" in (await reply(wang, str(iid))).text

    # submission: representative, result, confirmation; the printable record follows
    await zhang.tap("✅ 提交")
    await reply(zhang, "姓名")
    await zhang.send("刘厂长")
    await reply(zhang, "职务")
    await zhang.send("副总经理")
    await reply(zhang, "请选择检查结果")
    await zhang.tap("发现问题已责令整改")
    await reply(zhang, "请确认提交")
    await zhang.tap("✅ 确认提交")
    done = await reply(zhang, "检查记录已提交")  # the printable record, with this caption
    assert "第 1 版" in done.text and "已开具整改单" in done.text
    name, html = done.document
    assert name == f"record-{iid}-v1.html" and "data:image/jpeg;base64," in html.decode()

    # correction: asked with a reason, approved by the manager, version 2 written
    await zhang.send(f"/tasks {iid}")
    await reply(zhang, "第 1 版")
    await zhang.tap("✏️ 申请更正")
    await reply(zhang, "理由")
    await zhang.send("现场抽测浓度录入有误，应为 53")
    await reply(zhang, "等待分管负责人审批")
    ask = await reply(manager, "申请更正")
    assert "应为 53" in ask.text
    await manager.tap("✅ 批准")
    await reply(manager, "已批准")
    await reply(zhang, "批准了你")
    await zhang.tap("✏️ 开始更正")
    summary = await reply(zhang, "更正中")
    await zhang.tap("✏️7")
    await reply(zhang, "现场抽测排放浓度")
    await zhang.send("53")
    await reply(zhang, "发现问题 2 项")
    await zhang.tap("✅ 提交")
    await reply(zhang, "请选择检查结果")
    await zhang.tap("发现问题已责令整改")
    await reply(zhang, "请确认提交")
    await zhang.tap("✅ 确认提交")
    assert "第 2 版" in (await reply(zhang, "检查记录已提交")).text
    async with lb.db.read() as conn:
        v1, v2 = await versions_of(conn, iid)
        assert v2.supersedes_version == 1 and "应为 53" in v2.reason
        assert v1.representative_name == v2.representative_name == "刘厂长"
        assert world.entities[0].stable_id in await open_rectification_stable_ids(
            conn, world.bureau_id
        )

    # the rectification: evidence uploaded in chat, sent for review, closed by the coordinator
    await reply(coord, "新整改单")
    await zhang.send("/rectifications")
    await reply(zhang, "整改中")
    await zhang.tap("📎 上传整改材料")
    await reply(zhang, "整改材料")
    await zhang.send_document(b"%PDF-1.4 fixed\n", filename="整改报告.pdf")
    await reply(zhang, "已保存整改材料")
    await zhang.tap("📤 提交审核")
    await reply(zhang, "已提交审核")
    await reply(coord, "请审核")
    await coord.tap("✅ 销号")
    await reply(coord, "已销号")
    await reply(zhang, "已销号")
    async with lb.db.read() as conn:
        assert not await open_rectification_stable_ids(conn, world.bureau_id)
        assert await audit.verify(conn) == []
        async with conn.execute("SELECT action FROM audit_log ORDER BY id") as cur:
            actions = [r[0] for r in await cur.fetchall()]
    for action in (
        "record.submitted",
        "correction.requested",
        "correction.approved",
        "rectification.opened",
        "rectification.submitted",
        "rectification.closed",
    ):
        assert action in actions, action
