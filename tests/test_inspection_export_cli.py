"""`shuangsuiji export record INSPECTION_ID FILE`: the printable record from the console, and the
registries' `export` still working beside it."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from bot.services import submission
from storage.db import Database
from tests.inspection_world import PLAN, checked_in, env, make_world, new_visit, walk


async def _submitted_visit(path, tmp_path) -> int:  # noqa: ANN001
    db = await Database.open(path)
    try:
        world = await make_world(db)
        zhang = world.users["张三"]
        iid = await new_visit(db, world, members=())
        await walk(db, zhang, iid, await checked_in(db, zhang, iid), PLAN, tmp_path)
        await submission.begin(db, zhang, iid)
        await submission.typed(db, zhang, "刘厂长")
        await submission.typed(db, zhang, "厂长")
        await submission.choose(db, zhang, iid, 1)
        await submission.confirm(db, zhang, iid, env())
        return iid
    finally:
        await db.close()


@pytest.fixture
def visit(tmp_path, monkeypatch):  # noqa: ANN201
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SHUANGSUIJI_DATABASE_PATH", str(path))
    monkeypatch.setenv("SHUANGSUIJI_EVIDENCE_DIR", str(tmp_path / "evidence"))
    return asyncio.run(_submitted_visit(path, tmp_path))


def test_export_record_writes_the_printable_page(visit, tmp_path, capsys):
    out = tmp_path / "out" / "record.html"
    assert main(["export", "record", str(visit), str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "现场检查记录表" in html and "刘厂长（厂长）" in html
    assert "data:image/jpeg;base64," in html and "发现问题已责令整改" in html
    assert str(out) in capsys.readouterr().out


def test_export_record_of_a_visit_without_record_fails_with_a_reason(visit, tmp_path, capsys):
    assert main(["export", "record", str(visit + 1), str(tmp_path / "x.html")]) == 1
    assert "还没有提交的检查记录" in capsys.readouterr().err
    assert (
        main(["export", "record", str(visit), str(tmp_path / "y.html"), "--record-version", "3"])
        == 1
    )
    assert main(["export", "record", "abc", str(tmp_path / "z.html")]) == 2
    assert not (tmp_path / "x.html").exists()


def test_registry_export_still_works_and_refuses_a_third_argument(visit, tmp_path):
    out = tmp_path / "entities.xlsx"
    assert main(["export", "entities", str(out), "--bureau", "test"]) == 0
    assert out.exists()
    with pytest.raises(SystemExit):
        main(["export", "entities", str(out), "extra.html"])
