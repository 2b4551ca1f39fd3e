"""监管类别认定: the bureau's rules that make an entity 特殊 / 重点 / 一般监管对象.

The registry records the class the bureau assigned (监管类别). The item list's `categories:`
section adds rules: what makes an entity special (a violation within N months, an open
rectification, a poor credit rating, N verified complaints, a supervised-rectification listing),
which entities count as key or as general whatever the registry says, and whether positive-list
entities (正面清单) leave site-visit frames. The effective class is what target groups select on.

An entity stays special while its rectification is open, so "special until rectified" needs no
date: the caller passes the stable ids with an open rectification. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.models import Category, Entity
from bot.domain.selectors import Selector, Texts, months_before


class SpecialWhen(BaseModel):
    """特殊监管对象认定条件: any one condition that is set makes the entity special."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    violation_within_months: int | None = Field(default=None, ge=1, le=120)
    open_rectification: bool = False
    credit_rating: Texts = Field(default_factory=list)
    verified_complaints_at_least: int | None = Field(default=None, ge=1)
    supervised_rectification: bool = False
    selector: Selector | None = None  # any other condition, e.g. tags: {环境风险等级: [高]}

    @model_validator(mode="after")
    def _selector_not_empty(self) -> SpecialWhen:
        if self.selector is not None and self.selector.is_empty:
            raise ValueError("special_when.selector is empty: it would make every entity special")
        return self


class CategoryRules(BaseModel):
    """The `categories:` section of an item list.

    Precedence, highest first: special (by the registry or by `special_when`), then
    `general_when`, then key (by the registry or by `key_when`), then general.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    special_when: SpecialWhen = Field(default_factory=SpecialWhen)
    key_when: Selector | None = None
    general_when: Selector | None = None
    positive_list_off_site: bool = True

    @model_validator(mode="after")
    def _selectors_not_empty(self) -> CategoryRules:
        for name in ("key_when", "general_when"):
            sel = getattr(self, name)
            if sel is not None and sel.is_empty:
                raise ValueError(f"{name} is empty: it would take every entity")
        return self


def rules_read(rules: CategoryRules) -> frozenset[str]:
    """The entity attributes `classify` and `off_site_only` read under `rules` (besides whether
    the entity has an open rectification, which the caller passes)."""
    out = {"category", "positive_list"}
    special = rules.special_when
    conditions = (
        (special.violation_within_months, "last_violation_on"),
        (special.credit_rating, "credit_rating"),
        (special.verified_complaints_at_least, "verified_complaints"),
        (special.supervised_rectification, "supervised_rectification"),
    )
    out.update(name for given, name in conditions if given)
    for selector in (special.selector, rules.key_when, rules.general_when):
        if selector is not None:
            out |= selector.reads()
    return frozenset(out)


@dataclass(frozen=True)
class Classification:
    """An entity's effective class and the rules that decided it (codes, for explanations)."""

    category: Category
    reasons: tuple[str, ...] = ()


REASON_TEXT = {
    "registry": ("名录库登记", "registry"),
    "violation": ("近期有违法记录", "recent violation"),
    "open_rectification": ("整改未完成", "open rectification"),
    "credit_rating": ("信用评价较差", "poor credit rating"),
    "complaints": ("核实投诉较多", "verified complaints"),
    "supervised_rectification": ("挂牌督办", "supervised rectification listing"),
    "selector": ("符合特殊监管条件", "special-supervision rule"),
    "key_when": ("符合重点监管条件", "key-supervision rule"),
    "general_when": ("符合一般监管条件", "general-supervision rule"),
}


def special_reasons(
    entity: Entity, rules: SpecialWhen, as_of: date, open_rectifications: Set[str]
) -> tuple[str, ...]:
    """Which `special_when` conditions hold for `entity` on `as_of` (empty: not special by rule)."""
    out = []
    months = rules.violation_within_months
    last = entity.last_violation_on
    if months and last and months_before(as_of, months) <= last <= as_of:
        out.append("violation")
    if rules.open_rectification and entity.stable_id in open_rectifications:
        out.append("open_rectification")
    if entity.credit_rating and entity.credit_rating in rules.credit_rating:
        out.append("credit_rating")
    least = rules.verified_complaints_at_least
    if least and entity.verified_complaints >= least:
        out.append("complaints")
    if rules.supervised_rectification and entity.supervised_rectification:
        out.append("supervised_rectification")
    if rules.selector is not None and rules.selector.matches(entity, entity.category, as_of, as_of):
        out.append("selector")
    return tuple(out)


def classify(
    entity: Entity,
    rules: CategoryRules,
    as_of: date,
    open_rectifications: Set[str] = frozenset(),
) -> Classification:
    """The effective supervision class of `entity` on `as_of` under the bureau's rules."""
    reasons = special_reasons(entity, rules.special_when, as_of, open_rectifications)
    if entity.category is Category.SPECIAL:
        return Classification(Category.SPECIAL, ("registry", *reasons))
    if reasons:
        return Classification(Category.SPECIAL, reasons)
    if rules.general_when and rules.general_when.matches(entity, entity.category, as_of, as_of):
        return Classification(Category.GENERAL, ("general_when",))
    if entity.category is Category.KEY:
        return Classification(Category.KEY, ("registry",))
    if rules.key_when and rules.key_when.matches(entity, entity.category, as_of, as_of):
        return Classification(Category.KEY, ("key_when",))
    return Classification(Category.GENERAL, ("registry",))


def off_site_only(entity: Entity, category: Category, rules: CategoryRules) -> bool:
    """Whether the entity leaves site-visit frames: on the positive list and not special."""
    special = category is Category.SPECIAL
    return rules.positive_list_off_site and entity.positive_list and not special
