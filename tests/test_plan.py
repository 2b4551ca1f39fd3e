"""Supervision categories as rules, frames for one period, the plan and its outputs."""

from __future__ import annotations

import json
import textwrap
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.categories import classify
from bot.domain.credit_code import check_character
from bot.domain.frames import QuotaBelowFloor, frames_for_period
from bot.domain.itemlist import parse_item_list
from bot.domain.models import Category, Entity, EntityKind, Inspector, InspectorKind
from bot.domain.periods import Period
from bot.domain.plan import build_plan
from bot.domain.plan_text import PUBLICATION_HEADERS, plan_json, render_plan
from bot.services.plan import plan_for_bureau, write_plan_xlsx
from storage.bureaus import ensure_bureau
from storage.entities import upsert_entities
from storage.inspectors import upsert_inspectors


def code(n: int) -> str:
    first = f"91130609{n:09d}"
    return first + check_character(first)


def ent(n: int, **kw) -> Entity:
    if kw.get("kind") in (EntityKind.CONSTRUCTION_PROJECT, "construction_project"):
        return Entity(stable_id=f"JS-{n:03d}", name=f"项目{n}", **kw)
    return Entity(stable_id=code(n), credit_code=code(n), name=f"企业{n}", **kw)


def staff(n: int, active: bool = True) -> Inspector:
    return Inspector(
        name=f"人{n}", department="执法大队", certificate_no=f"C{n:04d}", active=active
    )


ITEMS = """\
bureau: 测试分局
categories:
  special_when:
    violation_within_months: 12
    open_rectification: true
    credit_rating: [不良]
    verified_complaints_at_least: 3
    supervised_rectification: true
  key_when: {permit_class: 重点管理}
  general_when: {positive_list: true}
items:
  - id: site
    name: 现场检查
    department: 执法大队
    checklist: [{id: q, text: 设施是否正常, type: yes_no, finding_if: {in: [否]}}]
    groups:
      - {id: special, name: 特殊, selector: {category: 特殊}, quota: {rule: share, share: 50%}}
      - id: key
        name: 重点
        selector: {category: 重点}
        quota: {rule: share, share: 25%, cover_every: half}
      - {id: general, name: 一般, selector: {category: 一般},
         quota: {rule: per_inspector, ratio: "1:2"}}
      - {id: yearly, name: 年度, selector: {kind: 建设项目}, quota: {rule: all, per: year}}
  - id: remote
    name: 非现场
    department: 执法大队
    mode: 非现场
    inspectors_required: 1
    expertise: [水, 大气]
    checklist: [{id: q, text: 在线数据是否完整, type: yes_no}]
    groups:
      - {id: positive, name: 正面清单, selector: {positive_list: true, category: 一般},
         quota: {rule: all}}
  - id: projects
    name: 新竣工项目
    department: 环评科
    experts_required: 1
    checklist: [{id: q, text: 是否验收, type: yes_no}]
    groups:
      - id: recent
        name: 一年内竣工的建设项目
        selector: {kind: 建设项目, dates: [{tag: 竣工日期, within_months: 12}]}
        quota: {rule: all}
"""


@pytest.fixture
def items():
    return parse_item_list(ITEMS, "t.yaml")


# --- categories -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"last_violation_on": date(2025, 4, 1)}, "violation"),
        ({"credit_rating": "不良"}, "credit_rating"),
        ({"verified_complaints": 3}, "complaints"),
        ({"supervised_rectification": True}, "supervised_rectification"),
    ],
)
def test_each_special_rule_makes_an_entity_special(items, fields, reason):
    c = classify(ent(1, **fields), items.categories, date(2026, 4, 1))
    assert c.category is Category.SPECIAL and c.reasons == (reason,)


def test_a_violation_counts_for_twelve_months(items):
    e = ent(1, last_violation_on=date(2025, 4, 1))
    assert classify(e, items.categories, date(2026, 4, 1)).category is Category.SPECIAL
    assert classify(e, items.categories, date(2026, 4, 2)).category is Category.GENERAL
    assert classify(e, items.categories, date(2025, 3, 31)).category is Category.GENERAL


