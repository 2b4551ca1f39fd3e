"""A frame built from the registry's positions equals one built from stable ids, columns too."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.draw.columns import FrameColumns, columns
from bot.domain.draw.snapshot import section_hashes
from bot.domain.draw_inputs import build_frame
from bot.domain.frames import Membership, frames_for_period
from bot.domain.periods import Period
from bot.domain.synthetic import generate_entities, generate_inspectors
from bot.services.plan import read_item_list

ROOT = Path(__file__).resolve().parent.parent
LISTS = [ROOT / "examples" / f"{n}.yaml" for n in ("zunhua-2024", "changji-2015", "xushui-2020")]
LISTS.append(ROOT / "bench" / "province-items.yaml")
ENTITIES = sorted(generate_entities(13, 4000), key=lambda e: e.stable_id)
INSPECTORS = generate_inspectors(13, 400, [e.stable_id for e in ENTITIES])


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("target", [None, {"region": ("堡子店镇", "马兰峪镇")}])
def test_positions_give_the_same_frame_and_columns(path: Path, target) -> None:
    items = read_item_list(path)
    period = Period.parse("2026Q3")
    membership = Membership(items, ENTITIES, frozenset())
    frames = frames_for_period(items, (), INSPECTORS, period, membership=membership)
    by_id = {e.stable_id: e for e in ENTITIES}
    common = {"target": target, "departments": [i.department for i in items.items]}
    plain = build_frame("b", period.label, frames, by_id, INSPECTORS, **common)
    fast = build_frame(
        "b",
        period.label,
        frames,
        by_id,
        INSPECTORS,
        registry_ids=membership.profiles().ids_array,
        **common,
    )
    assert fast == plain and fast.entities
    assert all(g.eligible for i in fast.items for g in i.groups if g.quota)
    assert section_hashes(fast) == section_hashes(plain)
    seeded, looked_up = columns(fast), FrameColumns(plain)
    assert seeded._eligible  # the fast path gave the columns their positions
    for item in fast.items:
        for group in item.groups:
            assert seeded.eligible(group).tolist() == looked_up.eligible(group).tolist()
