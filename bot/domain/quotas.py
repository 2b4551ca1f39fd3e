"""抽查比例 / 抽查频次: quota rules of a target group, and the floor each gives for one period.

Rules (the `rule:` key of a group's `quota:`):

  share            a share of the group each period: ⌈share × population⌉ ("25% per quarter")
  count            a fixed number each period (all of them when the group is smaller)
  all              the whole group each period
  per_inspector    a multiple of the bureau's active enforcement inspectors per year ("1:10",
                   "5 times the inspectors"): annual = ⌈multiple × inspectors⌉, spread so that by
                   the end of period p at least ⌈annual × p / P⌉ visits are planned (P periods a
                   year); each period takes that cumulative floor minus what earlier periods took
  times_per_year   each entity N times a year: ⌈N × population / P⌉ each period, and every entity
                   once in each cycle of P / N periods
  coverage         every entity at least once per cycle (e.g. per half-year), nothing more

Any rule but times_per_year and coverage may add `cover_every:` (a coverage cycle on top, as in
"50% a quarter, and every key entity once per half-year"). A cycle raises a period's quota to
⌈uncovered / periods left in the cycle⌉. A quota is a floor and rounds up; it never exceeds the
group's population (the plan flags such a cap). Pure: no I/O; exact arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from bot.domain.periods import Period, PeriodKind
from bot.domain.ratios import ceil_fraction, parse_multiple, parse_share, percent_text

MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
KIND_LABELS = {
    "月": "month", "每月": "month", "季度": "quarter", "季": "quarter", "每季度": "quarter",
    "半年": "half", "每半年": "half", "年": "year", "年度": "year", "每年": "year",
}  # fmt: skip
PER_ZH = {
    PeriodKind.MONTH: "每月", PeriodKind.QUARTER: "每季度", PeriodKind.HALF: "每半年",
    PeriodKind.YEAR: "每年",
}  # fmt: skip
PER_EN = {
    PeriodKind.MONTH: "each month", PeriodKind.QUARTER: "each quarter",
    PeriodKind.HALF: "each half-year", PeriodKind.YEAR: "each year",
}  # fmt: skip


def _kind(value: object) -> object:
    return KIND_LABELS.get(str(value).strip(), value) if isinstance(value, str) else value


def _typed_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def _share_text(value: object) -> str:
    parse_share(value)
    return _typed_text(value)


def _multiple_text(value: object) -> str:
    parse_multiple(value)
    return _typed_text(value)


Kind = Annotated[PeriodKind, BeforeValidator(_kind)]
ShareText = Annotated[str, BeforeValidator(_share_text), AfterValidator(str.strip)]
MultipleText = Annotated[str, BeforeValidator(_multiple_text), AfterValidator(str.strip)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    per: Kind = PeriodKind.QUARTER
    cover_every: Kind | None = None

    @model_validator(mode="after")
    def _cycle_fits(self) -> _Rule:
        if self.cover_every is not None:
            _check_cycle(self.per, self.cover_every, "cover_every")
        return self

    @property
    def periods_per_year(self) -> int:
        return 12 // MONTHS[self.per]

    def cycle_length(self) -> int | None:
        """Periods per coverage cycle, or None when the rule has no cycle."""
        if self.cover_every is None:
            return None
        return MONTHS[self.cover_every] // MONTHS[self.per]


def _check_cycle(per: PeriodKind, cycle: PeriodKind, name: str) -> None:
    if MONTHS[cycle] < MONTHS[per]:
        raise ValueError(f"{name} {cycle} is shorter than the period {per}")


class ShareRule(_Rule):
    """A share of the group each period, e.g. 25% a quarter."""

    rule: Literal["share"]
    share: ShareText

    @property
    def fraction(self) -> Fraction:
        return parse_share(self.share)


class CountRule(_Rule):
    """A fixed number of entities each period."""

    rule: Literal["count"]
    count: int = Field(ge=1, le=1_000_000)


class AllRule(_Rule):
    """Every entity of the group each period."""

    rule: Literal["all"]


class PerInspectorRule(_Rule):
    """A multiple of the active enforcement inspectors a year: `ratio: "1:10"` or `multiple: 5`."""

    rule: Literal["per_inspector"]
    ratio: MultipleText | None = None
    multiple: MultipleText | None = None

    @model_validator(mode="after")
    def _one(self) -> PerInspectorRule:
        if (self.ratio is None) == (self.multiple is None):
            raise ValueError('give exactly one of ratio ("1:10") or multiple (5)')
        return self

    @property
    def factor(self) -> Fraction:
        return parse_multiple(self.ratio if self.ratio is not None else self.multiple)


class TimesPerYearRule(_Rule):
    """Each entity of the group N times a year, one visit per cycle of P / N periods."""

    rule: Literal["times_per_year"]
    times: int = Field(ge=1, le=12)

    @model_validator(mode="after")
    def _fits(self) -> TimesPerYearRule:
        if self.cover_every is not None:
            raise ValueError("times_per_year sets its own cycle; leave out cover_every")
        p = self.periods_per_year
        if self.times > p or p % self.times:
            raise ValueError(
                f"{self.times} times a year cannot be spread evenly over {p} period(s) of "
                f"{self.per}; choose a shorter `per` or a number of times that divides {p}"
            )
        return self

    def cycle_length(self) -> int | None:
        return self.periods_per_year // self.times


class CoverageRule(_Rule):
    """Every entity of the group at least once per cycle (`every: half`)."""

    rule: Literal["coverage"]
    every: Kind

    @model_validator(mode="after")
    def _fits(self) -> CoverageRule:
        if self.cover_every is not None:
            raise ValueError("coverage already is a cycle; use `every`, not cover_every")
        _check_cycle(self.per, self.every, "every")
        return self

    def cycle_length(self) -> int | None:
        return MONTHS[self.every] // MONTHS[self.per]


QuotaRule = Annotated[
    ShareRule | CountRule | AllRule | PerInspectorRule | TimesPerYearRule | CoverageRule,
    Field(discriminator="rule"),
]


def periods_of_year(kind: PeriodKind, year: int) -> list[Period]:
    """Every period of `kind` in `year`, in order."""
    return [Period(kind, year, i) for i in range(1, 12 // MONTHS[kind] + 1)]


@dataclass(frozen=True)
class Cycle:
    """覆盖周期: the coverage cycle a period belongs to."""

    label: str
    first: Period
    last: Period
    remaining: int  # periods left in the cycle, this one included


def cycle_of(rule: _Rule, period: Period) -> Cycle | None:
    """The coverage cycle of `period` under `rule`, or None when the rule has none."""
    length = rule.cycle_length()
    if length is None:
        return None
    start_index = (period.index - 1) // length * length + 1
    first = Period(period.kind, period.year, start_index)
    last = Period(period.kind, period.year, start_index + length - 1)
    months = length * MONTHS[period.kind]
    kinds = {v: k for k, v in MONTHS.items()}
    label = (
        Period.containing(kinds[months], first.start).label
        if months in kinds
        else f"{first.label}..{last.label}"
    )
    return Cycle(label, first, last, start_index + length - period.index)


@dataclass(frozen=True)
class QuotaInput:
    """What one period's floor depends on."""

    period: Period
    population: int
    uncovered: int  # entities of the group not yet visited in the current cycle
    staff: int  # active enforcement inspectors (在编在岗, holding a certificate)
    planned_before: int = 0  # visits the group's earlier periods of the year took (per_inspector)