def test_special_until_the_rectification_is_closed(items):
    e = ent(1, category=Category.KEY, last_violation_on=date(2024, 1, 1))
    rules = items.categories
    assert classify(e, rules, date(2026, 1, 1), {e.stable_id}).category is Category.SPECIAL
    assert classify(e, rules, date(2026, 1, 1), set()).category is Category.KEY


def test_precedence_special_then_general_rule_then_key(items):
    rules, day = items.categories, date(2026, 1, 1)
    assert classify(ent(1, category=Category.SPECIAL), rules, day).category is Category.SPECIAL
    positive_key = ent(2, category=Category.KEY, positive_list=True)
    assert classify(positive_key, rules, day).category is Category.GENERAL
    permit_key = ent(3, permit_class="key")
    assert classify(permit_key, rules, day).reasons == ("key_when",)
    special_positive = ent(4, positive_list=True, verified_complaints=5)
    assert classify(special_positive, rules, day).category is Category.SPECIAL


# --- frames -----------------------------------------------------------------------


def registry():
    entities = [ent(i, category=Category.KEY) for i in range(10)]
    entities += [ent(100 + i) for i in range(30)]
    entities += [ent(200, positive_list=True), ent(201, positive_list=True, credit_rating="不良")]
    entities += [ent(300, status="closed"), ent(301, last_violation_on=date(2025, 12, 1))]
    entities += [
        ent(1, kind="construction_project", tags={"竣工日期": "2025-08-01"}),
        ent(2, kind="construction_project", tags={"竣工日期": "2024-12-31"}),
        ent(3, kind="construction_project", tags={"竣工日期": "尚未竣工"}),
    ]
    inspectors = [staff(i) for i in range(6)] + [staff(99, active=False)]
    inspectors.append(
        Inspector(name="专家", department="监测站", expert_id="E1", kind=InspectorKind.EXPERT)
    )
    return entities, inspectors


def test_frames_for_a_quarter(items):
    entities, inspectors = registry()
    frames = frames_for_period(items, entities, inspectors, Period.parse("2026Q1"))
    by_item = {f.item_id: f for f in frames}
    site = {g.group_id: g for g in by_item["site"].groups}
    assert "yearly" not in site  # per: year groups join the year's draw, not a quarter's
    # special: the bad-credit positive-list entity and the recent violation
    assert site["special"].eligible == tuple(sorted([code(201), code(301)]))
    assert site["special"].quota == 1
    assert len(site["key"].eligible) == 10 and site["key"].quota == 5  # ⌈10 / 2 left in H1⌉
    assert site["key"].cycle.label == "2026H1"
    # general: 30 + 3 projects; the positive-list one is off site; 1:2 × 6 active = 12 a year
    assert len(site["general"].eligible) == 33 and site["general"].quota == 3
    assert by_item["remote"].groups[0].eligible == (code(200),)
    assert by_item["remote"].expertise == frozenset({"水", "大气"})
    assert by_item["remote"].inspectors_required == 1
    projects = by_item["projects"]
    assert projects.groups[0].eligible == ("JS-001",) and projects.needs_expert


def test_an_entity_belongs_to_the_first_group_that_takes_it(items):
    entities, inspectors = registry()
    frames = frames_for_period(items, entities, inspectors, Period.parse("2026"))
    site = {g.group_id: g for g in frames[0].groups}
    # Projects match `general` (category 一般) before `yearly`, so the yearly group is empty.
    assert site["yearly"].eligible == () and site["yearly"].quota == 0


def test_covered_entities_come_off_the_uncovered_list(items):
    entities, inspectors = registry()
    covered = {"site": {code(i) for i in range(5)}}
    frames = frames_for_period(items, entities, inspectors, Period.parse("2026Q2"), covered)
    key = {g.group_id: g for g in frames[0].groups}["key"]
    assert key.uncovered == tuple(code(i) for i in range(5, 10))
    assert key.quota == 5 and len(key.eligible) == 10


