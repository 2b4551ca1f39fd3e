"""`shuangsuiji draw | reveal | transcript` against a database file, then `shuangsuiji verify`."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from bot.services.registry_io import import_registry
from storage.bureaus import ensure_bureau
from storage.db import Database
from tests.draw_helpers import EXAMPLES


async def _load(path) -> None:
    db = await Database.open(path)
    try:
        async with db.tx() as conn:
            bid = await ensure_bureau(conn, "demo", "徐水区分局")
        for kind in ("entities", "inspectors"):
            assert (await import_registry(db, bid, kind, EXAMPLES / f"xushui-2020-{kind}.csv")).ok
    finally:
        await db.close()


async def _draws(path) -> list[tuple]:
    db = await Database.open(path)
    try:
        async with db.read() as conn, conn.execute("SELECT period, status FROM draws") as cur:
            return [tuple(r) for r in await cur.fetchall()]
    finally:
        await db.close()


@pytest.fixture
def bureau(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "var" / "ssj.db"
    monkeypatch.setenv("SHUANGSUIJI_DATABASE_PATH", str(db))
    monkeypatch.setenv("SHUANGSUIJI_ITEMS_FILE", str(EXAMPLES / "xushui-2020.yaml"))
    asyncio.run(_load(db))
    return db


def test_preview_draw_reveal_export_verify(bureau, tmp_path, capsys):
    assert main(["draw", "2020Q3", "--preview"]) == 0
    assert "摇号预览" in capsys.readouterr().out and asyncio.run(_draws(bureau)) == []
    assert main(["draw", "2020Q3"]) == 0
    out = capsys.readouterr().out
    assert "摇号完成：43 项检查任务" in out and "名单.xlsx" in out
    assert main(["draw", "2020Q3"]) == 1
    assert "不能重复摇号" in capsys.readouterr().err
    assert main(["reveal", "2020Q3", "--today", "2020-09-01"]) == 1
    assert main(["reveal", "2020Q3", "--today", "2020-10-01"]) == 0
    file = tmp_path / "t.json"
    assert main(["transcript", "2020Q3", str(file)]) == 0
    capsys.readouterr()
    assert main(["verify", str(file)]) == 0
    assert "核验通过" in capsys.readouterr().out


def test_public_source_then_values_and_a_targeted_draw(bureau, tmp_path, capsys):
    assert main(["draw", "2020Q4", "--source", "体彩排列5 第20301期"]) == 0
    assert "等待公开随机源开奖" in capsys.readouterr().out
    assert asyncio.run(_draws(bureau)) == [("2020Q4", "committed")]
    assert main(["draw", "2020Q4", "--values", "9 1 9"]) == 0
    assert asyncio.run(_draws(bureau)) == [("2020Q4", "drawn")]
    assert main(["draw", "2020Q3", "--target", "colour=red"]) == 1
    assert "定向抽查条件有误" in capsys.readouterr().err
    assert main(["draw", "2020Q3", "--target", "region=火星镇"]) == 1  # matches nobody: no draw
    assert "没有匹配到任何可抽对象" in capsys.readouterr().out
    assert main(["draw", "2020Q3", "--target", "region=漕河镇", "--lang", "en"]) == 0
    assert "Targeted draw: region=漕河镇" in capsys.readouterr().out
