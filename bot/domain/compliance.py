"""执行情况 (compliance against the rules): what was achieved against what the plan requires.

For a reporting period (a month, quarter or year) and a time `as_of`:

* per target group and group period (检查对象类别 × 抽查周期): the population, the minimum (the
  plan's floor, 最低抽查数) and the entities actually inspected (a submitted record for a visit
  covering the group's item, in that period), as counts and as shares of the population;
* the share of joint visits (内部联合抽查占比: visits covering two or more check items) against
  the bureau's target (e.g. 35%, 遵化 2024);
* the share of visits drawn with credit-risk classes (运用信用风险分级分类的抽查占比: the entity
  was in a group whose selector uses the supervision class or the credit rating) against its
  target (e.g. 85%);
* completion (完成率), violation (问题发现率), rectification closure (整改完结率) and
  disclosure (结果公开率) rates.

Shares are exact fractions; nothing is rounded until it is shown. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from bot.domain.disclosure import DisclosureState, disclosure_figures
from bot.domain.frames import Membership
from bot.domain.periods import Period
from bot.domain.plan import Plan
from bot.domain.registry_format import CATEGORY_LABELS
from bot.domain.results import Result


@dataclass(frozen=True)
class GroupTarget:
    """One target group of one item in one of its periods, as the plan has it."""

    item_id: str
    item_name: str
    group_id: str
    group_name: str
    category: str  # 特殊 / 重点 / 一般 when the selector names one class, else ""
    risk_based: bool  # the selector uses the supervision class or the credit rating
    period: Period
    population: int
    minimum: int
    members: frozenset[str]


@dataclass(frozen=True)
class VisitFact:
    """One visit (检查任务) as the figures need it."""

    inspection_id: int
    stable_id: str
    items: tuple[str, ...]
    period: Period
    status: str  # assigned, in_progress, submitted, cancelled
    result: Result | None = None
    rectification: str | None = None  # open, submitted, returned, closed; None = none ordered
    disclosure: DisclosureState | None = None
    completed_on: date | None = None  # local date the record was first submitted
    rectification_closed_on: date | None = None

    @property
    def completed(self) -> bool:
        """The record was submitted."""
        return self.status == "submitted"

    def done_by(self, as_of: date) -> bool:
        """Submitted on or before `as_of` (a visit without a known date counts when submitted)."""
        return self.completed and (self.completed_on is None or self.completed_on <= as_of)

    def closed_by(self, as_of: date) -> bool:
        """Its rectification was closed on or before `as_of`."""
        if self.rectification != "closed":
            return False
        return self.rectification_closed_on is None or self.rectification_closed_on <= as_of

    @property
    def joint(self) -> bool:
        """内部联合抽查: one visit covering two or more check items."""
        return len(set(self.items)) >= 2


def overlaps(a: Period, b: Period) -> bool:
    """Whether two periods share a day."""
    return a.start <= b.end and b.start <= a.end


def share(numerator: int, denominator: int) -> Fraction | None:
    """numerator ÷ denominator, None when the denominator is 0."""
    return Fraction(numerator, denominator) if denominator else None


def percent(value: Fraction | None, digits: int = 1) -> str:
    """ "36.4%" (half up), or "—" for no value."""
    if value is None:
        return "—"
    scaled = value * 100 * 10**digits
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    text = f"{whole / 10**digits:.{digits}f}" if digits else str(whole)
    return f"{text}%"


@dataclass(frozen=True)
class GroupProgress:
    """A group's achievement in one period against its minimum."""

    target: GroupTarget
    achieved: int

    @property
    def achieved_share(self) -> Fraction | None:
        """Inspected entities ÷ population."""
        return share(self.achieved, self.target.population)

    @property
    def minimum_share(self) -> Fraction | None:
        """Minimum ÷ population (the line the achieved share must reach)."""
        return share(self.target.minimum, self.target.population)

    @property
    def met(self) -> bool:
        """At least the minimum was inspected."""
        return self.achieved >= self.target.minimum

    @property
    def shortfall(self) -> int:
        """How many entities are still missing to reach the minimum."""
        return max(0, self.target.minimum - self.achieved)


