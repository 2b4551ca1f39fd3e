"""The layouts of the reports bureaus send up, as XLSX (docs/reports.md shows each).

A report is a list of sheets; a sheet is a heading (row 1), a line of particulars (row 2: who
reports, as of when, by when it is due) and sections, each an optional caption, a header row and
its data rows, a blank row between sections. The headers are the Chinese column names below;
`write_workbook` writes the file aside and renames it, so a failure leaves no half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# 调度表 (monthly dispatch report): one row per check item, then 合计.
DISPATCH_HEADERS = (
    "序号", "抽查事项", "发起部门", "本月完成检查（家次）", "其中联合检查", "未发现问题",
    "发现问题已责令整改", "发现违法行为已立案调查", "移送司法机关", "本月整改完成", "本月结果公开",
)  # fmt: skip
# Progress of each target group against the plan's minimum (both reports).
PROGRESS_HEADERS = (
    "序号", "检查对象类别", "抽查事项", "抽查周期", "对象总数", "最低抽查数", "最低抽查比例",
    "已检查数", "已检查比例", "是否达标",
)  # fmt: skip
INDICATOR_HEADERS = ("序号", "指标", "数值", "分子", "分母", "目标", "是否达标")
RESULT_HEADERS = ("检查结果", "家次")
DISCLOSURE_HEADERS = ("项目", "数量")
# One row per visit (details sheets of both reports).
DETAIL_HEADERS = (
    "序号", "检查对象名称", "统一社会信用代码", "抽查事项", "抽查周期", "检查完成日期",
    "检查人员", "检查结果", "整改情况", "公开情况",
)  # fmt: skip
# 被检查次数年度统计.
INSPECTOR_HEADERS = (
    "序号", "姓名", "执法证号", "所属部门", "参加检查（次）", "其中主办（次）", "其中已完成（次）",
)  # fmt: skip
ENTITY_HEADERS = (
    "序号", "检查对象名称", "统一社会信用代码/对象编号", "监管类别", "被抽中次数", "被检查次数",
    "检查完成日期",
)  # fmt: skip

HEAD_FILL = PatternFill("solid", fgColor="DDE6F1")


@dataclass(frozen=True)
class Section:
    """A table of a sheet: caption (may be empty), headers, rows."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True)
class Sheet:
    """One worksheet: name (tab), heading, particulars line, sections."""

    name: str
    heading: str
    particulars: str
    sections: Sequence[Section] = field(default_factory=tuple)


def write_workbook(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write `sheets` to `path` (XLSX); returns the path."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _sheet(wb.create_sheet(sheet.name), sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _sheet(ws: Worksheet, sheet: Sheet) -> None:
    width = max((len(s.headers) for s in sheet.sections), default=1)
    ws.append([sheet.heading])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([sheet.particulars])
    widths = [6] + [12] * (width - 1)
    for section in sheet.sections:
        ws.append([])
        if section.caption:
            ws.append([section.caption])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        ws.append(list(section.headers))
        for col in range(1, len(section.headers) + 1):
            cell = ws.cell(row=ws.max_row, column=col)
            cell.font, cell.fill = Font(bold=True), HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in section.rows:
            ws.append(list(row))
        for col, header in enumerate(section.headers, start=1):
            longest = max([len(str(header))] + [len(str(r[col - 1])) for r in section.rows])
            widths[col - 1] = max(widths[col - 1], min(40, longest * 2 + 2))
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
