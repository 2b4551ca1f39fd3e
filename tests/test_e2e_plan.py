"""End to end: /plan for coordinators and managers, from a preset's item list and registry."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from bot.harness import LocalBot
from bot.services.registry_io import import_registry
from bot.settings import load_settings
from tests.e2e_helpers import ADMIN, bind

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


async def test_plan_in_chat_with_workbook(tmp_path):
    settings = load_settings(
        bot_token="123456:EMULATOR-TOKEN",
        database_path=tmp_path / "p.db",
        admin_ids=[ADMIN],
        items_file=EXAMPLES / "xushui-2020.yaml",
    )
    async with LocalBot(settings.database_path, settings=settings) as lb:
        for kind in ("entities", "inspectors"):
            path = EXAMPLES / f"xushui-2020-{kind}.csv"
            report = await import_registry(lb.db, lb.bureau_id, kind, path)
            assert report.ok, report.render()
        manager = await bind(lb, 30001, "赵局", "manager 赵局")
        await manager.send("/plan 2020")
        summary = await manager.wait_reply(timeout=10)
        assert "2020年度随机抽查计划" in summary.text and "173" in summary.text
        doc = await manager.wait_reply(timeout=10)
        assert doc.document is not None
        name, data = doc.document
        book = tmp_path / name
        book.write_bytes(data)
        wb = openpyxl.load_workbook(book)
        assert wb.sheetnames == ["抽查计划", "分期明细", "抽查对象名单"]
        cells = [c.value for row in wb["抽查计划"].iter_rows() for c in row]
        assert "发起部门" in cells and "抽取对象数量" in cells and 173 in cells
        coord = await bind(lb, 40001, "钱七", "coordinator 钱七")
        await coord.send("/plan abc")
        assert "用法" in (await coord.wait_reply()).text
