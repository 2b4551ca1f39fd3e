"""名录库文件: reading and writing registry files (CSV in UTF-8 or GBK, XLSX) row by row.

Reading yields raw cells with the row number a spreadsheet user sees; turning cells into models is
bot.domain.registry_format's job. Whole-file problems (not a spreadsheet, bad header, formulas,
merged cells) are reported here, each naming where it is.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Literal

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from bot.domain.registry_format import SHEET_TITLES, Cell, Kind, Text, headers

FileFormat = Literal["csv", "xlsx"]
CHUNK = 1 << 22
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gb18030": "GBK/GB18030"}
FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")  # <f> holds a cell's formula (maybe prefixed)
MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
NOT_SPREADSHEETS = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"\x1f\x8b", b"7z")


class FileRejected(Exception):
    """The file as a whole cannot be read as a registry; `message` says why, in both languages."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One error or warning about a file: the row as the spreadsheet shows it (None for the whole
    file), the column header ("" for the whole row or file), and why."""

    row: int | None
    column: str
    message: Text

    def render(self, lang: str, filename: str = "") -> str:
        """`a.xlsx 第 5 行「名称」：必填` or `a.xlsx, row 5, column 名称: required`."""
        if lang != "en":
            where = filename + (f" 第 {self.row} 行" if self.row is not None else "")
            where = (where + (f"「{self.column}」" if self.column else "")).strip()
            return f"{where}：{self.message.zh}" if where else self.message.zh
        parts = [filename] if filename else []
        parts += [f"row {self.row}"] if self.row is not None else []
        parts += [f"column {self.column}"] if self.column else []
        return f"{', '.join(parts)}: {self.message.en}" if parts else self.message.en


@dataclass
class Table:
    """A registry file opened for reading: its format and header, and its data rows as
    (row number, cells in the canonical column order) with empty rows skipped."""

    file_format: FileFormat
    encoding: str | None
    sheet: str | None
    rows: Iterator[tuple[int, tuple[object, ...]]]
    problems: list[Problem] = field(default_factory=list)


def sniff(path: Path) -> FileFormat:
    """Decide from the content (never the name: chat uploads can be called anything)."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if not head.strip():
        raise FileRejected(Text("文件是空的", "the file is empty"))
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            Text(
                "这是旧版 .xls 或加密的工作簿；请在 Excel/WPS 中另存为 .xlsx（不加密）",
                "this is an old .xls or an encrypted workbook; save it as .xlsx without a password",
            )
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            Text(
                "这是 UTF-16 文本（Excel 的“Unicode 文本”）；请另存为 CSV 或 .xlsx",
                "this is UTF-16 text (Excel 'Unicode text'); save it as CSV or .xlsx",
            )
        )
    if head.startswith(NOT_SPREADSHEETS) or b"\x00" in head:
        raise FileRejected(
            Text("不是 CSV 或 XLSX 表格文件", "not a spreadsheet: expected a CSV or XLSX file")
        )
    return "csv"


