"""Registry file format (名录库格式): cells <-> models, each problem named by column."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.models import Category, EntityKind, EntityStatus, InspectorKind
from bot.domain.registry_cells import (
    cell_text,
    format_tags,
    parse_credit_code,
    parse_date,
    parse_expertise,
    parse_recusals,
    parse_tags,
)
from bot.domain.registry_format import (
    ENTITY_HEADERS,
    INSPECTOR_HEADERS,
    RowInvalid,
    entity_cells,
    inspector_cells,
    parse_entity,
    parse_inspector,
)
from bot.domain.synthetic import generate_entities, generate_inspectors
from bot.services.registry_files import header_problems
from tests.test_registry_io import CODE_1, entity_row, inspector_row


def problems_of(row, parse=parse_entity) -> dict[str, str]:
    with pytest.raises(RowInvalid) as info:
        parse(row)
    return {column: text.zh for column, text in info.value.problems}


def test_cell_text_undoes_what_excel_does_to_numbers_and_dates():
    assert cell_text(2611.0) == "2611"
    assert cell_text(40.25) == "40.25"
    assert cell_text(datetime(2026, 3, 1)) == "2026-03-01"
    assert cell_text("  堡子店镇\u3000") == "堡子店镇"
    assert cell_text(None) == "" and cell_text(True) == "是"


def test_a_valid_row_becomes_an_entity():
    e = parse_entity(entity_row(统一社会信用代码=CODE_1.lower(), 监管类别="重点排污单位"))
    assert e.stable_id == e.credit_code == CODE_1
    assert e.category is Category.KEY and e.kind is EntityKind.ENTERPRISE
    assert e.tags == {"排放类型": "废气", "重污染天气绩效分级": "B"}
    assert e.latitude == pytest.approx(40.1893)


def test_every_bad_cell_of_a_row_is_reported_at_once():
    found = problems_of(
        entity_row(名称="", 监管类别="", 状态="营业", 正面清单="Y", 核实投诉次数="-1", 标签="a")
    )
    assert set(found) == {"名称", "监管类别", "状态", "正面清单", "核实投诉次数", "标签"}
    assert found["名称"] == "必填"
    assert "在产/停产/关闭/剔除" in found["状态"]


def test_credit_code_problems_say_what_is_wrong():
    with pytest.raises(ValueError) as info:
        parse_credit_code(CODE_1[:17] + "1")
    assert "校验码为 1" in info.value.args[0].zh and CODE_1[17] in info.value.args[0].zh
    with pytest.raises(ValueError) as info:
        parse_credit_code(9.11302811e17)  # Excel turned the code into a number
    assert "以数字保存" in info.value.args[0].zh
    with pytest.raises(ValueError) as info:
        parse_credit_code("9.11303E+17")
    assert "科学计数法" in info.value.args[0].zh
    with pytest.raises(ValueError) as info:
        parse_credit_code("91130281MA07L8QH2")
    assert "应为 18 位" in info.value.args[0].zh
    assert parse_credit_code("") is None


def test_enterprise_and_non_enterprise_identity_rules():
    assert (
        problems_of(entity_row(统一社会信用代码=""))["统一社会信用代码"] == "对象类型为企业时必填"
    )
    row = entity_row(统一社会信用代码="", 对象类型="建设项目")
    assert problems_of(row)["对象编号"] == "未填统一社会信用代码时必填"
    row = entity_row(对象编号="OTHER-1")
    assert "应留空或与之相同" in problems_of(row)["对象编号"]
    e = parse_entity(entity_row(统一社会信用代码="", 对象编号="JSXM-1", 对象类型="建设项目"))
    assert e.stable_id == "JSXM-1" and e.credit_code is None
    assert parse_entity(entity_row(对象编号=CODE_1)).stable_id == CODE_1


def test_excluded_needs_reason_and_decider_and_position_needs_both_halves():
    found = problems_of(entity_row(状态="剔除", 经度=""))
    assert found == {"状态原因": "状态为剔除时必填", "状态决定人": "状态为剔除时必填",
                     "经度": "纬度和经度须同时填写或同时留空"}  # fmt: skip
    e = parse_entity(
        entity_row(状态="剔除", 状态原因="已注销", 状态决定人="局务会", 纬度="", 经度="")
    )
    assert e.status is EntityStatus.EXCLUDED and e.latitude is None


def test_out_of_range_values_caught_by_the_model_are_still_named_by_column():
    found = problems_of(entity_row(纬度="95", 名称="厂" * 201))
    assert found == {"纬度": "不能大于 90", "名称": "太长（最多 200 个字符）"}


def test_dates_in_iso_and_in_the_form_excel_writes_into_csv():
    assert parse_date("2026-03-01") == parse_date("2026/3/1") == date(2026, 3, 1)
    assert parse_date(datetime(2026, 3, 1, 0, 0)) == date(2026, 3, 1)
    with pytest.raises(ValueError):
        parse_date("2026-02-30")
    with pytest.raises(ValueError):
        parse_date("去年")


def test_tags_expertise_and_recusals():
    assert parse_tags("排放类型=废水；竣工日期=2026-03-01;") == {
        "排放类型": "废水",
        "竣工日期": "2026-03-01",
    }
    with pytest.raises(ValueError):
        parse_tags("a=1;a=2")
    assert parse_expertise("水;大气、危废，水") == ["水", "大气", "危废"]
    recusals = parse_recusals("E1:近亲属；E2：曾任职")
    assert [(r.entity_stable_id, r.reason) for r in recusals] == [
        ("E1", "近亲属"),
        ("E2", "曾任职"),
    ]
    with pytest.raises(ValueError):
        parse_recusals("E1:a;E1:b")


safe_text = st.text(
    alphabet=st.characters(blacklist_characters=";；=", blacklist_categories=("Cs", "Cc", "Z")),
    min_size=1,
    max_size=8,
)


@given(st.dictionaries(safe_text, st.text(alphabet="水气AB-0123 ", max_size=6).map(str.strip)))
def test_tags_round_trip(tags):
    assert parse_tags(format_tags(tags)) == tags


def test_inspector_row_and_kinds():
    i = parse_inspector(inspector_row(回避=f"{CODE_1}:近亲属任职"))
    assert i.key == "130281190012" and i.kind is InspectorKind.STAFF and i.active
    assert i.recusals[0].entity_stable_id == CODE_1
    expert = parse_inspector(
        inspector_row(执法证号="", 专家编号="ZJ-1", 人员类别="辅助检查人员", 在岗="否")
    )
    assert expert.key == "expert:ZJ-1" and not expert.active


def test_models_round_trip_through_cells():
    """What export writes, import reads back as the same model (the basis of export -> import)."""
    entities = generate_entities(5, 400)
    for e in entities:
        assert parse_entity(entity_cells(e)) == e
    for i in generate_inspectors(5, 40, [e.stable_id for e in entities]):
        assert parse_inspector(inspector_cells(i)) == i


def test_header_check():
    assert header_problems(list(ENTITY_HEADERS), "entities") == []
    assert header_problems(list(reversed(INSPECTOR_HEADERS)), "inspectors") == []
    found = header_problems([*ENTITY_HEADERS, "名称"], "entities")
    assert [p.zh for p in found] == ["列名重复：名称"]
