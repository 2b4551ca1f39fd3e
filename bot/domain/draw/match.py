"""匹配执法检查人员 (inspector matching): a team for every visit, visit by visit in PRN order.

For one visit and one kind of inspector (staff, then experts), seat s (0, 1, 2, ...) is filled from
the *available list* A: the qualified members of the visit's departments (one list per department,
departments in sorted order, each list in key order, concatenated; qualified = drawable and holding
the expertise the department's items on this visit require) that are under the cap, not
recused for the entity, not already on the team and, while the previous-pair rule is kept and the
team already holds a member of the entity's previous team, not another member of that team.
Seats s < number of departments draw from department s's list alone (one per department); the
rest draw from all of them. The seat goes to A[seat_value(seed, visit, role, s) mod |A|].
This is RFC 3797's remainder method with SHA-256, run lazily: one hash per seat, never a scan of
all inspectors.

A visit is first tried under the base cap with the previous-pair rule; if some seat finds A
empty, the cap is raised by one for this visit only and the visit is tried again from seat 0,
until every qualified member is under the cap; only then is the previous-pair rule waived and the
caps tried again from the base. Feasibility was checked beforehand, so the last try succeeds.
A try that must fail is skipped, not run: while some department of the visit has every qualified
member at or above the cap, that department's own seat finds A empty. So the tries start at the
lowest cap leaving each department someone (its members' lowest load + 1), which gives the same
teams without a bureau with a small, busy department paying one failed try per cap per visit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil
from typing import NamedTuple

from bot.domain.draw.frame import DrawFrame
from bot.domain.draw.needs import Need
from bot.domain.draw.pools import CapPools, Pool, locate
from bot.domain.draw.prn import seat_values
from bot.domain.draw.result import PAIR_KEPT, PAIR_NONE, PAIR_WAIVED
from bot.domain.draw.roster import EXPERT_POOL, Roster

ROLE_STAFF = "staff"
ROLE_EXPERT = "expert"

Expertise = Sequence[frozenset[str]]  # per department, aligned with the departments


def base_cap(seats: int, eligible: int, slack: int) -> int:
    """The per-inspector cap: ceil(seats / eligible inspectors) + slack (0 when nothing to do)."""
    if seats == 0 or eligible == 0:
        return 0
    return ceil(seats / eligible) + slack


def fill_team(
    pools: Sequence[Pool],
    seats: int,
    draw: Callable[[int], int],
    recused: set[str],
    avoid: frozenset[str],
) -> list[str] | None:
    """Fill `seats` seats from `pools` (one per department), or None when a seat finds none."""
    if seats <= len(pools) and not recused and not avoid:
        return _own_lists(pools, seats, draw)
    removed: list[tuple[Pool, str]] = []

    def drop(key: str) -> None:
        for pool in pools:
            if pool.remove(key):
                removed.append((pool, key))
                return

    try:
        for key in sorted(recused) if recused else ():
            drop(key)
        team: list[str] = []
        shared = seats > len(pools)  # seats from the last department's on draw from every list
        for s in range(seats):
            choice = pools[s : s + 1] if s < len(pools) else pools
            total = sum(p.total for p in choice)
            if total == 0:
                return None
            key = locate(choice, draw(s) % total)
            first_avoided = key in avoid and not avoid.intersection(team)
            team.append(key)
            if shared:  # else no later seat draws from this department's list
                drop(key)
            if first_avoided:
                for other in sorted(avoid):
                    drop(other)
        return team
    finally:
        for pool, key in reversed(removed):
            pool.add(key)


def _own_lists(pools: Sequence[Pool], seats: int, draw: Callable[[int], int]) -> list[str] | None:
    """`fill_team` when every seat draws from its own department's list and nobody is excluded:
    no list changes, so nothing is removed or restored (the usual joint visit)."""
    team = []
    for s in range(seats):
        pool = pools[s]
        if not pool.total:
            return None
        team.append(pool.kth(draw(s) % pool.total))
    return team


class Staffing:
    """Loads, base cap and pools for one kind of inspector (staff or experts).

    Per (department, expertise) once some visit needs it, a `CapPools`: the qualified inspectors
    in key order and a pool per cap tried, each flagging the members whose load is under that
    cap. A load going from L to L + 1 clears the member in the pool of cap L + 1 only, so every
    pool stays exact without rescans.
    """

    def __init__(self, roster: Roster, expert: bool, cap: int) -> None:
        self.roster = roster
        self.expert = expert
        self.cap = cap
        self.loads: dict[str, int] = {}
        self._groups: dict[tuple[str, frozenset[str]], CapPools] = {}
        self._groups_of: dict[str, list[CapPools]] = {}
        self._shapes: dict[tuple[Sequence[str], Expertise], list[CapPools]] = {}
        self.nobody = Team((), cap, PAIR_NONE)  # the team of a visit needing no seat of this kind

    def shape(self, departments: Sequence[str], expertise: Expertise) -> list[CapPools]:
        """The groups of the given departments (one `CapPools` each, whose `pool(cap, loads)`
        is the department's pool under a cap), looked up once per combination."""
        shape = self._shapes.get((departments, expertise))
        if shape is None:
            shape = [self._group(d, r) for d, r in zip(departments, expertise, strict=True)]
            self._shapes[(departments, expertise)] = shape
        return shape

    def _group(self, department: str, expertise: frozenset[str]) -> CapPools:
        group = self._groups.get((department, expertise))
        if group is None:
            members = self.roster.qualified(self.expert, department, expertise)
            group = self._groups[(department, expertise)] = CapPools(members, self.loads)
            for key in members:
                self._groups_of.setdefault(key, []).append(group)
        return group

    def record(self, team: Sequence[str]) -> None:
        """Count one more visit for each team member; clear them where they reach a cap."""
        for key in team:
            load = self.loads.get(key, 0)
            self.loads[key] = load + 1
            for group in self._groups_of.get(key, ()):
                group.moved(key, load)


def _lowest_cap(shape: Sequence[CapPools]) -> int:
    """The lowest cap under which each department has a qualified member available."""
    return max(group.low for group in shape) + 1


def _uncapped(pools: Sequence[Pool]) -> bool:
    return all(p.total == len(p.members) for p in pools)


class Team(NamedTuple):
    """A staffed part of a visit: members in seat order, the cap used, the pair rule outcome
    (a named tuple: two per visit)."""

    members: tuple[str, ...]
    cap: int
    pair_rule: str


def staff_team(
    state: Staffing,
    departments: Sequence[str],
    expertise: Expertise,
    seats: int,
    draw: Callable[[int], int],
    recused: set[str],
    previous: frozenset[str],
) -> Team:
    """Try the base cap, then raised caps, keeping the pair rule; then the same without it."""
    if seats == 0:
        return state.nobody
    shape, loads = state.shape(departments, expertise), state.loads
    rules = (True, False) if previous else (False,)
    for keep_pair in rules:
        avoid = previous if keep_pair else frozenset()
        cap = max(state.cap, _lowest_cap(shape))
        while True:
            pools = [group.pool(cap, loads) for group in shape]
            members = fill_team(pools, seats, draw, recused, avoid)
            if members is not None:
                outcome = PAIR_NONE if not previous else PAIR_KEPT if keep_pair else PAIR_WAIVED
                state.record(members)
                return Team(tuple(members), cap, outcome)
            if _uncapped(pools):
                break
            cap += 1
    raise RuntimeError("visit cannot be staffed: the feasibility check should have caught it")


def staffing_states(frame: DrawFrame, roster: Roster, needs: list[Need]) -> tuple[Staffing, ...]:
    """The staff and expert states with their base caps."""
    departments = {d for n in needs for d in n.departments}
    staff_eligible = sum(len(roster.staff.get(d, [])) for d in departments)
    staff_seats = sum(n.staff_seats for n in needs)
    expert_seats = sum(n.expert_seats for n in needs)
    expert_eligible = len(roster.experts[EXPERT_POOL]) if expert_seats else 0
    policy = frame.cap_policy
    return (
        Staffing(roster, False, base_cap(staff_seats, staff_eligible, policy.staff_slack)),
        Staffing(roster, True, base_cap(expert_seats, expert_eligible, policy.expert_slack)),
    )


def match_inspection(
    seed: bytes, need: Need, roster: Roster, staff: Staffing, experts: Staffing, previous
) -> tuple[Team, Team]:
    """The enforcement team and the experts of one visit."""
    recused = roster.recused_for(need.entity)

    def draw(role: str) -> Callable[[int], int]:
        return seat_values(seed, need.entity, role)

    team = staff_team(
        staff,
        need.departments,
        need.expertise,
        need.staff_seats,
        draw(ROLE_STAFF),
        recused,
        previous,
    )
    if not need.expert_seats:  # most visits: no expert seat, nothing to try
        return team, experts.nobody
    helpers = staff_team(
        experts,
        (EXPERT_POOL,),
        (need.expert_expertise,),
        need.expert_seats,
        draw(ROLE_EXPERT),
        recused,
        frozenset(),
    )
    return team, helpers