@dataclass(frozen=True)
class ShareCheck:
    """A share against an optional target (目标值), e.g. joint visits against 35%."""

    numerator: int
    denominator: int
    target: Fraction | None = None

    @property
    def value(self) -> Fraction | None:
        return share(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        """None without a target or without visits; else whether the target is reached."""
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


@dataclass(frozen=True)
class Compliance:
    """Every figure of one reporting period."""

    period: Period
    as_of: date
    groups: tuple[GroupProgress, ...]
    visits: int  # not cancelled
    completed: int
    joint: ShareCheck
    credit_risk: ShareCheck
    completion: ShareCheck
    violation: ShareCheck
    rectification_closure: ShareCheck
    disclosure: ShareCheck
    disclosure_on_time: ShareCheck
    late_disclosures: int


def group_progress(target: GroupTarget, visits: Sequence[VisitFact]) -> GroupProgress:
    """Distinct group members with a visit covering the item in the group period, among the
    completed `visits` given."""
    done = {
        v.stable_id
        for v in visits
        if target.item_id in v.items and overlaps(v.period, target.period)
    }
    return GroupProgress(target, len(done & target.members))


def risk_based(visit: VisitFact, targets: Sequence[GroupTarget]) -> bool:
    """Whether the visit's entity was in a risk-classed group of one of its items."""
    return any(
        t.risk_based
        and t.item_id in visit.items
        and overlaps(visit.period, t.period)
        and visit.stable_id in t.members
        for t in targets
    )


def compute(
    period: Period,
    as_of: date,
    targets: Sequence[GroupTarget],
    visits: Sequence[VisitFact],
    *,
    joint_target: Fraction | None = None,
    credit_risk_target: Fraction | None = None,
) -> Compliance:
    """The figures of `period` as of the local date `as_of`: `targets` are the plan's group
    periods overlapping it, `visits` every visit whose period overlaps it (cancelled ones are
    left out here). What happened after `as_of` (a submission, a closure, a publication) does not
    count, so a report for a past period says what was true at its end."""
    live = [v for v in visits if v.status != "cancelled" and overlaps(v.period, period)]
    done = [v for v in live if v.done_by(as_of)]
    with_result = [v for v in done if v.result is not None]
    problems = sum(1 for v in with_result if v.result is not Result.NO_PROBLEM)
    ordered = [v for v in done if v.rectification is not None]
    closed = sum(1 for v in ordered if v.closed_by(as_of))
    states = [v.disclosure for v in done if v.disclosure is not None]
    figures = disclosure_figures(states, as_of)
    return Compliance(
        period=period,
        as_of=as_of,
        groups=tuple(group_progress(t, done) for t in targets),
        visits=len(live),
        completed=len(done),
        joint=ShareCheck(sum(1 for v in done if v.joint), len(done), joint_target),
        credit_risk=ShareCheck(
            sum(1 for v in done if risk_based(v, targets)), len(done), credit_risk_target
        ),
        completion=ShareCheck(len(done), len(live)),
        violation=ShareCheck(problems, len(with_result)),
        rectification_closure=ShareCheck(closed, len(ordered)),
        disclosure=ShareCheck(figures.published, figures.owed),
        disclosure_on_time=ShareCheck(figures.on_time, figures.owed),
        late_disclosures=figures.late,
    )


def group_targets(plan: Plan, membership: Membership, period: Period) -> list[GroupTarget]:
    """The plan's group periods overlapping `period`, with their members (same registry, same
    category rules and open rectifications as the plan), in item and group order."""
    out: list[GroupTarget] = []
    for item_plan in plan.items:
        item = item_plan.item
        selectors = {g.id: g.selector for g in item.groups}
        for group in item_plan.groups:
            selector = selectors[group.id]
            classes = selector.category
            category = CATEGORY_LABELS[classes[0]] if len(classes) == 1 else ""
            for row in group.rows:
                if not overlaps(row.period, period):
                    continue
                members = membership.groups(row.period).get((item.id, group.id), [])
                out.append(
                    GroupTarget(
                        item_id=item.id,
                        item_name=item.name,
                        group_id=group.id,
                        group_name=group.name,
                        category=category,
                        risk_based=bool(selector.category or selector.credit_rating),
                        period=row.period,
                        population=row.population,
                        minimum=row.quota,
                        members=frozenset(members),
                    )
                )
    return out


# The indicators of a period, in the order reports and the site show them, with their Chinese
# names (chat texts take theirs from the catalogue, keys ind_<key>).
INDICATOR_ZH: dict[str, str] = {
    "joint": "内部联合抽查占比",
    "credit_risk": "运用信用风险分级分类的抽查占比",
    "completion": "任务完成率",
    "violation": "问题发现率",
    "rectification_closure": "整改完结率",
    "disclosure": "结果公开率",
    "disclosure_on_time": "及时公开率",
}


def indicators(c: Compliance) -> list[tuple[str, ShareCheck]]:
    """(key, figure) of every indicator of `c`, in INDICATOR_ZH order."""
    figures = {
        "joint": c.joint,
        "credit_risk": c.credit_risk,
        "completion": c.completion,
        "violation": c.violation,
        "rectification_closure": c.rectification_closure,
        "disclosure": c.disclosure,
        "disclosure_on_time": c.disclosure_on_time,
    }
    return [(key, figures[key]) for key in INDICATOR_ZH]
