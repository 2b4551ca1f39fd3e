"""名录库导入导出: import a registry file into the database, export it back, write a template.

An import reads and validates every row first (collecting all errors, each naming file, row and
column), then upserts everything in ONE transaction: any error means nothing is written. A dry run
performs the same upsert and rolls it back, so its added/updated/unchanged counts are real.
"""

from __future__ import annotations

import asyncio
import csv
import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bot.domain.models import Entity, Inspector
from bot.domain.registry_format import (
    SHEET_TITLES,
    Kind,
    RowInvalid,
    Text,
    columns,
    entity_cells,
    headers,
    inspector_cells,
    parse_entity,
    parse_inspector,
)
from bot.services.registry_files import (
    ENCODING_NAMES,
    FileRejected,
    Problem,
    open_table,
    write_table,
)
from storage.db import Database
from storage.entities import UpsertCounts, entity_ids, list_entities, upsert_entities
from storage.inspectors import list_inspectors, upsert_inspectors

KIND_NAMES = {"entities": Text("检查对象名录库", "entity registry"),
              "inspectors": Text("执法检查人员名录库", "inspector registry")}  # fmt: skip


@dataclass
class ProblemLog:
    """Problems kept up to `cap`, the rest only counted, so a bad 50,000-row file stays readable."""

    cap: int = 50
    shown: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.shown) < self.cap:
            self.shown.append(problem)

    @property
    def hidden(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self.shown)


@dataclass
class ImportReport:
    """What an import did (导入结果): rows read, counts, encoding, and every error and warning."""

    kind: Kind
    filename: str
    dry_run: bool = False
    file_format: str = ""
    encoding: str | None = None
    sheet: str | None = None
    rows: int = 0
    counts: UpsertCounts | None = None
    errors: ProblemLog = field(default_factory=ProblemLog)
    warnings: ProblemLog = field(default_factory=ProblemLog)

    @property
    def ok(self) -> bool:
        """True when the file was valid (and, unless a dry run, written)."""
        return self.errors.total == 0 and self.counts is not None

    def render(self, lang: str = "zh-CN", *, with_errors: bool = True) -> str:
        """The report as text for the chat or the console, in zh-CN or en (errors listed unless
        `with_errors` is False: the console prints them to stderr with render_errors)."""
        zh = lang != "en"
        lines = [self._title(zh)]
        if self.file_format:
            lines.append(self._source(zh))
        if self.counts is not None:
            c = self.counts
            lines.append(
                f"新增 {c.added}，更新 {c.updated}，未变 {c.unchanged}"
                if zh
                else f"added {c.added}, updated {c.updated}, unchanged {c.unchanged}"
            )
        if with_errors:
            lines += self._problems(zh, self.errors, Text("错误", "errors"))
        lines += self._problems(zh, self.warnings, Text("警告", "warnings"))
        return "\n".join(lines)

    def render_errors(self, lang: str = "zh-CN") -> str:
        """Only the errors, one per line ("" when there are none)."""
        return "\n".join(self._problems(lang != "en", self.errors, Text("错误", "errors")))

    def _title(self, zh: bool) -> str:
        what = KIND_NAMES[self.kind].in_("zh-CN" if zh else "en")
        if self.errors.total:
            return (
                f"{what}导入失败：{self.filename}（数据库未作任何改动）"
                if zh
                else f"{what} import FAILED: {self.filename} (the database was not changed)"
            )
        if self.dry_run:
            return (
                f"{what}试导入（未写入）：{self.filename}"
                if zh
                else f"{what} dry run (nothing written): {self.filename}"
            )
        return f"{what}导入完成：{self.filename}" if zh else f"{what} imported: {self.filename}"

    def _source(self, zh: bool) -> str:
        fmt = self.file_format.upper()
        if self.encoding:
            fmt += f" {ENCODING_NAMES.get(self.encoding, self.encoding)}"
        if self.sheet:
            fmt += f"，工作表「{self.sheet}」" if zh else f", sheet {self.sheet!r}"
        return f"格式 {fmt}；数据 {self.rows} 行" if zh else f"format {fmt}; {self.rows} data rows"

    def _problems(self, zh: bool, log: ProblemLog, label: Text) -> list[str]:
        if not log.total:
            return []
        lang = "zh-CN" if zh else "en"
        lines = [f"{label.zh} {log.total} 处：" if zh else f"{log.total} {label.en}:"]
        lines += [f"- {p.render(lang, self.filename)}" for p in log.shown]
        if log.hidden:
            lines.append(
                f"……另有 {log.hidden} 处{label.zh}未列出"
                if zh
                else f"... and {log.hidden} more {label.en} not listed"
            )
        return lines


@contextmanager
def _bulk_gc() -> Iterator[None]:
    """Collect cyclic garbage less often while a big file is read: tens of thousands of models
    stay alive, and CPython's default thresholds re-scan them over and over (2.3 s of 8.7 s for
    50,000 rows). Restored afterwards; the last concurrent reader restores the defaults."""
    global _bulk_depth
    with _bulk_lock:
        if _bulk_depth == 0:
            _bulk_saved[:] = gc.get_threshold()
            gc.set_threshold(100_000, 50, 100)
        _bulk_depth += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_depth -= 1
            if _bulk_depth == 0:
                gc.set_threshold(*_bulk_saved)


_bulk_lock = threading.Lock()
_bulk_depth = 0
_bulk_saved: list[int] = []


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that db.tx() rolls it back."""


async def import_registry(
    db: Database,
    bureau_id: int,
    kind: Kind,
    path: Path,
    *,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportReport:
    """Validate the registry file at `path` and upsert it into the bureau's registry in one
    transaction (nothing is written when any row is bad, or when `dry_run`)."""
    report = ImportReport(kind, filename or Path(path).name, dry_run)
    with _bulk_gc():
        numbered = await asyncio.to_thread(read_registry, Path(path), kind, report)
        if report.errors.total:
            return report
        models = [model for _, model in numbered]
        try:
            async with db.tx() as conn:
                if kind == "entities":
                    report.counts = await upsert_entities(conn, bureau_id, models)
                else:
                    await _warn_unknown_recusals(conn, bureau_id, numbered, report)
                    report.counts = await upsert_inspectors(conn, bureau_id, models)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return report


def read_registry(path: Path, kind: Kind, report: ImportReport) -> list[tuple[int, Any]]:
    """Read and validate every row into (row number, Entity or Inspector), filling `report`
    (format, rows, errors). Synchronous and CPU-bound: the async import runs it in a thread."""
    parse = parse_entity if kind == "entities" else parse_inspector
    models: list[tuple[int, Any]] = []
    first_row: dict[str, int] = {}
    try:
        with _bulk_gc(), open_table(path, kind) as table:
            report.file_format, report.encoding, report.sheet = (
                table.file_format,
                table.encoding,
                table.sheet,
            )
            for number, values in table.rows:
                report.rows += 1
                try:
                    model = parse(values)
                except RowInvalid as exc:
                    for column, reason in exc.problems:
                        report.errors.add(Problem(number, column, reason))
                    continue
                if _is_duplicate(model, number, first_row, report):
                    continue
                models.append((number, model))
            for problem in table.problems:
                report.errors.add(problem)
    except FileRejected as exc:
        report.errors.add(Problem(None, "", exc.message))
    except csv.Error as exc:
        report.errors.add(Problem(None, "", Text(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}")))
    return models


def _is_duplicate(
    model: Entity | Inspector, number: int, first: dict, report: ImportReport
) -> bool:
    """Record the row of each id; a repeated id is an error naming both rows."""
    if isinstance(model, Entity):
        key, column = model.stable_id, "统一社会信用代码" if model.credit_code else "对象编号"
    else:
        key, column = model.key, "执法证号" if model.certificate_no else "专家编号"
    if key not in first:
        first[key] = number
        return False
    shown = key.removeprefix("expert:")
    report.errors.add(
        Problem(
            number,
            column,
            Text(
                f"「{shown}」与第 {first[key]} 行重复",
                f"{shown!r} repeats row {first[key]}",
            ),
        )
    )
    return True


async def _warn_unknown_recusals(
    conn: object, bureau_id: int, inspectors: list[tuple[int, Inspector]], report: ImportReport
) -> None:
    """A recusal (回避) naming an entity not in the registry is a WARNING, not an error: the two
    registries are imported separately and in either order, and such a recusal excludes nothing
    until the entity exists; the warning makes a mistyped 对象编号 visible."""
    known = await entity_ids(conn, bureau_id)  # type: ignore[arg-type]
    for number, inspector in inspectors:
        for r in inspector.recusals:
            if r.entity_stable_id not in known:
                sid = r.entity_stable_id
                report.warnings.add(
                    Problem(
                        number,
                        "回避",
                        Text(
                            f"{inspector.name} 的回避对象「{sid}」不在检查对象名录库中",
                            f"{inspector.name}'s recusal names {sid!r}, not in the registry",
                        ),
                    )
                )


async def export_registry(db: Database, bureau_id: int, kind: Kind, path: Path) -> int:
    """Write the bureau's registry to `path` (XLSX, or CSV when the name ends in .csv) in the
    import layout, so export -> import changes nothing. Returns the number of rows."""
    async with db.read() as conn:
        if kind == "entities":
            rows = [entity_cells(e) for e in await list_entities(conn, bureau_id)]
        else:
            rows = [inspector_cells(i) for _, i in await list_inspectors(conn, bureau_id)]
    return await asyncio.to_thread(write_table, Path(path), kind, rows, len(rows))


def write_models(path: Path, kind: Kind, models: Iterable, count: int | None = None) -> int:
    """Write Entity or Inspector models (any iterable, e.g. a generator) as a registry file."""
    to_cells = entity_cells if kind == "entities" else inspector_cells
    return write_table(Path(path), kind, (to_cells(m) for m in models), count)


def write_template(path: Path, kind: Kind) -> None:
    """A blank XLSX with the Chinese headers, drop-down lists for the enum columns, text format
    for code columns, and a second sheet 说明 explaining every column and its allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES[kind]
    ws.append(list(headers(kind)))
    ws.freeze_panes = "A2"
    for i, col in enumerate(columns(kind), 1):
        letter = get_column_letter(i)
        ws.cell(1, i).font = Font(bold=True)
        ws.column_dimensions[letter].width = max(10, 2 * len(col.header) + 2)
        note = COLUMN_NOTES[col.header]
        if note.text_format:
            ws.column_dimensions[letter].number_format = "@"
        if col.labels:
            choices = ",".join(dict.fromkeys(col.labels.values()))
            dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            dv.error, dv.errorTitle, dv.showErrorMessage = f"请选择：{choices}", col.header, True
            dv.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(dv)
    notes = wb.create_sheet("说明")
    notes.append(["列名", "必填", "说明", "允许的值", "示例"])
    for col in columns(kind):
        note = COLUMN_NOTES[col.header]
        allowed = "/".join(dict.fromkeys(col.labels.values())) if col.labels else note.allowed
        notes.append([col.header, note.required, note.meaning, allowed, note.example])
    for letter, width in zip("ABCDE", (18, 14, 60, 36, 40), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    tmp = Path(path).with_name(Path(path).name + ".part")
    wb.save(tmp)
    tmp.replace(path)


@dataclass(frozen=True)
class Note:
    """How the 说明 sheet of the template explains one column."""

    required: str
    meaning: str
    example: str = ""
    allowed: str = ""
    text_format: bool = False


# fmt: off
COLUMN_NOTES: dict[str, Note] = {
    "统一社会信用代码": Note("企业必填", "18 位（GB 32100-2015），含校验码；该列为文本格式",
                     "91130281MA07L8QH25", "18 位字母数字（不用 I、O、S、V、Z）", True),
    "对象编号": Note("无信用代码时必填", "稳定编号，摇号按它识别对象；填了信用代码时留空或与之相同",
                 "SYD-130281-001", "", True),
    "名称": Note("必填", "单位、项目或区域名称，最长 200 字", "遵化市鑫源水泥有限公司"),
    "对象类型": Note("否（空 = 企业）", "检查对象的类型", "企业"),
    "地址": Note("否", "详细地址", "河北省唐山市遵化市堡子店镇工业园区兴业路 18 号"),
    "所属区域": Note("否", "乡镇、街道或园区", "堡子店镇"),
    "行业代码": Note("否", "国民经济行业分类（GB/T 4754-2017）代码", "3011",
                 "2-4 位数字，可带门类字母，如 2611、C3011", True),
    "监管类别": Note("必填", "一般、重点或特殊监管对象（也接受“重点排污单位”等全称）", "重点"),
    "排污许可管理类别": Note("否", "排污许可管理类别；无排污许可时留空", "简化管理"),
    "信用评价": Note("否", "生态环境信用评价结果", "良好", "如 诚信、良好、警示、不良"),
    "正面清单": Note("否（空 = 否）", "是否列入生态环境监督执法正面清单（非现场监管）", "否"),
    "标签": Note("否", "名称=值，多个以 ; 分隔", "排放类型=废水;重污染天气绩效分级=B",
               "如 排放类型、重污染天气绩效分级、竣工日期=YYYY-MM-DD"),
    "状态": Note("必填", "经营状态；剔除的对象不参加摇号", "在产"),
    "状态原因": Note("剔除时必填", "停产、关闭或剔除的原因", "已注销"),
    "状态决定人": Note("剔除时必填", "谁决定剔除（人员或会议）", "综合科 王磊"),
    "纬度": Note("否（与经度同填）", "十进制度数", "40.189300", "-90 至 90"),
    "经度": Note("否（与纬度同填）", "十进制度数", "117.965800", "-180 至 180"),
    "最近违法日期": Note("否", "最近一次被查实违法的日期", "2025-06-30", "YYYY-MM-DD"),
    "核实投诉次数": Note("否（空 = 0）", "经核实的信访投诉次数", "2", "非负整数"),
    "挂牌督办": Note("否（空 = 否）", "是否被挂牌督办", "否"),
    "姓名": Note("必填", "姓名，最长 50 字", "王磊"),
    "部门": Note("必填", "所在科室或中队", "执法大队一中队"),
    "执法证号": Note("执法人员必填", "生态环境行政执法证编号；只有持证人员可被抽为执法人员",
                 "130281190012", "", True),
    "专家编号": Note("无执法证的辅助检查人员必填", "专家库编号", "ZJ-2026-003", "", True),
    "业务专长": Note("否", "以 ; 或 、 分隔", "水;大气;危废",
                 "常用：水、大气、固废、危废、辐射、土壤、噪声、环评"),
    "从业年限": Note("否（空 = 0）", "从事生态环境执法的年数", "8", "0 至 60 的整数"),
    "人员类别": Note("必填", "执法人员或辅助检查人员（专家，单独成库）", "执法人员"),
    "在岗": Note("必填", "不在岗的人员不参加摇号", "是"),
    "回避": Note("否", "对象编号:理由，多个以 ; 分隔；对象编号即信用代码或对象编号列的值",
               "91130281MA07L8QH25:近亲属任职"),
}
# fmt: on
