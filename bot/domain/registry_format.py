"""名录库文件格式: the columns of the two registry files (两库) and their cell values.

Pure: turns one row of cells (already read from CSV or XLSX) into an `Entity` or `Inspector`,
and back, mapping the Chinese labels people type (一般 / 重点 / 特殊 …) to the enums of
bot.domain.models. Every problem names the column header a spreadsheet user sees and is worded in
both languages (`Text`), so a report can be rendered in zh-CN or en. The layout is documented for
people in docs/registry-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from bot.domain.credit_code import ALPHABET, check_character, credit_code_error, normalise
from bot.domain.models import (
    Category,
    Entity,
    EntityKind,
    EntityStatus,
    Inspector,
    InspectorKind,
    PermitClass,
    Recusal,
)

Kind = Literal["entities", "inspectors"]
Cell = str | int | float | None
M = TypeVar("M", bound=BaseModel)

# fmt: off
SHEET_TITLES: dict[Kind, str] = {"entities": "检查对象", "inspectors": "执法检查人员"}
YES, NO = "是", "否"
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
# fmt: on

LIST_SPLIT = re.compile(r"[;；]")
EXPERTISE_SPLIT = re.compile(r"[;；、,，]")
INDUSTRY_CODE = re.compile(r"^[A-T]?\d{2,4}$")
DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class Text:
    """A message in both languages of the bot: zh-CN first, en second."""

    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


# fmt: off
REQUIRED = Text("必填", "required")
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


class RowInvalid(Exception):
    """A row could not become a model; `problems` lists (column header, reason) per bad cell."""

    def __init__(self, problems: list[tuple[str, Text]]) -> None:
        super().__init__("; ".join(f"{c}: {t.en}" for c, t in problems))
        self.problems = problems


def _bad(zh: str, en: str) -> ValueError:
    return ValueError(Text(zh, en))


# --- single cells -------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as trimmed text: numbers without a spurious '.0', dates as YYYY-MM-DD, 是/否."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_credit_code(raw: object) -> str | None:
    """统一社会信用代码: normalised, checked against GB 32100-2015; None when empty."""
    if isinstance(raw, float):
        raise _bad(
            "以数字保存，Excel 会丢失末几位；请把该列设为文本后重新输入",
            "stored as a number, which loses digits in Excel; format the column as text",
        )
    text = cell_text(raw)
    code = normalise(text)
    if not code:
        return None
    err = credit_code_error(code)
    if err:
        raise _bad(f"「{text}」无效：{_credit_code_reason_zh(code)}", f"{text!r} is invalid: {err}")
    return code


def _credit_code_reason_zh(code: str) -> str:
    if SCIENTIFIC.match(code):
        return "这是科学计数法，Excel 把代码当成了数字；请把该列设为文本后重新输入"
    if len(code) != 18:
        return f"应为 18 位，实为 {len(code)} 位"
    bad = "".join(sorted({ch for ch in code if ch not in ALPHABET}))
    if bad:
        return f"含有不允许的字符 {bad}（GB 32100-2015 不用 I、O、S、V、Z）"
    if not code[2:8].isdigit():
        return "第 3-8 位应为登记管理机关行政区划码（数字）"
    return f"校验码为 {code[17]}，按 GB 32100-2015 应为 {check_character(code[:17])}"


def parse_date(raw: object) -> date | None:
    """YYYY-MM-DD (or YYYY/M/D, as Excel in China writes dates to CSV), a date cell, or empty."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = cell_text(raw)
    if not text:
        return None
    m = DATE_TEXT.match(text)
    try:
        if not m:
            raise ValueError
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _bad(
            f"「{text}」不是日期，应为 YYYY-MM-DD", f"{text!r} is not a date (YYYY-MM-DD)"
        ) from None


def parse_tags(raw: object) -> dict[str, str]:
    """标签: `key=value` pairs separated by `;` (or `；`)."""
    tags: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in LIST_SPLIT.split(cell_text(raw)))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not key:
            raise _bad(f"「{part}」应写成 名称=值", f"{part!r} must be written key=value")
        if key in tags:
            raise _bad(f"标签「{key}」重复", f"tag {key!r} appears twice")
        tags[key] = value
    return tags


def format_tags(tags: Mapping[str, str]) -> str:
    """Tags back to `key=value;key=value`, keys sorted so exports are stable."""
    return ";".join(f"{k}={tags[k]}" for k in sorted(tags))


def parse_expertise(raw: object) -> list[str]:
    """业务专长: values separated by `;` or `、` (commas tolerated), duplicates dropped."""
    out: list[str] = []
    for part in (p.strip() for p in EXPERTISE_SPLIT.split(cell_text(raw))):
        if part and part not in out:
            out.append(part)
    return out


