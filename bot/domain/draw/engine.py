"""摇号引擎 (draw engine): commit, then draw; a pure function of frame, secret and public sources.

    commitment, secret = commit(frame, declared_sources)   # announce commitment, keep secret
    outcome = run_draw(frame, secret, source_values)         # DrawResult or Infeasible

The same (frame, secret, source values) always give the same outcome: the result is immutable, and
a change is an amendment recorded elsewhere, never a re-roll.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.draw.canonical import json_hash
from bot.domain.draw.columns import columns, prn_order, ranks_of
from bot.domain.draw.feasibility import problems
from bot.domain.draw.frame import DrawFrame
from bot.domain.draw.match import match_inspection, staffing_states
from bot.domain.draw.needs import needs_for
from bot.domain.draw.prn import prn_list
from bot.domain.draw.result import DrawOutcome, DrawResult, Infeasible, Inspection
from bot.domain.draw.roster import Roster
from bot.domain.draw.seed import derive_seed, new_secret, public_key_string, secret_hash
from bot.domain.draw.select import inspections_from, select_entities
from bot.domain.draw.snapshot import section_hashes, snapshot_hash_of


@dataclass(frozen=True, slots=True)
class Commitment:
    """What is recorded and announced before the draw (承诺): nothing in it reveals the result."""

    bureau: str
    period: str
    algorithm: str
    sections: dict[str, str]
    snapshot_hash: str
    secret_hash: str
    public_sources: tuple[str, ...]

    @property
    def commitment_hash(self) -> str:
        """The one value to announce with the commitment: SHA-256 of its canonical JSON."""
        return json_hash(self.to_json())

    def to_json(self) -> dict:
        """The commitment as a JSON object (see docs/draw-algorithm.md)."""
        return {
            "bureau": self.bureau,
            "period": self.period,
            "algorithm": self.algorithm,
            "sections": dict(self.sections),
            "snapshot_hash": self.snapshot_hash,
            "secret_hash": self.secret_hash,
            "public_sources": list(self.public_sources),
        }


def commit(
    frame: DrawFrame, declared_sources: Sequence[str] = (), secret: bytes | None = None
) -> tuple[Commitment, bytes]:
    """Freeze the frame's hash, make a secret (unless given), and describe the public sources."""
    secret = secret if secret is not None else new_secret()
    sections = section_hashes(frame)
    commitment = Commitment(
        bureau=frame.bureau,
        period=frame.period,
        algorithm=frame.algorithm,
        sections=sections,
        snapshot_hash=snapshot_hash_of(sections),
        secret_hash=secret_hash(secret),
        public_sources=tuple(declared_sources),
    )
    return commitment, secret


def draw_seed(
    frame: DrawFrame, secret: bytes, source_values: Sequence[str], snapshot_hash: str | None = None
) -> bytes:
    """The seed of this draw (see seed.py); pass the snapshot hash if it is already known."""
    snap = snapshot_hash or snapshot_hash_of(section_hashes(frame))
    key = public_key_string(source_values)
    return derive_seed(frame.algorithm, secret, key, frame.period, snap)


def run_draw(
    frame: DrawFrame,
    secret: bytes,
    source_values: Sequence[str] = (),
    snapshot_hash: str | None = None,
) -> DrawOutcome:
    """Draw entities, then match inspectors; Infeasible (and nothing else) if any visit fails."""
    return draw_with_seed(frame, draw_seed(frame, secret, source_values, snapshot_hash))


def draw_with_seed(frame: DrawFrame, seed: bytes) -> DrawOutcome:
    """The draw for a given seed: selection by PRN, feasibility, then matching in PRN order."""
    cols = columns(frame)
    prns = prn_list(seed, cols.ids)  # in stable-id order, as the frame's positions
    by_prn = prn_order(prns)
    at = by_prn.tolist()  # position of the entity of each rank
    order = list(map(cols.ids.__getitem__, at))
    selections, rank_of = select_entities(frame, order, ranks_of(by_prn))
    inspections = inspections_from(selections, rank_of.__getitem__)
    needs = needs_for(frame, inspections)
    roster = Roster(frame)
    found = problems(roster, needs)
    if found:
        return Infeasible(tuple(found))
    staff, experts = staffing_states(frame, roster, needs)
    out = []
    for seq, need in enumerate(needs, start=1):
        previous = frame.previous_pairs.get(need.entity, frozenset())
        team, helpers = match_inspection(seed, need, roster, staff, experts, previous)
        out.append(
            Inspection(
                seq=seq,
                entity=need.entity,
                prn=prns[at[rank_of[need.entity]]].hex(),
                items=need.items,
                departments=need.departments,
                inspectors=team.members,
                experts=helpers.members,
                cap=team.cap,
                expert_cap=helpers.cap,
                pair_rule=team.pair_rule,
            )
        )
    return DrawResult(staff.cap, experts.cap, tuple(selections), tuple(out))
