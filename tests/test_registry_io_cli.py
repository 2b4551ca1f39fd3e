"""`shuangsuiji import|export|template`: exit codes, stdout report, stderr errors."""

from __future__ import annotations

import openpyxl
import pytest

from bot.cli import main
from bot.domain.registry_format import ENTITY_HEADERS, INSPECTOR_HEADERS
from tests.test_registry_io import code, some_entities, write_csv


@pytest.fixture
def dbfile(tmp_path, monkeypatch):
    monkeypatch.setenv("SHUANGSUIJI_DATABASE_PATH", str(tmp_path / "settings.db"))
    monkeypatch.setenv("SHUANGSUIJI_LANGUAGE", "zh-CN")
    return tmp_path / "cli.db"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_import_export_reimport(capsys, tmp_path, dbfile):
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADERS, some_entities(4))
    db = ["--db", str(dbfile), "--bureau", "zunhua"]
    status, out, err = run(capsys, "import", "entities", str(path), "--dry-run", *db)
    assert status == 0 and "新增 5" in out and "试导入" in out and err == ""
    status, out, _ = run(capsys, "import", "entities", str(path), *db, "--lang", "en")
    assert status == 0 and "added 5, updated 0, unchanged 0" in out
    status, out, _ = run(capsys, "export", "entities", str(tmp_path / "x.xlsx"), *db)
    assert status == 0 and out.startswith("5 ")
    status, out, _ = run(capsys, "import", "entities", str(tmp_path / "x.xlsx"), *db)
    assert status == 0 and "新增 0，更新 0，未变 5" in out
    assert not (tmp_path / "settings.db").exists()  # --db wins over the setting


def test_import_with_errors_exits_1_with_errors_on_stderr(capsys, tmp_path, dbfile):
    rows = some_entities(2)
    rows[1][0] = code(1)[:17] + "0"
    path = write_csv(tmp_path / "bad.csv", ENTITY_HEADERS, rows)
    status, out, err = run(capsys, "import", "entities", str(path), "--db", str(dbfile))
    assert status == 1
    assert "导入失败" in out and "第 3 行" not in out
    assert "bad.csv 第 3 行「统一社会信用代码」" in err


def test_import_of_a_missing_file(capsys, tmp_path, dbfile):
    status, _, err = run(capsys, "import", "inspectors", str(tmp_path / "nope.xlsx"))
    assert status == 1 and "no such file" in err


def test_template_then_fill_then_import(capsys, tmp_path, dbfile):
    path = tmp_path / "tpl.xlsx"
    status, out, _ = run(capsys, "template", "inspectors", str(path))
    assert status == 0 and path.exists()
    wb = openpyxl.load_workbook(path)
    sheet = wb["执法检查人员"]
    assert [c.value for c in sheet[1]] == list(INSPECTOR_HEADERS)
    assert any(
        "执法人员,辅助检查人员" in (dv.formula1 or "")
        for dv in sheet.data_validations.dataValidation
    )
    notes = {row[0]: row for row in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert set(notes) == set(INSPECTOR_HEADERS) and "必填" in notes["姓名"][1]
    sheet.append(
        ["王磊", "执法大队一中队", "130281190012", None, "水;大气", None, 8, "执法人员", "是"]
    )
    sheet.append(["张敏", "专家库", None, "ZJ-1", "环评", None, 3, "辅助检查人员", "否"])
    wb.save(path)
    status, out, err = run(capsys, "import", "inspectors", str(path), "--db", str(dbfile))
    assert status == 0, err
    assert "新增 2" in out


def test_entity_template_round_trips(capsys, tmp_path, dbfile):
    path = tmp_path / "tpl.xlsx"
    assert run(capsys, "template", "entities", str(path))[0] == 0
    wb = openpyxl.load_workbook(path)
    for row in some_entities(2):
        wb["检查对象"].append(row)
    wb.save(path)
    status, out, err = run(capsys, "import", "entities", str(path), "--db", str(dbfile))
    assert status == 0, err
    assert "新增 3" in out


def test_synthetic_bureau_files_import_cleanly(capsys, tmp_path, dbfile):
    out_dir = tmp_path / "county"
    args = ["--entities", "500", "--inspectors", "40", "--seed", "3"]
    assert run(capsys, "synthetic", str(out_dir), *args, "--csv")[0] == 0
    db = ["--db", str(dbfile)]
    status, out, err = run(capsys, "import", "entities", str(out_dir / "entities.csv"), *db)
    assert status == 0 and "新增 500" in out, err
    status, out, err = run(capsys, "import", "inspectors", str(out_dir / "inspectors.csv"), *db)
    assert status == 0 and "新增 40" in out and "警告" not in out, err


def test_help_for_each_subcommand(capsys):
    for name in ("import", "export", "template", "synthetic"):
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
        assert "entities" in capsys.readouterr().out
