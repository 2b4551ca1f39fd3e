"""一次检查任务的人员需求 (what one visit needs): departments, expertise, seats."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from bot.domain.draw.frame import DrawFrame, FrameItem


class Need(NamedTuple):
    """What staffing one visit takes.

    - `departments`: the initiating departments (发起部门) of its items, sorted; every enforcement
      inspector comes from one of them and each of them supplies at least one;
    - `expertise`: per department (same order), the union of the expertise required by that
      department's items of this visit; an inspector of the department holds all of it (so on a
      single-department visit every inspector covers every item);
    - `staff_seats`: max(largest inspectors_required of its items, number of departments);
    - `expert_expertise` / `expert_seats`: the same for auxiliary experts, over the items that ask
      for experts (seats = the largest experts_required; 0 when none asks).

    A named tuple: a province's draw makes one per visit (35,000), and a tuple is made in a
    fraction of a frozen dataclass's time.
    """

    entity: str
    items: tuple[str, ...]
    departments: tuple[str, ...]
    expertise: tuple[frozenset[str], ...]
    staff_seats: int
    expert_expertise: frozenset[str]
    expert_seats: int


def need_for(entity: str, items: Iterable[FrameItem]) -> Need:
    """The need of a visit to `entity` covering `items`."""
    items = sorted(items, key=lambda i: i.item_id)
    departments = tuple(sorted({i.department for i in items}))
    expertise = tuple(
        frozenset().union(*(i.expertise_required for i in items if i.department == d))
        for d in departments
    )
    expert_items = [i for i in items if i.experts_required > 0]
    return Need(
        entity=entity,
        items=tuple(i.item_id for i in items),
        departments=departments,
        expertise=expertise,
        staff_seats=max(max(i.inspectors_required for i in items), len(departments)),
        expert_expertise=frozenset().union(*(i.expertise_required for i in expert_items)),
        expert_seats=max((i.experts_required for i in expert_items), default=0),
    )


def for_entity(shape: Need, entity: str) -> Need:
    """The same need for another entity."""
    return Need(entity, *shape[1:])


def needs_for(frame: DrawFrame, inspections: list[tuple[str, list[str]]]) -> list[Need]:
    """The need of every visit, in visit order (computed once per combination of items)."""
    by_id = {i.item_id: i for i in frame.items}
    shapes: dict[tuple[str, ...], Need] = {}
    out = []
    for entity, items in inspections:
        key = tuple(items)
        shape = shapes.get(key)
        if shape is None:
            shape = shapes[key] = need_for(entity, (by_id[i] for i in items))
        out.append(for_entity(shape, entity))
    return out
