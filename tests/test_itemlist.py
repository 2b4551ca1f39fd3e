"""The item list file: validation with file:line:path errors, YAML pitfalls, the checklist."""

from __future__ import annotations

import textwrap

import pytest

from bot.domain.checklist import answer_problem, is_finding, should_ask
from bot.domain.itemlist import Mode, parse_item_list
from bot.domain.models import Category, EntityStatus, PermitClass
from bot.domain.quotas import PerInspectorRule, ShareRule
from bot.domain.yaml_source import SourceError

GOOD = """\
bureau: 测试分局
items:
  - id: daily
    name: 日常监管
    department: 执法大队
    checklist:
      - id: eia
        text: 是否办理环评？
        type: yes_no
        basis: 《环境保护法》第十九条
        finding_if: {in: [否]}
      - id: why
        text: 原因
        type: text
        ask_if: {question: eia, in: [no]}
    groups:
      - id: key
        name: 重点排污单位
        selector: {category: 重点, permit_class: [重点管理, 无], status: 在产}
        quota: {rule: share, share: 50%, per: 季度, cover_every: 半年}
      - id: general
        name: 一般排污单位
        quota: {rule: per_inspector, ratio: 1:10}
"""


def parse(text: str, name: str = "t.yaml"):
    return parse_item_list(textwrap.dedent(text), name)


def test_a_good_list_reads_chinese_labels_into_the_model():
    il = parse(GOOD)
    item = il.items[0]
    assert item.mode is Mode.SITE and item.inspectors_required == 2
    key = item.groups[0]
    assert key.selector.category == [Category.KEY]
    assert key.selector.permit_class == [PermitClass.KEY, None]
    assert key.selector.status == [EntityStatus.OPERATING]
    assert isinstance(key.quota, ShareRule) and key.quota.cycle_length() == 2
    general = item.groups[1].quota
    assert isinstance(general, PerInspectorRule)
    # YAML 1.1 would read an unquoted 1:10 as the base-60 number 70.
    assert general.ratio == "1:10" and general.factor == 10


def test_yes_and_no_stay_text_in_conditions():
    il = parse(GOOD)
    why = il.items[0].checklist[1]
    assert why.ask_if is not None and why.ask_if.in_ == ["no"]


BAD = """\
bureau: 测试分局
items:
  - id: daily
    name: 日常监管
    department: 执法大队
    checklist:
      - id: q1
        text: 是否办理环评？
        type: yes_no
    groups:
      - id: key
        name: 重点
        selector: {category: 重点}
        quota: {rule: share, share: 50%}
      - id: general
        name: 一般
        selector:
          category: 一般
          permit_klass: 重点管理
        quota: {rule: share, share: 150%, per: 季度}
      - id: third
        name: 第三组
        quota: {rule: sometimes}
"""


def test_a_malformed_list_is_refused_with_file_line_and_path():
    with pytest.raises(SourceError) as caught:
        parse(BAD, "examples/bad.yaml")
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "examples/bad.yaml:19: items[0].groups[1].selector.permit_klass: unknown field"
    )
    assert lines[1].startswith("examples/bad.yaml:20: items[0].groups[1].quota.share: share '150%'")
    assert lines[2].startswith(
        "examples/bad.yaml:23: items[0].groups[2].quota: Input tag 'sometimes'"
    )
    assert len(caught.value.issues) == 3


def test_an_unknown_field_anywhere_is_an_error():
    text = GOOD.replace("type: text\n", "type: text\n        requird: false\n")
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert "t.yaml:15: items[0].checklist[1].requird: unknown field" in str(caught.value)


def test_a_missing_field_points_at_its_mapping():
    text = GOOD.replace("    department: 执法大队\n", "")
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert str(caught.value) == "t.yaml:3: items[0].department: required field is missing"


def test_duplicate_keys_are_refused_not_silently_overwritten():
    text = GOOD.replace("    name: 日常监管\n", "    name: 日常监管\n    name: 另一个名字\n")
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert str(caught.value) == "t.yaml:5: items[0].name: duplicate key"


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(SourceError) as caught:
        parse("bureau: x\nitems: [\n  - a\n")
    assert str(caught.value).startswith("t.yaml:3: not valid YAML")


def test_the_top_level_must_be_a_mapping():
    with pytest.raises(SourceError, match="expected a mapping"):
        parse("- just\n- a list\n")


