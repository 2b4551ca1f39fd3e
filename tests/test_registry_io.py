"""Registry import (名录库导入): CSV and XLSX in, counts out, bad files rejected whole."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from bot.domain.credit_code import check_character
from bot.domain.registry_format import ENTITY_HEADERS, INSPECTOR_HEADERS
from bot.services.registry_io import export_registry, import_registry
from storage.bureaus import ensure_bureau

CODE_1 = "91130281MA07L8QH25"
CODE_2 = "91130281MA0CX5Y1TX"


def code(n: int) -> str:
    """A valid credit code numbered n."""
    first17 = f"91130281MA{n:07d}"
    return first17 + check_character(first17)


def entity_row(**values: object) -> list[object]:
    """A valid entity row in header order; keyword arguments override columns by header."""
    row: dict[str, object] = dict.fromkeys(ENTITY_HEADERS, "")
    row.update(
        {
            "统一社会信用代码": CODE_1,
            "名称": "遵化市鑫源水泥有限公司",
            "对象类型": "企业",
            "所属区域": "堡子店镇",
            "行业代码": "3011",
            "监管类别": "重点",
            "排污许可管理类别": "重点管理",
            "正面清单": "否",
            "标签": "排放类型=废气;重污染天气绩效分级=B",
            "状态": "在产",
            "纬度": "40.1893",
            "经度": "117.9658",
            "核实投诉次数": "0",
            "挂牌督办": "否",
        }
    )
    row.update(values)
    return [row[h] for h in ENTITY_HEADERS]


def inspector_row(**values: object) -> list[object]:
    row: dict[str, object] = dict.fromkeys(INSPECTOR_HEADERS, "")
    row.update(
        {
            "姓名": "王磊",
            "部门": "执法大队一中队",
            "执法证号": "130281190012",
            "业务专长": "水;大气",
            "从业年限": "8",
            "人员类别": "执法人员",
            "在岗": "是",
        }
    )
    row.update(values)
    return [row[h] for h in INSPECTOR_HEADERS]


def some_entities(n: int) -> list[list[object]]:
    rows = [entity_row(统一社会信用代码=code(i), 名称=f"遵化市第{i}水泥有限公司") for i in range(n)]
    rows.append(
        entity_row(
            统一社会信用代码="",
            对象编号="SYD-130281-001",
            名称="遵化市城区集中式饮用水水源地",
            对象类型="水源地",
            行业代码="",
            排污许可管理类别="",
            标签="",
        )
    )
    return rows


def write_csv(path: Path, header, rows, encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


@pytest.fixture
async def bureau(db) -> int:
    async with db.tx() as conn:
        return await ensure_bureau(conn, "zunhua", "遵化市分局")


async def count_rows(db, table: str) -> int:
    async with db.read() as conn, conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        return (await cur.fetchone())[0]


async def test_utf8_csv_import_then_reimport_then_one_change(db, bureau, tmp_path):
    rows = some_entities(5)
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADERS, rows)
    report = await import_registry(db, bureau, "entities", path)
    assert report.ok, report.render()
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (6, 0, 0)
    assert report.file_format == "csv" and report.encoding == "utf-8"
    assert await count_rows(db, "entities") == 6

    again = await import_registry(db, bureau, "entities", path)
    assert (again.counts.added, again.counts.updated, again.counts.unchanged) == (0, 0, 6)

    rows[2][ENTITY_HEADERS.index("监管类别")] = "特殊"
    rows[2][ENTITY_HEADERS.index("核实投诉次数")] = "3"
    write_csv(path, ENTITY_HEADERS, rows)
    changed = await import_registry(db, bureau, "entities", path)
    assert (changed.counts.added, changed.counts.updated, changed.counts.unchanged) == (0, 1, 5)
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT category, verified_complaints FROM entities WHERE stable_id = ?", (code(2),)
        ) as cur,
    ):
        assert tuple(await cur.fetchone()) == ("special", 3)


@pytest.mark.parametrize(("encoding", "reported"), [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig")])
async def test_gbk_and_bom_csv(db, bureau, tmp_path, encoding, reported):
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADERS, some_entities(3), encoding=encoding)
    report = await import_registry(db, bureau, "entities", path)
    assert report.ok, report.render()
    assert report.encoding == reported
    assert report.counts.added == 4
    async with (
        db.read() as conn,
        conn.execute("SELECT name FROM entities WHERE stable_id = 'SYD-130281-001'") as cur,
    ):
        assert (await cur.fetchone())[0] == "遵化市城区集中式饮用水水源地"


async def test_xlsx_import_with_excel_typed_cells(db, bureau, tmp_path):
    """Excel gives numbers and dates, not text: 2611 as int, 40.1 as float, a date cell."""
    from datetime import datetime

    rows = some_entities(2)
    rows[0][ENTITY_HEADERS.index("行业代码")] = 3011
    rows[0][ENTITY_HEADERS.index("纬度")] = 40.1
    rows[0][ENTITY_HEADERS.index("经度")] = 117.9
    rows[0][ENTITY_HEADERS.index("最近违法日期")] = datetime(2025, 6, 30)
    rows[0][ENTITY_HEADERS.index("核实投诉次数")] = 2
    path = write_xlsx(tmp_path / "e.xlsx", ENTITY_HEADERS, rows)
    report = await import_registry(db, bureau, "entities", path, filename="名录.xlsx")
    assert report.ok, report.render()
    assert report.counts.added == 3 and report.sheet == "Sheet"
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT industry_code, latitude, last_violation_on, verified_complaints FROM entities"
            " WHERE stable_id = ?",
            (code(0),),
        ) as cur,
    ):
        assert tuple(await cur.fetchone()) == ("3011", 40.1, "2025-06-30", 2)
    assert "名录.xlsx" in report.render()


async def test_bad_workbook_is_rejected_whole_and_names_rows_and_columns(db, bureau, tmp_path):
    good = some_entities(3)
    await import_registry(
        db, bureau, "entities", write_csv(tmp_path / "g.csv", ENTITY_HEADERS, good)
    )
    before = await count_rows(db, "entities")

    rows = some_entities(3)
    rows[0][ENTITY_HEADERS.index("名称")] = "改过的名称"  # a valid update that must not land
    rows[1][ENTITY_HEADERS.index("统一社会信用代码")] = code(1)[:17] + "0"  # wrong check char
    rows[2][ENTITY_HEADERS.index("监管类别")] = "很重要"
    rows[2][ENTITY_HEADERS.index("纬度")] = "北纬40度"
    rows.append(entity_row(统一社会信用代码=code(99), 状态="剔除"))  # no reason, no decider
    path = write_xlsx(tmp_path / "bad.xlsx", ENTITY_HEADERS, rows)
    report = await import_registry(db, bureau, "entities", path)

    assert not report.ok and report.counts is None
    where = {(p.row, p.column) for p in report.errors.shown}
    assert (3, "统一社会信用代码") in where
    assert {(4, "监管类别"), (4, "纬度"), (6, "状态原因"), (6, "状态决定人")} <= where
    text = report.render("zh-CN")
    assert "bad.xlsx 第 3 行「统一社会信用代码」" in text and "应为" in text
    assert "数据库未作任何改动" in text
    assert "row 4, column 监管类别" in report.render("en")
    assert await count_rows(db, "entities") == before
    async with (
        db.read() as conn,
        conn.execute("SELECT COUNT(*) FROM entities WHERE name = '改过的名称'") as cur,
    ):
        assert (await cur.fetchone())[0] == 0


async def test_duplicate_ids_name_both_rows(db, bureau, tmp_path):
    rows = some_entities(3)
    rows.append(entity_row(统一社会信用代码=code(1), 名称="重复"))
    rows.append(entity_row(统一社会信用代码="", 对象编号="SYD-130281-001", 对象类型="水源地"))
    report = await import_registry(
        db, bureau, "entities", write_csv(tmp_path / "d.csv", ENTITY_HEADERS, rows)
    )
    found = {(p.row, p.column, p.message.zh) for p in report.errors.shown}
    assert (6, "统一社会信用代码", f"「{code(1)}」与第 3 行重复") in found
    assert (7, "对象编号", "「SYD-130281-001」与第 5 行重复") in found


async def test_errors_are_capped_at_fifty_with_a_count_of_the_rest(db, bureau, tmp_path):
    rows = [entity_row(统一社会信用代码=code(i), 名称="") for i in range(70)]
    report = await import_registry(
        db, bureau, "entities", write_csv(tmp_path / "c.csv", ENTITY_HEADERS, rows)
    )
    assert report.errors.total == 70 and len(report.errors.shown) == 50
    assert "另有 20 处错误未列出" in report.render()
    assert "20 more errors not listed" in report.render("en")


async def test_dry_run_counts_for_real_and_writes_nothing(db, bureau, tmp_path):
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADERS, some_entities(4))
    await import_registry(db, bureau, "entities", path)
    rows = some_entities(6)
    rows[0][ENTITY_HEADERS.index("名称")] = "新名称有限公司"
    write_csv(path, ENTITY_HEADERS, rows)
    report = await import_registry(db, bureau, "entities", path, dry_run=True)
    assert report.ok and report.dry_run
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (2, 1, 4)
    assert "试导入" in report.render()
    assert await count_rows(db, "entities") == 5


async def test_inspectors_import_with_recusals_and_a_warning_for_unknown_entities(
    db, bureau, tmp_path
):
    await import_registry(
        db, bureau, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADERS, some_entities(2))
    )
    rows = [
        inspector_row(回避=f"{code(0)}:近亲属任职；SYD-130281-001：曾在该单位工作"),
        inspector_row(姓名="李娜", 执法证号="130281200013", 回避="9999:本人申请"),
        inspector_row(姓名="张敏", 执法证号="", 专家编号="ZJ-2026-003", 人员类别="辅助检查人员",
                      业务专长="环评、土壤", 在岗="否"),
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "i.xlsx", INSPECTOR_HEADERS, rows)
    report = await import_registry(db, bureau, "inspectors", path)
    assert report.ok, report.render()
    assert report.counts.added == 3
    assert report.warnings.total == 1
    assert "i.xlsx 第 3 行「回避」：李娜 的回避对象「9999」不在检查对象名录库中" in report.render()
    assert await count_rows(db, "recusals") == 3


async def test_inspector_rules_name_the_column(db, bureau, tmp_path):
    rows = [
        inspector_row(),
        inspector_row(执法证号=""),
        inspector_row(姓名="李娜", 人员类别="辅助检查人员", 执法证号=""),
        inspector_row(姓名="赵强", 在岗="", 回避="无理由", 执法证号="130281200099"),
        inspector_row(姓名="王磊二"),  # same certificate as row 2
    ]
    report = await import_registry(
        db, bureau, "inspectors", write_csv(tmp_path / "i.csv", INSPECTOR_HEADERS, rows)
    )
    where = {(p.row, p.column) for p in report.errors.shown}
    assert where == {(3, "执法证号"), (4, "专家编号"), (5, "在岗"), (5, "回避"), (6, "执法证号")}
    assert "「130281190012」与第 2 行重复" in report.render()


async def test_export_then_import_changes_nothing(db, bureau, tmp_path):
    from bot.domain.synthetic import generate_entities, generate_inspectors
    from bot.services.registry_io import write_models

    entities = generate_entities(11, 300)
    inspectors = generate_inspectors(11, 30, [e.stable_id for e in entities])
    write_models(tmp_path / "e.xlsx", "entities", entities)
    write_models(tmp_path / "i.csv", "inspectors", inspectors)
    assert (await import_registry(db, bureau, "entities", tmp_path / "e.xlsx")).counts.added == 300
    assert (await import_registry(db, bureau, "inspectors", tmp_path / "i.csv")).counts.added == 30
    for kind, name in (("entities", "x.xlsx"), ("inspectors", "y.xlsx"), ("entities", "z.csv")):
        count = await export_registry(db, bureau, kind, tmp_path / name)
        report = await import_registry(db, bureau, kind, tmp_path / name)
        assert report.ok, report.render()
        assert report.counts.unchanged == count and report.counts.added == 0
        assert report.counts.updated == 0


async def test_a_real_import_is_audited_a_dry_run_is_not(db, bureau, tmp_path):
    import hashlib
    import json

    path = write_csv(tmp_path / "e.csv", ENTITY_HEADERS, some_entities(2))
    await import_registry(db, bureau, "entities", path, dry_run=True)
    assert await count_rows(db, "audit_log") == 0
    await import_registry(db, bureau, "entities", path, filename="名录.csv", actor="tg:42")
    async with (
        db.read() as conn,
        conn.execute("SELECT actor, action, subject, payload_json FROM audit_log") as cur,
    ):
        actor, action, subject, payload = await cur.fetchone()
    assert (actor, action, subject) == ("tg:42", "registry.imported", "entities")
    data = json.loads(payload)
    assert data["file"] == "名录.csv" and data["added"] == 3
    assert data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
