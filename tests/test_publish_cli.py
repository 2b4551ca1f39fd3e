"""`shuangsuiji publish`, `report` and `site` on a database file."""

from __future__ import annotations

import asyncio

import pytest
from openpyxl import load_workbook

from bot.cli import main
from storage.db import Database
from tests import publish_world as w

NOW = "2026-08-20T10:00+08:00"


@pytest.fixture
def bureau(tmp_path, monkeypatch):
    path = tmp_path / "cli.db"
    items = tmp_path / "items.yaml"
    items.write_text(w.ITEMS_YAML, encoding="utf-8")

    async def build() -> w.World:
        db = await Database.open(path)
        try:
            return await w.build(db)
        finally:
            await db.close()

    world = asyncio.run(build())
    monkeypatch.setenv("SHUANGSUIJI_DATABASE_PATH", str(path))
    monkeypatch.setenv("SHUANGSUIJI_ITEMS_FILE", str(items))
    monkeypatch.setenv("SHUANGSUIJI_SITE_DIR", str(tmp_path / "site"))
    monkeypatch.setenv("SHUANGSUIJI_BUREAU_NAME", "测试分局")
    return world


def test_publish_then_report_and_site(bureau, tmp_path, capsys):
    assert main(["publish", "--now", NOW]) == 0
    out = capsys.readouterr().out
    assert "已公开 5 条，依法不予公开 2 条，超过公开时限 4 条" in out
    assert (tmp_path / "site" / "index.html").exists()
    book = tmp_path / "q.xlsx"
    assert main(["report", "quarterly", "2026Q3", str(book), "--now", NOW]) == 0
    assert load_workbook(book)["季度报表"]["A1"].value.startswith("测试分局2026年第三季度")
    assert main(["report", "monthly", "2026Q3", str(book)]) == 2
    assert "monthly needs a month" in capsys.readouterr().err
    assert main(["site", str(tmp_path / "copy"), "--now", NOW]) == 0
    csv = (tmp_path / "copy" / "results-all.csv").read_text(encoding="utf-8-sig")
    assert w.entity_name("G1") in csv and w.entity_name("G4") not in csv


def test_wrong_inputs_are_one_line(bureau, tmp_path, capsys):
    assert main(["publish", "--now", "2026-08-20T10:00"]) == 2
    assert "time zone" in capsys.readouterr().err
    assert main(["publish", "--db", str(tmp_path / "none.db")]) == 2
    assert "no database" in capsys.readouterr().err