@dataclass(frozen=True)
class QuotaResult:
    """A period's floor (the quota, already capped by the population) and how it came about."""

    quota: int
    target: int  # before the cap at the population
    formula: str

    @property
    def capped(self) -> bool:
        return self.target > self.quota


def period_floor(rule: QuotaRule, q: QuotaInput) -> QuotaResult:
    """The minimum number of entities of the group to inspect in `q.period` under `rule`."""
    base, formula = _base(rule, q)
    cycle = cycle_of(rule, q.period)
    target = base
    if cycle is not None:
        need = ceil_fraction(Fraction(q.uncovered, cycle.remaining))
        left = f"{cycle.remaining} period(s) left in {cycle.label}"
        cover = f"⌈{q.uncovered} uncovered / {left}⌉ = {need}"
        formula = cover if isinstance(rule, CoverageRule) else f"max({formula}; {cover})"
        target = max(base, need)
    quota = min(target, q.population)
    if quota < target:
        formula += f"; capped at the population {q.population}"
    return QuotaResult(quota, target, formula)


def _base(rule: QuotaRule, q: QuotaInput) -> tuple[int, str]:
    pop = q.population
    if isinstance(rule, ShareRule):
        n = ceil_fraction(rule.fraction * pop)
        return n, f"⌈{percent_text(rule.fraction)} × {pop}⌉ = {n}"
    if isinstance(rule, CountRule):
        return rule.count, f"{rule.count}"
    if isinstance(rule, AllRule):
        return pop, f"all {pop}"
    if isinstance(rule, PerInspectorRule):
        return _per_inspector(rule, q)
    if isinstance(rule, TimesPerYearRule):
        p = rule.periods_per_year
        n = ceil_fraction(Fraction(rule.times * pop, p))
        return n, f"⌈{rule.times} × {pop} / {p}⌉ = {n}"
    return 0, "0"


