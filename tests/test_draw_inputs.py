"""Pure rules around the draw: departments, targets, coverage history, previous teams, and the
choice of a replacement inspector."""

from __future__ import annotations

import pytest

from bot.domain.draw import FrameInspector
from bot.domain.draw_history import Visit, covered_for, previous_teams
from bot.domain.draw_inputs import department_map, parse_target
from bot.domain.itemlist import parse_item_list
from bot.domain.models import InspectorKind
from bot.domain.periods import Period
from bot.domain.replacement import Seat, choose_replacement, tie_break

BRIGADE = "保定市徐水生态环境综合执法大队"


def test_departments_map_units_to_their_initiating_department():
    units = ["综合执法大队一中队", "综合股", BRIGADE]
    assert department_map([BRIGADE], units) == dict.fromkeys(units, BRIGADE)
    two = department_map(["执法大队", "辐射科"], ["执法大队二中队", "辐射科", "监测站"])
    assert two == {"执法大队二中队": "执法大队", "辐射科": "辐射科", "监测站": "监测站"}


def test_targets_parse_and_refuse_unknown_attributes():
    assert parse_target(["region=东区，西区", "tag:行业=化工", "region=北区"]) == {
        "region": ("东区", "北区", "西区"),
        "tag:行业": ("化工",),
    }
    for bad in ("region", "colour=red", "region=", "tag:=x"):
        with pytest.raises(ValueError):
            parse_target([bad])


ITEMS = """
version: 1
bureau: 示例
items:
  - id: water
    name: 水
    department: 执法大队
    checklist: [{id: q, text: 问题, type: yes_no}]
    groups:
      - {id: key, name: 重点, selector: {category: 重点},
         quota: {rule: share, share: 50%, per: 季度, cover_every: 半年}}
      - {id: general, name: 一般, selector: {category: 一般},
         quota: {rule: share, share: 10%, per: 季度, cover_every: 年}}
  - id: air
    name: 气
    department: 执法大队
    checklist: [{id: q, text: 问题, type: yes_no}]
    groups:
      - {id: all, name: 全部, quota: {rule: share, share: 50%, per: 季度, cover_every: 半年}}
"""


def _entity(sid: str, category: str):
    from bot.domain.models import Entity

    return Entity(stable_id=sid, name=sid, kind="other", category=category)


def test_coverage_counts_each_groups_own_cycle():
    items = parse_item_list(ITEMS, "test.yaml")
    ents = [_entity("K1", "key"), _entity("K2", "key"), _entity("G1", "general")]
    visits = [
        Visit(1, "2026Q1", "K1", ("water", "air"), ()),
        Visit(2, "2026Q1", "G1", ("water",), ()),
        Visit(3, "2026Q3", "K2", ("water",), ()),
        Visit(4, "2026Q4", "K2", ("air",), ()),  # not before the period drawn
    ]
    q2 = covered_for(items, ents, Period.parse("2026Q2"), visits)
    assert q2 == {"water": {"K1", "G1"}, "air": {"K1"}}
    q4 = covered_for(items, ents, Period.parse("2026Q4"), visits)
    # key's half-year cycle restarted in Q3; general's cycle is the whole year
    assert q4 == {"water": {"K2", "G1"}, "air": set()}


def test_previous_team_is_the_latest_earlier_visit_with_a_team():
    visits = [
        Visit(1, "2026Q1", "E1", ("water",), ("A", "B")),
        Visit(7, "2026Q2", "E1", ("water",), ("C", "D")),
        Visit(5, "2026Q2", "E2", ("water",), ()),
        Visit(9, "2026Q3", "E1", ("water",), ("X", "Y")),
    ]
    assert previous_teams(visits, Period.parse("2026Q3")) == {"E1": frozenset({"C", "D"})}


def _staff(key: str, dept: str = "执法大队", **kw) -> FrameInspector:
    return FrameInspector(key, dept, InspectorKind.STAFF, **kw)


def test_replacement_is_qualified_unrecused_new_and_least_loaded():
    seat = Seat(False, "执法大队", frozenset({"水"}))
    people = [
        _staff("A", expertise={"水"}),  # on the visit
        _staff("B", expertise={"水"}, recused={"E1"}),
        _staff("C", expertise={"大气"}),
        _staff("D", "辐射科", expertise={"水"}),
        _staff("E", expertise={"水"}, active=False),
        _staff("F", expertise={"水"}, certificate=False),
        _staff("G", expertise={"水", "大气"}),
        _staff("H", expertise={"水"}),
    ]
    pick = dict(inspection_id=4, entity="E1", on_visit={"A", "Z"})
    chosen = choose_replacement(people, seat, loads={"G": 3, "H": 1}, **pick)
    assert chosen.key == "H"
    tied = choose_replacement(people, seat, loads={}, **pick)
    assert tied.key == min(("G", "H"), key=lambda k: tie_break(4, k))
    assert choose_replacement(people[:6], seat, loads={}, **pick) is None