@contextmanager
def open_table(path: Path, kind: Kind) -> Iterator[Table]:
    """Open a registry file of `kind` and check its header; rows are read lazily."""
    fmt = sniff(path)
    if fmt == "csv":
        encoding = detect_encoding(path)
        with open(path, encoding=encoding, newline="") as f:
            yield Table("csv", encoding, None, _rows(enumerate(csv.reader(f), 1), kind))
        return
    with _workbook(path) as wb:
        title = SHEET_TITLES[kind]
        ws = wb[title] if title in wb.sheetnames else wb.worksheets[0]
        merged, formulas = _scan_sheet(path, ws)
        if merged:
            raise FileRejected(_merged_text(merged))
        ws.reset_dimensions()  # some writers store a wrong <dimension>; read what is there
        raw = ws.iter_rows(min_row=1, min_col=1, values_only=True)
        table = Table("xlsx", None, ws.title, iter(()))
        rows = enumerate(raw, 1)
        table.rows = _rows(_formula_checked(rows, ws, table) if formulas else rows, kind)
        yield table


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the text decodes as UTF-8 (BOM or not), else gb18030 (GBK, as Excel in China
    saves CSV); the whole file is checked in chunks, so a late GBK character is not missed."""
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030":
            return encoding
        with open(path, "rb") as f:
            return "utf-8-sig" if f.read(3) == codecs.BOM_UTF8 else "utf-8"
    raise FileRejected(
        Text("文件编码既不是 UTF-8 也不是 GBK", "the text is neither UTF-8 nor GBK encoded")
    )


@contextmanager
def _workbook(path: Path) -> Iterator[openpyxl.Workbook]:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileRejected(
            Text(f"不是可读取的 XLSX 工作簿（{exc}）", f"not a readable XLSX workbook ({exc})")
        ) from None
    try:
        if not wb.worksheets:
            raise FileRejected(Text("工作簿里没有工作表", "the workbook has no worksheet"))
        yield wb
    finally:
        wb.close()


def _scan_sheet(path: Path, ws: object) -> tuple[list[str], bool]:
    """The merged cell ranges of the sheet, and whether it holds any formula at all. openpyxl's
    read-only mode exposes neither, so the sheet XML is scanned with byte searches (0.1 s for
    50,000 rows); a regex runs only over the tail that holds <mergeCells>."""
    sheet_path = getattr(ws, "_worksheet_path", None)  # openpyxl internal: the part name
    if not sheet_path:
        return [], True
    formulas, tail = False, b""
    with zipfile.ZipFile(path) as z, z.open(sheet_path.lstrip("/")) as f:
        while chunk := f.read(CHUNK):
            buf = tail + chunk
            formulas = formulas or any(buf.find(t) >= 0 for t in FORMULA_TAGS)
            at = buf.find(b"mergeCell")
            if at >= 0:
                rest = buf[max(at - 16, 0) :] + f.read()
                return [m.group(1).decode() for m in MERGE_REF.finditer(rest)], formulas
            tail = buf[-16:]
    return [], formulas


def _merged_text(refs: list[str]) -> Text:
    shown = "、".join(refs[:10]) + (f" 等 {len(refs)} 处" if len(refs) > 10 else "")
    shown_en = ", ".join(refs[:10]) + (f" and {len(refs) - 10} more" if len(refs) > 10 else "")
    return Text(
        f"有合并单元格 {shown}：请取消合并，并在每个单元格中填入值（表头只占一行）",
        f"merged cells {shown_en}: unmerge them and fill in every cell (one header row only)",
    )


def _formula_checked(rows: Iterable[tuple[int, tuple]], ws: object, table: Table) -> Iterator:
    """Pass rows through, noting those with a text starting with '=' (with data_only=False a
    formula reads as '=…'). After the last row, one more pass over the sheet reports each real
    formula by cell address; a text that merely starts with '=' is left alone."""
    suspects: set[int] = set()
    for number, values in rows:
        if any(type(v) is str and v[:1] == "=" for v in values):
            suspects.add(number)
        yield number, values
    if not suspects:
        return
    last = max(suspects)
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=last), 1):  # type: ignore[attr-defined]
        if number in suspects:
            for cell in cells:
                if cell.data_type == "f":
                    table.problems.append(Problem(number, "", _formula_text(cell)))


def _formula_text(cell: object) -> Text:
    at, formula = cell.coordinate, cell.value  # type: ignore[attr-defined]
    return Text(
        f"单元格 {at} 是公式 {formula}：请复制后“选择性粘贴 → 数值”",
        f"cell {at} holds the formula {formula}: paste it as values",
    )


def header_problems(found: Sequence[str], kind: Kind) -> list[Text]:
    """What is wrong with a header row (missing, unknown or repeated columns); [] when it fits.
    Columns may come in any order; exports and templates use the order of `headers(kind)`."""
    expected, named = headers(kind), [h for h in found if h]
    out: list[Text] = []
    twice = sorted({h for h in named if named.count(h) > 1})
    if twice:
        out.append(Text(f"列名重复：{'、'.join(twice)}", f"repeated columns: {', '.join(twice)}"))
    missing = [h for h in expected if h not in named]
    if missing:
        out.append(Text(f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}"))
    unknown = [h for h in named if h not in expected]
    if unknown:
        out.append(Text(f"未知列：{'、'.join(unknown)}", f"unknown columns: {', '.join(unknown)}"))
    other: Kind = "inspectors" if kind == "entities" else "entities"
    if missing and sum(h in headers(other) for h in named) > len(headers(other)) // 2:
        zh, en = ("执法检查人员", "inspector") if other == "inspectors" else ("检查对象", "entity")
        out.append(Text(f"这似乎是{zh}名录库文件", f"this looks like the {en} registry file"))
    return out


def _rows(raw: Iterable[tuple[int, Sequence]], kind: Kind) -> Iterator[tuple[int, tuple]]:
    """Find the header (the first non-empty row), check it, then yield data rows in the canonical
    column order, skipping empty rows. Raises FileRejected for a bad header or no data."""
    it = iter(raw)
    for header_row, values in it:  # noqa: B007 (used after the loop)
        if _filled(values):
            break
    else:
        raise FileRejected(Text("文件没有表头和数据", "the file has no header and no data"))
    found = [_header_text(v) for v in values]
    problems = header_problems(found, kind)
    if problems:
        raise FileRejected(
            Text(
                f"第 {header_row} 行表头不符：" + "；".join(p.zh for p in problems),
                f"header in row {header_row} does not fit: " + "; ".join(p.en for p in problems),
            )
        )
    order = [found.index(h) for h in headers(kind)]
    width = max(order) + 1
    pick, pad = itemgetter(*order), (None,) * width
    unnamed = [i for i in range(width) if not found[i]]
    count = 0
    for number, values in it:
        if not _filled(values):
            continue
        if len(values) > width and _filled(values[width:]):
            raise FileRejected(_unnamed_column(number, width, values))
        if unnamed and _filled([values[i] for i in unnamed if i < len(values)]):
            raise FileRejected(_unnamed_column(number, unnamed[0], values))
        if len(values) < width:
            values = (*values, *pad[len(values) :])
        count += 1
        yield number, pick(values)
    if not count:
        raise FileRejected(
            Text("文件只有表头，没有数据行", "the file has a header but no data rows")
        )


def _filled(values: Sequence) -> bool:
    """Whether any cell holds something other than nothing or blanks (a plain loop: it stops at
    the first value, usually the first cell, and this runs for every row)."""
    for v in values:  # noqa: SIM110 (a loop is 5x faster than any() over a generator here)
        if v is not None and (type(v) is not str or v.strip()):
            return True
    return False


def _header_text(value: object) -> str:
    return "" if value is None else str(value).strip().replace("\n", "")


def _unnamed_column(number: int, start: int, values: Sequence) -> Text:
    col = next(i for i in range(start, len(values)) if _filled(values[i : i + 1]))
    letter = get_column_letter(col + 1)
    return Text(
        f"第 {number} 行 {letter} 列有数据但该列没有列名",
        f"row {number}, column {letter} has data but no header",
    )


# --- writing ------------------------------------------------------------------------------------


def write_table(path: Path, kind: Kind, rows: Iterable[Sequence[Cell]], count: int | None = None):
    """Write rows (in the canonical column order) to `path`: CSV (UTF-8 with BOM, which Excel
    opens correctly) when the name ends in .csv, XLSX otherwise. Written to a temporary file and
    renamed, so a failure never leaves half a file. Returns the number of data rows."""
    tmp = path.with_name(path.name + ".part")
    try:
        if path.suffix.lower() == ".csv":
            written = _write_csv(tmp, kind, rows)
        else:
            written = _write_xlsx(tmp, kind, rows, count)
        os.replace(tmp, path)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()
    return written


def _write_csv(path: Path, kind: Kind, rows: Iterable[Sequence[Cell]], encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(headers(kind))
        n = 0
        for n, row in enumerate(rows, 1):  # noqa: B007
            out.writerow(["" if v is None else v for v in row])
    return n


def _write_xlsx(path: Path, kind: Kind, rows: Iterable[Sequence[Cell]], count: int | None):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLES[kind])
    names = headers(kind)
    for i, name in enumerate(names, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(name) + 2)
    ws.freeze_panes = "A2"
    if count is not None:
        # Write <dimension>, as Excel does: without it openpyxl's read-only mode parses the whole
        # sheet once just to size it (1.1 s of 6 s for 50,000 rows).
        ref = f"A1:{get_column_letter(len(names))}{count + 1}"
        ws.calculate_dimension = lambda: ref  # type: ignore[attr-defined]
    ws.append([_bold(ws, name) for name in names])
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007
        ws.append(row)
    if count is not None and n != count:
        raise ValueError(f"expected {count} rows, got {n}")
    wb.save(path)
    return n


def _bold(ws: object, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell
