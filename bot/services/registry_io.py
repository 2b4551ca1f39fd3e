"""名录库导入导出: import a registry file into the database, export it back, write a template.

An import reads and validates every row first (collecting all errors, each naming file, row and
column), then upserts everything in ONE transaction: any error means nothing is written. A dry run
performs the same upsert and rolls it back, so its added/updated/unchanged counts are real.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.models import Entity, Inspector
from bot.domain.registry_format import (
    Kind,
    RowInvalid,
    Text,
    entity_cells,
    inspector_cells,
    parse_entity,
    parse_inspector,
)
from bot.domain.synthetic import generate_inspectors, iter_entities
from bot.services.gc_pause import paused_gc
from bot.services.registry_files import (
    ENCODING_NAMES,
    FileRejected,
    Problem,
    open_table,
    write_table,
)
from bot.services.registry_template import write_template
from storage import audit
from storage.db import Database
from storage.entities import UpsertCounts, entity_ids, list_entities, upsert_entities
from storage.inspectors import list_inspectors, upsert_inspectors

__all__ = [
    "ImportReport",
    "export_registry",
    "import_registry",
    "write_models",
    "write_synthetic_bureau",
    "write_template",
]

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
    actor: str = "import",
) -> ImportReport:
    """Validate the registry file at `path` and upsert it into the bureau's registry in one
    transaction (nothing is written when any row is bad, or when `dry_run`). A real import is
    logged in the audit chain (registry.imported: file name, SHA-256, counts) by `actor`: the
    registries are the draw's frame, so who changed them, and with which file, must show."""
    report = ImportReport(kind, filename or Path(path).name, dry_run)
    with paused_gc():
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
                await _audit(conn, bureau_id, actor, Path(path), report)
        except _DryRun:
            pass
    return report


async def _audit(
    conn: object, bureau_id: int, actor: str, path: Path, report: ImportReport
) -> None:
    """Append registry.imported to the audit chain, in the import's transaction."""
    digest = await asyncio.to_thread(lambda: hashlib.sha256(path.read_bytes()).hexdigest())
    counts = report.counts
    payload = {
        "file": report.filename,
        "sha256": digest,
        "rows": report.rows,
        "added": counts.added if counts else 0,
        "updated": counts.updated if counts else 0,
        "unchanged": counts.unchanged if counts else 0,
    }
    await audit.append(conn, actor, "registry.imported", report.kind, payload, bureau_id=bureau_id)


def read_registry(path: Path, kind: Kind, report: ImportReport) -> list[tuple[int, Any]]:
    """Read and validate every row into (row number, Entity or Inspector), filling `report`
    (format, rows, errors). Synchronous and CPU-bound: the async import runs it in a thread."""
    parse = parse_entity if kind == "entities" else parse_inspector
    models: list[tuple[int, Any]] = []
    first_row: dict[str, int] = {}
    try:
        with paused_gc(), open_table(path, kind) as table:
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


def write_synthetic_bureau(
    directory: Path, *, seed: int, entities: int, inspectors: int, fmt: str = "xlsx"
) -> tuple[Path, Path]:
    """Stream a synthetic county (bot.domain.synthetic) to entities.<fmt> and inspectors.<fmt> in
    `directory`, in bounded memory; the inspectors' recusals name some of the first entities."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sample: list[str] = []

    def noting_ids(stream: Iterator[Entity]) -> Iterator[Entity]:
        for e in stream:
            if len(sample) < 1000:
                sample.append(e.stable_id)
            yield e

    e_path, i_path = directory / f"entities.{fmt}", directory / f"inspectors.{fmt}"
    write_models(e_path, "entities", noting_ids(iter_entities(seed, entities)), entities)
    write_models(i_path, "inspectors", generate_inspectors(seed, inspectors, sample), inspectors)
    return e_path, i_path
