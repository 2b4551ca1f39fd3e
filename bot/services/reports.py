"""Reports sent up (报表), as XLSX in the layouts of bot.services.report_layouts:

* month  (2026-09): 调度表, the monthly dispatch report (青岛西海岸 2020: "每月 5 日前报送
  上月随机抽查工作调度表");
* quarter (2026Q3): 季度报表 ("每季度开始后 10 日内报送季度报表");
* year   (2026): 被检查次数年度统计, visits per inspector and per entity.

Every figure is read from the database (through bot.services.figures for the compliance
figures). A report of a finished period is as of its last day; of a running one, as of today.
A record marked confidential appears in the counts but its detail row is masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiosqlite

from bot.domain.compliance import INDICATOR_ZH, Compliance, indicators, percent
from bot.domain.disclosure import REASON_LABELS, WithholdReason
from bot.domain.models import Category
from bot.domain.periods import Period, PeriodKind
from bot.domain.registry_format import CATEGORY_LABELS
from bot.domain.results import RESULTS, Result
from bot.i18n import t
from bot.services.charts import progress_chart
from bot.services.errors import Refusal
from bot.services.figures import compliance_for, local_date, overlapping_labels
from bot.services.publication import PublishEnv, item_info, track
from bot.services.report_layouts import (
    DETAIL_HEADERS,
    DISCLOSURE_HEADERS,
    DISPATCH_HEADERS,
    ENTITY_HEADERS,
    INDICATOR_HEADERS,
    INSPECTOR_HEADERS,
    PROGRESS_HEADERS,
    RESULT_HEADERS,
    Section,
    Sheet,
    write_workbook,
)
from storage.db import Database
from storage.reports import VisitDetail, entity_counts, inspector_counts, visit_details

MASKED = "（涉密记录，依法不予列示）"
RECT_ZH = {"open": "整改中", "submitted": "整改材料待审核", "returned": "整改退回",
           "closed": "已完成整改"}  # fmt: skip
TITLES = {PeriodKind.MONTH: "调度表", PeriodKind.QUARTER: "季度报表",
          PeriodKind.YEAR: "被检查次数年度统计"}  # fmt: skip


@dataclass(frozen=True)
class ReportFile:
    """A written report."""

    path: Path
    title: str
    period: Period


def as_of(period: Period, today: date) -> date:
    """The day a report of `period` speaks for: its last day once it is over, else today."""
    return min(period.end, today)


def file_name(period: Period) -> str:
    """e.g. 2026-09调度表.xlsx, 2026Q3季度报表.xlsx, 2026被检查次数年度统计.xlsx."""
    return f"{period.label}{TITLES[period.kind]}.xlsx"


async def write_report(
    db: Database, bureau_id: int, period: Period, env: PublishEnv, path: Path | None = None
) -> ReportFile:
    """Write the report of `period` (its kind decides which) to `path` (default: the site
    folder's reports/ with `file_name`)."""
    if period.kind not in TITLES:
        raise Refusal("reports_bad_period", period=period.label)
    path = path or env.site_dir.parent / "reports" / file_name(period)
    async with db.tx() as conn:
        await track(conn, bureau_id, env)
        if period.kind is PeriodKind.MONTH:
            sheets = await _monthly(conn, bureau_id, period, env)
        elif period.kind is PeriodKind.QUARTER:
            sheets = await _quarterly(conn, bureau_id, period, env)
        else:
            sheets = await _annual(conn, bureau_id, period, env)
    write_workbook(sheets, path)
    return ReportFile(path, TITLES[period.kind], period)


def _particulars(env: PublishEnv, day: date, due: date | None = None) -> str:
    text = f"填报单位：{env.bureau_name}　　统计截至：{day.isoformat()}"
    return text + (f"　　报送时限：{due.isoformat()}前" if due else "")


def _completed_on(v: VisitDetail, env: PublishEnv) -> date | None:
    return local_date(v.first_submitted_at, env.tz) if v.status == "submitted" else None


async def _monthly(
    conn: aiosqlite.Connection, bureau_id: int, month: Period, env: PublishEnv
) -> list[Sheet]:
    day = as_of(month, env.today)
    years = Period(PeriodKind.YEAR, month.year - 1), Period(PeriodKind.YEAR, month.year)
    labels = [label for y in years for label in overlapping_labels(y)]
    visits = await visit_details(conn, bureau_id, labels)
    done = [v for v in visits if _in(_completed_on(v, env), month, day)]
    closed = {v.inspection_id for v in visits if _in(local_date(v.rectification_closed_at,
              env.tz) if v.rectification == "closed" else None, month, day)}  # fmt: skip
    published = {
        v.inspection_id
        for v in visits
        if v.disclosure == "published" and _in(_date(v.published_on), month, day)
    }
    quarter = Period.containing(PeriodKind.QUARTER, month.start)
    c = await compliance_for(conn, bureau_id, quarter, day, env.item_list, env.tz)
    heading = f"{env.bureau_name}{month.label_zh}“双随机、一公开”随机抽查工作调度表"
    due = env.deadlines.monthly_report_due(month)
    dispatch = Section("", DISPATCH_HEADERS, dispatch_rows(env, visits, done, closed, published))
    return [
        Sheet("调度表", heading, _particulars(env, day, due), [dispatch]),
        Sheet("季度进度", f"{quarter.label_zh}分类抽查进度", _particulars(env, day),
              progress_sections(c)),
        Sheet("本月检查明细", f"{month.label_zh}完成的检查", _particulars(env, day),
              [Section("", DETAIL_HEADERS, detail_rows(env, done))]),
    ]  # fmt: skip


def _in(day: date | None, period: Period, until: date) -> bool:
    return day is not None and period.start <= day <= min(period.end, until)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def dispatch_rows(
    env: PublishEnv,
    visits: Sequence[VisitDetail],
    done: Sequence[VisitDetail],
    closed: set[int],
    published: set[int],
) -> list[list[object]]:
    """One row per check item (item-list order, then unknown ids), then 合计 (visits once)."""
    order = [i.id for i in env.item_list.items] if env.item_list else []
    order += sorted({i for v in visits for i in v.items} - set(order))
    rows: list[list[object]] = []
    for n, item_id in enumerate(order, start=1):
        info = item_info(env.item_list, item_id)
        mine = [v for v in visits if item_id in v.items]
        rows.append([n, info.name, info.department, *_counts(mine, done, closed, published)])
    rows.append(["合计", "", "", *_counts(visits, done, closed, published)])
    return rows


def _counts(
    visits: Sequence[VisitDetail], done: Sequence[VisitDetail], closed: set[int], pub: set[int]
) -> list[int]:
    ids = {v.inspection_id for v in visits}
    these = [v for v in done if v.inspection_id in ids]
    by_result = [sum(1 for v in these if v.result == r.value) for r in RESULTS]
    return [
        len(these),
        sum(1 for v in these if len(set(v.items)) >= 2),
        *by_result,
        len(ids & closed),
        len(ids & pub),
    ]


def progress_sections(c: Compliance) -> list[Section]:
    """一、分类抽查完成情况 and 二、工作指标 of `c`."""
    groups = []
    for n, g in enumerate(c.groups, start=1):
        t = g.target
        groups.append(
            [n, t.category or t.group_name, f"{t.item_name}／{t.group_name}", t.period.label_zh,
             t.population, t.minimum, percent(g.minimum_share), g.achieved,
             percent(g.achieved_share), "是" if g.met else "否"]
        )  # fmt: skip
    figures = []
    for n, (key, fig) in enumerate(indicators(c), start=1):
        met = "—" if fig.met is None else ("是" if fig.met else "否")
        target = "—" if fig.target is None else percent(fig.target)
        row = [n, INDICATOR_ZH[key], percent(fig.value), fig.numerator, fig.denominator]
        figures.append([*row, target, met])
    return [
        Section("一、分类抽查完成情况", PROGRESS_HEADERS, groups),
        Section("二、工作指标", INDICATOR_HEADERS, figures),
    ]


def detail_rows(env: PublishEnv, visits: Sequence[VisitDetail]) -> list[list[object]]:
    """One row per visit under DETAIL_HEADERS; confidential records masked."""
    rows: list[list[object]] = []
    for n, v in enumerate(visits, start=1):
        done = _completed_on(v, env)
        if v.confidential:
            rows.append([n, MASKED, "—", "—", v.period, done.isoformat() if done else "",
                         "—", "—", "—", "不予公开"])  # fmt: skip
            continue
        items = "；".join(item_info(env.item_list, i).name for i in v.items)
        rows.append(
            [n, v.entity_name, v.credit_code or v.stable_id, items, v.period,
             done.isoformat() if done else "", "、".join(v.inspectors),
             Result(v.result).wording if v.result else "", RECT_ZH.get(v.rectification or "", "—"),
             disclosure_text(v)]
        )  # fmt: skip
    return rows


def disclosure_text(v: VisitDetail) -> str:
    """公开情况 of one visit."""
    if v.disclosure == "published":
        return f"已公开（{v.published_on}）"
    if v.disclosure == "withheld":
        reason = REASON_LABELS[WithholdReason(v.withheld_reason or "other")]
        return f"不予公开（{reason}）"
    return "待公开" if v.status == "submitted" else "—"


async def _quarterly(
    conn: aiosqlite.Connection, bureau_id: int, quarter: Period, env: PublishEnv
) -> list[Sheet]:
    day = as_of(quarter, env.today)
    c = await compliance_for(conn, bureau_id, quarter, day, env.item_list, env.tz)
    visits = await visit_details(conn, bureau_id, overlapping_labels(quarter))
    done = [v for v in visits if _done_by(v, env, day)]
    heading = f"{env.bureau_name}{quarter.label_zh}“双随机、一公开”随机抽查工作季度报表"
    results = [[r.wording, sum(1 for v in done if v.result == r.value)] for r in RESULTS]
    results.append(["合计", len(done)])
    withheld = sum(1 for v in done if v.disclosure == "withheld")
    disclosure = [
        ["应公开（已完成检查，扣除依法不予公开）", c.disclosure.denominator],
        ["已公开", c.disclosure.numerator],
        ["其中在时限内公开", c.disclosure_on_time.numerator],
        ["依法不予公开", withheld],
        ["逾期公开或逾期未公开", c.late_disclosures],
    ]
    sections = [
        *progress_sections(c),
        Section("三、检查结果", RESULT_HEADERS, results),
        Section("四、结果公开", DISCLOSURE_HEADERS, disclosure),
    ]
    due = env.deadlines.quarterly_report_due(quarter)
    return [
        Sheet("季度报表", heading, _particulars(env, day, due), sections),
        Sheet("检查结果明细", f"{quarter.label_zh}完成的检查", _particulars(env, day),
              [Section("", DETAIL_HEADERS, detail_rows(env, done))]),
    ]  # fmt: skip


def _done_by(v: VisitDetail, env: PublishEnv, day: date) -> bool:
    done = _completed_on(v, env)
    return done is not None and done <= day


async def _annual(
    conn: aiosqlite.Connection, bureau_id: int, year: Period, env: PublishEnv
) -> list[Sheet]:
    day = as_of(year, env.today)
    people = await inspector_counts(conn, bureau_id, year.year)
    entities = await entity_counts(conn, bureau_id, year.year)
    heading = f"{env.bureau_name}{year.year}年度被检查次数统计"
    inspector_rows = [
        [n, p.name, p.certificate_no, p.department, p.visits, p.lead, p.completed]
        for n, p in enumerate(people, start=1)
    ]
    entity_rows = []
    for n, e in enumerate(entities, start=1):
        days = "、".join(str(local_date(at, env.tz)) for at in e.dates)
        label = CATEGORY_LABELS.get(Category(e.category), e.category)
        entity_rows.append([n, e.name, e.code, label, e.drawn, e.inspected, days])
    return [
        Sheet("执法人员", heading + "（按执法人员）", _particulars(env, day),
              [Section("", INSPECTOR_HEADERS, inspector_rows)]),
        Sheet("检查对象", heading + "（按检查对象）", _particulars(env, day),
              [Section("", ENTITY_HEADERS, entity_rows)]),
    ]  # fmt: skip


async def progress(db: Database, bureau_id: int, period: Period, env: PublishEnv) -> Compliance:
    """/progress: the figures of `period` as of today (deadlines tracked first)."""
    async with db.tx() as conn:
        await track(conn, bureau_id, env)
        return await compliance_for(
            conn, bureau_id, period, as_of(period, env.today), env.item_list, env.tz
        )


def progress_text(c: Compliance, lang: str) -> str:
    """The short table /progress sends with the chart."""
    lines = [t(lang, "progress_header", period=c.period.label, date=c.as_of.isoformat())]
    for g in c.groups:
        tg = g.target
        lines.append(
            t(
                lang,
                "progress_group",
                mark="✅" if g.met else "⚠️",
                group=tg.group_name,
                item=tg.item_name,
                period=tg.period.label,
                achieved=g.achieved,
                population=tg.population,
                minimum=tg.minimum,
                share=percent(g.achieved_share),
            )
        )
    if not c.groups:
        lines.append(t(lang, "progress_no_groups"))
    for key, fig in indicators(c):
        target = ""
        if fig.target is not None:
            met = (
                "" if fig.met is None else t(lang, "progress_met" if fig.met else "progress_unmet")
            )
            target = t(lang, "progress_target", target=percent(fig.target), met=met)
        lines.append(
            t(lang, "progress_indicator", name=t(lang, f"ind_{key}"), value=percent(fig.value),
              n=fig.numerator, d=fig.denominator, target=target)
        )  # fmt: skip
    lines.append(t(lang, "progress_late", n=c.late_disclosures))
    return "\n".join(lines)


def progress_png(c: Compliance, path: Path) -> Path:
    """The progress chart of `c` (PNG)."""
    title = f"{c.period.label_zh}抽查进度（截至 {c.as_of.isoformat()}）"
    return progress_chart(c.groups, title, path)
