"""The four bureaus' rules (examples/) against figures worked out by hand from their plans' text.

Each preset's sample registry is imported through the real importer, then planned. The
expected numbers below are derived in the comments from the plan's own words and the sample
registry's contents (counts checked by the first assertions of each test).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.models import Category, EntityStatus
from bot.domain.plan import Plan
from bot.services.plan import plan_for_bureau, read_item_list
from bot.services.registry_io import import_registry
from storage.bureaus import ensure_bureau
from storage.entities import list_entities

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PRESETS = ["xushui-2020", "qingdao-west-coast-2020", "changji-2015", "zunhua-2024"]


async def load(db, name: str) -> int:
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, name, name)
    for kind in ("entities", "inspectors"):
        report = await import_registry(db, bid, kind, EXAMPLES / f"{name}-{kind}.csv")
        assert report.ok, report.render("en")
    return bid


async def plan_of(db, name: str, year: int) -> Plan:
    bid = await load(db, name)
    return await plan_for_bureau(db, bid, EXAMPLES / f"{name}.yaml", year)


def quotas(plan: Plan, item: int = 0) -> dict[str, list[int]]:
    return {g.id: [r.quota for r in g.rows] for g in plan.items[item].groups}


def populations(plan: Plan, item: int = 0) -> dict[str, list[int]]:
    return {g.id: [r.population for r in g.rows] for g in plan.items[item].groups}


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_item_list_is_valid(name):
    items = read_item_list(EXAMPLES / f"{name}.yaml")
    assert items.items and all(i.checklist for i in items.items)
    # every question that can record a finding shows the inspector its legal basis
    assert all(q.basis for i in items.items for q in i.checklist if q.finding_if)


async def test_xushui_2020(db):
    """每季度至少对50%的重点排污单位进行抽查（原则上每半年全覆盖）；一般排污单位至少按1：10确定年度
    被抽查单位数量；特殊监管对象每季度不低于50%。

    Registry: 23 key (one with a violation on 2019-08-15), 2 special, 60 operating general (one
    listed for supervised rectification), 4 not operating; 12 active certified inspectors.
    Special = 2 + 挂牌督办 + the key one while its violation is under 12 months old: as of
    Q1/Q2/Q3 starts (2020-01-01, 04-01, 07-01) 2019-08-15 is within 12 months, as of 10-01 not.
      special  Q1-Q3 ⌈50% × 4⌉ = 2, Q4 ⌈50% × 3⌉ = 2                       → 8
      key      22, 22, 22, 23 entities: ⌈50% × 22⌉ = 11; H1 coverage Q2 = 11 left → 11;
               Q3 11; Q4 23 entities, 12 not visited in Q3 → max(12, 12) = 12   → 45
      general  1:10 × 12 = 120 a year, by quarter ⌈120·p/4⌉: 30, 30, 30, 30    → 120
    """
    plan = await plan_of(db, "xushui-2020", 2020)
    assert plan.active_inspectors == 12 and plan.entities == 89
    assert populations(plan) == {
        "special": [4, 4, 4, 3], "key": [22, 22, 22, 23], "general": [59, 59, 59, 59],
    }  # fmt: skip
    assert quotas(plan) == {
        "special": [2, 2, 2, 2], "key": [11, 11, 11, 12], "general": [30, 30, 30, 30],
    }  # fmt: skip
    assert plan.items[0].total == 173 and plan.total == 173
    key = plan.items[0].groups[1]
    assert [r.cycle for r in key.rows] == ["2020H1", "2020H1", "2020H2", "2020H2"]
    assert plan.publish_by.isoformat() == "2020-01-31"
    # every key entity of a half-year is visited: Q1 + Q2 cover all 22 of H1
    assert key.rows[0].quota + key.rows[1].quota == 22


async def test_qingdao_west_coast_2020(db):
    """每季度重点排污单位抽查数量不低于25%；全年一般排污单位抽查数量不低于在编在岗执法人员数量的5倍。

    Registry: 40 key + 1 the registry marks special (drawn with the key ones), 150 general,
    3 closed; 18 active certified inspectors (2 inactive, 1 expert do not count).
      key      ⌈25% × 41⌉ = ⌈10.25⌉ = 11 each quarter                             → 44
      general  5 × 18 = 90 a year; by quarter ⌈90·p/4⌉ = 23, 45, 68, 90:
               23, 22, 23, 22                                                      → 90
    """
    plan = await plan_of(db, "qingdao-west-coast-2020", 2020)
    assert plan.active_inspectors == 18
    assert populations(plan) == {"key": [41] * 4, "general": [150] * 4}
    assert quotas(plan) == {"key": [11] * 4, "general": [23, 22, 23, 22]}
    assert plan.total == 134
    assert plan.items[0].groups[1].annual_floor == 90


async def test_changji_2016_county_level(db):
    """县市每季度至少对25%的重点排污单位进行抽查（原则上每年全覆盖）；一般排污单位至少按1：10；
    特殊监管对象每季度不低于50%，直至整改完成；投诉举报多、环境风险等级高的提高比例。
    年度被抽查单位数量于上一年12月10日前确定。

    Registry: 18 key (国控/区控/州控); special = 1 by the registry + 4 verified complaints +
    环境风险等级=高 + a violation on 2015-11-20 (within 12 months of every 2016 quarter start);
    general = 41 other enterprises + 3 construction projects + 1 suspended (all pollution
    sources are drawn, 停产 included) = 45; 7 active certified inspectors.
      special  ⌈50% × 4⌉ = 2 each quarter                                           → 8
      key      ⌈25% × 18⌉ = 5; yearly coverage: Q2 ⌈13/3⌉ = 5, Q3 ⌈8/2⌉ = 4 → 5,
               Q4 3 left → 5                                                        → 20
      general  1:10 × 7 = 70 a year; ⌈70·p/4⌉ = 18, 35, 53, 70: 18, 17, 18, 17      → 70
    """
    plan = await plan_of(db, "changji-2015", 2016)
    assert plan.active_inspectors == 7
    assert populations(plan) == {"special": [4] * 4, "key": [18] * 4, "general": [45] * 4}
    assert quotas(plan) == {"special": [2] * 4, "key": [5] * 4, "general": [18, 17, 18, 17]}
    assert plan.total == 98
    assert plan.publish_by.isoformat() == "2015-12-10"
    key = plan.items[0].groups[1]
    assert [r.uncovered for r in key.rows] == [18, 13, 8, 3]  # everyone once in 2016


async def test_zunhua_2024(db):
    """特殊监管对象每季度至少50%；重点监管对象每季度至少25%；正面清单企业非现场监管每季度全覆盖；
    正面清单外的一般监管对象每季度至少3%。重点与特殊、一般条件冲突时以特殊、一般为准。

    Registry: 30 key (3 on the positive list → general, off site), 4 general with a key
    permit (重点管理 → key), 2 special; general-registered ones made special by the rules:
    a violation on 2023-06-10 (special as of 2024-01-01 and 04-01, not as of 07-01), a 不良
    credit rating, 3 complaints, and a positive-list one listed for supervised rectification
    (special, so it stays in the site frames); 197 other general, 19 other positive-list.
      special  6, 6, 5, 5 entities: ⌈3⌉, ⌈3⌉, ⌈2.5⌉ = 3, 3                         → 12
      key      30 − 3 + 4 = 31: ⌈25% × 31⌉ = ⌈7.75⌉ = 8                            → 32
      general  197 in Q1-Q2, 198 from Q3: ⌈3% × 197⌉ = ⌈5.91⌉ = 6, ⌈5.94⌉ = 6         → 24
      remote   19 + 3 positive-list entities, all each quarter: 22                  → 88
    """
    plan = await plan_of(db, "zunhua-2024", 2024)
    assert populations(plan) == {
        "special": [6, 6, 5, 5], "key": [31] * 4, "general": [197, 197, 198, 198],
    }  # fmt: skip
    assert quotas(plan) == {"special": [3] * 4, "key": [8] * 4, "general": [6] * 4}
    assert quotas(plan, 1) == {"positive": [22] * 4}
    assert plan.items[1].item.mode.value == "offsite"
    assert plan.total == 12 + 32 + 24 + 88
    assert plan.targets.joint_inspection_share == "35%"
    assert plan.unplanned == ()


async def test_zunhua_sample_registry_is_what_the_comments_say(db):
    bid = await load(db, "zunhua-2024")
    async with db.read() as conn:
        entities = await list_entities(conn, bid)
    operating = [e for e in entities if e.status is EntityStatus.OPERATING]
    assert sum(e.category is Category.KEY for e in operating) == 30
    assert sum(e.category is Category.KEY and e.positive_list for e in operating) == 3
    assert sum(e.positive_list for e in operating) == 3 + 1 + 19


def test_the_plan_command_prints_json_from_registry_files(capsys):
    name = "xushui-2020"
    code = main([
        "plan", "--year", "2020", "--items", str(EXAMPLES / f"{name}.yaml"), "--json",
        "--entities", str(EXAMPLES / f"{name}-entities.csv"),
        "--inspectors", str(EXAMPLES / f"{name}-inspectors.csv"),
    ])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 173 and data["year"] == 2020
    assert [g["total"] for g in data["items"][0]["groups"]] == [8, 45, 120]


def test_the_plan_command_refuses_a_bad_item_list(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = (EXAMPLES / "xushui-2020.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("selector: {category: 重点}", "selector: {categroy: 重点}"))
    code = main(["plan", "--year", "2020", "--items", str(bad), "--entities",
                 str(EXAMPLES / "xushui-2020-entities.csv"), "--inspectors",
                 str(EXAMPLES / "xushui-2020-inspectors.csv")])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "items[0].groups[1].selector.categroy: unknown field" in err


def test_the_plan_command_reads_the_stored_registry(tmp_path, capsys):
    import asyncio

    from storage.db import Database

    path = tmp_path / "bureau.db"

    async def setup() -> None:
        db = await Database.open(path)
        try:
            async with db.tx() as conn:
                bid = await ensure_bureau(conn, "qd", "西海岸新区分局")
            for kind in ("entities", "inspectors"):
                f = EXAMPLES / f"qingdao-west-coast-2020-{kind}.csv"
                assert (await import_registry(db, bid, kind, f)).ok
        finally:
            await db.close()

    asyncio.run(setup())
    items = str(EXAMPLES / "qingdao-west-coast-2020.yaml")
    args = ["plan", "--year", "2020", "--items", items, "--db", str(path), "--lang", "en"]
    assert main([*args, "--bureau", "qd"]) == 0
    out = capsys.readouterr().out
    assert "一般排污单位 at least 5 per active enforcement inspector a year" in out
    assert out.rstrip().endswith("Total 134 entity-visits")
    assert main([*args, "--bureau", "other"]) == 1
    assert "no bureau 'other'" in capsys.readouterr().err
