"""工作日 (working days) and 调休 (adjusted working days) under the State Council's notices.

`WorkdayCalendar` answers from chinesecalendar's `get_holiday_detail` (the same data as its
`is_workday` / `is_holiday`), with a bureau's override file layered on top. It never guesses:
a date in a year that neither chinesecalendar nor a *completing* override year covers raises
`CalendarYearMissing`, naming the year and the fix. chinesecalendar's `find_workday` and
`get_workdays(include_weekends=False)` are deliberately not used (see shared PITFALLS.md).

Counting follows 《民法典》第二百零一条: the day a period starts from is not counted, so
`add_workdays(d, 1)` is the first working day after `d`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import metadata
from pathlib import Path

import chinese_calendar

from bot.domain.workday_overrides import OverrideDay, OverrideFile, load_overrides

# chinesecalendar's Holiday enum member name -> (中文, English).
HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    "new_years_day": ("元旦", "New Year's Day"),
    "spring_festival": ("春节", "Spring Festival"),
    "tomb_sweeping_day": ("清明节", "Tomb-sweeping Day"),
    "labour_day": ("劳动节", "Labour Day"),
    "dragon_boat_festival": ("端午节", "Dragon Boat Festival"),
    "national_day": ("国庆节", "National Day"),
    "mid_autumn_festival": ("中秋节", "Mid-autumn Festival"),
    "anti_fascist_70th_day": (
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
        "Anti-Fascist 70th Day",
    ),
}
_EN_BY_ZH = {zh: en for zh, en in HOLIDAY_NAMES.values()}


class DayType(StrEnum):
    """日期类型: 工作日 / 休息日 (周末) / 节假日."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"


@dataclass(frozen=True, slots=True)
class DayKind:
    """What one date is. `adjusted` marks 调休上班: a weekend worked in exchange for a holiday."""

    day: date
    type: DayType
    name_zh: str | None = None
    name_en: str | None = None
    adjusted: bool = False
    notice: str | None = None  # set when an override entry decided the day

    @property
    def is_workday(self) -> bool:
        """True on 工作日, including adjusted working weekends."""
        return self.type is DayType.WORKDAY

    @property
    def name(self) -> str:
        """ "国庆节 National Day", or whichever of the two names is known, or ""."""
        return " ".join(part for part in (self.name_zh, self.name_en) if part)

    def __str__(self) -> str:
        if self.type is DayType.HOLIDAY:
            return f"holiday {self.name}".rstrip()
        if self.adjusted:
            return f"workday (adjusted: {self.name})" if self.name else "workday (adjusted)"
        return self.type.value


class CalendarYearMissing(LookupError):
    """No source knows the holidays of `year`; the message says how to add them."""

    def __init__(self, year: int, override_path: Path | None) -> None:
        self.year = year
        self.override_path = override_path
        notice = f"国务院办公厅关于{year}年部分节假日安排的通知"
        version = library_version()
        head = f"no working-day calendar for {year}: chinesecalendar {version} has no data"
        if override_path is not None:
            fix = (
                f"add year {year} to the override file {override_path} from the State Council "
                f"notice ({notice}) and mark it complete: true"
            )
        else:
            fix = (
                f"add year {year} from the State Council notice ({notice}), marked complete: true, "
                "to an override file (format: docs/workdays.md) and point "
                "SHUANGSUIJI_WORKDAYS_OVERRIDE or --override at it"
            )
        super().__init__(f"{head} for it; {fix}")


def library_version() -> str:
    """The installed chinesecalendar version, for messages."""
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed as a dependency
        return str(getattr(chinese_calendar, "__version__", "?"))


