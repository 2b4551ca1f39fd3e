"""A plain re-implementation of docs/draw-algorithm.md, compared with the engine on random frames.

Written from the document with lists and full scans only (no pools, no Fenwick trees, no caching),
so a disagreement means the fast engine and the specification part ways.
"""

from __future__ import annotations

import hashlib
from math import ceil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.draw import (
    CapPolicy,
    DrawFrame,
    DrawResult,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
    Infeasible,
)
from bot.domain.draw.engine import draw_with_seed
from bot.domain.draw.transcript import result_to_json
from bot.domain.models import InspectorKind


def _seat(seed: bytes, visit: str, role: str, seat: int) -> int:
    v, r = visit.encode(), role.encode()
    data = seed + len(v).to_bytes(4, "big") + v + len(r).to_bytes(4, "big") + r
    return int.from_bytes(hashlib.sha256(data + seat.to_bytes(4, "big")).digest(), "big")


def _selections(frame: DrawFrame, prn: dict[str, bytes]) -> list[dict]:
    out = []
    attrs = {e.stable_id: e.attributes for e in frame.entities}
    for item in frame.items:
        for g in item.groups:
            elig = [
                s
                for s in g.eligible
                if all(attrs[s].get(k) in allowed for k, allowed in g.target.items())
            ]
            ranked = sorted(elig, key=lambda s: (s not in g.uncovered, prn[s], s))
            out.append(
                {
                    "item": item.item_id,
                    "group": g.group_id,
                    "quota": g.quota,
                    "eligible": len(elig),
                    "uncovered": sum(1 for s in elig if s in g.uncovered),
                    "selected": ranked[: min(g.quota, len(elig))],
                }
            )
    return out


def _qualified(frame: DrawFrame, expert: bool, dept: str, need: frozenset[str]) -> list[str]:
    if expert:
        people = [i for i in frame.inspectors if i.kind is InspectorKind.EXPERT and i.active]
    else:
        people = [
            i
            for i in frame.inspectors
            if i.kind is InspectorKind.STAFF and i.certificate and i.active and i.department == dept
        ]
    return sorted(i.key for i in people if need <= i.expertise)


def _fill(lists, seats, seed, visit, role, recused, avoid):
    lists = [[k for k in lst if k not in recused] for lst in lists]
    team: list[str] = []
    for s in range(seats):
        choice = lists[s : s + 1] if s < len(lists) else lists
        flat = [k for lst in choice for k in lst]
        if not flat:
            return None
        key = flat[_seat(seed, visit, role, s) % len(flat)]
        gone = {key}
        if key in avoid and not avoid.intersection(team):
            gone |= avoid
        team.append(key)
        lists = [[k for k in lst if k not in gone] for lst in lists]
    return team


def _team(frame, loads, base, groups, seats, seed, visit, role, previous):
    if seats == 0:
        return [], base, "none"
    recused = {i.key for i in frame.inspectors if visit in i.recused}
    everyone = [k for _, lst in groups for k in lst]
    top = max((loads.get(k, 0) for k in everyone), default=0) + 1
    for keep in (True, False) if previous else (False,):
        cap = base
        while True:
            lists = [[k for k in lst if loads.get(k, 0) < cap] for _, lst in groups]
            team = _fill(lists, seats, seed, visit, role, recused, previous if keep else set())
            if team is not None:
                rule = "none" if not previous else "kept" if keep else "waived"
                return team, cap, rule
            if cap >= top:
                break
            cap += 1
    return None


