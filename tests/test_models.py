"""Registry models: credit code check character (GB 32100-2015) and entity/inspector rules."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.domain.credit_code import check_character, credit_code_error
from bot.domain.models import Entity, EntityKind, EntityStatus, Inspector, InspectorKind

VALID = "91350100M000100Y43"  # the example printed in GB 32100-2015 explanations


def test_check_character_of_a_published_example():
    assert check_character(VALID[:17]) == "3"
    assert credit_code_error(VALID) is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y44", "expected 3"),
        ("91350100M000100I43", "not allowed"),
        ("913501A0M000100Y43", "division code"),
    ],
)
def test_bad_codes_say_why(code, reason):
    assert reason in (credit_code_error(code) or "")


def test_lower_case_code_is_normalised():
    e = Entity(stable_id=VALID, credit_code=VALID.lower(), name="甲厂")
    assert e.credit_code == VALID


def test_enterprise_needs_a_code_but_a_water_source_does_not():
    with pytest.raises(ValidationError, match="credit code"):
        Entity(stable_id="X1", name="甲厂")
    w = Entity(stable_id="WS-001", name="一号水源地", kind=EntityKind.WATER_SOURCE)
    assert w.credit_code is None


def test_excluded_needs_reason_and_decider():
    with pytest.raises(ValidationError, match="status_reason"):
        Entity(stable_id=VALID, credit_code=VALID, name="甲", status=EntityStatus.EXCLUDED)


def test_staff_need_certificate_experts_do_not():
    with pytest.raises(ValidationError, match="certificate"):
        Inspector(name="张三", department="一中队")
    expert = Inspector(name="李四", department="专家库", kind=InspectorKind.EXPERT, expert_id="E1")
    assert expert.key == "expert:E1"
