"""目标对象筛选条件: which entities of the registry a target group (检查对象) takes.

A `Selector` lists conditions on an entity's fields and tags; every condition given must hold,
and within one condition any of the listed values may match. Enum values are written as people
write them in the registry (重点, 重点管理, 在产, 建设项目) or as the code's English names. Dates
compare with the period being planned or drawn, so "projects completed within the past year"
is `dates: [{tag: 竣工日期, within_months: 12}]`. Pure: no I/O.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from bot.domain.models import Category, Entity, EntityKind, EntityStatus, PermitClass
from bot.domain.registry_format import (
    CATEGORY_LABELS,
    CATEGORY_SYNONYMS,
    KIND_LABELS,
    PERMIT_LABELS,
    STATUS_LABELS,
    parse_date,
)


def _inverse(labels: Mapping[Any, str]) -> dict[str, Any]:
    return {label: member for member, label in labels.items()}


# The registry's Chinese labels (bot.domain.registry_format), read back into enums.
CATEGORY_BY_LABEL = {**_inverse(CATEGORY_LABELS), **CATEGORY_SYNONYMS}
KIND_BY_LABEL = _inverse(KIND_LABELS)
PERMIT_BY_LABEL = _inverse(PERMIT_LABELS)
STATUS_BY_LABEL = _inverse(STATUS_LABELS)
NO_PERMIT = ("无", "none")  # permit_class values meaning "no permit class recorded"


def _listify(value: object) -> object:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def enum_list(enum: type[StrEnum], labels: Mapping[str, StrEnum], allow_none: bool = False):
    """A before-validator reading one value or a list of them as `enum` members, by Chinese
    label or English value (with allow_none, 无 / none stand for "no value")."""

    def read(value: object) -> object:
        out = []
        for v in _listify(value):  # type: ignore[union-attr]
            text = str(v).strip()
            if allow_none and text in NO_PERMIT:
                out.append(None)
            elif text in labels:
                out.append(labels[text])
            elif text in enum._value2member_map_:
                out.append(enum(text))
            else:
                names = "/".join(sorted({*labels, *(m.value for m in enum)}))
                raise ValueError(f"{text!r} is not one of {names}")
        return out

    return read


def _yes_no(value: object) -> object:
    if isinstance(value, str):
        mapping = {"是": True, "否": False, "true": True, "false": False}
        if value.strip() not in mapping:
            raise ValueError(f"{value!r} must be true/false (是/否)")
        return mapping[value.strip()]
    return value


def _texts(value: object) -> object:
    return [str(v).strip() for v in _listify(value)]  # type: ignore[union-attr]


def _tag_values(value: object) -> object:
    if not isinstance(value, dict):
        return value
    return {str(k): [str(v).strip() for v in _listify(vals)] for k, vals in value.items()}  # type: ignore[union-attr]


Texts = Annotated[list[str], BeforeValidator(_texts)]
YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]


class DateField(StrEnum):
    """Registry date fields a selector may compare (tags hold the others, e.g. 竣工日期)."""

    LAST_VIOLATION = "last_violation_on"


_DATE_FIELD_LABELS = {"最近违法日期": DateField.LAST_VIOLATION}


class DateRule(BaseModel):
    """A date of the entity compared with the period: within the past N months, older, or in it.

    `within_months: 12` holds when the date lies between 12 months before the period's first day
    and the period's last day (inclusive). `older_than_months: N` holds when it lies before N
    months before the first day. `in_period: true` holds when it lies inside the period. An
    entity without the date (or with a tag that is not a date) does not match.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: Annotated[DateField | None, BeforeValidator(lambda v: _DATE_FIELD_LABELS.get(v, v))] = (
        None
    )
    tag: str | None = None
    within_months: int | None = Field(default=None, ge=0, le=1200)
    older_than_months: int | None = Field(default=None, ge=0, le=1200)
    in_period: bool | None = None

    @model_validator(mode="after")
    def _one_each(self) -> DateRule:
        if (self.field is None) == (self.tag is None):
            raise ValueError("give exactly one of `field` (最近违法日期) or `tag` (e.g. 竣工日期)")
        tests = [self.within_months, self.older_than_months, self.in_period]
        if sum(t is not None for t in tests) != 1:
            raise ValueError("give exactly one of within_months, older_than_months or in_period")
        if self.in_period is False:
            raise ValueError("in_period can only be true")
        return self

    def value_of(self, entity: Entity) -> date | None:
        """The entity's date this rule compares, or None."""
        if self.field is DateField.LAST_VIOLATION:
            return entity.last_violation_on
        raw = entity.tags.get(self.tag or "", "")
        try:
            return parse_date(raw.strip())
        except ValueError:
            return None

    def holds(self, entity: Entity, start: date, end: date) -> bool:
        """Whether the rule holds for a period running from `start` to `end` (inclusive)."""
        d = self.value_of(entity)
        if d is None:
            return False
        if self.within_months is not None:
            return months_before(start, self.within_months) <= d <= end
        if self.older_than_months is not None:
            return d < months_before(start, self.older_than_months)
        return start <= d <= end


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Selector(BaseModel):
    """检查对象筛选: conditions on an entity; all given must hold (an empty selector takes all).

    category compares the *effective* supervision class (after the bureau's category rules).
    industry matches by prefix of the 国民经济行业分类 code ("26" takes 2611 and 2614).
    tags: {name: [values]} needs the tag with one of the values; the value "*" takes any value.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Annotated[list[Category], BeforeValidator(enum_list(Category, CATEGORY_BY_LABEL))] = (
        Field(default_factory=list)
    )
    permit_class: Annotated[
        list[PermitClass | None],
        BeforeValidator(enum_list(PermitClass, PERMIT_BY_LABEL, allow_none=True)),
    ] = Field(default_factory=list)
    kind: Annotated[list[EntityKind], BeforeValidator(enum_list(EntityKind, KIND_BY_LABEL))] = (
        Field(default_factory=list)
    )
    status: Annotated[
        list[EntityStatus], BeforeValidator(enum_list(EntityStatus, STATUS_BY_LABEL))
    ] = Field(default_factory=list)
    credit_rating: Texts = Field(default_factory=list)
    region: Texts = Field(default_factory=list)
    industry: Texts = Field(default_factory=list)
    positive_list: YesNo = None
    supervised_rectification: YesNo = None
    tags: Annotated[dict[str, list[str]], BeforeValidator(_tag_values)] = Field(
        default_factory=dict
    )
    dates: list[DateRule] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """An empty selector takes every entity."""
        return self == Selector()

    def reads(self) -> frozenset[str]:
        """The entity attributes this selector's conditions read ("tag:<name>" for a tag;
        "category" is the effective class, which the caller derives). Entities equal in all of
        them (and in class) match alike, which lets a registry be matched once per profile."""
        out: set[str] = set()
        for name in type(self).model_fields:
            if getattr(self, name) in (None, [], {}):
                continue
            if name == "tags":
                out.update(f"tag:{key}" for key in self.tags)
            elif name == "dates":
                out.update(r.field.value if r.field else f"tag:{r.tag}" for r in self.dates)
            else:
                out.add(_READS[name])  # KeyError: a new condition must say what it reads
        return frozenset(out)

    def matches(self, entity: Entity, category: Category, start: date, end: date) -> bool:
        """Whether `entity`, whose effective class is `category`, belongs for start..end."""
        for check in self._checks:
            if not check(entity, category):
                return False
        return not self.dates or all(rule.holds(entity, start, end) for rule in self.dates)

    @cached_property
    def _checks(self) -> tuple[Callable[[Entity, Category], bool], ...]:
        """One test per condition given (empty ones cost nothing): selectors run over every
        entity of the registry for every period, so this is the hot path of plans and draws."""
        checks: list[Callable[[Entity, Category], bool]] = []
        if self.category:
            categories = frozenset(self.category)
            checks.append(lambda e, c: c in categories)
        for name in ("permit_class", "kind", "status", "credit_rating", "region"):
            allowed = getattr(self, name)
            if allowed:
                checks.append(_field_in(name, frozenset(allowed)))
        if self.industry:
            prefixes = tuple(self.industry)
            checks.append(lambda e, c: e.industry_code.startswith(prefixes))
        for name in ("positive_list", "supervised_rectification"):
            wanted = getattr(self, name)
            if wanted is not None:
                checks.append(_field_is(name, wanted))
        for key, values in self.tags.items():
            checks.append(_tag_check(key, frozenset(values)))
        return tuple(checks)


_READS = {
    "category": "category",
    "permit_class": "permit_class",
    "kind": "kind",
    "status": "status",
    "credit_rating": "credit_rating",
    "region": "region",
    "industry": "industry_code",
    "positive_list": "positive_list",
    "supervised_rectification": "supervised_rectification",
}


def _field_in(name: str, allowed: frozenset) -> Callable[[Entity, Category], bool]:
    return lambda e, c: getattr(e, name) in allowed


def _field_is(name: str, wanted: bool) -> Callable[[Entity, Category], bool]:
    return lambda e, c: getattr(e, name) == wanted


def _tag_check(key: str, values: frozenset[str]) -> Callable[[Entity, Category], bool]:
    if "*" in values:
        return lambda e, c: key in e.tags
    return lambda e, c: key in e.tags and e.tags[key] in values
