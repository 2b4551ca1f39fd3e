"""摇号 (the draw): commit, draw entities by PRN, match inspectors, write a verifiable transcript.

Pure and deterministic: no I/O, no clock. See docs/draw-algorithm.md for the exact algorithm.
"""

from bot.domain.draw.engine import Commitment, commit, draw_seed, run_draw
from bot.domain.draw.frame import (
    ALGORITHM_VERSION,
    CapPolicy,
    DrawFrame,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
)
from bot.domain.draw.result import (
    DrawOutcome,
    DrawResult,
    Infeasible,
    Inspection,
    InspectionProblem,
    Selection,
)
from bot.domain.draw.transcript import build_transcript, canonical_result, dumps, loads, reveal
from bot.domain.draw.verify import VerifyReport, verify

__all__ = [
    "ALGORITHM_VERSION",
    "CapPolicy",
    "Commitment",
    "DrawFrame",
    "DrawOutcome",
    "DrawResult",
    "FrameEntity",
    "FrameGroup",
    "FrameInspector",
    "FrameItem",
    "Infeasible",
    "Selection",
    "Inspection",
    "VerifyReport",
    "InspectionProblem",
    "build_transcript",
    "canonical_result",
    "commit",
    "draw_seed",
    "dumps",
    "loads",
    "reveal",
    "run_draw",
    "verify",
]
