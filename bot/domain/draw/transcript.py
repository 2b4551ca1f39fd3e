"""摇号记录 (draw transcript): every input and output of a draw, as one JSON document.

    {
      "format": "shuangsuiji/draw-transcript", "format_version": 1,
      "commitment": {...},            # what was announced before the draw (engine.Commitment)
      "snapshot": {...},              # the frame (snapshot.frame_to_json)
      "public_sources": {"values": [...], "key_string": "..."},
      "secret": null | "<hex>",       # null until the reveal (公开密钥)
      "result": {...},                # selections and inspections (result_to_json)
      "result_hash": "<hex>"          # SHA-256 of the canonical JSON of "result"
    }

The file form is the canonical JSON of the whole document (canonical.py) followed by a newline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.domain.draw.canonical import canonical_json, json_hash
from bot.domain.draw.engine import Commitment
from bot.domain.draw.frame import DrawFrame
from bot.domain.draw.result import DrawResult, Infeasible, Inspection, Selection
from bot.domain.draw.seed import public_key_string, secret_hash
from bot.domain.draw.snapshot import frame_to_json

FORMAT = "shuangsuiji/draw-transcript"
FORMAT_VERSION = 1


def selection_json(s: Selection) -> dict:
    """One selection as JSON."""
    return {
        "item": s.item_id,
        "group": s.group_id,
        "quota": s.quota,
        "eligible": s.eligible,
        "uncovered": s.uncovered,
        "selected": list(s.selected),
    }


def inspection_json(v: Inspection) -> dict:
    """One visit as JSON."""
    return {
        "seq": v.seq,
        "entity": v.entity,
        "prn": v.prn,
        "items": list(v.items),
        "departments": list(v.departments),
        "inspectors": list(v.inspectors),
        "experts": list(v.experts),
        "cap": v.cap,
        "expert_cap": v.expert_cap,
        "pair_rule": v.pair_rule,
    }


def result_to_json(result: DrawResult) -> dict:
    """The result section of a transcript."""
    return {
        "staff_cap": result.staff_cap,
        "expert_cap": result.expert_cap,
        "selections": [selection_json(s) for s in result.selections],
        "inspections": [inspection_json(v) for v in result.inspections],
        "summary": {
            "inspections": len(result.inspections),
            "joint_inspections": result.joint_inspections,
            "relaxed_inspections": result.relaxed_inspections,
        },
    }


def canonical_result(result: DrawResult) -> bytes:
    """The canonical bytes of a result: equal results give byte-identical output."""
    return canonical_json(result_to_json(result))


def infeasible_to_json(outcome: Infeasible) -> dict:
    """Why a draw could not be made, per visit, in Chinese and English."""
    return {
        "infeasible": [
            {
                "entity": p.entity,
                "items": list(p.items),
                "code": p.code,
                "reason_zh": p.reason_zh,
                "reason_en": p.reason_en,
            }
            for p in outcome.problems
        ]
    }


def build_transcript(
    frame: DrawFrame,
    commitment: Commitment,
    source_values: Sequence[str],
    result: DrawResult,
    secret: bytes | None = None,
) -> dict:
    """The transcript of a draw; pass the secret only at the reveal."""
    if secret is not None and secret_hash(secret) != commitment.secret_hash:
        raise ValueError("this secret does not match the committed secret hash")
    result_json = result_to_json(result)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "commitment": commitment.to_json(),
        "snapshot": frame_to_json(frame),
        "public_sources": {
            "values": list(source_values),
            "key_string": public_key_string(source_values),
        },
        "secret": secret.hex() if secret is not None else None,
        "result": result_json,
        "result_hash": json_hash(result_json),
    }


def reveal(transcript: dict, secret: bytes) -> dict:
    """The transcript with the secret published (公开), after checking it against its hash."""
    if secret_hash(secret) != transcript["commitment"]["secret_hash"]:
        raise ValueError("this secret does not match the committed secret hash")
    return {**transcript, "secret": secret.hex()}


def dumps(transcript: dict) -> bytes:
    """The file form: canonical JSON and a newline."""
    return canonical_json(transcript) + b"\n"


def loads(data: bytes | str) -> dict:
    """A transcript read back from its file form (any valid JSON layout is accepted)."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("a transcript is a JSON object")
    return value