def annual_per_inspector(rule: PerInspectorRule, staff: int) -> int:
    """The year's floor of a per_inspector rule: ⌈multiple × active enforcement inspectors⌉."""
    return ceil_fraction(rule.factor * staff)


def _per_inspector(rule: PerInspectorRule, q: QuotaInput) -> tuple[int, str]:
    annual = annual_per_inspector(rule, q.staff)
    p, i = rule.periods_per_year, q.period.index
    cumulative = ceil_fraction(Fraction(annual * i, p))
    n = max(0, cumulative - q.planned_before)
    text = f"⌈{rule.factor} × {q.staff} inspectors⌉ = {annual} a year"
    if p == 1:
        return n, text
    by = f"by {q.period.label} ⌈{annual} × {i}/{p}⌉ = {cumulative}"
    return n, f"{text}; {by} − {q.planned_before} planned = {n}"


def describe(rule: QuotaRule, lang: str = "zh-CN") -> str:
    """The rule in words, as the plan shows it (抽查比例 column)."""
    zh = lang == "zh-CN"
    per = PER_ZH[rule.per] if zh else PER_EN[rule.per]
    if isinstance(rule, ShareRule):
        pct = percent_text(rule.fraction)
        text = f"{per}不低于{pct}" if zh else f"at least {pct} {per}"
    elif isinstance(rule, CountRule):
        text = f"{per}不少于{rule.count}家" if zh else f"at least {rule.count} {per}"
    elif isinstance(rule, AllRule):
        text = f"{per}全覆盖" if zh else f"all of them {per}"
    elif isinstance(rule, PerInspectorRule):
        f = rule.factor
        text = (
            f"年度抽查数不低于在岗执法人员数的{f}倍（{rule.ratio or '1:' + str(f)}），{per}分摊"
            if zh
            else f"at least {f} per active enforcement inspector a year, drawn {per}"
        )
    elif isinstance(rule, TimesPerYearRule):
        text = (
            f"每家每年{rule.times}次，{per}抽取"
            if zh
            else f"each entity {rule.times}× a year, drawn {per}"
        )
    else:
        every = PER_ZH[rule.every] if zh else PER_EN[rule.every]
        text = f"{every}全覆盖，{per}抽取" if zh else f"every entity once {every}, drawn {per}"
    if rule.cover_every is not None and not isinstance(rule, CoverageRule):
        cover = PER_ZH[rule.cover_every] if zh else PER_EN[rule.cover_every]
        text += f"，且{cover}全覆盖" if zh else f", and every entity once {cover}"
    return text
