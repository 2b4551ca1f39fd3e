"""Builders of small draw frames shared by the draw tests (this module holds no tests)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bot.domain.draw import (
    CapPolicy,
    DrawFrame,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
)
from bot.domain.models import InspectorKind


def secret_for(n: int) -> bytes:
    """A fixed 256-bit secret per integer, so that statistical tests are deterministic."""
    return hashlib.sha256(f"test-secret-{n}".encode()).digest()


def entities(n: int, prefix: str = "E", **attrs: str) -> list[FrameEntity]:
    """n entities E000, E001, ... with the given attributes."""
    return [FrameEntity(f"{prefix}{i:03d}", dict(attrs)) for i in range(n)]


def staff(department: str, count: int, prefix: str | None = None, **kw) -> list[FrameInspector]:
    """count certified, active enforcement inspectors of one department."""
    prefix = prefix or department
    return [FrameInspector(f"{prefix}-{i:02d}", department, **kw) for i in range(count)]


def experts(count: int, expertise: Iterable[str] = ()) -> list[FrameInspector]:
    """count active auxiliary experts."""
    return [
        FrameInspector(
            f"expert-{i:02d}",
            "专家库",
            kind=InspectorKind.EXPERT,
            certificate=False,
            expertise=frozenset(expertise),
        )
        for i in range(count)
    ]


def ids(ents: Iterable[FrameEntity]) -> tuple[str, ...]:
    return tuple(e.stable_id for e in ents)


def one_item_frame(
    ents: list[FrameEntity],
    quota: int,
    inspectors: list[FrameInspector],
    uncovered: Iterable[str] = (),
    **item_kw,
) -> DrawFrame:
    """One item of the 执法大队 over all entities, one group."""
    group = FrameGroup("all", quota, ids(ents), frozenset(uncovered))
    item = FrameItem("item-1", "执法大队", (group,), **item_kw)
    return DrawFrame("XS", "2026Q3", (item,), tuple(ents), tuple(inspectors))


def frame_of(
    items: list[FrameItem],
    ents: list[FrameEntity],
    inspectors: list[FrameInspector],
    previous: dict | None = None,
    slack: int = 1,
) -> DrawFrame:
    return DrawFrame(
        "XS",
        "2026Q3",
        tuple(items),
        tuple(ents),
        tuple(inspectors),
        previous or {},
        CapPolicy(staff_slack=slack, expert_slack=slack),
    )