def reference_draw(frame: DrawFrame, seed: bytes) -> dict | set[str]:
    """The documented draw; the set of unstaffable entities when infeasible."""
    prn = {
        e.stable_id: hashlib.sha256(seed + e.stable_id.encode()).digest() for e in frame.entities
    }
    selections = _selections(frame, prn)
    items_of: dict[str, set[str]] = {}
    for sel in selections:
        for s in sel["selected"]:
            items_of.setdefault(s, set()).add(sel["item"])
    by_id = {i.item_id: i for i in frame.items}
    order = sorted(items_of, key=lambda s: (prn[s], s))
    plans = []
    for s in order:
        items = [by_id[i] for i in sorted(items_of[s])]
        depts = sorted({i.department for i in items})
        staff_groups = [
            (
                d,
                _qualified(
                    frame,
                    False,
                    d,
                    frozenset().union(*(i.expertise_required for i in items if i.department == d)),
                ),
            )
            for d in depts
        ]
        asking = [i for i in items if i.experts_required]
        exp_need = frozenset().union(*(i.expertise_required for i in asking))
        plans.append(
            (
                s,
                items,
                depts,
                staff_groups,
                max(max(i.inspectors_required for i in items), len(depts)),
                [("", _qualified(frame, True, "", exp_need))],
                max((i.experts_required for i in asking), default=0),
            )
        )
    staff_pool = {
        i.key
        for i in frame.inspectors
        if i.kind is InspectorKind.STAFF
        and i.certificate
        and i.active
        and i.department in {d for p in plans for d in p[2]}
    }
    experts_pool = [i for i in frame.inspectors if i.kind is InspectorKind.EXPERT and i.active]
    staff_seats = sum(p[4] for p in plans)
    expert_seats = sum(p[6] for p in plans)
    policy = frame.cap_policy
    staff_cap = (
        ceil(staff_seats / len(staff_pool)) + policy.staff_slack
        if staff_pool and staff_seats
        else 0
    )
    expert_cap = (
        ceil(expert_seats / len(experts_pool)) + policy.expert_slack
        if experts_pool and expert_seats
        else 0
    )
    # infeasible: a visit that cannot be staffed with no cap and no pair rule
    bad = set()
    for s, _items, _d, groups, seats, egroups, eseats in plans:
        if _team(frame, {}, 10**9, groups, seats, seed, s, "staff", set()) is None:
            bad.add(s)
        if _team(frame, {}, 10**9, egroups, eseats, seed, s, "expert", set()) is None:
            bad.add(s)
    if bad:
        return bad
    loads: dict[str, int] = {}
    inspections = []
    for n, (s, items, depts, groups, seats, egroups, eseats) in enumerate(plans, start=1):
        previous = set(frame.previous_pairs.get(s, ()))
        team, cap, rule = _team(frame, loads, staff_cap, groups, seats, seed, s, "staff", previous)
        for k in team:
            loads[k] = loads.get(k, 0) + 1
        helpers, ecap, _ = _team(
            frame, loads, expert_cap, egroups, eseats, seed, s, "expert", set()
        )
        for k in helpers:
            loads[k] = loads.get(k, 0) + 1
        inspections.append(
            {
                "seq": n,
                "entity": s,
                "prn": prn[s].hex(),
                "items": [i.item_id for i in items],
                "departments": depts,
                "inspectors": team,
                "experts": helpers,
                "cap": cap,
                "expert_cap": ecap,
                "pair_rule": rule,
            }
        )
    return {
        "staff_cap": staff_cap,
        "expert_cap": expert_cap,
        "selections": selections,
        "inspections": inspections,
        "summary": {
            "inspections": len(inspections),
            "joint_inspections": sum(1 for v in inspections if len(v["items"]) > 1),
            "relaxed_inspections": sum(
                1 for v in inspections if v["cap"] > staff_cap or v["expert_cap"] > expert_cap
            ),
        },
    }


DEPTS = ["执法大队", "监测站", "辐射科"]
SKILLS = ["水", "辐射"]


