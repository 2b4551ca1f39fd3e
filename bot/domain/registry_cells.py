"""名录库单元格: reading one cell of a registry file (CSV or XLSX) into a value, in zh and en.

Pure. Excel hands over numbers and dates where people typed codes and text, so every parser
accepts both (2611.0 -> "2611", a date cell -> date). A parser raises ValueError whose argument
is a `Text`: the reason in both languages, without the column (the caller knows it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from bot.domain.credit_code import ALPHABET, check_character, credit_code_error, normalise
from bot.domain.models import Recusal

YES, NO = "是", "否"
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


REQUIRED = Text("必填", "required")


def _bad(zh: str, en: str) -> ValueError:
    return ValueError(Text(zh, en))


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


def choice_parser(
    labels: Mapping[str, Enum], *, default: Enum | None = None, required: bool = False
) -> Callable[[object], Enum | None]:
    """A parser for a column with fixed values (label -> enum); empty gives `default`."""
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


def yes_no_parser(*, required: bool = False) -> Callable[[object], bool]:
    """A parser for 是/否; empty means 否 unless `required`."""

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


def parse_whole_number(raw: object) -> int:
    """A non-negative whole number; empty means 0."""
    text = cell_text(raw)
    try:
        number = int(text) if text else 0
    except ValueError:
        raise _bad(f"「{text}」不是整数", f"{text!r} is not a whole number") from None
    if number < 0:
        raise _bad("不能为负数", "must not be negative")
    return number


def parse_decimal(raw: object) -> float | None:
    """A decimal number (纬度, 经度) or None."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = cell_text(raw)
    try:
        return float(text) if text else None
    except ValueError:
        raise _bad(f"「{text}」不是数字", f"{text!r} is not a number") from None


def parse_industry_code(raw: object) -> str:
    """行业代码: a GB/T 4754-2017 code, 2-4 digits with an optional section letter."""
    text = cell_text(raw)
    if text and not INDUSTRY_CODE.match(text):
        raise _bad(
            f"「{text}」不是国民经济行业分类代码（如 2611）", f"{text!r} is not a GB/T 4754 code"
        )
    return text


def parse_identifier(raw: object) -> str:
    """An id typed by people (对象编号, 执法证号): spaces removed."""
    return cell_text(raw).replace(" ", "")


def parse_required_text(raw: object) -> str:
    """Text that must not be empty."""
    text = cell_text(raw)
    if not text:
        raise ValueError(REQUIRED)
    return text
