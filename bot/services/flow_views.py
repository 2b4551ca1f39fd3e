"""What the inspection flow's use cases return for the handler to show (检查流程的界面数据).

Each view is plain data; `handlers/checklist_view.py` turns it into text and buttons from the
message catalogue. A use case returns a list of views, shown in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.checklist_flow import FrozenQuestion
from bot.domain.results import Result


@dataclass(frozen=True)
class Notice:
    """A short message from the catalogue (a re-ask, a confirmation, a refusal)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    ok: bool = False  # a confirmation (✅) rather than a warning (⚠️) when shown above a view


@dataclass
class QuestionView:
    """One question as the inspector sees it: progress, text, basis, current answer."""

    inspection_id: int
    entity_name: str
    fq: FrozenQuestion
    position: int
    total: int
    has_value: bool = False
    value: Any = None
    answered_by: str = ""
    selected: list[str] = field(default_factory=list)
    evidence: int = 0
    can_back: bool = False
    notice: Notice | None = None


@dataclass
class CheckinView:
    """Asking for the inspector's location (签到) with the location button."""

    inspection_id: int
    entity_name: str
    notice: Notice | None = None


@dataclass
class CheckedInView:
    """A check-in was recorded: local time, distance from the entity, far flag."""

    at_local: str
    distance_m: float | None
    far: bool
    far_m: float


@dataclass
class ReviewLine:
    """One askable question in the summary with its answer and who gave it."""

    fq: FrozenQuestion
    has_value: bool
    value: Any
    answered_by: str
    finding: bool
    evidence: int = 0
    mine: bool = True  # this person may answer it (and so change it)


@dataclass
class ReviewView:
    """汇总: every question and answer, what is missing, whether this person may submit."""

    inspection_id: int
    entity_name: str
    lines: list[ReviewLine]
    missing: list[FrozenQuestion]
    findings: int
    can_submit: bool
    lead_name: str
    correction: bool = False
    notice: Notice | None = None


@dataclass
class SubmitView:
    """A step of submission: representative's name, post, the result, the confirmation."""

    inspection_id: int
    entity_name: str
    step: str  # rep_name | rep_post | result | confirm
    findings: list[str] = field(default_factory=list)
    rep_name: str = ""
    rep_post: str = ""
    refused: bool = False
    result: Result | None = None
    correction: bool = False
    notice: Notice | None = None


@dataclass
class SubmittedView:
    """A record version was written; a rectification may have been opened."""

    inspection_id: int
    entity_name: str
    version: int
    result: Result
    content_hash: str
    rectification_id: int | None = None
    rectification_due: str = ""
    rectification_state: str = ""  # opened | restated (a correction changed what it is about)


View = Notice | QuestionView | CheckinView | CheckedInView | ReviewView | SubmitView | SubmittedView
