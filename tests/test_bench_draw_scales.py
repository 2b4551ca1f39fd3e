"""The draw benchmark's own path (bench/draw_scales.py) on a small registry, so that the
province's 20-item list and the measuring code keep working between benchmark runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import draw_scales  # noqa: E402

from bot.services.plan import read_item_list  # noqa: E402


def test_the_province_list_has_the_twenty_items_the_issue_names() -> None:
    items = read_item_list(draw_scales.PROVINCE_ITEMS).items
    assert len(items) == 20
    assert len({i.department for i in items}) == 5  # the synthetic registry's five departments


@pytest.mark.parametrize("items", [draw_scales.ITEMS, draw_scales.PROVINCE_ITEMS])
async def test_measure_draws_a_small_registry_with_each_list(tmp_path: Path, items: Path) -> None:
    path = tmp_path / "bench.db"
    built = await draw_scales.build(path, 3_000, 300)
    assert built["entities"] == 3_000 and built["inspectors"] == 300
    m = await draw_scales.measure(path, items)
    assert m["rows"] >= 3_300 and m["inspections"] > 0
    assert m["floor_s"] > 0 and m["draw_s"] > 0
    if items == draw_scales.PROVINCE_ITEMS:
        assert m["joint"] > 0  # the items overlap, so some visits cover several
