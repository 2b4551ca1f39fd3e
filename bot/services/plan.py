"""年度抽查计划 use cases: read the item list, load the registry, build the plan or a period's
frames, and write the plan in the layout bureaus publish (XLSX).

The item list is a YAML file (see docs/item-list.md); its path comes from the caller (the
`--items` option, or the bureau's setting). Nothing here writes to the database.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence, Set
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.frames import ItemFrame, frames_for_period
from bot.domain.itemlist import ItemList, parse_item_list
from bot.domain.models import Entity, Inspector
from bot.domain.periods import Period
from bot.domain.plan import Plan, build_plan
from bot.domain.plan_text import (
    ENTITY_HEADERS,
    PERIOD_HEADERS,
    PUBLICATION_HEADERS,
    entity_rows,
    period_rows,
    publication_rows,
)
from bot.domain.yaml_source import SourceError, SourceIssue
from storage.db import Database
from storage.entities import list_entities
from storage.inspectors import list_inspectors


def read_item_list(path: Path | str) -> ItemList:
    """Read and validate the item list at `path`; SourceError (naming the file) when it is not
    readable or not valid — nothing of an invalid file is used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SourceError(str(path), [SourceIssue(0, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        issue = SourceIssue(0, "", f"not UTF-8 text (byte {exc.start})")
        raise SourceError(str(path), [issue]) from None
    except OSError as exc:
        raise SourceError(str(path), [SourceIssue(0, "", exc.strerror or str(exc))]) from None
    return parse_item_list(text, str(path))


async def load_registry(db: Database, bureau_id: int) -> tuple[list[Entity], list[Inspector]]:
    """The bureau's two registries (两库) as they stand."""
    async with db.read() as conn:
        entities = await list_entities(conn, bureau_id)
        inspectors = [i for _, i in await list_inspectors(conn, bureau_id)]
    return entities, inspectors


async def plan_for_bureau(
    db: Database,
    bureau_id: int,
    item_list: ItemList | Path | str,
    year: int,
    *,
    open_rectifications: Set[str] = frozenset(),
) -> Plan:
    """The bureau's plan for `year` from its registry and item list (a model or a file path).

    `open_rectifications`: stable ids with a rectification (整改) still open; they stay special
    where the item list's category rules say so.
    """
    items = item_list if isinstance(item_list, ItemList) else read_item_list(item_list)
    entities, inspectors = await load_registry(db, bureau_id)
    return build_plan(items, entities, inspectors, year, open_rectifications=open_rectifications)


async def frames_for_bureau(
    db: Database,
    bureau_id: int,
    item_list: ItemList,
    period: Period,
    covered: Mapping[str, Set[str]] | None = None,
    *,
    open_rectifications: Set[str] = frozenset(),
    raised: Mapping[tuple[str, str], int] | None = None,
) -> list[ItemFrame]:
    """The frames of one period's draw for the bureau (see bot.domain.frames)."""
    entities, inspectors = await load_registry(db, bureau_id)
    return frames_for_period(
        item_list,
        entities,
        inspectors,
        period,
        covered,
        open_rectifications=open_rectifications,
        raised=raised,
    )


def write_plan_xlsx(plan: Plan, path: Path | str) -> None:
    """Write the plan as published: sheet 抽查计划 (one row per item and group), 分期明细 (the
    periods and their working), 抽查对象名单 (the entity list). Written to a temporary file and
    renamed, so a failure leaves no half-written workbook."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "抽查计划"
    title = f"{plan.bureau}{plan.year}年度“双随机、一公开”随机抽查计划"
    _sheet(ws, title, PUBLICATION_HEADERS, publication_rows(plan), (24, 30, 50, 22, 10, 40, 14))
    ws.append([])
    ws.append(["合计（家次）", "", "", "", "", "", plan.total])
    _sheet(
        wb.create_sheet("分期明细"), title, PERIOD_HEADERS, period_rows(plan),
        (30, 22, 18, 8, 10, 12, 12, 70),
    )  # fmt: skip
    _sheet(
        wb.create_sheet("抽查对象名单"), f"{plan.year}年度列入随机抽查的检查对象名单",
        ENTITY_HEADERS, entity_rows(plan), (24, 36, 16, 10, 60),
    )  # fmt: skip
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent if path.parent.exists() else None)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sheet(
    ws: Worksheet,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int],
) -> None:
    ws.append([title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(list(headers))
    for col, width in enumerate(widths, start=1):
        ws.cell(row=2, column=col).font = Font(bold=True)
        letter = ws.cell(row=2, column=col).column_letter
        ws.column_dimensions[letter].width = width
    for row in rows:
        ws.append(list(row))
    for cells in ws.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