def test_many_problems_are_capped_with_a_count():
    groups = "".join(
        f"      - {{id: g{i}, name: g, quota: {{rule: count, count: 0}}}}\n" for i in range(14)
    )
    text = GOOD.split("    groups:\n")[0] + "    groups:\n" + groups
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert len(caught.value.issues) == 10 and caught.value.more == 4
    assert str(caught.value).endswith("t.yaml: … and 4 more problem(s)")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("ask_if: {question: eia", "ask_if: {question: later", "not an earlier question"),
        ("finding_if: {in: [否]}", "finding_if: {in: [maybe]}", "maybe not among the answers"),
        ("finding_if: {in: [否]}", "finding_if: {gt: 3}", "need a number question"),
        ("    department: 执法大队\n", "    department: 执法大队\n    inspectors_required: 1\n",
         "at least two inspectors"),
        ("- id: why", "- id: eia", "question id 'eia' is used twice"),
        ("      - id: general\n", "      - id: key\n", "group id used twice: key"),
    ],
)  # fmt: skip
def test_unsound_items_are_refused(old, new, message):
    with pytest.raises(SourceError, match=message):
        parse(GOOD.replace(old, new, 1))


def test_an_empty_special_selector_would_take_everyone_and_is_refused():
    text = GOOD + "categories:\n  special_when: {selector: {}}\n"
    with pytest.raises(SourceError, match="every entity special"):
        parse(text)


CHECKLIST = """\
bureau: 测试分局
items:
  - id: daily
    name: 日常监管
    department: 执法大队
    groups: [{id: all, name: 全部, quota: {rule: all}}]
    checklist:
      - {id: facilities, text: 设施运行, type: single_choice,
         options: [正常, 未运行, 不正常], finding_if: {in: [未运行, 不正常]}}
      - {id: photo, text: 拍照, type: photo, ask_if: {question: facilities, in: [未运行, 不正常]}}
      - {id: reading, text: 浓度, type: number, unit: mg/L, min: 0, max: 10000,
         finding_if: [{gt: 100}, {lt: 0}], required: false}
      - {id: waste, text: 危废种类, type: multiple_choice, options: [废矿物油, 废活性炭, 污泥],
         finding_if: {in: [污泥]}}
      - {id: why, text: 浓度为何偏高, type: text, ask_if: {question: reading, gt: 50}}
"""


def test_follow_ups_are_asked_only_when_an_earlier_answer_calls_for_them():
    item = parse(CHECKLIST).items[0]
    by_id = {q.id: q for q in item.checklist}
    photo, why = by_id["photo"], by_id["why"]
    assert not should_ask(photo, {"facilities": "正常"}, by_id)
    assert should_ask(photo, {"facilities": "未运行"}, by_id)
    assert not should_ask(why, {"reading": 50}, by_id)
    assert should_ask(why, {"reading": "50.5"}, by_id)
    assert not should_ask(why, {}, by_id)


def test_findings_follow_the_finding_conditions():
    item = parse(CHECKLIST).items[0]
    by_id = {q.id: q for q in item.checklist}
    assert is_finding(by_id["facilities"], "不正常")
    assert not is_finding(by_id["facilities"], "正常")
    assert is_finding(by_id["reading"], 100.01) and not is_finding(by_id["reading"], 100)
    assert not is_finding(by_id["reading"], None)
    assert is_finding(by_id["waste"], ["废矿物油", "污泥"])
    assert not is_finding(by_id["waste"], ["废矿物油"])


def test_yes_no_findings_accept_chinese_and_english_answers():
    eia = parse(GOOD).items[0].checklist[0]
    assert is_finding(eia, "no") and is_finding(eia, "否")
    assert not is_finding(eia, "yes") and not is_finding(eia, "na")


def test_answers_are_checked_against_the_question():
    by_id = {q.id: q for q in parse(CHECKLIST).items[0].checklist}
    assert answer_problem(by_id["facilities"], "坏了") == "not an option: 坏了"
    assert answer_problem(by_id["facilities"], None) == "an answer is required"
    assert answer_problem(by_id["reading"], None) is None
    assert answer_problem(by_id["reading"], -1) == "below the minimum 0 mg/L"
    assert answer_problem(by_id["reading"], "abc") == "expected a number"
    assert answer_problem(by_id["waste"], ["污泥", "铅"]) == "not an option: 铅"
