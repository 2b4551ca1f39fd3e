"""名录库文件格式: the columns of the two registry files (两库) and their cell values.

Pure: turns one row of cells (already read from CSV or XLSX) into an `Entity` or `Inspector`,
and back, mapping the Chinese labels people type (一般 / 重点 / 特殊 …) to the enums of
bot.domain.models. Every problem names the column header a spreadsheet user sees and is worded in
both languages (`Text`), so a report can be rendered in zh-CN or en. The layout is documented for
people in docs/registry-format.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from bot.domain.models import (
    Category,
    Entity,
    EntityKind,
    EntityStatus,
    Inspector,
    InspectorKind,
    PermitClass,
)
from bot.domain.registry_cells import (
    NO,
    YES,
    Text,
    cell_text,
    choice_parser,
    format_tags,
    parse_credit_code,
    parse_date,
    parse_decimal,
    parse_expertise,
    parse_identifier,
    parse_industry_code,
    parse_recusals,
    parse_required_text,
    parse_tags,
    parse_whole_number,
    yes_no_parser,
)

Kind = Literal["entities", "inspectors"]
Cell = str | int | float | None
M = TypeVar("M", bound=BaseModel)

# fmt: off
SHEET_TITLES: dict[Kind, str] = {"entities": "检查对象", "inspectors": "执法检查人员"}
KIND_LABELS = {
    EntityKind.ENTERPRISE: "企业", EntityKind.WATER_SOURCE: "水源地",
    EntityKind.NATURE_RESERVE: "自然保护区", EntityKind.CONSTRUCTION_PROJECT: "建设项目",
    EntityKind.OTHER: "其他",
}
CATEGORY_LABELS = {Category.GENERAL: "一般", Category.KEY: "重点", Category.SPECIAL: "特殊"}
PERMIT_LABELS = {
    PermitClass.KEY: "重点管理", PermitClass.SIMPLIFIED: "简化管理",
    PermitClass.REGISTRATION: "登记管理",
}
STATUS_LABELS = {
    EntityStatus.OPERATING: "在产", EntityStatus.SUSPENDED: "停产",
    EntityStatus.CLOSED: "关闭", EntityStatus.EXCLUDED: "剔除",
}
INSPECTOR_KIND_LABELS = {InspectorKind.STAFF: "执法人员", InspectorKind.EXPERT: "辅助检查人员"}
# Longer names real registries use for the supervision class (监管类别); accepted on import.
CATEGORY_SYNONYMS = {
    "一般监管对象": Category.GENERAL, "一般排污单位": Category.GENERAL,
    "重点监管对象": Category.KEY, "重点排污单位": Category.KEY, "特殊监管对象": Category.SPECIAL,
}
NEEDS_CODE = Text("对象类型为企业时必填", "required for an enterprise (企业)")
ID_NOT_CODE = Text("填写了统一社会信用代码时，对象编号应留空或与之相同",
                   "must be empty or equal to the credit code when one is given")
NEEDS_ID = Text("未填统一社会信用代码时必填", "required when 统一社会信用代码 is empty")
NEEDS_DECISION = Text("状态为剔除时必填", "required when 状态 is 剔除")
HALF_POSITION = Text("纬度和经度须同时填写或同时留空",
                     "give both latitude and longitude, or neither")
STAFF_NEEDS_CERT = Text("执法人员必填", "required for enforcement staff (执法人员)")
EXPERT_NEEDS_ID = Text("辅助检查人员须填写执法证号或专家编号",
                       "an expert needs 执法证号 or 专家编号")
# fmt: on


def inverse(labels: Mapping[Any, str]) -> dict[str, Any]:
    """Label -> enum, the direction import needs."""
    return {v: k for k, v in labels.items()}


class RowInvalid(Exception):
    """A row could not become a model; `problems` lists (column header, reason) per bad cell."""

    def __init__(self, problems: list[tuple[str, Text]]) -> None:
        super().__init__("; ".join(f"{c}: {t.en}" for c, t in problems))
        self.problems = problems


# --- columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a registry file: its header, the model field, how a cell is read, and the
    enum labels (which the template offers as a drop-down list)."""

    header: str
    field: str
    parse: Callable[[object], Any]
    labels: Mapping[Any, str] | None = None


