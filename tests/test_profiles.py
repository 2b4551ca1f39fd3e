"""检查对象画像: group membership evaluated once per profile equals the entity-by-entity result
for every preset item list over a synthetic registry, and a selector names what it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.categories import classify
from bot.domain.frames import Membership
from bot.domain.periods import Period
from bot.domain.profiles import Profiles, attributes_read
from bot.domain.selectors import Selector
from bot.domain.synthetic import generate_entities
from bot.services.plan import read_item_list
from tests.test_plan import naive_groups

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PRESETS = ("zunhua-2024", "changji-2015", "xushui-2020", "qingdao-west-coast-2020")
PERIODS = ("2026Q1", "2026Q3", "2026-05", "2026H2", "2026")
ENTITIES = generate_entities(11, 3000)
RECTIFYING = frozenset(e.stable_id for e in ENTITIES[::97])


@pytest.mark.parametrize("preset", PRESETS)
def test_groups_and_classes_by_profile_equal_entity_by_entity(preset: str) -> None:
    items = read_item_list(EXAMPLES / f"{preset}.yaml")
    membership = Membership(items, ENTITIES, RECTIFYING)
    profiles = membership.profiles()
    assert len(profiles.representatives) < len(ENTITIES)  # the point: fewer evaluations
    for label in PERIODS:
        period = Period.parse(label)
        if any(g.quota.per is period.kind for it in items.items for g in it.groups):
            assert membership.groups(period) == naive_groups(items, ENTITIES, period, RECTIFYING)
        classes = membership.classes(period)
        for e in ENTITIES:
            assert classes[e.stable_id] == classify(e, items.categories, period.start, RECTIFYING)


def test_entities_differing_in_a_read_attribute_get_different_profiles() -> None:
    items = read_item_list(EXAMPLES / "zunhua-2024.yaml")
    assert "credit_rating" in attributes_read(items)
    a, b = ENTITIES[0], ENTITIES[0].model_copy(update={"stable_id": "X", "credit_rating": "不良"})
    c = ENTITIES[0].model_copy(update={"stable_id": "Y", "name": "另一个名字"})
    profiles = Profiles.of(items, [a, b, c], frozenset())
    number = dict(zip(profiles.ids, profiles.index, strict=True))
    assert number["X"] != number[a.stable_id]
    assert number["Y"] == number[a.stable_id]  # the name is read by no rule


def test_a_selector_names_every_attribute_its_conditions_read() -> None:
    selector = Selector.model_validate(
        {
            "category": ["重点"],
            "industry": ["26"],
            "positive_list": False,
            "tags": {"排放类型": ["废水"]},
            "dates": [
                {"tag": "竣工日期", "within_months": 12},
                {"field": "最近违法日期", "in_period": True},
            ],
        }
    )
    assert selector.reads() == {
        "category", "industry_code", "positive_list", "tag:排放类型", "tag:竣工日期",
        "last_violation_on",
    }  # fmt: skip
    assert Selector().reads() == frozenset()


@pytest.mark.parametrize("preset", PRESETS)
def test_stored_rows_give_the_same_groups_as_models(preset: str) -> None:
    from storage.entities import COLUMNS, from_row, parsed_tags, to_row

    items = read_item_list(EXAMPLES / f"{preset}.yaml")
    rows = sorted((*to_row(e), n) for n, e in enumerate(ENTITIES))
    profiles = Profiles.of_rows(items, rows, COLUMNS, from_row, RECTIFYING, parsed_tags)
    from_rows = Membership.of_profiles(items, profiles, RECTIFYING)
    from_models = Membership(items, ENTITIES, RECTIFYING)
    assert profiles.ids == from_models.profiles().ids
    for label in PERIODS:
        period = Period.parse(label)
        assert from_rows.groups(period) == from_models.groups(period)
        assert from_rows.classes(period) == from_models.classes(period)