@st.composite
def frames(draw) -> DrawFrame:
    n = draw(st.integers(1, 25))
    ents = [
        FrameEntity(f"E{i:02d}", {"region": draw(st.sampled_from(["东", "西"]))}) for i in range(n)
    ]
    sids = [e.stable_id for e in ents]
    subset = st.lists(st.sampled_from(sids), unique=True)
    skills = st.frozensets(st.sampled_from(SKILLS), max_size=2)
    people = []
    for i in range(draw(st.sampled_from([0, 2, 3, 4, 5, 8, 12, 18]))):
        expert = draw(st.booleans()) and i % 3 == 0
        people.append(
            FrameInspector(
                f"P{i:02d}",
                draw(st.sampled_from(DEPTS)),
                kind=InspectorKind.EXPERT if expert else InspectorKind.STAFF,
                certificate=draw(st.integers(0, 9)) > 0,
                active=draw(st.integers(0, 9)) > 0,
                expertise=draw(skills),
                recused=frozenset(draw(st.lists(st.sampled_from(sids), max_size=2))),
            )
        )
    items = []
    for j in range(draw(st.integers(1, 3))):
        groups = []
        for g in range(draw(st.integers(1, 2))):
            target = {"region": ("东",)} if draw(st.integers(0, 3)) == 0 else {}
            eligible = sids if draw(st.booleans()) else draw(subset)
            groups.append(
                FrameGroup(
                    f"g{g}",
                    draw(st.integers(0, 8)),
                    tuple(eligible),
                    frozenset(draw(st.lists(st.sampled_from(eligible), unique=True)))
                    if eligible
                    else frozenset(),
                    target,
                )
            )
        items.append(
            FrameItem(
                f"item{j}",
                draw(st.sampled_from(DEPTS)),
                tuple(groups),
                frozenset(draw(st.sampled_from([(), (), (), ("水",), ("辐射",)]))),
                draw(st.integers(1, 2)),
                draw(st.sampled_from([0, 0, 0, 1])),
            )
        )
    keys = [p.key for p in people] or ["P00"]
    pairs = st.lists(st.sampled_from(keys), min_size=2, max_size=3)
    previous = {s: frozenset(draw(pairs)) for s in draw(subset)}
    slack = draw(st.integers(0, 2))
    return DrawFrame(
        "XS", "2026Q3", tuple(items), tuple(ents), tuple(people), previous, CapPolicy(slack, slack)
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames(), st.binary(min_size=32, max_size=32))
def test_engine_equals_the_plain_reading_of_the_document(frame: DrawFrame, seed: bytes) -> None:
    expected = reference_draw(frame, seed)
    outcome = draw_with_seed(frame, seed)
    if isinstance(expected, set):
        assert isinstance(outcome, Infeasible)
        assert {p.entity for p in outcome.problems} == expected
    else:
        assert isinstance(outcome, DrawResult)
        assert result_to_json(outcome) == expected


def _crafted() -> list[DrawFrame]:
    ents = [FrameEntity(f"E{i}") for i in range(6)]
    sids = tuple(e.stable_id for e in ents)
    pair = frozenset({"A-0", "A-1"})
    people = [FrameInspector(f"A-{i}", "执法大队") for i in range(2)]
    people += [FrameInspector(f"B-{i}", "监测站", expertise=frozenset({"辐射"})) for i in range(3)]
    people += [
        FrameInspector(f"X-{i}", "专家", InspectorKind.EXPERT, False, expertise=frozenset({"辐射"}))
        for i in range(2)
    ]
    items = (
        FrameItem("a", "执法大队", (FrameGroup("all", 6, sids),)),
        FrameItem("b", "监测站", (FrameGroup("all", 3, sids),), frozenset({"辐射"}), 2, 1),
    )
    return [
        DrawFrame("XS", "2026Q3", items, tuple(ents), tuple(people), dict.fromkeys(sids, pair)),
        DrawFrame("XS", "2026Q3", items, tuple(ents), tuple(people), {}, CapPolicy(0, 0)),
    ]


def test_engine_equals_the_document_on_pair_waivers_and_relaxed_caps() -> None:
    seen = set()
    for frame in _crafted():
        for n in range(20):
            seed = hashlib.sha256(bytes([n])).digest()
            expected = reference_draw(frame, seed)
            assert result_to_json(draw_with_seed(frame, seed)) == expected
            seen |= {v["pair_rule"] for v in expected["inspections"]}
            seen |= {"relaxed"} if expected["summary"]["relaxed_inspections"] else set()
    assert {"waived", "relaxed", "none"} <= seen
