"""The plan as people and tools read it: a short summary (zh-CN / en), JSON, and the tables of the
published plan (发起部门, 抽查事项, 检查内容, 检查对象, 抽查频次, 抽查比例, 抽取对象数量).

The JSON layout is specified in docs/plan-json.md; change both together. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from bot.domain.plan import GroupPlan, ItemPlan, Plan
from bot.domain.quotas import (
    PER_ZH,
    PerInspectorRule,
    QuotaRule,
    ShareRule,
    describe,
)
from bot.domain.ratios import fraction_text
from bot.domain.registry_format import CATEGORY_LABELS

JSON_FORMAT = "shuangsuiji.plan"
JSON_VERSION = 1

PUBLICATION_HEADERS = (
    "发起部门", "抽查事项", "检查内容", "检查对象", "抽查频次", "抽查比例", "抽取对象数量",
)  # fmt: skip
PERIOD_HEADERS = (
    "抽查事项", "检查对象", "周期", "对象数", "抽取数量", "覆盖周期", "未覆盖对象数", "计算",
)  # fmt: skip
ENTITY_HEADERS = ("统一社会信用代码/对象编号", "名称", "所属区域", "监管类别", "抽查事项/检查对象")


def render_plan(plan: Plan, lang: str = "zh-CN") -> str:
    """A short text summary of the plan for chat and console, in zh-CN or en."""
    zh = lang == "zh-CN"
    if zh:
        lines = [
            f"{plan.year}年度随机抽查计划 · {plan.bureau}",
            f"在岗执法人员 {plan.active_inspectors} 人；名录库 {plan.entities} 个对象；"
            f"{plan.publish_by:%Y年%-m月%-d日}前公开",
        ]
    else:
        lines = [
            f"Inspection plan {plan.year} · {plan.bureau}",
            f"{plan.active_inspectors} active enforcement inspectors; {plan.entities} entities "
            f"in the registry; publish by {plan.publish_by.isoformat()}",
        ]
    for item in plan.items:
        lines += _item_lines(item, zh)
    if plan.unplanned:
        n = len(plan.unplanned)
        lines.append(
            f"⚠ {n} 个对象不在任何抽查事项的检查对象中"
            if zh
            else f"⚠ {n} entities are in no target group of any item"
        )
    lines += _target_lines(plan, zh)
    capped = any(r.capped for i in plan.items for g in i.groups for r in g.rows)
    if capped:
        lines.append(
            "⚠ 标记的周期对象不足，配额已按全部对象计"
            if zh
            else "⚠ marks periods where the group is smaller than the rule asks: all are taken"
        )
    lines.append(f"合计 {plan.total} 家次" if zh else f"Total {plan.total} entity-visits")
    return "\n".join(lines)


def _item_lines(item: ItemPlan, zh: bool) -> list[str]:
    it = item.item
    head = (
        f"■ {it.name}（{it.department}）全年 {item.total} 家次"
        if zh
        else f"■ {it.name} ({it.department}): {item.total} entity-visits"
    )
    out = [head]
    for g in item.groups:
        quotas = " · ".join(
            f"{_short(r.period.label)} {r.quota}{'⚠' if r.capped else ''}" for r in g.rows
        )
        if zh:
            out.append(f"  {g.name} {describe(g.rule, 'zh-CN')}：{quotas}（共 {g.total}）")
        else:
            out.append(f"  {g.name} {describe(g.rule, 'en')}: {quotas} (total {g.total})")
    return out


def _target_lines(plan: Plan, zh: bool) -> list[str]:
    t = plan.targets
    parts = []
    if t.joint_inspection_share:
        parts.append(
            f"内部联合抽查占比不低于{t.joint_inspection_share}"
            if zh
            else f"joint inspections at least {t.joint_inspection_share} of visits"
        )
    if t.credit_risk_share:
        parts.append(
            f"运用信用风险分级分类的抽查占比不低于{t.credit_risk_share}"
            if zh
            else f"credit-risk-graded draws at least {t.credit_risk_share} of visits"
        )
    if not parts:
        return []
    return [("考核指标：" if zh else "Targets: ") + ("；" if zh else "; ").join(parts)]


def _short(label: str) -> str:
    """2020Q1 -> Q1, 2020-03 -> 03, 2020H2 -> H2, 2020 -> 2020."""
    return label[4:].lstrip("-") or label


def rule_json(rule: QuotaRule) -> dict[str, Any]:
    """A quota rule as JSON: the fields as written, exact values, and the rule in words."""
    out: dict[str, Any] = rule.model_dump(mode="json", exclude_none=True)
    if isinstance(rule, ShareRule):
        out["exact"] = fraction_text(rule.fraction)
    elif isinstance(rule, PerInspectorRule):
        out["exact"] = fraction_text(rule.factor)
    out["text"] = {"zh-CN": describe(rule, "zh-CN"), "en": describe(rule, "en")}
    return out


def _group_json(g: GroupPlan) -> dict[str, Any]:
    return {
        "id": g.id,
        "name": g.name,
        "rule": rule_json(g.rule),
        "annual_floor": g.annual_floor,
        "total": g.total,
        "periods": [
            {
                "period": r.period.label,
                "start": r.period.start.isoformat(),
                "end": r.period.end.isoformat(),
                "population": r.population,
                "uncovered": r.uncovered if r.cycle else None,
                "cycle": r.cycle,
                "quota": r.quota,
                "target": r.target,
                "capped": r.capped,
                "formula": r.formula,
            }
            for r in g.rows
        ],
    }


def plan_json(plan: Plan, *, with_entities: bool = False) -> dict[str, Any]:
    """The plan as a JSON-ready dict (docs/plan-json.md)."""
    out: dict[str, Any] = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "bureau": plan.bureau,
        "title": plan.title,
        "source": plan.source,
        "year": plan.year,
        "publish_by": plan.publish_by.isoformat(),
        "registry": {"entities": plan.entities, "active_inspectors": plan.active_inspectors},
        "targets": plan.targets.model_dump(mode="json", exclude_none=True),
        "items": [
            {
                "id": i.item.id,
                "name": i.item.name,
                "department": i.item.department,
                "contents": i.item.contents,
                "basis": i.item.basis,
                "mode": i.item.mode.value,
                "third_party": i.item.third_party,
                "expertise": list(i.item.expertise),
                "inspectors_required": i.item.inspectors_required,
                "experts_required": i.item.experts_required,
                "total": i.total,
                "groups": [_group_json(g) for g in i.groups],
            }
            for i in plan.items
        ],
        "total": plan.total,
        "unplanned": list(plan.unplanned),
    }
    if with_entities:
        out["entity_list"] = [
            {
                "stable_id": e.stable_id,
                "credit_code": e.credit_code,
                "name": e.name,
                "region": e.region,
                "category": e.category.value,
                "groups": [{"item": i, "group": g} for i, g in e.groups],
            }
            for e in plan.entity_list
        ]
    return out


def publication_rows(plan: Plan) -> list[list[object]]:
    """The published plan table, one row per item and group, under PUBLICATION_HEADERS."""
    rows: list[list[object]] = []
    for i in plan.items:
        for g in i.groups:
            rows.append(
                [
                    i.item.department,
                    i.item.name,
                    i.item.contents,
                    g.name,
                    PER_ZH[g.rule.per],
                    describe(g.rule, "zh-CN"),
                    g.total,
                ]
            )
    return rows


def period_rows(plan: Plan) -> list[list[object]]:
    """Each group's periods, under PERIOD_HEADERS (the working behind the published figures)."""
    rows: list[list[object]] = []
    for i in plan.items:
        for g in i.groups:
            for r in g.rows:
                rows.append(
                    [
                        i.item.name,
                        g.name,
                        r.period.label_zh,
                        r.population,
                        r.quota,
                        r.cycle or "",
                        r.uncovered if r.cycle else "",
                        r.formula,
                    ]
                )
    return rows


def entity_rows(plan: Plan) -> list[list[object]]:
    """The entity list published with the plan, under ENTITY_HEADERS."""
    names = {(i.item.id, g.id): f"{i.item.name}/{g.name}" for i in plan.items for g in i.groups}
    return [
        [
            e.credit_code or e.stable_id,
            e.name,
            e.region,
            CATEGORY_LABELS[e.category],
            "；".join(names[k] for k in e.groups),
        ]
        for e in plan.entity_list
    ]
