"""The draw engine's rules: selection by PRN, joint inspections, team rules, caps, infeasibility."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain.draw import (
    DrawResult,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
    Infeasible,
    canonical_result,
    commit,
    run_draw,
)
from bot.domain.draw.checks import check_result
from bot.domain.draw.transcript import result_to_json
from tests.test_draw_fixtures import (
    entities,
    experts,
    frame_of,
    ids,
    one_item_frame,
    secret_for,
    staff,
)

BRIGADE = "执法大队"
MONITOR = "监测站"


def _draw(frame, n: int = 0, sources=()) -> DrawResult:
    outcome = run_draw(frame, secret_for(n), sources)
    assert isinstance(outcome, DrawResult), outcome
    assert check_result(frame, result_to_json(outcome)) == []
    return outcome


def test_uncovered_entities_are_taken_first() -> None:
    ents = entities(20)
    uncovered = {"E003", "E011", "E017"}
    frame = one_item_frame(ents, 5, staff(BRIGADE, 4), uncovered)
    for n in range(10):
        selected = _draw(frame, n).selections[0].selected
        assert set(selected[:3]) == uncovered and len(set(selected)) == 5


def test_quota_above_population_takes_everyone() -> None:
    frame = one_item_frame(entities(4), 9, staff(BRIGADE, 4))
    result = _draw(frame)
    assert sorted(result.selections[0].selected) == ["E000", "E001", "E002", "E003"]
    assert result.selections[0].eligible == 4


def test_targeted_draw_only_takes_matching_entities() -> None:
    ents = [FrameEntity(f"E{i:02d}", {"region": "东区" if i % 2 else "西区"}) for i in range(30)]
    group = FrameGroup("east", 6, ids(ents), target={"region": ("东区",)})
    frame = frame_of([FrameItem("i1", BRIGADE, (group,))], ents, staff(BRIGADE, 6))
    result = _draw(frame)
    assert result.selections[0].eligible == 15
    assert all(int(s[1:]) % 2 == 1 for s in result.selections[0].selected)


def test_items_share_prns_so_smaller_samples_nest_in_larger_ones() -> None:
    ents = entities(60)
    small = FrameItem("water", BRIGADE, (FrameGroup("all", 6, ids(ents)),))
    large = FrameItem("air", MONITOR, (FrameGroup("all", 15, ids(ents)),))
    frame = frame_of([small, large], ents, staff(BRIGADE, 5) + staff(MONITOR, 5))
    for n in range(5):
        result = _draw(frame, n)
        by_item = {s.item_id: set(s.selected) for s in result.selections}
        assert by_item["water"] <= by_item["air"]
        assert len(result.inspections) == 15 and result.joint_inspections == 6
        for v in result.inspections:
            if v.joint:
                assert v.departments == (BRIGADE, MONITOR)
                assert {k.split("-")[0] for k in v.inspectors} == {BRIGADE, MONITOR}


def test_only_qualified_unrecused_inspectors_are_drawn() -> None:
    ents = entities(12)
    people = (
        staff(BRIGADE, 4, expertise=frozenset({"辐射", "水"}))
        + [FrameInspector("no-cert", BRIGADE, certificate=False, expertise=frozenset({"辐射"}))]
        + [FrameInspector("retired", BRIGADE, active=False, expertise=frozenset({"辐射"}))]
        + [FrameInspector("no-skill", BRIGADE, expertise=frozenset({"水"}))]
        + [FrameInspector("other-dept", MONITOR, expertise=frozenset({"辐射"}))]
        + [
            FrameInspector(
                "kin", BRIGADE, expertise=frozenset({"辐射"}), recused=frozenset(ids(ents))
            )
        ]
    )
    frame = one_item_frame(ents, 12, people, expertise_required=frozenset({"辐射"}))
    drawn = Counter(k for n in range(8) for v in _draw(frame, n).inspections for k in v.inspectors)
    assert set(drawn) == {f"{BRIGADE}-{i:02d}" for i in range(4)}


def test_experts_come_from_their_own_pool() -> None:
    ents = entities(10)
    pool = experts(3, {"辐射"}) + experts(0)
    frame = one_item_frame(
        ents, 10, staff(BRIGADE, 6) + pool, experts_required=1, expertise_required=frozenset()
    )
    result = _draw(frame)
    assert all(
        len(v.experts) == 1 and v.experts[0].startswith("expert-") for v in result.inspections
    )
    assert all(not k.startswith("expert-") for v in result.inspections for k in v.inspectors)
    assert result.expert_cap == 4 + 1  # ceil(10 / 3) + slack


def test_cap_spreads_the_work_evenly() -> None:
    frame = one_item_frame(entities(40), 40, staff(BRIGADE, 10))
    frame = frame_of(list(frame.items), list(frame.entities), list(frame.inspectors), slack=0)
    for n in range(3):
        result = _draw(frame, n)
        assert result.staff_cap == 8 and result.relaxed_inspections == 0
        loads = Counter(k for v in result.inspections for k in v.inspectors)
        assert set(loads.values()) == {8}


def test_cap_is_relaxed_step_by_step_only_where_needed() -> None:
    ents = entities(30)
    radiation = FrameItem("rad", BRIGADE, (FrameGroup("all", 10, ids(ents)),), frozenset({"辐射"}))
    general = FrameItem("gen", MONITOR, (FrameGroup("all", 30, ids(ents)),))
    people = staff(BRIGADE, 2, expertise=frozenset({"辐射", "水"})) + staff(MONITOR, 30)
    frame = frame_of([radiation, general], ents, people, slack=0)
    result = _draw(frame)
    assert result.staff_cap == 2  # ceil(30 inspections * 2 seats / 32 inspectors) + 0
    relaxed = [v for v in result.inspections if v.cap > result.staff_cap]
    assert relaxed and all("rad" in v.items for v in relaxed)
    caps = [v.cap for v in result.inspections if "rad" in v.items]
    assert caps == sorted(caps) and caps[-1] == 5  # raised one step at a time, no further
    loads = Counter(k for v in result.inspections for k in v.inspectors if k.startswith(BRIGADE))
    assert loads == {f"{BRIGADE}-00": 5, f"{BRIGADE}-01": 5}
    assert result.relaxed_inspections == len(relaxed)


def test_previous_pair_is_avoided_when_another_choice_exists() -> None:
    ents = entities(1)
    people = staff(BRIGADE, 3)
    pair = frozenset({f"{BRIGADE}-00", f"{BRIGADE}-01"})
    frame = frame_of([_item(ents, 1)], ents, people, previous={"E000": pair})
    teams = {frozenset(_draw(frame, n).inspections[0].inspectors) for n in range(30)}
    assert pair not in teams and len(teams) == 2
    assert _draw(frame).inspections[0].pair_rule == "kept"


def test_previous_pair_recurs_only_when_there_is_no_other_choice() -> None:
    ents = entities(1)
    pair = frozenset({f"{BRIGADE}-00", f"{BRIGADE}-01"})
    frame = frame_of([_item(ents, 1)], ents, staff(BRIGADE, 2), previous={"E000": pair})
    visit = _draw(frame).inspections[0]
    assert frozenset(visit.inspectors) == pair and visit.pair_rule == "waived"


def _item(ents, quota, department=BRIGADE, **kw) -> FrameItem:
    return FrameItem("item", department, (FrameGroup("all", quota, ids(ents)),), **kw)


@pytest.mark.parametrize(
    ("people", "item_kw", "code", "zh"),
    [
        ([FrameInspector("a", BRIGADE, certificate=False)], {}, "no_staff", "持执法证"),
        (staff(BRIGADE, 3), {"expertise_required": frozenset({"辐射"})}, "no_expertise", "辐射"),
        (staff(BRIGADE, 3, recused=frozenset({"E000"})), {}, "all_recused", "回避"),
        (staff(BRIGADE, 1), {}, "too_few_staff", "需要2名"),
        (staff(BRIGADE, 2), {"experts_required": 1}, "no_experts", "专家"),
        (staff(BRIGADE, 2) + experts(1), {"experts_required": 2}, "too_few_experts", "需要2名"),
    ],
)
def test_infeasible_draws_say_which_visit_and_why(people, item_kw, code, zh) -> None:
    ents = entities(3)
    frame = frame_of([_item(ents, 3, **item_kw)], ents, people)
    outcome = run_draw(frame, secret_for(1))
    assert isinstance(outcome, Infeasible)
    problem = next(p for p in outcome.problems if p.code == code)
    assert zh in problem.reason_zh and problem.reason_en
    assert problem.items == ("item",)
    assert code != "all_recused" or {p.entity for p in outcome.problems} == {"E000"}


def test_an_infeasible_visit_among_feasible_ones_blocks_the_whole_draw() -> None:
    ents = entities(10)
    people = staff(BRIGADE, 4, recused=frozenset({"E004"}))
    frame = frame_of([_item(ents, 10)], ents, people)
    outcome = run_draw(frame, secret_for(2))
    assert isinstance(outcome, Infeasible)
    assert [(p.entity, p.code) for p in outcome.problems] == [("E004", "all_recused")]
    assert "E004" in outcome.describe()[0]


def test_same_inputs_same_bytes_and_any_input_changes_the_result() -> None:
    frame = one_item_frame(entities(50), 10, staff(BRIGADE, 6))
    base = canonical_result(_draw(frame, 7, ["1 2 3"]))
    assert canonical_result(_draw(frame, 7, ["1 2 3"])) == base
    assert canonical_result(_draw(frame, 7, ["3 2 1"])) == base  # RFC 3797 sorts each source
    assert canonical_result(_draw(frame, 7, ["1 2 4"])) != base
    assert canonical_result(_draw(frame, 8, ["1 2 3"])) != base
    other = one_item_frame(entities(50), 10, staff(BRIGADE, 6), uncovered={"E001"})
    assert canonical_result(_draw(other, 7, ["1 2 3"])) != base


def test_commit_makes_a_256_bit_secret_and_refuses_short_ones() -> None:
    frame = one_item_frame(entities(5), 2, staff(BRIGADE, 2))
    commitment, secret = commit(frame, ["体彩排列5 第26123期"])
    assert len(secret) == 32 and len(commitment.secret_hash) == 64
    assert commitment.public_sources == ("体彩排列5 第26123期",)
    assert commit(frame)[1] != secret
    with pytest.raises(ValueError):
        run_draw(frame, b"x" * 15)


def test_frames_reject_inconsistent_input() -> None:
    ents = entities(3)
    with pytest.raises(ValueError):
        frame_of([_item(ents, 1), _item(ents, 1)], ents, staff(BRIGADE, 2))
    with pytest.raises(ValueError):
        frame_of([_item(entities(4), 1)], ents, staff(BRIGADE, 2))
    with pytest.raises(ValueError):
        FrameGroup("g", -1, ())


def test_a_plain_entity_equals_one_made_the_long_way() -> None:
    from bot.domain.draw import FrameEntity

    assert FrameEntity.plain("E001") == FrameEntity("E001") == FrameEntity("E001", {})
    for bad in ("", None, 7):
        with pytest.raises(ValueError):
            FrameEntity.plain(bad)  # type: ignore[arg-type]
