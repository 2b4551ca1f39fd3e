"""摇号输入 (the inputs of a draw): the item list's frames and the two registries as a DrawFrame.

* **Departments.** The engine draws a visit's enforcement inspectors from its items' initiating
  departments (发起部门); the registry names the unit each inspector works in. An inspector
  belongs to initiating department D when (1) their department is D; else (2) their department
  with a trailing unit number removed ("综合执法大队一中队" -> "综合执法大队") occurs in exactly
  one initiating department's name; else (3) the item list has one initiating department only,
  whose draws then take the bureau's whole enforcement roster (执法检查人员名录库); else (4)
  they keep their own department and are drawn only for items it initiates. Experts form one pool.
* **Targeted draws (定向抽查).** A target such as ``region=崔庄镇,安肃镇`` or ``tag:行业=化工``
  restricts every group to the entities whose attribute takes one of the values; only the
  attributes a target names enter the snapshot.
* **Feasibility.** `possible_problems` checks every entity as if every group took all of its
  eligible entities, the hardest case (more items on a visit only add departments, expertise and
  seats). When it finds nothing, every draw of the frame can be staffed.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from operator import lt

import numpy as np

from bot.domain.draw import (
    CapPolicy,
    DrawFrame,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
    InspectionProblem,
)
from bot.domain.draw.columns import FrameColumns, columns
from bot.domain.draw.feasibility import problems
from bot.domain.draw.needs import for_entity, need_for
from bot.domain.draw.roster import Roster
from bot.domain.frames import GroupFrame, ItemFrame
from bot.domain.models import Entity, Inspector, InspectorKind

UNIT_NUMBER = re.compile(r"[一二三四五六七八九十百0-9]+(中队|分队|小组|组|队)$")
PLAIN_ATTRIBUTES = ("region", "industry_code", "credit_rating")
TAG_PREFIX = "tag:"

Target = Mapping[str, tuple[str, ...]]


def department_map(
    item_departments: Iterable[str], inspector_departments: Iterable[str]
) -> dict[str, str]:
    """Each inspector department -> the initiating department its staff are drawn for."""
    initiating = sorted(set(item_departments))
    out: dict[str, str] = {}
    for dept in sorted(set(inspector_departments)):
        if dept in initiating:
            out[dept] = dept
            continue
        stem = UNIT_NUMBER.sub("", dept)
        holders = [d for d in initiating if stem and stem in d]
        if len(holders) == 1:
            out[dept] = holders[0]
        elif len(initiating) == 1:
            out[dept] = initiating[0]
        else:
            out[dept] = dept
    return out


def parse_target(specs: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``name=v1,v2`` specs as a target; ValueError naming a malformed spec or unknown name."""
    target: dict[str, set[str]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        allowed = {v.strip() for v in re.split(r"[,，、]", values) if v.strip()}
        if not sep or not name or not allowed:
            raise ValueError(f"target {spec!r}: expected NAME=VALUE[,VALUE…]")
        if name not in PLAIN_ATTRIBUTES and not (
            name.startswith(TAG_PREFIX) and len(name) > len(TAG_PREFIX)
        ):
            known = ", ".join(PLAIN_ATTRIBUTES)
            raise ValueError(f"target {spec!r}: {name} is not one of {known} or tag:NAME")
        target.setdefault(name, set()).update(allowed)
    return {k: tuple(sorted(v)) for k, v in sorted(target.items())}


def entity_attributes(entity: Entity, names: Iterable[str]) -> dict[str, str]:
    """The entity's values of the named attributes (a missing tag is left out: never matches)."""
    out: dict[str, str] = {}
    for name in names:
        if name.startswith(TAG_PREFIX):
            value = entity.tags.get(name[len(TAG_PREFIX) :])
            if value is not None:
                out[name] = value
        else:
            out[name] = str(getattr(entity, name))
    return out


def frame_inspector(inspector: Inspector, department: str) -> FrameInspector:
    """执法检查人员 as the draw sees them: key, drawing department, qualification, recusals."""
    return FrameInspector(
        key=inspector.key,
        department=department,
        kind=inspector.kind,
        certificate=bool(inspector.certificate_no),
        active=inspector.active,
        expertise=frozenset(inspector.expertise),
        recused=frozenset(r.entity_stable_id for r in inspector.recusals),
    )


def frame_inspectors(
    departments: Iterable[str], inspectors: Sequence[Inspector]
) -> list[FrameInspector]:
    """Every inspector of the registry, staff mapped to one of the initiating `departments`."""
    mapping = department_map(departments, (i.department for i in inspectors))
    return [
        frame_inspector(i, mapping[i.department] if i.kind is InspectorKind.STAFF else i.department)
        for i in inspectors
    ]


def build_frame(
    bureau: str,
    period: str,
    item_frames: Sequence[ItemFrame],
    entities: Mapping[str, Entity],
    inspectors: Sequence[Inspector],
    *,
    previous_pairs: Mapping[str, frozenset[str]] | None = None,
    target: Target | None = None,
    cap_policy: CapPolicy | None = None,
    departments: Iterable[str] | None = None,
    registry_ids: np.ndarray | None = None,
) -> DrawFrame:
    """The frozen frame of one period's draw: only entities some group may take are included.

    `departments`: every initiating department of the item list (default: those of
    `item_frames`), so that inspectors map the same way in every period and for replacements.
    `registry_ids`: the ids (sorted) the item frames' `positions` index, if they carry them;
    then the frame's entities and its groups' positions come from those without string lookups.
    """
    target = dict(target or {})
    departments = list(departments or (f.department for f in item_frames))
    placed, ids = _placed([g for f in item_frames for g in f.groups], registry_ids)
    placing = placed is not None  # then every group's eligible ids are ascending too
    made: list[tuple[GroupFrame, FrameGroup]] = []
    items = []
    for f in item_frames:
        groups = []
        for g in f.groups:
            group = FrameGroup(
                g.group_id, g.quota, g.eligible, g.uncovered, target, ascending=placing
            )
            made.append((g, group))
            groups.append(group)
        items.append(
            FrameItem(
                item_id=f.item_id,
                department=f.department,
                groups=tuple(groups),
                expertise_required=f.expertise,
                inspectors_required=f.inspectors_required,
                experts_required=f.experts_required,
            )
        )
    if not placing:
        wanted = set().union(*(g.eligible for g, _ in made))
        ids = [sid for sid in entities if sid in wanted]
    if target:
        frame_entities = [FrameEntity(sid, entity_attributes(entities[sid], target)) for sid in ids]
    else:
        frame_entities = [FrameEntity.plain(sid) for sid in ids]
    known = set(ids) if previous_pairs else set()
    pairs = {k: v for k, v in (previous_pairs or {}).items() if k in known}
    frame = DrawFrame(
        bureau=bureau,
        period=period,
        items=tuple(items),
        entities=tuple(frame_entities),
        inspectors=tuple(frame_inspectors(departments, inspectors)),
        previous_pairs=pairs,
        cap_policy=cap_policy or CapPolicy(),
        references_known=placed is not None,  # the entities are the groups' union
    )
    if placed is not None:
        _seed_columns(frame, placed, made, len(registry_ids))  # type: ignore[arg-type]
    return frame


def _placed(
    groups: list[GroupFrame], registry_ids: np.ndarray | None
) -> tuple[np.ndarray | None, list[str]]:
    """Registry positions of the frame's entities and their ids, when every group brought its
    positions and those ids are strictly ascending (as a registry read by stable id is);
    else (None, [])."""
    if registry_ids is None or any(g.positions is None for g in groups):
        return None, []
    taken = np.zeros(len(registry_ids), dtype=bool)
    for g in groups:
        taken[g.positions] = True
    placed = np.flatnonzero(taken)
    ids: list[str] = registry_ids[placed].tolist()
    if not all(map(lt, ids, ids[1:])):
        return None, []
    return placed, ids


def _seed_columns(
    frame: DrawFrame,
    placed: np.ndarray,
    made: list[tuple[GroupFrame, FrameGroup]],
    registry_size: int,
) -> None:
    """Give the frame's columns each group's positions, mapped from the registry's (`_placed`
    made sure the entities are in stable-id order, so the frame kept them as they are)."""
    cols = columns(frame)
    to_frame = np.zeros(registry_size, dtype=np.int64)
    to_frame[placed] = np.arange(len(placed), dtype=np.int64)
    for source, group in made:
        cols.seed(group, to_frame[source.positions])


def populations(frame: DrawFrame) -> dict[tuple[str, str], int]:
    """(item, group) -> entities the group may take after the target filter."""
    cols = columns(frame)
    return {
        (item.item_id, g.group_id): len(cols.effective(g))
        for item in frame.items
        for g in item.groups
    }


def possible_problems(frame: DrawFrame) -> list[InspectionProblem]:
    """Every entity that could not be staffed if drawn, with why (see the module docstring).

    An entity's visit depends on the set of items that could draw it (its shape) and on who is
    recused for it; so each shape is checked once, and only entities of a failing shape or with
    a recusal are checked one by one.
    """
    cols = columns(frame)
    shape = _shapes(frame, cols)  # per frame position: bit mask over frame.items, 0 if none
    masks = np.unique(shape).tolist()
    roster = Roster(frame)
    needs = {
        mask: need_for("", (i for n, i in enumerate(frame.items) if mask >> n & 1))
        for mask in masks
        if mask
    }
    failing = [mask for mask, need in needs.items() if problems(roster, [need])]
    suspects: dict[str, int] = {}  # stable id -> frame position
    for sid in roster.recused:
        p = cols.position_of(sid)
        if p is not None and shape[p]:
            suspects[sid] = p
    if failing:
        suspects.update((cols.ids[p], p) for p in np.flatnonzero(np.isin(shape, failing)).tolist())
    return problems(
        roster, [for_entity(needs[int(shape[p])], sid) for sid, p in sorted(suspects.items())]
    )


def _shapes(frame: DrawFrame, cols: FrameColumns) -> np.ndarray:
    """Each entity's shape: bit n set when item n has a group with a quota that may take it
    (unsigned 64-bit integers; Python integers beyond 64 items)."""
    wide = len(frame.items) > 64
    shape = np.zeros(len(cols.ids), dtype=object if wide else np.uint64)
    if wide:
        shape[:] = 0
    for n, item in enumerate(frame.items):
        bit = 1 << n if wide else np.uint64(1 << n)
        for g in item.groups:
            if g.quota > 0:
                at = cols.effective(g)
                shape[at] = shape[at] | bit
    return shape