def parse_recusals(raw: object) -> list[Recusal]:
    """回避: `对象编号:理由` pairs separated by `;` (full-width `：` and `；` accepted)."""
    out: list[Recusal] = []
    for part in filter(None, (p.strip() for p in LIST_SPLIT.split(cell_text(raw)))):
        sid, sep, reason = (s.strip() for s in part.replace("：", ":").partition(":"))
        if not (sep and sid and reason):
            raise _bad(
                f"「{part}」应写成 对象编号:理由", f"{part!r} must be written 对象编号:reason"
            )
        if any(r.entity_stable_id == sid for r in out):
            raise _bad(f"对象「{sid}」重复列出", f"entity {sid!r} is listed twice")
        out.append(Recusal(entity_stable_id=sid, reason=reason))
    return out


def _choice(labels: Mapping[str, Enum], *, default: Enum | None = None, required: bool = False):
    allowed = "/".join(k for k in labels if len(k) <= 6)

    def parse(raw: object) -> Enum | None:
        text = cell_text(raw)
        if not text:
            if required:
                raise ValueError(REQUIRED)
            return default
        if text not in labels:
            raise _bad(f"「{text}」应为 {allowed}", f"{text!r} must be one of {allowed}")
        return labels[text]

    return parse


def _yes_no(*, required: bool = False) -> Callable[[object], bool]:
    def parse(raw: object) -> bool:
        text = cell_text(raw)
        if text == YES:
            return True
        if text == NO or (not text and not required):
            return False
        if not text:
            raise ValueError(REQUIRED)
        raise _bad(f"「{text}」应为 是/否", f"{text!r} must be 是 or 否")

    return parse


def _whole_number(raw: object) -> int:
    text = cell_text(raw)
    try:
        number = int(text) if text else 0
    except ValueError:
        raise _bad(f"「{text}」不是整数", f"{text!r} is not a whole number") from None
    if number < 0:
        raise _bad("不能为负数", "must not be negative")
    return number


def _decimal(raw: object) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = cell_text(raw)
    try:
        return float(text) if text else None
    except ValueError:
        raise _bad(f"「{text}」不是数字", f"{text!r} is not a number") from None


def _industry(raw: object) -> str:
    text = cell_text(raw)
    if text and not INDUSTRY_CODE.match(text):
        raise _bad(
            f"「{text}」不是国民经济行业分类代码（如 2611）", f"{text!r} is not a GB/T 4754 code"
        )
    return text


def _identifier(raw: object) -> str:
    return cell_text(raw).replace(" ", "")


def _required_text(raw: object) -> str:
    text = cell_text(raw)
    if not text:
        raise ValueError(REQUIRED)
    return text


def _inverse(labels: Mapping[Enum, str]) -> dict[str, Enum]:
    return {v: k for k, v in labels.items()}


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
    Column("对象编号", "stable_id", _identifier),
    Column("名称", "name", _required_text),
    Column("对象类型", "kind", _choice(_inverse(KIND_LABELS), default=EntityKind.ENTERPRISE),
           KIND_LABELS),
    Column("地址", "address", cell_text),
    Column("所属区域", "region", cell_text),
    Column("行业代码", "industry_code", _industry),
    Column("监管类别", "category",
           _choice({**_inverse(CATEGORY_LABELS), **CATEGORY_SYNONYMS}, required=True),
           CATEGORY_LABELS),
    Column("排污许可管理类别", "permit_class", _choice(_inverse(PERMIT_LABELS)), PERMIT_LABELS),
    Column("信用评价", "credit_rating", cell_text),
    Column("正面清单", "positive_list", _yes_no(), {True: YES, False: NO}),
    Column("标签", "tags", parse_tags),
    Column("状态", "status", _choice(_inverse(STATUS_LABELS), required=True), STATUS_LABELS),
    Column("状态原因", "status_reason", cell_text),
    Column("状态决定人", "status_decided_by", cell_text),
    Column("纬度", "latitude", _decimal),
    Column("经度", "longitude", _decimal),
    Column("最近违法日期", "last_violation_on", parse_date),
    Column("核实投诉次数", "verified_complaints", _whole_number),
    Column("挂牌督办", "supervised_rectification", _yes_no(), {True: YES, False: NO}),
)  # fmt: skip
INSPECTOR_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", _required_text),
    Column("部门", "department", _required_text),
    Column("执法证号", "certificate_no", _identifier),
    Column("专家编号", "expert_id", _identifier),
    Column("业务专长", "expertise", parse_expertise),
    Column("所属区域", "region", cell_text),
    Column("从业年限", "years_of_service", _whole_number),
    Column("人员类别", "kind", _choice(_inverse(INSPECTOR_KIND_LABELS), required=True),
           INSPECTOR_KIND_LABELS),
    Column("在岗", "active", _yes_no(required=True), {True: YES, False: NO}),
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
