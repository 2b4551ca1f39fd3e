"""Registry files as people send them: headers, formulas, merged cells, odd sheets, non-files."""

from __future__ import annotations

import openpyxl
import pytest

from bot.domain.registry_format import ENTITY_HEADERS, INSPECTOR_HEADERS
from bot.services.registry_io import import_registry
from storage.bureaus import ensure_bureau
from tests.test_registry_io import (
    code,
    count_rows,
    entity_row,
    inspector_row,
    some_entities,
    write_csv,
    write_xlsx,
)


@pytest.fixture
async def bureau(db) -> int:
    async with db.tx() as conn:
        return await ensure_bureau(conn, "zunhua", "遵化市分局")


async def test_formula_cells_are_refused_with_their_address(db, bureau, tmp_path):
    rows = some_entities(3)
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(ENTITY_HEADERS))
    for r in rows:
        ws.append(r)
    ws["C3"] = '="遵化市"&"某公司"'
    ws["J4"] = "=不是公式"
    ws["J4"].data_type = "s"  # a text that merely starts with '=' is data, not a formula
    wb.save(path)
    report = await import_registry(db, bureau, "entities", path)
    assert not report.ok
    messages = [p.message.zh for p in report.errors.shown]
    assert len(messages) == 1 and "C3" in messages[0] and "公式" in messages[0]
    assert report.errors.shown[0].row == 3
    assert await count_rows(db, "entities") == 0


async def test_merged_cells_are_refused_with_their_range(db, bureau, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", ENTITY_HEADERS, some_entities(3))
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("H2:H3")
    wb.save(path)
    report = await import_registry(db, bureau, "entities", path)
    assert not report.ok
    assert "H2:H3" in report.render() and "合并单元格" in report.render()


async def test_unknown_and_missing_columns_are_named(db, bureau, tmp_path):
    header = [*ENTITY_HEADERS[:-1], "备注"]  # 挂牌督办 missing, 备注 unknown
    rows = [r[:-1] + ["x"] for r in some_entities(1)]
    report = await import_registry(
        db, bureau, "entities", write_csv(tmp_path / "h.csv", header, rows)
    )
    text = report.render()
    assert "缺少列：挂牌督办" in text and "未知列：备注" in text
    assert "missing columns: 挂牌督办" in report.render("en")


async def test_inspector_file_offered_as_entities_is_recognised(db, bureau, tmp_path):
    path = write_csv(tmp_path / "i.csv", INSPECTOR_HEADERS, [inspector_row()])
    report = await import_registry(db, bureau, "entities", path)
    assert "这似乎是执法检查人员名录库文件" in report.render()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "文件是空的"),
        ("统一社会信用代码,对象编号\n".encode(), "缺少列"),
        (",".join(ENTITY_HEADERS).encode() + b"\n\n", "没有数据行"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "不是 CSV 或 XLSX"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "不是 CSV 或 XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "另存为 .xlsx"),
    ],
)
async def test_unreadable_files_are_refused_clearly(db, bureau, tmp_path, content, expected):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    report = await import_registry(db, bureau, "entities", path)
    assert not report.ok
    assert expected in report.render()
    assert await count_rows(db, "entities") == 0


async def test_a_zip_that_is_not_a_workbook(db, bureau, tmp_path):
    import zipfile

    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    report = await import_registry(db, bureau, "entities", path)
    assert "不是可读取的 XLSX 工作簿" in report.render()


async def test_columns_in_another_order_blank_rows_and_a_late_header(db, bureau, tmp_path):
    """Columns are found by header; blank (or blanks-only) rows are skipped; row numbers stay
    those of the sheet when the header is not on row 1."""
    order = list(reversed(ENTITY_HEADERS))
    rows = [list(reversed(r)) for r in some_entities(2)]
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])
    ws.append(order)
    ws.append(rows[0])
    ws.append([None, "  ", ""])
    ws.append(rows[1])
    bad = list(reversed(entity_row(统一社会信用代码=code(7), 状态="不知道")))
    ws.append(bad)
    wb.save(path)
    report = await import_registry(db, bureau, "entities", path)
    assert [(p.row, p.column) for p in report.errors.shown] == [(6, "状态")]
    bad[order.index("状态")] = "停产"
    ws.delete_rows(6)
    ws.append(bad)
    wb.save(path)
    report = await import_registry(db, bureau, "entities", path)
    assert report.ok and report.rows == 3 and report.counts.added == 3


async def test_data_under_a_column_without_header_is_refused(db, bureau, tmp_path):
    rows = [[*r, "多余"] for r in some_entities(1)]
    report = await import_registry(
        db, bureau, "entities", write_csv(tmp_path / "x.csv", ENTITY_HEADERS, rows)
    )
    assert "第 2 行 U 列有数据但该列没有列名" in report.render()


async def test_a_sheet_named_like_the_registry_is_preferred(db, bureau, tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active.append(["遵化市检查对象名录库 2026"])
    data = wb.create_sheet("检查对象")
    data.append(list(ENTITY_HEADERS))
    for r in some_entities(2):
        data.append(r)
    wb.save(path)
    report = await import_registry(db, bureau, "entities", path)
    assert report.ok and report.sheet == "检查对象" and report.counts.added == 3
