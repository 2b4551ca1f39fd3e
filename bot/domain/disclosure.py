"""结果公开 (disclosure): which results are published, in which words, and what is withheld.

Each completed inspection (检查任务 with a submitted 现场检查记录表) is published with the entity,
its 统一社会信用代码, the check items, the date, the initiating department and the result in the
standard wording (规范表述, `bot.domain.results`). What touches a state secret, a commercial
secret or personal privacy (国家秘密、商业秘密、个人隐私) is withheld, and the reason is kept:

* a **record** marked confidential is withheld whole: nothing of it (not even the entity) is
  published; only the count of withheld records per reason is;
* a **check item** marked confidential in the item list is left out of every published row; a
  visit that covered only such items is withheld whole, one that covered others too is
  published with those others and the visit's result, flagged as partly withheld.

A record corrected after its result was published (更正) is decided again by the same rules and
published anew: its current version, flagged with the date of the correction.

`disclosure_figures` measures the disclosure rate and the late publications against each
result's publication deadline (公开时限). Pure: no I/O, no clock (pass `as_of`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from fractions import Fraction

from bot.domain.results import Result


class WithholdReason(StrEnum):
    """不予公开的理由: 国家秘密 / 商业秘密 / 个人隐私 (other: a confidential mark whose reason
    could not be read, still withheld)."""

    STATE_SECRET = "state_secret"
    COMMERCIAL_SECRET = "commercial_secret"
    PERSONAL_PRIVACY = "personal_privacy"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Chinese wording, as published in the withheld count."""
        return REASON_LABELS[self]


REASON_LABELS: dict[WithholdReason, str] = {
    WithholdReason.STATE_SECRET: "国家秘密",
    WithholdReason.COMMERCIAL_SECRET: "商业秘密",
    WithholdReason.PERSONAL_PRIVACY: "个人隐私",
    WithholdReason.OTHER: "其他依法不予公开情形",
}
_REASON_WORDS: dict[str, WithholdReason] = {
    **{r.value: r for r in WithholdReason},
    **{label: r for r, label in REASON_LABELS.items()},
    "商业机密": WithholdReason.COMMERCIAL_SECRET,
    "隐私": WithholdReason.PERSONAL_PRIVACY,
    "其他": WithholdReason.OTHER,
    "state": WithholdReason.STATE_SECRET,
    "commercial": WithholdReason.COMMERCIAL_SECRET,
    "privacy": WithholdReason.PERSONAL_PRIVACY,
}

# The columns of a published result, in the order of the channel post, the HTML and the CSV.
PUBLIC_HEADERS = (
    "序号",
    "抽查周期",
    "检查对象名称",
    "统一社会信用代码",
    "抽查事项",
    "检查日期",
    "检查实施部门",
    "检查结果",
)
NO_CODE = "—"  # an entity without a credit code (a water-source area, a project)
PARTLY_WITHHELD = "（部分事项依法不予公开）"
CORRECTED = "（已于 {date} 更正）"  # a result re-published after a correction of its record


def parse_reason(text: str) -> WithholdReason:
    """Read a reason written as code or in Chinese (国家秘密, 商业秘密/商业机密, 个人隐私)."""
    key = text.strip()
    found = _REASON_WORDS.get(key) or _REASON_WORDS.get(key.lower())
    if found is None:
        raise ValueError(f"not a reason to withhold: {text!r} (国家秘密, 商业秘密 or 个人隐私)")
    return found


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """A check item as published: id, name, initiating department (发起部门), confidentiality."""

    id: str
    name: str
    department: str
    confidential: WithholdReason | None = None


@dataclass(frozen=True, slots=True)
class CompletedInspection:
    """One completed visit waiting to be published (the input of `decide`)."""

    inspection_id: int
    period: str
    entity_name: str
    credit_code: str | None
    items: tuple[ItemInfo, ...]
    completed_on: date
    result: Result
    confidential: WithholdReason | None = None  # the record itself (检查记录涉密)
    confidential_note: str = ""
    corrected_on: date | None = None  # re-published after a correction submitted on that day


