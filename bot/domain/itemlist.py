"""随机抽查事项清单 (the item list): check items, their target groups and quota rules, as YAML.

One file per bureau (see docs/item-list.md for the annotated format). `parse_item_list` turns its
text into an `ItemList` or refuses it whole with `SourceError`, whose lines name the file, the
line and the path of the first problems, e.g.
`examples/bad.yaml:14: items[2].groups[0].selector.permit_klass: unknown field`.
Unknown fields are errors everywhere (extra="forbid"): a misspelt condition must not be ignored.
Pure: parses text; reading the file is the caller's job.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from bot.domain.categories import CategoryRules
from bot.domain.checklist import Question, checklist_problems
from bot.domain.disclosure import WithholdReason, parse_reason
from bot.domain.models import EntityStatus
from bot.domain.quotas import QuotaRule, ShareText
from bot.domain.selectors import STATUS_BY_LABEL, Selector, Texts, enum_list
from bot.domain.yaml_source import (
    MAX_ISSUES,
    SourceError,
    SourceIssue,
    issues_from_validation,
    parse_yaml,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


class Mode(StrEnum):
    """检查方式: 现场检查 (site visit) or 非现场检查 (off-site / remote review)."""

    SITE = "site"
    OFFSITE = "offsite"


_MODE_LABELS = {"现场": "site", "现场检查": "site", "非现场": "offsite", "非现场检查": "offsite"}


class TargetGroup(BaseModel):
    """检查对象: one target group of an item, its selector and quota rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    name: str = Field(min_length=1, max_length=100)
    selector: Selector = Field(default_factory=Selector)
    quota: QuotaRule


class CheckItem(BaseModel):
    """抽查事项: what may be inspected, by whom, how, and which entities in which numbers.

    An entity matching several groups of one item belongs to the first that matches.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    department: str = Field(min_length=1, max_length=100)
    contents: str = ""
    basis: str = ""
    mode: Annotated[Mode, BeforeValidator(lambda v: _MODE_LABELS.get(v, v))] = Mode.SITE
    third_party: bool = False
    expertise: Texts = Field(default_factory=list)
    inspectors_required: int = Field(default=2, ge=1, le=10)
    experts_required: int = Field(default=0, ge=0, le=10)
    checklist: list[Question] = Field(min_length=1)
    groups: list[TargetGroup] = Field(min_length=1)
    # 不予公开: results of this item are never published (国家秘密 / 商业秘密 / 个人隐私).
    confidential: Annotated[
        WithholdReason | None, BeforeValidator(lambda v: parse_reason(str(v)) if v else None)
    ] = None

    @model_validator(mode="after")
    def _sound(self) -> CheckItem:
        if self.mode is Mode.SITE and self.inspectors_required < 2:
            raise ValueError("a site visit needs at least two inspectors (inspectors_required ≥ 2)")
        ids = [g.id for g in self.groups]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"group id used twice: {', '.join(twice)}")
        problems = checklist_problems(self.checklist)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def needs_expert(self) -> bool:
        """Whether a visit needs auxiliary experts (辅助检查人员) from their own pool."""
        return self.experts_required > 0


class Targets(BaseModel):
    """考核指标 the plan states but a draw or report checks (not quotas of a group)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    joint_inspection_share: ShareText | None = None
    credit_risk_share: ShareText | None = None


class PublishBy(BaseModel):
    """By when the year's plan and entity list are published (default 31 January)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: int = Field(default=1, ge=1, le=12)
    day: int = Field(default=31, ge=1, le=31)
    previous_year: bool = False

    def for_year(self, year: int) -> date:
        """The date for the plan of `year`."""
        return date(year - 1 if self.previous_year else year, self.month, self.day)


class ItemList(BaseModel):
    """随机抽查事项清单 of one bureau, with its category rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    bureau: str = Field(min_length=1)
    title: str = ""
    source: str = ""
    eligible_status: Annotated[
        list[EntityStatus], BeforeValidator(enum_list(EntityStatus, STATUS_BY_LABEL))
    ] = Field(default_factory=lambda: [EntityStatus.OPERATING], min_length=1)
    publish_by: PublishBy = Field(default_factory=PublishBy)
    categories: CategoryRules = Field(default_factory=CategoryRules)
    targets: Targets = Field(default_factory=Targets)
    items: list[CheckItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ItemList:
        ids = [i.id for i in self.items]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"item id used twice: {', '.join(twice)}")
        return self

    def item(self, item_id: str) -> CheckItem:
        """The item with `item_id` (KeyError when there is none)."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)


def parse_item_list(text: str, source: str) -> ItemList:
    """Validate an item list's YAML text; `source` names the file in error messages.

    Raises SourceError listing the first problems (file:line: path: message); nothing is
    returned unless the whole file is valid.
    """
    doc = parse_yaml(text, source)
    if not isinstance(doc.data, dict):
        issue = SourceIssue(1, "", "expected a mapping with bureau: and items:")
        raise SourceError(source, [issue])
    try:
        return ItemList.model_validate(doc.data)
    except ValidationError as exc:
        issues = issues_from_validation(exc, doc.root)
        raise SourceError(source, issues[:MAX_ISSUES], max(0, len(issues) - MAX_ISSUES)) from None