ENTITY_COLUMNS: tuple[Column, ...] = (
    Column("统一社会信用代码", "credit_code", parse_credit_code),
    Column("对象编号", "stable_id", parse_identifier),
    Column("名称", "name", parse_required_text),
    Column("对象类型", "kind", choice_parser(inverse(KIND_LABELS), default=EntityKind.ENTERPRISE),
           KIND_LABELS),
    Column("地址", "address", cell_text),
    Column("所属区域", "region", cell_text),
    Column("行业代码", "industry_code", parse_industry_code),
    Column("监管类别", "category",
           choice_parser({**inverse(CATEGORY_LABELS), **CATEGORY_SYNONYMS}, required=True),
           CATEGORY_LABELS),
    Column("排污许可管理类别", "permit_class", choice_parser(inverse(PERMIT_LABELS)),
           PERMIT_LABELS),
    Column("信用评价", "credit_rating", cell_text),
    Column("正面清单", "positive_list", yes_no_parser(), {True: YES, False: NO}),
    Column("标签", "tags", parse_tags),
    Column("状态", "status", choice_parser(inverse(STATUS_LABELS), required=True), STATUS_LABELS),
    Column("状态原因", "status_reason", cell_text),
    Column("状态决定人", "status_decided_by", cell_text),
    Column("纬度", "latitude", parse_decimal),
    Column("经度", "longitude", parse_decimal),
    Column("最近违法日期", "last_violation_on", parse_date),
    Column("核实投诉次数", "verified_complaints", parse_whole_number),
    Column("挂牌督办", "supervised_rectification", yes_no_parser(), {True: YES, False: NO}),
)  # fmt: skip
INSPECTOR_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", parse_required_text),
    Column("部门", "department", parse_required_text),
    Column("执法证号", "certificate_no", parse_identifier),
    Column("专家编号", "expert_id", parse_identifier),
    Column("业务专长", "expertise", parse_expertise),
    Column("所属区域", "region", cell_text),
    Column("从业年限", "years_of_service", parse_whole_number),
    Column("人员类别", "kind", choice_parser(inverse(INSPECTOR_KIND_LABELS), required=True),
           INSPECTOR_KIND_LABELS),
    Column("在岗", "active", yes_no_parser(required=True), {True: YES, False: NO}),
    Column("回避", "recusals", parse_recusals),
)  # fmt: skip
ENTITY_HEADERS = tuple(c.header for c in ENTITY_COLUMNS)
INSPECTOR_HEADERS = tuple(c.header for c in INSPECTOR_COLUMNS)


def columns(kind: Kind) -> tuple[Column, ...]:
    """The columns of a registry file of `kind`, in file order."""
    return ENTITY_COLUMNS if kind == "entities" else INSPECTOR_COLUMNS


def headers(kind: Kind) -> tuple[str, ...]:
    """The column headers of a registry file of `kind`, in file order."""
    return ENTITY_HEADERS if kind == "entities" else INSPECTOR_HEADERS


# --- rows ---------------------------------------------------------------------------------------


def _read_cells(values: Sequence[object], cols: Sequence[Column]) -> tuple[dict, list]:
    fields: dict[str, Any] = {}
    problems: list[tuple[str, Text]] = []
    for col, raw in zip(cols, values, strict=True):
        try:
            fields[col.field] = col.parse(raw)
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], Text) else None
            problems.append((col.header, reason or Text(f"无效：{exc}", f"invalid: {exc}")))
    return fields, problems


