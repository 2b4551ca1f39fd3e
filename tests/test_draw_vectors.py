"""The test vectors of docs/draw-algorithm.md, recomputed from their inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.domain.draw import build_transcript, canonical_result, commit, reveal, run_draw, verify
from bot.domain.draw.canonical import canonical_json, json_hash
from bot.domain.draw.prn import prn_digests, seat_value
from bot.domain.draw.seed import derive_seed, public_key_string
from bot.domain.draw.snapshot import decode_bitmap, encode_bitmap, frame_from_json

DOC = Path(__file__).resolve().parents[1] / "docs" / "draw-algorithm.md"
BLOCK = re.compile(r"<!-- test-vector: (\S+) -->\s*```json\n(.*?)\n```", re.DOTALL)


@pytest.fixture(scope="module")
def vectors() -> dict:
    found = {name: json.loads(body) for name, body in BLOCK.findall(DOC.read_text("utf-8"))}
    assert set(found) == {"canonical", "bitmap", "seed", "prn", "seat", "transcript"}
    return found


def test_canonical_json(vectors) -> None:
    v = vectors["canonical"]
    assert canonical_json(v["value"]).decode("utf-8") == v["canonical"]
    assert json_hash(v["value"]) == v["sha256"]


def test_bitmap(vectors) -> None:
    v = vectors["bitmap"]
    index = {sid: i for i, sid in enumerate(v["entities"])}
    assert encode_bitmap(v["members"], index, len(index)) == v["encoded"]
    assert decode_bitmap(v["encoded"], v["entities"]) == v["members"]


def test_seed_prn_and_seat(vectors) -> None:
    v = vectors["seed"]
    assert public_key_string(v["public_values"]) == v["key_string"]
    seed = derive_seed(
        v["algorithm"], bytes.fromhex(v["secret"]), v["key_string"], v["period"], v["snapshot_hash"]
    )
    assert seed.hex() == v["seed"]
    p = vectors["prn"]
    assert prn_digests(bytes.fromhex(p["seed"]), [p["stable_id"]])[p["stable_id"]].hex() == p["prn"]
    s = vectors["seat"]
    value = seat_value(bytes.fromhex(s["seed"]), s["visit"], s["role"], s["seat"])
    assert format(value, "064x") == s["value_hex"]


def test_worked_example_transcript_is_reproduced_byte_for_byte(vectors) -> None:
    t = vectors["transcript"]
    assert verify(t).exit_code == 0
    frame = frame_from_json(t["snapshot"])
    secret = bytes.fromhex(t["secret"])
    values = t["public_sources"]["values"]
    commitment, _ = commit(frame, t["commitment"]["public_sources"], secret=secret)
    assert commitment.snapshot_hash == vectors["seed"]["snapshot_hash"]
    result = run_draw(frame, secret, values)
    rebuilt = reveal(build_transcript(frame, commitment, values, result), secret)
    assert canonical_json(rebuilt) == canonical_json(t)
    assert canonical_result(result) == canonical_json(t["result"])
    assert json_hash(t["result"]) == t["result_hash"]
