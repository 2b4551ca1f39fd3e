"""检查周期 (inspection periods): a month, quarter (季度), half-year (半年) or year (年度).

A `Period` is a small frozen value: hashable, comparable for equality, safe as a dict key
or inside a pydantic model. Its label is the canonical text form and `Period.parse`
reads it back:

    month   "2026-07"      2026年7月
    quarter "2026Q3"       2026年第三季度
    half    "2026H2"       2026年下半年
    year    "2026"         2026年

Pure: no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    """周期类型: 月 / 季度 / 半年 / 年度."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


_MONTHS_PER = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
_ZH_QUARTER = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_ZH_HALF = {1: "上半年", 2: "下半年"}

_PATTERNS: list[tuple[re.Pattern[str], PeriodKind]] = [
    (re.compile(r"(\d{4})-(0[1-9]|1[0-2])"), PeriodKind.MONTH),
    (re.compile(r"(\d{4})[Qq]([1-4])"), PeriodKind.QUARTER),
    (re.compile(r"(\d{4})[Hh]([12])"), PeriodKind.HALF),
    (re.compile(r"(\d{4})"), PeriodKind.YEAR),
]


@dataclass(frozen=True, slots=True)
class Period:
    """One 检查周期; `index` is 1-based within the year (month 1-12, quarter 1-4, half 1-2)."""

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        kind = PeriodKind(self.kind)
        object.__setattr__(self, "kind", kind)
        if not 1 <= self.year <= 9999:
            raise ValueError(f"period year {self.year} is out of range 1-9999")
        count = 12 // _MONTHS_PER[kind]
        if not 1 <= self.index <= count:
            raise ValueError(f"{kind} index {self.index} is out of range 1-{count}")

    # --- constructors -------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read "2026-07", "2026Q3", "2026H2" or "2026"; raises ValueError otherwise."""
        cleaned = text.strip()
        for pattern, kind in _PATTERNS:
            match = pattern.fullmatch(cleaned)
            if match:
                index = int(match.group(2)) if kind is not PeriodKind.YEAR else 1
                return cls(kind, int(match.group(1)), index)
        raise ValueError(f"not a period: {text!r} (expected 2026-07, 2026Q3, 2026H2 or 2026)")

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: date) -> Period:
        """The period of the given kind that contains `day`."""
        kind = PeriodKind(kind)
        return cls(kind, day.year, (day.month - 1) // _MONTHS_PER[kind] + 1)

    # --- derived values -----------------------------------------------------------

    @property
    def first_month(self) -> int:
        """The calendar month (1-12) the period starts in."""
        return (self.index - 1) * _MONTHS_PER[self.kind] + 1

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        last_month = self.first_month + _MONTHS_PER[self.kind] - 1
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def label(self) -> str:
        """The canonical text form, which `parse` reads back."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year:04d}Q{self.index}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year:04d}H{self.index}"
        return f"{self.year:04d}"

    @property
    def label_zh(self) -> str:
        """The Chinese label, e.g. 2026年第三季度."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}年{self.index}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}年{_ZH_QUARTER[self.index]}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year}年{_ZH_HALF[self.index]}"
        return f"{self.year}年"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label

    # --- neighbours ---------------------------------------------------------------

    def next(self) -> Period:
        """The period of the same kind right after this one."""
        count = 12 // _MONTHS_PER[self.kind]
        if self.index == count:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.index + 1)

    def previous(self) -> Period:
        """The period of the same kind right before this one."""
        if self.index == 1:
            return Period(self.kind, self.year - 1, 12 // _MONTHS_PER[self.kind])
        return Period(self.kind, self.year, self.index - 1)