def test_a_quota_may_be_raised_never_lowered(items):
    entities, inspectors = registry()
    q1 = Period.parse("2026Q1")
    raised = frames_for_period(items, entities, inspectors, q1, raised={("site", "key"): 8})
    key = {g.group_id: g for g in raised[0].groups}["key"]
    assert (key.quota, key.floor) == (8, 5)
    with pytest.raises(QuotaBelowFloor, match="below the floor 5"):
        frames_for_period(items, entities, inspectors, q1, raised={("site", "key"): 4})
    with pytest.raises(QuotaBelowFloor, match="above the group's population 10"):
        frames_for_period(items, entities, inspectors, q1, raised={("site", "key"): 11})


def test_per_inspector_frames_agree_with_the_plan(items):
    entities, inspectors = registry()
    plan = build_plan(items, entities, inspectors, 2026)
    general = {g.id: g for g in plan.items[0].groups}["general"]
    for row in general.rows:
        frames = frames_for_period(items, entities, inspectors, row.period)
        site = {g.group_id: g for g in frames[0].groups}
        assert site["general"].quota == row.quota
    assert [r.quota for r in general.rows] == [3, 3, 3, 3] and general.annual_floor == 12


# --- the plan ---------------------------------------------------------------------


def test_the_plan_changes_with_categories_over_the_year(items):
    entities, inspectors = registry()
    plan = build_plan(items, entities, inspectors, 2026)
    special = {g.id: g for g in plan.items[0].groups}["special"]
    # the violation of 2025-12-01 keeps ent 301 special through Q4 (as of 2026-10-01)
    assert [r.population for r in special.rows] == [2, 2, 2, 2]
    assert plan.active_inspectors == 6
    assert plan.publish_by == date(2026, 1, 31)
    assert plan.unplanned == ()
    assert [g.total for g in plan.items[0].groups] == [4, 20, 12, 0]
    assert plan.total == 4 + 20 + 12 + 4 + 3  # remote: 1 a quarter; projects: JS-001 each quarter


def test_entities_in_no_group_are_reported():
    only_key = parse_item_list(
        ITEMS.split("  - id: remote")[0].replace(
            "      - {id: general, name: 一般, selector: {category: 一般},\n"
            '         quota: {rule: per_inspector, ratio: "1:2"}}\n',
            "",
        ),
        "t.yaml",
    )
    entities, inspectors = registry()
    plan = build_plan(only_key, entities, inspectors, 2026)
    assert len(plan.unplanned) == 30 + 1  # the general ones and 200 (positive list, off site)
    assert code(200) in plan.unplanned and "JS-001" not in plan.unplanned  # projects: yearly
    assert "⚠ 31 个对象不在任何抽查事项的检查对象中" in render_plan(plan)


def test_plan_json_follows_the_documented_layout(items):
    entities, inspectors = registry()
    data = plan_json(build_plan(items, entities, inspectors, 2026), with_entities=True)
    json.dumps(data)  # serialisable as is
    assert data["format"] == "shuangsuiji.plan" and data["version"] == 1
    assert set(data) == {
        "format", "version", "bureau", "title", "source", "year", "publish_by", "registry",
        "targets", "items", "total", "unplanned", "entity_list",
    }  # fmt: skip
    key = data["items"][0]["groups"][1]
    assert key["rule"] == {
        "rule": "share", "share": "25%", "per": "quarter", "cover_every": "half", "exact": "1/4",
        "text": {"zh-CN": "每季度不低于25%，且每半年全覆盖",
                 "en": "at least 25% each quarter, and every entity once each half-year"},
    }  # fmt: skip
    q1 = key["periods"][0]
    assert q1 == {
        "period": "2026Q1", "start": "2026-01-01", "end": "2026-03-31", "population": 10,
        "uncovered": 10, "cycle": "2026H1", "quota": 5, "target": 5, "capped": False,
        "formula": "max(⌈25% × 10⌉ = 3; ⌈10 uncovered / 2 period(s) left in 2026H1⌉ = 5)",
    }  # fmt: skip
    assert data["total"] == sum(i["total"] for i in data["items"])
    assert data["items"][0]["total"] == sum(g["total"] for g in data["items"][0]["groups"])


