"""The checklist engine (检查流程): snapshots, follow-ups, who answers what, progress, and the
input parsers' re-asks. Pure functions, against the Zunhua preset's real checklists."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.checklist import Question
from bot.domain.checklist_flow import (
    FrozenChecklist,
    askable,
    department_matches,
    findings,
    freeze,
    may_answer,
    missing_required,
    next_question,
    previous_question,
    progress,
)
from bot.domain.checklist_input import (
    IncomingFile,
    Reask,
    file_problem,
    parse_choice,
    parse_date,
    parse_name,
    parse_number,
    parse_selection,
    parse_text,
    parse_typed,
    toggle,
)
from bot.domain.geo import haversine_m, map_url, place
from bot.domain.results import RESULTS, Result, result_problem
from bot.services.plan import read_item_list

ZUNHUA = Path(__file__).parent.parent / "examples" / "zunhua-2024.yaml"
ITEMS = read_item_list(ZUNHUA)
SITE = "site-check"
REMOTE = "positive-list-remote"


def everyone(_fq):  # noqa: ANN001, ANN201
    return True


def test_freeze_keeps_item_order_and_round_trips():
    cl = freeze(ITEMS, [SITE, REMOTE])
    keys = [fq.key for fq in cl.questions]
    assert keys[0] == "site-check/permit" and keys[10] == "positive-list-remote/online-data"
    assert [fq.index for fq in cl.questions] == list(range(len(keys)))
    again = FrozenChecklist.from_json(cl.to_json())
    assert again.digest == cl.digest and again.questions == cl.questions


def test_digest_changes_when_a_question_changes():
    cl = freeze(ITEMS, [SITE])
    text = cl.to_json().replace("拍摄问题设施现场照片", "拍摄设施照片")
    assert FrozenChecklist.from_json(text).digest != cl.digest


def test_unknown_item_is_a_key_error():
    with pytest.raises(KeyError):
        freeze(ITEMS, ["no-such-item"])


def test_follow_up_only_when_called_for():
    cl = freeze(ITEMS, [SITE])
    plain = [fq.question.id for fq in askable(cl, {})]
    assert "facilities-photo" not in plain
    asked = [fq.question.id for fq in askable(cl, {"site-check/facilities": "未运行"})]
    assert asked.index("facilities-photo") == asked.index("facilities") + 1
    assert "facilities-photo" not in [
        fq.question.id for fq in askable(cl, {"site-check/facilities": "正常运行"})
    ]


def test_follow_ups_are_per_item_even_with_equal_question_ids():
    cl = freeze(ITEMS, [SITE, REMOTE])
    answers = {"positive-list-remote/exceedance": "yes"}
    asked = [fq.key for fq in askable(cl, answers)]
    assert "positive-list-remote/exceedance-hours" in asked


def test_next_previous_and_progress():
    cl = freeze(ITEMS, [SITE])
    answers: dict = {}
    first = next_question(cl, answers, everyone)
    assert first.question.id == "permit"
    answers["site-check/permit"] = "yes"
    second = next_question(cl, answers, everyone, after=first.index)
    assert second.question.id == "self-monitoring"
    assert progress(cl, answers, everyone, second) == (2, 9)
    answers["site-check/facilities"] = "未运行"
    assert progress(cl, answers, everyone, second) == (2, 10)  # the follow-up joins
    assert previous_question(cl, answers, everyone, second.index) == first
    assert previous_question(cl, answers, everyone, first.index) is None


def test_next_question_goes_back_to_unanswered_ones_then_none():
    cl = freeze(ITEMS, [SITE])
    answers = {fq.key: None for fq in askable(cl, {})}
    del answers["site-check/permit"]
    last = cl.get("site-check/notes")
    assert next_question(cl, answers, everyone, after=last.index).question.id == "permit"
    answers["site-check/permit"] = "no"
    assert next_question(cl, answers, everyone, after=last.index) is None


def test_missing_required_and_findings():
    cl = freeze(ITEMS, [SITE])
    answers = {"site-check/permit": "no", "site-check/facilities": "未运行"}
    missing = {fq.question.id for fq in missing_required(cl, answers)}
    assert "permit" not in missing and "facilities-photo" in missing and "notes" not in missing
    assert {fq.question.id for fq in findings(cl, answers)} == {"permit", "facilities"}
    answers["site-check/emission-check"] = "50.1"
    assert "emission-check" in {fq.question.id for fq in findings(cl, answers)}


@pytest.mark.parametrize(
    ("item", "person", "expected"),
    [
        ("唐山市生态环境局遵化市分局综合执法大队", "综合执法大队一中队", True),
        ("唐山市生态环境局遵化市分局综合执法大队", "执法大队三中队", True),
        ("某某分局环评科", "环评科", True),
        ("某某分局环评科", "综合执法大队一中队", False),
        ("综合执法大队", "综合科", False),
        ("固废科", "", False),
    ],
)
def test_department_matches(item, person, expected):
    assert department_matches(item, person) is expected


def test_joint_visit_splits_items_by_department():
    cl = freeze(ITEMS, [SITE])
    fq = cl.questions[0]
    squads = ["执法大队一中队", "环评科"]
    assert may_answer(fq, "执法大队一中队", squads)
    assert not may_answer(fq, "环评科", squads)
    # nobody on the visit belongs to the item's department: everyone may answer it
    assert may_answer(fq, "环评科", ["环评科", "固废科"])


def _q(**kw) -> Question:
    return Question.model_validate({"id": "q", "text": "?", **kw})


def test_numbers_with_units_full_width_digits_and_ranges():
    q = _q(type="number", unit="mg/m³", min=0, max=100)
    assert parse_number(q, "35.20") == "35.2"
    assert parse_number(q, "３５") == "35"
    assert parse_number(q, "35.2 mg/m³") == "35.2"
    assert parse_number(q, "100") == "100"
    assert parse_number(q, "abc") == Reask("ck_need_number", {"unit": "mg/m³", "range": "0–100"})
    assert parse_number(q, "NaN").key == "ck_need_number"
    assert parse_number(q, "Infinity").key == "ck_need_number"
    assert parse_number(q, "-1") == Reask("ck_below_min", {"min": "0", "unit": "mg/m³"})
    assert parse_number(q, "100.5").key == "ck_above_max"


@given(st.decimals(min_value=0, max_value=10**6, allow_nan=False, places=3))
def test_any_number_in_range_is_kept_exactly(x: Decimal):
    q = _q(type="number", min=0, max=10**6)
    assert Decimal(parse_number(q, str(x))) == x


@pytest.mark.parametrize(
    "text",
    ["2026-11-20", "2026/11/20", "2026.11.20", "20261120", "2026年11月20日", "２０２６-11-20"],
)
def test_dates_in_the_usual_spellings(text):
    assert parse_date(text) == "2026-11-20"


def test_bad_dates_are_re_asked():
    assert parse_date("2026-02-30") == Reask("ck_bad_date", {"text": "2026-02-30"})
    assert parse_date("下周").key == "ck_need_date"
    assert parse_date("1800-01-01").key == "ck_need_date"


def test_typed_input_for_the_wrong_kind_of_question():
    assert parse_typed(_q(type="yes_no"), "是").key == "ck_use_buttons"
    assert parse_typed(_q(type="photo"), "x").key == "ck_need_photo"
    assert parse_typed(_q(type="location"), "x").key == "ck_need_location"
    assert parse_typed(_q(type="text"), "  一切正常 ") == "一切正常"
    assert parse_text(" ").key == "ck_text_empty"
    assert parse_text("字" * 1001).key == "ck_text_too_long"
    assert parse_name("  王  经理 ") == "王 经理" and parse_name("").key == "sub_bad_name"


def test_buttons_and_selections():
    yn = _q(type="yes_no")
    assert [parse_choice(yn, c) for c in ("y", "n", "na")] == ["yes", "no", "na"]
    single = _q(type="single_choice", options=["甲", "乙"])
    assert parse_choice(single, "o1") == "乙"
    assert parse_choice(single, "o2").key == "ck_use_buttons"
    multi = _q(type="multiple_choice", options=["甲", "乙", "丙"])
    picked = toggle(multi, toggle(multi, [], 2), 0)
    assert picked == ["甲", "丙"] and toggle(multi, picked, 0) == ["丙"]
    assert parse_selection(multi, []).key == "ck_pick_one"
    assert (
        parse_selection(_q(type="multiple_choice", options=["a", "b"], required=False), []) is None
    )


def test_files_too_large_or_of_unkept_types():
    big = IncomingFile("document", "f", "u", 21 * 1024 * 1024, "scan.pdf", "application/pdf")
    assert file_problem(big) == Reask("ev_too_big", {"size": 21.0, "limit": 20})
    exe = IncomingFile("document", "f", "u", 100, "setup.exe", "application/x-msdownload")
    assert file_problem(exe).key == "ev_bad_type"
    assert file_problem(IncomingFile("document", "f", "u", 100, "整改报告.PDF")) is None
    assert file_problem(IncomingFile("photo", "f", "u", None)) is None


def test_distance_and_far_flag():
    # Tiananmen to the Oriental Pearl tower: about 1067 km
    assert 1_060_000 < haversine_m(39.9087, 116.3975, 31.2397, 121.4998) < 1_075_000
    near = place(40.1900, 117.9660, 40.1893, 117.9658)
    assert near.distance_m is not None and near.distance_m < 100 and not near.far
    far = place(40.2200, 117.9658, 40.1893, 117.9658)
    assert 3000 < far.distance_m < 3500 and far.far
    assert place(40.0, 117.0, None, None).distance_m is None
    assert map_url(40.1893, 117.9658).endswith("#map=17/40.189300/117.965800")


def test_results_standard_wording_and_consistency():
    assert [r.wording for r in RESULTS] == [
        "未发现问题",
        "发现问题已责令整改",
        "发现违法行为已立案调查",
        "移送司法机关",
    ]
    assert result_problem(Result.NO_PROBLEM, 2) == "sub_result_has_findings"
    assert result_problem(Result.CASE_FILED, 0) == "sub_result_no_findings"
    assert result_problem(Result.ORDERED_TO_RECTIFY, 1) is None
    assert (
        all(r.opens_rectification for r in RESULTS[1:])
        and not Result.NO_PROBLEM.opens_rectification
    )