@cache
def library_has_year(year: int) -> bool:
    """Whether chinesecalendar has data for `year` (it raises NotImplementedError otherwise)."""
    try:
        chinese_calendar.get_holiday_detail(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _names(library_value: str | None) -> tuple[str | None, str | None]:
    if library_value is None:
        return None, None
    try:
        member = chinese_calendar.Holiday(library_value).name
    except ValueError:
        return None, library_value
    return HOLIDAY_NAMES.get(member, (None, library_value))


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


@dataclass(frozen=True)
class WorkdayCalendar:
    """工作日历: chinesecalendar plus an optional override file. Immutable; safe to share."""

    overrides: OverrideFile = field(default_factory=OverrideFile)
    override_path: Path | None = None
    _listed: dict[date, tuple[bool, OverrideDay, str]] = field(
        init=False, repr=False, compare=False
    )
    _kinds: dict[date, DayKind] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        listed: dict[date, tuple[bool, OverrideDay, str]] = {}
        for entry in self.overrides.years.values():
            for day in entry.holidays:
                listed[day.date] = (True, day, day.notice or entry.notice)
            for day in entry.workdays:
                listed[day.date] = (False, day, day.notice or entry.notice)
        object.__setattr__(self, "_listed", listed)
        object.__setattr__(self, "_kinds", {})  # answers so far: a draw asks thousands of times

    # --- one day ------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether dates of `year` can be answered (library data or a completing override)."""
        return library_has_year(year) or year in self.overrides.completed_years()

    def kind(self, day: date) -> DayKind:
        """工作日 / 周末 / 节假日 for `day`; raises `CalendarYearMissing` for an unknown year."""
        day = _as_date(day)
        known = self._kinds.get(day)
        if known is None:
            known = self._kinds[day] = self._kind(day)
        return known

    def _kind(self, day: date) -> DayKind:
        base = self._base(day)
        listed = self._listed.get(day)
        if listed is None:
            return base
        is_holiday, entry, notice = listed
        if entry.name_zh is None and entry.name_en is None:
            name_zh, name_en = base.name_zh, base.name_en
        else:
            name_zh = entry.name_zh
            name_en = entry.name_en or _EN_BY_ZH.get(entry.name_zh or "")
        if is_holiday:
            return DayKind(day, DayType.HOLIDAY, name_zh, name_en, notice=notice)
        return DayKind(
            day, DayType.WORKDAY, name_zh, name_en, adjusted=day.weekday() >= 5, notice=notice
        )

    def _base(self, day: date) -> DayKind:
        if library_has_year(day.year):
            on_holiday, value = chinese_calendar.get_holiday_detail(day)
            name_zh, name_en = _names(value)
            if not on_holiday:
                return DayKind(day, DayType.WORKDAY, name_zh, name_en, adjusted=value is not None)
            if value is not None:
                return DayKind(day, DayType.HOLIDAY, name_zh, name_en)
            return DayKind(day, DayType.WEEKEND)
        if day.year in self.overrides.completed_years():
            return DayKind(day, DayType.WEEKEND if day.weekday() >= 5 else DayType.WORKDAY)
        raise CalendarYearMissing(day.year, self.override_path)

    def is_workday(self, day: date) -> bool:
        """Whether `day` is a 工作日 (adjusted working weekends included)."""
        return self.kind(day).is_workday

    # --- counting -----------------------------------------------------------------

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (the next day counts as day 1); n < 0 counts back.

        n = 0 returns `day` itself, whatever it is.
        """
        day = _as_date(day)
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative, counting [end, start), when end < start.

        The inverse of `add_workdays`: ``workdays_between(d, add_workdays(d, n)) == n``.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.workdays_between(end - timedelta(days=1), start - timedelta(days=1))
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count

    def last_workdays_of(self, start: date, end: date, n: int) -> tuple[date, ...]:
        """The last `n` working days within [start, end], oldest first.

        E.g. "每季度结束前5个工作日内": ``last_workdays_of(q.start, q.end, 5)``. Raises ValueError
        when n < 1 or the span holds fewer than n working days.
        """
        start, end = _as_date(start), _as_date(end)
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        found: list[date] = []
        day = end
        while day >= start and len(found) < n:
            if self.is_workday(day):
                found.append(day)
            day -= timedelta(days=1)
        if len(found) < n:
            raise ValueError(f"{start}..{end} holds only {len(found)} working days, not {n}")
        return tuple(reversed(found))


def load_calendar(override_path: Path | None) -> WorkdayCalendar:
    """The calendar for a bureau: chinesecalendar plus the override file, if one is given.

    Raises `OverrideFileError` when the file is missing or invalid.
    """
    if override_path is None:
        return WorkdayCalendar()
    path = Path(override_path)
    return WorkdayCalendar(overrides=load_overrides(path), override_path=path)