def parse_entity(values: Sequence[object]) -> Entity:
    """One row in ENTITY_HEADERS order -> Entity, or RowInvalid listing every bad cell."""
    f, problems = _read_cells(values, ENTITY_COLUMNS)
    code, own_id, code_ok = f.get("credit_code"), f.get("stable_id"), "credit_code" in f
    if code_ok and f.get("kind") is EntityKind.ENTERPRISE and not code:
        problems.append(("统一社会信用代码", NEEDS_CODE))
    if own_id and code and own_id != code:
        problems.append(("对象编号", ID_NOT_CODE))
    elif code_ok and not own_id and not code:
        problems.append(("对象编号", NEEDS_ID))
    if f.get("status") is EntityStatus.EXCLUDED:
        problems += [(h, NEEDS_DECISION) for h, k in DECISION_FIELDS if not f[k]]
    lat, lon = f.get("latitude", NotImplemented), f.get("longitude", NotImplemented)
    if NotImplemented not in (lat, lon) and (lat is None) != (lon is None):
        problems.append(("纬度" if lat is None else "经度", HALF_POSITION))
    if problems:
        raise RowInvalid(problems)
    f["stable_id"] = own_id or code
    return _validated(Entity, f, ENTITY_COLUMNS)


DECISION_FIELDS = (("状态原因", "status_reason"), ("状态决定人", "status_decided_by"))


def parse_inspector(values: Sequence[object]) -> Inspector:
    """One row in INSPECTOR_HEADERS order -> Inspector, or RowInvalid listing every bad cell."""
    f, problems = _read_cells(values, INSPECTOR_COLUMNS)
    cert, expert_id = f.get("certificate_no"), f.get("expert_id")
    if f.get("kind") is InspectorKind.STAFF and cert == "":
        problems.append(("执法证号", STAFF_NEEDS_CERT))
    if f.get("kind") is InspectorKind.EXPERT and cert == "" and expert_id == "":
        problems.append(("专家编号", EXPERT_NEEDS_ID))
    if problems:
        raise RowInvalid(problems)
    f["certificate_no"], f["expert_id"] = cert or None, expert_id or None
    return _validated(Inspector, f, INSPECTOR_COLUMNS)


PYDANTIC_ZH = {
    "string_too_long": "太长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
}


def _validated(model: type[M], fields: dict[str, Any], cols: Sequence[Column]) -> M:
    """Build the model; a rule the parsing above did not catch is still reported by column."""
    try:
        return model(**fields)
    except ValidationError as exc:
        header = {c.field: c.header for c in cols}
        problems = []
        for err in exc.errors(include_url=False):
            column = header.get(str(err["loc"][0]), "") if err["loc"] else ""
            msg = err["msg"].removeprefix("Value error, ")
            ctx = {k: cell_text(v) for k, v in err.get("ctx", {}).items()}
            zh = PYDANTIC_ZH.get(err["type"], "无效：{msg}").format(**ctx, msg=msg)
            problems.append((column, Text(zh, msg)))
        raise RowInvalid(problems) from None


# --- back to cells (export) ---------------------------------------------------------------------


def _show(value: object, labels: Mapping[Any, str] | None) -> Cell:
    if labels is not None:
        return labels[value] if value is not None else None
    if value is None or value == "":
        return None
    return value  # type: ignore[return-value]


def entity_cells(e: Entity) -> list[Cell]:
    """An Entity as the cells of one row in ENTITY_HEADERS order (None for empty cells)."""
    row = [_show(getattr(e, c.field), c.labels) for c in ENTITY_COLUMNS]
    row[1] = None if e.credit_code else e.stable_id
    row[11] = format_tags(e.tags) or None
    row[17] = e.last_violation_on.isoformat() if e.last_violation_on else None
    return row


def inspector_cells(i: Inspector) -> list[Cell]:
    """An Inspector as the cells of one row in INSPECTOR_HEADERS order (None for empty cells)."""
    row = [_show(getattr(i, c.field), c.labels) for c in INSPECTOR_COLUMNS]
    row[4] = ";".join(i.expertise) or None
    row[9] = ";".join(f"{r.entity_stable_id}:{r.reason}" for r in i.recusals) or None
    return row
