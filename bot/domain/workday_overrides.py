"""节假日调整文件 (working-day override file): a bureau's own holiday data, in YAML.

chinesecalendar carries the State Council's 国务院办公厅关于部分节假日安排的通知 only up to the
year its release knows. This file fills the gap and adds what is local:

* a year the library does not know yet, copied from the State Council notice and marked
  ``complete: true`` (the file then *completes* that year: its entries plus Monday-Friday
  working weeks are the whole calendar of that year);
* bureau-local extra holidays (地方节假日, e.g. Xinjiang's 肉孜节 and 古尔邦节) and extra working
  days, in any year, layered on top of the library.

Format (see docs/workdays.md)::

    description: 昌吉州生态环境局 节假日调整
    years:
      2025:
        notice: 新疆维吾尔自治区 2025年节假日放假调休日期安排的通知
        complete: false
        holidays:
          - {date: 2025-03-31, name_zh: 肉孜节, name_en: Eid al-Fitr}
        workdays: []

Loading validates everything and raises `OverrideFileError` whose lines read
``FILE:LINE: FIELD: message``. The models can also be built directly (tests, settings).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

Loc = tuple[str | int, ...]


def _strict_date(value: Any) -> Any:
    """Accept a YAML date or a "YYYY-MM-DD" string; refuse numbers and datetimes."""
    if isinstance(value, datetime):
        raise ValueError("expected a date YYYY-MM-DD, not a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10 and value.strip()[4] == "-":
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"not a valid date: {value!r} (expected YYYY-MM-DD)") from exc
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


StrictDate = Annotated[date, BeforeValidator(_strict_date)]


class OverrideDay(BaseModel):
    """One listed day: 放假 (a holiday) or 上班 (a working day), with optional names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: StrictDate
    name_zh: str | None = Field(default=None, description="节日名称, e.g. 春节 or 肉孜节")
    name_en: str | None = Field(default=None, description="English name, e.g. Spring Festival")
    notice: str | None = Field(
        default=None, description="the notice for this day, when it differs from the year's"
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_date(cls, value: Any) -> Any:
        """A list item may be just a date: ``- 2027-02-06``."""
        if isinstance(value, dict | OverrideDay):
            return value
        return {"date": value}


class YearOverride(BaseModel):
    """One year of the file: the notice it comes from, whether it is complete, the days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice: str = Field(min_length=1, description="通知: the notice the entries are copied from")
    complete: bool = Field(
        default=False,
        description="true = these entries plus Mon-Fri weeks are the whole year's calendar",
    )
    holidays: tuple[OverrideDay, ...] = ()
    workdays: tuple[OverrideDay, ...] = ()


class OverrideFile(BaseModel):
    """The whole override file: an optional description and the years it lists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str | None = None
    years: dict[Annotated[int, Field(ge=1900, le=2200)], YearOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> OverrideFile:
        problems = day_problems(self)
        if problems:
            raise PydanticCustomError(
                "override_days",
                "{summary}",
                {"summary": problems[0][1], "problems": problems},
            )
        return self

    def completed_years(self) -> frozenset[int]:
        """The years the file declares fully known (``complete: true``)."""
        return frozenset(year for year, entry in self.years.items() if entry.complete)


def day_problems(data: OverrideFile) -> list[tuple[Loc, str]]:
    """Every date outside its year, listed twice, or listed both as holiday and working day."""
    problems: list[tuple[Loc, str]] = []
    for year, entry in data.years.items():
        seen: dict[date, str] = {}
        for field in ("holidays", "workdays"):
            for index, day in enumerate(getattr(entry, field)):
                loc: Loc = ("years", year, field, index, "date")
                if day.date.year != year:
                    problems.append((loc, f"{day.date} is not in year {year}"))
                elif day.date in seen and seen[day.date] == field:
                    problems.append((loc, f"{day.date} is listed twice in {field}"))
                elif day.date in seen:
                    problems.append(
                        (loc, f"{day.date} is listed both as a holiday and as a working day")
                    )
                seen.setdefault(day.date, field)
    return problems


class OverrideFileError(ValueError):
    """The override file cannot be used; each line of the message is FILE:LINE: FIELD: problem."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__("\n".join(problems))


def load_overrides(path: Path | str) -> OverrideFile:
    """Read and validate an override file; raises `OverrideFileError` naming file, line, field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OverrideFileError(path, [f"{path}: override file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OverrideFileError(path, [f"{path}: cannot read override file: {exc}"]) from None
    return parse_overrides(text, path)


def parse_overrides(text: str, path: Path | str = "<override>") -> OverrideFile:
    """Validate override YAML given as text; `path` is only used in error messages."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else f"{path}"
        reason = getattr(exc, "problem", None) or str(exc)
        raise OverrideFileError(path, [f"{where}: not valid YAML: {reason}"]) from None
    duplicates = _duplicate_keys(root)
    if duplicates:
        raise OverrideFileError(path, [f"{path}:{line}: {msg}" for line, msg in duplicates])
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise OverrideFileError(path, [f"{path}:1: expected a mapping with 'years:' at the top"])
    try:
        return OverrideFile.model_validate(data)
    except ValidationError as exc:
        raise OverrideFileError(path, _describe(exc, root, path)) from None


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves an impossible date such as 2027-02-30 as text for the model."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _describe(exc: ValidationError, root: yaml.Node | None, path: Path | str) -> list[str]:
    lines: list[str] = []
    for error in exc.errors():
        located: list[tuple[Loc, str]]
        if error["type"] == "override_days":
            located = list(error["ctx"]["problems"])
        else:
            msg = error["msg"].removeprefix("Value error, ")
            if error["loc"] and error["loc"][-1] == "[key]":
                msg = f"not a year: {msg}"
            located = [(tuple(error["loc"]), msg)]
        for loc, msg in located:
            line = _line_of(root, loc)
            field = _field_name(loc)
            prefix = f"{path}:{line}" if line else f"{path}"
            lines.append(f"{prefix}: {field}: {msg}" if field else f"{prefix}: {msg}")
    return lines


def _field_name(loc: Loc) -> str:
    """("years", 2027, "holidays", 0, "date") -> years.2027.holidays[0].date"""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int) and out and not out.endswith("years"):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the deepest YAML node that `loc` reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if part == "[key]":
            return line
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _duplicate_keys(node: yaml.Node | None) -> list[tuple[int, str]]:
    """PyYAML keeps the last of two equal keys silently; an override file must not."""
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if str(key.value) in seen:
                found.append((key.start_mark.line + 1, f"key {key.value!r} appears twice"))
            seen.add(str(key.value))
            found.extend(_duplicate_keys(value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found.extend(_duplicate_keys(item))
    return found
