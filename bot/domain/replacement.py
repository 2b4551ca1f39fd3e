"""更换执法人员 (replacement): who takes over a drawn inspector's seat on a visit.

The replacement is *chosen*, not drawn, by a fixed rule anyone can re-check:

1. candidates are the registry's inspectors of the same kind as the one leaving: for an
   enforcement seat, active staff holding an enforcement certificate (执法证) of the seat's
   initiating department (as the draw maps departments) with the expertise that department's
   items on the visit require; for an expert seat, active experts with the expertise the visit's
   expert items require;
2. never anyone recused (回避) for the entity, nor anyone who is or was on the visit;
3. the fewest active visits in the same period first (spreading the work);
4. ties broken by SHA-256("<inspection id>|<inspector key>"), smallest first: deterministic,
   yet favouring nobody by name or number.

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.draw import FrameInspector

REASONS = ("post", "conflict", "health", "recusal")  # 岗位调整, 工作冲突, 健康, 回避


@dataclass(frozen=True)
class Seat:
    """What the leaving inspector's seat needs."""

    expert: bool
    department: str  # the initiating department (ignored for experts)
    expertise: frozenset[str]


@dataclass(frozen=True)
class ItemNeeds:
    """One check item's staffing as a seat reads it."""

    department: str
    expertise: frozenset[str]
    experts_required: int


def seat_for(
    leaving: FrameInspector, expert: bool, items: Iterable[str], needs: Mapping[str, ItemNeeds]
) -> Seat:
    """The seat a leaving inspector held on a visit covering `items`."""
    known = [needs[i] for i in items if i in needs]
    if expert:
        wanted = [n.expertise for n in known if n.experts_required > 0]
        return Seat(True, "", frozenset().union(*wanted))
    wanted = [n.expertise for n in known if n.department == leaving.department]
    return Seat(False, leaving.department, frozenset().union(*wanted))


def qualifies(candidate: FrameInspector, seat: Seat) -> bool:
    """Whether a registry inspector may take the seat at all (before recusal and the visit)."""
    if seat.expert:
        ok = candidate.drawable_expert()
    else:
        ok = candidate.drawable_staff() and candidate.department == seat.department
    return ok and seat.expertise <= candidate.expertise


def tie_break(inspection_id: int, key: str) -> str:
    """The documented tie-break value: SHA-256 of "<inspection id>|<key>", hex."""
    return hashlib.sha256(f"{inspection_id}|{key}".encode()).hexdigest()


def choose_replacement(
    candidates: Iterable[FrameInspector],
    seat: Seat,
    *,
    inspection_id: int,
    entity: str,
    on_visit: Iterable[str],
    loads: Mapping[str, int],
) -> FrameInspector | None:
    """The inspector who takes the seat under the rule above, or None when nobody qualifies."""
    taken = set(on_visit)
    eligible = [
        c
        for c in candidates
        if qualifies(c, seat) and entity not in c.recused and c.key not in taken
    ]
    if not eligible:
        return None
    return min(eligible, key=lambda c: (loads.get(c.key, 0), tie_break(inspection_id, c.key)))
