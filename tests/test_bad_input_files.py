"""Bad files at scale (issue 8.6), property-based: every malformed registry or item list gets a
clear error naming where, never a crash, and never a half-written database."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.registry_format import ENTITY_HEADERS
from bot.domain.yaml_source import SourceError
from bot.services.plan import read_item_list
from bot.services.registry_io import import_registry
from storage.bureaus import ensure_bureau
from storage.db import Database
from tests.test_registry_io import code, entity_row

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROW_REF = re.compile(r"(第 \d+ 行|row \d+|line \d+|\.csv|\.xlsx)")
HYP = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _good_rows(n: int) -> list[list[object]]:
    return [
        entity_row(**{"统一社会信用代码": code(i), "名称": f"企业{i}"}) for i in range(1, n + 1)
    ]


def _csv_bytes(rows: list[list[object]], encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(ENTITY_HEADERS)
    w.writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


async def _import(tmp: Path, name: str, data: bytes) -> tuple[object, int]:
    """Import `data` as file `name` into a database already holding 3 entities."""
    db = await Database.open(tmp / "bad.db")
    try:
        async with db.tx() as conn:
            bid = await ensure_bureau(conn, "x", "X")
        seed = tmp / "seed.csv"
        seed.write_bytes(_csv_bytes(_good_rows(3), "utf-8"))
        await import_registry(db, bid, "entities", seed)
        path = tmp / name
        path.write_bytes(data)
        report = await import_registry(db, bid, "entities", path)
        async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM entities") as cur:
            count = (await cur.fetchone())[0]
        return report, count
    finally:
        await db.close()
        for f in tmp.glob("bad.db*"):
            f.unlink()


def _check(report, count: int) -> None:
    if report.ok:
        assert count >= 3
        return
    assert count == 3, "a rejected file must leave the database as it was"
    text = report.render("zh-CN")
    assert "数据库未作任何改动" in text and ROW_REF.search(text), text


@HYP
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_are_refused_cleanly(tmp_path, data, suffix):
    report, count = asyncio.run(_import(tmp_path, f"random{suffix}", data))
    _check(report, count)


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "=SUM(A1:A2)",
            "一般",
            "特级",
            "是",
            "否",
            "99999",
            "-1",
            "2026-13-45",
            "91130281MA0000001X",
            "\x00",
        ]
    ),
)


@HYP
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, len(ENTITY_HEADERS) - 1), CELL), max_size=6
    ),
    blank_rows=st.integers(0, 3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_mutated_csv_is_all_or_nothing(tmp_path, edits, blank_rows, encoding):
    rows = _good_rows(6)
    for r, c, v in edits:
        rows[r][c] = v
    rows[2:2] = [[""] * len(ENTITY_HEADERS)] * blank_rows
    report, count = asyncio.run(_import(tmp_path, "mutated.csv", _csv_bytes(rows, encoding)))
    _check(report, count)


def _xlsx(edit) -> bytes:  # noqa: ANN001
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(ENTITY_HEADERS))
    rows = _good_rows(4)
    rows[3][0] = rows[1][0]  # a duplicate credit code
    for row in rows:
        ws.append(row)
    edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_duplicate_ids_and_formulas_in_xlsx_are_named(tmp_path):
    data = _xlsx(lambda ws: ws.__setitem__("C3", "=UPPER(C2)"))
    report, count = asyncio.run(_import(tmp_path, "bad.xlsx", data))
    assert not report.ok and count == 3
    text = report.render("en")
    assert "C3" in text and "row 5" in text and "row 3" in text, text


def test_merged_cells_in_xlsx_are_named(tmp_path):
    report, count = asyncio.run(
        _import(tmp_path, "m.xlsx", _xlsx(lambda ws: ws.merge_cells("D4:E4")))
    )
    assert not report.ok and count == 3 and "D4:E4" in report.render("en")


def test_a_huge_file_with_one_bad_row_at_the_end_writes_nothing(tmp_path):
    rows = _good_rows(20000)
    rows[-1][7] = "特级"
    report, count = asyncio.run(_import(tmp_path, "huge.csv", _csv_bytes(rows, "gb18030")))
    assert not report.ok and count == 3
    assert "第 20001 行「监管类别」" in report.render("zh-CN")


YAML_TEXT = (EXAMPLES / "xushui-2020.yaml").read_text(encoding="utf-8")
LINES = YAML_TEXT.splitlines()


@HYP
@given(
    cuts=st.lists(st.integers(0, len(LINES) - 1), max_size=3),
    junk=st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.text(max_size=20)), max_size=3),
)
def test_mutated_item_list_is_valid_or_refused_with_file_and_line(tmp_path, cuts, junk):
    lines = list(LINES)
    for i, text in junk:
        lines[i] = lines[i] + text
    for i in sorted(set(cuts), reverse=True):
        del lines[i]
    path = tmp_path / "items.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        read_item_list(path)
    except SourceError as exc:
        assert str(exc).startswith(str(path)), str(exc)


def test_control_character_in_item_list_names_the_line(tmp_path):
    path = tmp_path / "ctl.yaml"
    path.write_text("\n".join(LINES[:3] + [LINES[3] + "\x1f"] + LINES[4:]), encoding="utf-8")
    try:
        read_item_list(path)
    except SourceError as exc:
        assert str(exc).startswith(f"{path}:4: ") and "#x001f" in str(exc)
    else:
        raise AssertionError("a control character must be refused")