def test_the_text_summary_in_both_languages(items):
    entities, inspectors = registry()
    plan = build_plan(items, entities, inspectors, 2026)
    zh, en = render_plan(plan), render_plan(plan, "en")
    assert "重点 每季度不低于25%，且每半年全覆盖：Q1 5 · Q2 5 · Q3 5 · Q4 5（共 20）" in zh
    assert zh.endswith(f"合计 {plan.total} 家次")
    assert "重点 at least 25% each quarter, and every entity once each half-year: Q1 5" in en
    assert en.endswith(f"Total {plan.total} entity-visits")


def test_the_published_workbook(items, tmp_path):
    entities, inspectors = registry()
    plan = build_plan(items, entities, inspectors, 2026)
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(plan, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["抽查计划", "分期明细", "抽查对象名单"]
    rows = list(wb["抽查计划"].iter_rows(values_only=True))
    assert rows[1] == PUBLICATION_HEADERS
    assert rows[3][:2] == ("执法大队", "现场检查") and rows[3][3:] == (
        "重点", "每季度", "每季度不低于25%，且每半年全覆盖", 20,
    )  # fmt: skip
    assert rows[-1][0] == "合计（家次）" and rows[-1][6] == plan.total
    listed = list(wb["抽查对象名单"].iter_rows(min_row=3, values_only=True))
    assert len(listed) == len(plan.entity_list)
    assert not list(tmp_path.glob("tmp*"))


async def test_the_service_plans_from_the_stored_registry(db, items, tmp_path):
    entities, inspectors = registry()
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "t", "测试分局")
        await upsert_entities(conn, bid, entities)
        await upsert_inspectors(conn, bid, inspectors)
    path = tmp_path / "items.yaml"
    path.write_text(textwrap.dedent(ITEMS), encoding="utf-8")
    stored = await plan_for_bureau(db, bid, path, 2026)
    direct = build_plan(items, entities, inspectors, 2026)
    assert plan_json(stored) == plan_json(direct)
    rectified = await plan_for_bureau(db, bid, items, 2026, open_rectifications={code(0)})
    key = {g.id: g for g in rectified.items[0].groups}["key"]
    assert key.rows[0].population == 9  # ent 0 is special while its rectification is open


# --- the fast membership agrees with the plain definition ---------------------------


def naive_groups(item_list, entities, period, rect=frozenset()):
    """First match per item, entity by entity, straight from the definitions."""
    from bot.domain.categories import off_site_only
    from bot.domain.itemlist import Mode

    out = {(it.id, g.id): [] for it in item_list.items for g in it.groups}
    for e in sorted(entities, key=lambda x: x.stable_id):
        if e.status not in item_list.eligible_status:
            continue
        cat = classify(e, item_list.categories, period.start, rect).category
        for it in item_list.items:
            if it.mode is Mode.SITE and off_site_only(e, cat, item_list.categories):
                continue
            for g in it.groups:
                if g.selector.matches(e, cat, period.start, period.end):
                    out[(it.id, g.id)].append(e.stable_id)
                    break
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Category)),
            st.booleans(),
            st.sampled_from([None, date(2025, 2, 1), date(2025, 6, 30), date(2025, 11, 1)]),
            st.sampled_from(["", "2025-03-01", "2025-09-09"]),
            st.sampled_from(["operating", "operating", "suspended"]),
        ),
        max_size=40,
    )
)
def test_membership_matches_the_plain_definition(rows):
    from bot.domain.frames import Membership

    entities = [
        ent(i, category=c, positive_list=p, last_violation_on=v, status=s)
        if not done
        else ent(i, kind="construction_project", category=c, positive_list=p,
                 last_violation_on=v, status=s, tags={"竣工日期": done})
        for i, (c, p, v, done, s) in enumerate(rows)
    ]  # fmt: skip
    undated = ITEMS.split("  - id: projects")[0]  # no date selectors: unchanged periods are shared
    for text in (ITEMS, undated):
        il = parse_item_list(text, "t.yaml")
        m = Membership(il, entities, frozenset({code(0)}))
        for label in ("2026Q3", "2026Q1", "2026Q2", "2026Q4", "2026"):
            p = Period.parse(label)
            assert m.groups(p) == naive_groups(il, entities, p, frozenset({code(0)}))
