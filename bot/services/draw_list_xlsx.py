"""随机抽查名单 (the drawn list) as an XLSX workbook for coordinators: one row per visit.

Confidential until the visits are done (抽查名单保密): it goes to coordinators only.
"""

from __future__ import annotations

import os
import tempfile
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bot.services.draw_texts import VisitNotice, period_name

HEADERS = (
    "序号",
    "检查对象",
    "统一社会信用代码/对象编号",
    "地址",
    "所属区域",
    "抽查事项",
    "联合检查",
    "执法人员（主办在前）",
    "辅助检查专家",
    "完成时限",
)
WIDTHS = (6, 32, 22, 30, 12, 36, 8, 28, 18, 12)


def _row(v: VisitNotice) -> list[object]:
    staff = [m.name for m in v.team if m.role != "expert"]
    experts = [m.name for m in v.team if m.role == "expert"]
    return [
        v.seq,
        v.entity,
        v.stable_id,
        v.address,
        v.region,
        "、".join(name for _, name in v.items),
        "是" if v.joint else "否",
        "、".join(staff),
        "、".join(experts),
        v.due_on,
    ]


def write_draw_list(path: Path, bureau: str, period: str, visits: list[VisitNotice]) -> Path:
    """Write the list (temporary file, then rename) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "抽查名单"
    ws.append([f"{bureau} {period_name(period, 'zh-CN')}随机抽查名单（内部资料，检查完成前保密）"])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(list(HEADERS))
    for col, width in enumerate(WIDTHS, start=1):
        cell = ws.cell(row=2, column=col)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
    for v in sorted(visits, key=lambda x: x.seq):
        ws.append(_row(v))
    wrapped = None  # the first cell's style, copied to the others (openpyxl otherwise looks the
    for cells in ws.iter_rows(min_row=3):  # alignment up in its style table cell by cell)
        for cell in cells:
            if wrapped is None:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                wrapped = cell._style
            else:
                cell._style = copy(wrapped)
    ws.freeze_panes = "A3"
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
