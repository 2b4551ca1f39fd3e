"""可行性检查 by shape: `possible_problems` checks each combination of items once and only the
entities of a failing combination or with a recusal one by one; it must find exactly what a check
of every entity finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.draw import FrameGroup, FrameInspector, FrameItem
from bot.domain.draw.feasibility import problems
from bot.domain.draw.needs import need_for
from bot.domain.draw.roster import Roster
from bot.domain.draw.select import effective_eligible
from bot.domain.draw_inputs import possible_problems
from tests.test_draw_fixtures import entities, experts, frame_of

DEPARTMENTS = ("执法大队", "监测站")
SKILLS = ("辐射", "危废")


def every_entity(frame) -> list:
    """The oracle: each entity's need from every item that could draw it, checked alone."""
    by_id = {e.stable_id: e for e in frame.entities}
    items_of: dict[str, list[FrameItem]] = {}
    for item in frame.items:
        for g in item.groups:
            if g.quota > 0:
                for sid in effective_eligible(g, by_id):
                    items_of.setdefault(sid, []).append(item)
    roster = Roster(frame)
    return problems(roster, [need_for(sid, items_of[sid]) for sid in sorted(items_of)])


@st.composite
def frames(draw):
    ents = entities(draw(st.integers(3, 12)))
    sids = [e.stable_id for e in ents]
    people = []
    for n in range(draw(st.integers(0, 6))):
        people.append(
            FrameInspector(
                f"p{n}",
                draw(st.sampled_from(DEPARTMENTS)),
                certificate=draw(st.booleans()),
                expertise=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
                recused=frozenset(draw(st.sets(st.sampled_from(sids), max_size=3))),
            )
        )
    pool = experts(draw(st.integers(0, 2)), SKILLS)
    items = []
    for n in range(draw(st.integers(1, 3))):
        members = draw(st.sets(st.sampled_from(sids), min_size=1))
        group = FrameGroup("g", draw(st.integers(0, 2)), tuple(sorted(members)))
        items.append(
            FrameItem(
                f"item-{n}",
                draw(st.sampled_from(DEPARTMENTS)),
                (group,),
                expertise_required=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
                inspectors_required=draw(st.integers(1, 3)),
                experts_required=draw(st.integers(0, 1)),
            )
        )
    return frame_of(items, ents, people + pool)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(frames())
def test_checking_shapes_finds_what_checking_every_entity_finds(frame) -> None:
    assert possible_problems(frame) == every_entity(frame)
