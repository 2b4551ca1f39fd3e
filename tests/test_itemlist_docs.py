"""The annotated example in docs/item-list.md is a valid item list and plans as described."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bot.domain.credit_code import check_character
from bot.domain.itemlist import Mode, parse_item_list
from bot.domain.models import Entity, Inspector
from bot.domain.plan import build_plan

DOC = Path(__file__).resolve().parent.parent / "docs" / "item-list.md"


def example():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block, "docs/item-list.md lost its example"
    return parse_item_list(block.group(1), "docs/item-list.md")


def code(n: int) -> str:
    first = f"91110000{n:09d}"
    return first + check_character(first)


def test_the_documented_example_is_valid():
    il = example()
    assert [i.id for i in il.items] == ["site-check", "new-projects", "remote"]
    assert il.items[2].mode is Mode.OFFSITE
    assert len(il.items[0].checklist) == 8


def test_the_documented_example_plans_projects_completed_within_the_past_year():
    projects = [
        Entity(stable_id=f"JS-{i}", name=f"项目{i}", kind="construction_project",
               tags={"竣工日期": done})
        for i, done in enumerate(["2025-03-01", "2025-12-20", "2024-12-31", ""])
    ]  # fmt: skip
    people = [Inspector(name=f"人{i}", department="大队", certificate_no=f"C{i}") for i in range(3)]
    plan = build_plan(example(), projects, people, 2026)
    recent = plan.items[1].groups[0]
    # Q1 (from 2025-01-01): JS-0 and JS-1; Q2 (from 2025-04-01) and later: JS-1 only.
    assert [r.population for r in recent.rows] == [2, 1, 1, 1]
    assert [r.quota for r in recent.rows] == [1, 1, 1, 1]  # twice a year: ⌈2 × n / 4⌉, per half
    assert plan.publish_by == date(2026, 1, 31)


def test_the_documented_per_inspector_spread():
    entities = [Entity(stable_id=code(i), credit_code=code(i), name=f"企业{i}") for i in range(300)]
    people = [
        Inspector(name=f"人{i}", department="大队", certificate_no=f"C{i}") for i in range(23)
    ]
    plan = build_plan(example(), entities, people, 2026)
    general = plan.items[0].groups[2]
    assert [r.quota for r in general.rows] == [58, 57, 58, 57]