@dataclass(frozen=True, slots=True)
class PublicRow:
    """One published result (公示信息), exactly as it goes out."""

    inspection_id: int
    period: str
    entity_name: str
    credit_code: str
    items: tuple[str, ...]
    departments: tuple[str, ...]
    inspected_on: date
    result: Result
    partly_withheld: bool = False
    corrected_on: date | None = None  # the local date of the correction this row publishes

    @property
    def wording(self) -> str:
        """The result in the standard wording, with the partly-withheld and corrected notes."""
        text = self.result.wording + (PARTLY_WITHHELD if self.partly_withheld else "")
        if self.corrected_on is not None:
            text += CORRECTED.format(date=self.corrected_on.isoformat())
        return text

    def cells(self, number: int) -> list[str]:
        """The row under PUBLIC_HEADERS, numbered `number`."""
        return [
            str(number),
            self.period,
            self.entity_name,
            self.credit_code,
            "；".join(self.items),
            self.inspected_on.isoformat(),
            "；".join(self.departments),
            self.wording,
        ]

    def to_json(self) -> dict:
        """The row as stored with the disclosure (what was published stays as published)."""
        return {
            "inspection_id": self.inspection_id,
            "period": self.period,
            "entity_name": self.entity_name,
            "credit_code": self.credit_code,
            "items": list(self.items),
            "departments": list(self.departments),
            "inspected_on": self.inspected_on.isoformat(),
            "result": self.result.value,
            "partly_withheld": self.partly_withheld,
            **({"corrected_on": self.corrected_on.isoformat()} if self.corrected_on else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> PublicRow:
        """Read back a row stored by `to_json`."""
        return cls(
            int(data["inspection_id"]),
            str(data["period"]),
            str(data["entity_name"]),
            str(data["credit_code"]),
            tuple(data["items"]),
            tuple(data["departments"]),
            date.fromisoformat(data["inspected_on"]),
            Result(data["result"]),
            bool(data.get("partly_withheld", False)),
            date.fromisoformat(data["corrected_on"]) if data.get("corrected_on") else None,
        )


@dataclass(frozen=True, slots=True)
class Withholding:
    """What was withheld from one visit and why: the whole record, or some of its items."""

    inspection_id: int
    reason: WithholdReason
    whole: bool
    items: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Decision:
    """The outcome of `decide_all`: rows to publish and what is withheld."""

    public: tuple[PublicRow, ...]
    withheld: tuple[Withholding, ...]

    def withheld_whole(self) -> Counter[WithholdReason]:
        """Whole records withheld, counted per reason (the only thing published about them)."""
        return Counter(w.reason for w in self.withheld if w.whole)


def decide(row: CompletedInspection) -> tuple[PublicRow | None, Withholding | None]:
    """Publish or withhold one visit under the rules in the module docstring."""
    if row.confidential is not None:
        return None, Withholding(
            row.inspection_id, row.confidential, True, (), row.confidential_note
        )
    secret = [i for i in row.items if i.confidential is not None]
    shown = [i for i in row.items if i.confidential is None]
    withheld = None
    if secret:
        reason = secret[0].confidential
        assert reason is not None
        withheld = Withholding(row.inspection_id, reason, not shown, tuple(i.id for i in secret))
    if not shown:
        return None, withheld
    public = PublicRow(
        row.inspection_id,
        row.period,
        row.entity_name,
        row.credit_code or NO_CODE,
        tuple(i.name for i in shown),
        tuple(dict.fromkeys(i.department for i in shown if i.department)),
        row.completed_on,
        row.result,
        partly_withheld=bool(secret),
        corrected_on=row.corrected_on,
    )
    return public, withheld


def decide_all(rows: Iterable[CompletedInspection]) -> Decision:
    """`decide` for many visits; published rows ordered by period, date and entity."""
    public: list[PublicRow] = []
    withheld: list[Withholding] = []
    for row in rows:
        p, w = decide(row)
        if p is not None:
            public.append(p)
        if w is not None:
            withheld.append(w)
    public.sort(key=lambda r: (r.period, r.inspected_on, r.entity_name, r.inspection_id))
    return Decision(tuple(public), tuple(withheld))


def withheld_text(counts: Counter[WithholdReason]) -> str:
    """ "依法不予公开 3 条（国家秘密 1，商业秘密 2）", or "" when nothing was withheld whole."""
    if not counts:
        return ""
    parts = "，".join(f"{r.label} {counts[r]}" for r in WithholdReason if counts[r])
    return f"依法不予公开 {sum(counts.values())} 条（{parts}）"


@dataclass(frozen=True, slots=True)
class DisclosureState:
    """Where one completed visit stands: its deadline, when it was published, or withheld."""

    inspection_id: int
    due_on: date
    published_on: date | None
    withheld: bool = False

    def late(self, as_of: date) -> bool:
        """Published after its deadline, or still unpublished past it (a withheld one never)."""
        if self.withheld:
            return False
        if self.published_on is not None:
            return self.published_on > self.due_on
        return as_of > self.due_on


@dataclass(frozen=True, slots=True)
class DisclosureFigures:
    """公开率 and 公开时限 figures over a set of completed visits."""

    completed: int
    withheld: int  # withheld whole, with a recorded reason: not owed to the public
    published: int
    on_time: int
    published_late: int
    overdue: int  # not published, deadline passed
    waiting: int  # not published, deadline not passed

    @property
    def owed(self) -> int:
        """Results the public is owed: completed minus those lawfully withheld."""
        return self.completed - self.withheld

    @property
    def rate(self) -> Fraction | None:
        """结果公开率: published ÷ owed (None when nothing is owed)."""
        return Fraction(self.published, self.owed) if self.owed else None

    @property
    def on_time_rate(self) -> Fraction | None:
        """及时公开率: published within the deadline ÷ owed."""
        return Fraction(self.on_time, self.owed) if self.owed else None

    @property
    def late(self) -> int:
        """Late publications: published after the deadline plus overdue ones."""
        return self.published_late + self.overdue


def disclosure_figures(states: Sequence[DisclosureState], as_of: date) -> DisclosureFigures:
    """Count the states as of `as_of` (a local date): a publication after it is not counted."""
    states = [
        replace(s, published_on=None) if s.published_on and s.published_on > as_of else s
        for s in states
    ]
    withheld = sum(1 for s in states if s.withheld)
    published = [s for s in states if not s.withheld and s.published_on is not None]
    waiting = [s for s in states if not s.withheld and s.published_on is None]
    on_time = sum(1 for s in published if not s.late(as_of))
    overdue = sum(1 for s in waiting if s.late(as_of))
    return DisclosureFigures(
        completed=len(states),
        withheld=withheld,
        published=len(published),
        on_time=on_time,
        published_late=len(published) - on_time,
        overdue=overdue,
        waiting=len(waiting) - overdue,
    )
