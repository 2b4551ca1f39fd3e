"""End to end: /publish to the public channel, /progress (PNG), /reports (XLSX) and /withhold,
the real bot polling the emulator over HTTP, on the hand-built bureau of publish_world."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot.harness import LocalBot
from bot.settings import load_settings
from tests import publish_world as w
from tests.e2e_helpers import ADMIN, bind

CHANNEL = -1009876543210


@pytest.fixture
async def lb(tmp_path):
    items = tmp_path / "items.yaml"
    items.write_text(w.ITEMS_YAML, encoding="utf-8")
    settings = load_settings(
        bot_token="123456:EMULATOR-TOKEN",
        database_path=tmp_path / "bot.db",
        admin_ids=[ADMIN],
        items_file=items,
        public_channel_id=CHANNEL,
        site_dir=tmp_path / "site",
        bureau_name="测试分局",
    )
    async with LocalBot(settings.database_path, settings=settings) as bot:
        bot.app.bot_data["clock"] = lambda: w.PUBLISH_AT
        bot.world = await w.build(bot.db, settings.bureau_code, settings.bureau_name)
        yield bot


async def test_publish_posts_to_the_channel_without_confidential_records(lb, tmp_path):
    channel = lb.emu.channel(CHANNEL, "测试分局信息公开")
    coord = await bind(lb, 200001, "王综合", "coordinator 王综合")
    await coord.send("/publish")
    reply = await coord.wait_reply(timeout=15, contains="已公开")
    assert "已公开 5 条检查结果；依法不予公开 2 条（国家秘密 1 条，商业秘密 1 条）" in reply.text
    assert "超过公开时限的 4 条" in reply.text and "已发布到公开频道" in reply.text
    assert str(tmp_path / "site" / "index.html") in reply.text
    post = await channel.wait_post(timeout=10, contains="抽查结果公示")
    world = lb.world
    for label in ("K1", "K2", "G1", "G2", "G5"):
        assert w.entity_name(label) in post.text
    for secret in (w.entity_name("K3"), world.codes["K3"], w.entity_name("G4"),
                   world.codes["G4"], "辐射"):  # fmt: skip
        assert secret not in post.text
    assert "另有 2 条检查结果依法不予公开（国家秘密 1 条，商业秘密 1 条）。" in post.text
    html = (tmp_path / "site" / "results-2026Q3.html").read_text(encoding="utf-8")
    assert w.entity_name("G1") in html and w.entity_name("G4") not in html
    await coord.send("/publish")
    again = await coord.wait_reply(timeout=15, contains="已公开")
    assert "已公开 0 条" in again.text and "没有新的结果" in again.text
    assert len([m for m in channel.messages if not m.deleted]) == 1


async def test_progress_sends_a_png_and_the_figures(lb):
    manager = await bind(lb, 300001, "赵局", "manager 赵局")
    await manager.send("/progress 2026Q3")
    photo = await manager.wait_reply(timeout=20)
    assert photo.kind == "photo" and photo.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert "2026Q3" in photo.text
    table = await manager.wait_reply(timeout=10)
    key_line = "✅ 重点监管对象（污染源日常监管随机抽查）2026Q3：已检查 2/4（50.0%），最低 2"
    assert key_line in table.text
    assert "• 内部联合抽查占比：28.6%（2/7），目标不低于 35.0%，未达标" in table.text
    assert "• 任务完成率：87.5%（7/8）" in table.text
    await manager.send("/progress 2026-13")
    assert "用法" in (await manager.wait_reply()).text


async def test_reports_sends_the_quarterly_workbook(lb):
    coord = await bind(lb, 200002, "王综合", "coordinator 王综合")
    await coord.send("/reports 2026Q3")
    doc = await coord.wait_reply(timeout=20)
    name, data = doc.document
    assert name == "2026Q3季度报表.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["季度报表", "检查结果明细"]
    assert wb["季度报表"]["A1"].value.startswith("测试分局2026年第三季度")
    await coord.send("/reports 2026H2")
    assert "没有对应的报表" in (await coord.wait_reply()).text


async def test_withhold_marks_a_record_and_inspectors_cannot_publish(lb):
    coord = await bind(lb, 200003, "王综合", "coordinator 王综合")
    visit = lb.world.visits["K1"]
    await coord.send(f"/withhold {visit} 个人隐私 个体工商户")
    assert (
        f"检查任务 #{visit} 的检查记录已标记为不予公开（个人隐私）"
        in (await coord.wait_reply()).text
    )
    await coord.send("/withhold 1")
    assert "用法" in (await coord.wait_reply()).text
    insp = await bind(lb, 400001, "张三", "inspector 张三 C001")
    await insp.send("/publish")
    assert "没有权限" in (await insp.wait_reply()).text


async def test_publish_again_after_a_correction_posts_the_corrected_result(lb, tmp_path):
    """G5 (site + the confidential radiation item) corrected after publication: /publish posts
    its current version under 【更正】, still without the radiation item."""
    from datetime import timedelta

    from bot.services.publication import on_record_corrected

    channel = lb.emu.channel(CHANNEL, "测试分局信息公开")
    coord = await bind(lb, 200004, "王综合", "coordinator 王综合")
    await coord.send("/publish")
    await coord.wait_reply(timeout=15, contains="已公开")
    await channel.wait_post(timeout=10, contains="抽查结果公示")
    g5 = lb.world.visits["G5"]
    async with lb.db.tx() as conn:  # version 2 as a re-submission after approval writes it
        await conn.execute(
            "INSERT INTO inspection_records (inspection_id, version, checklist_digest,"
            " answers_json, findings_json, checkins_json, result, submitted_by, submitted_at,"
            " supersedes_version, content_hash) VALUES (?, 2, 'd', '[]', ?, '[]',"
            " 'ordered_to_rectify', ?, ?, 1, 'h2')",
            (g5, '[{"item_id": "site", "question_id": "q"}]', lb.world.user_id,
             w.submitted_at("2026-08-24")),
        )  # fmt: skip
        assert await on_record_corrected(conn, g5)
    lb.app.bot_data["clock"] = lambda: w.PUBLISH_AT + timedelta(days=5)
    await coord.send("/publish")
    reply = await coord.wait_reply(timeout=15, contains="已公开")
    assert (
        "已公开 0 条" in reply.text and "此前公示的 1 条结果因检查记录更正已重新公示" in reply.text
    )
    post = await channel.wait_post(timeout=10, contains="【更正】")
    assert w.entity_name("G5") in post.text and "辐射" not in post.text
    assert "发现问题已责令整改（部分事项依法不予公开）（已于 2026-08-24 更正）" in post.text
    csv = (tmp_path / "site" / "results-2026Q3.csv").read_text(encoding="utf-8-sig")
    assert "（已于 2026-08-24 更正）" in csv and "辐射" not in csv
