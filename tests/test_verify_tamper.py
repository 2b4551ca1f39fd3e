"""Any change to any value of a transcript makes verify fail (and never crash)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.draw import (
    FrameGroup,
    FrameItem,
    build_transcript,
    commit,
    reveal,
    run_draw,
    verify,
)
from bot.domain.draw.canonical import json_hash
from tests.test_draw_fixtures import experts, frame_of, ids, secret_for, staff
from tests.test_verify import SOURCES, VALUES, _frame


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))] + [path]
    return [path]


def _mutate(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "9"  # "0" after a decimal would be the same RFC 3797 number
    if isinstance(value, list):
        return value[:-1] if value else ["x"]
    return "x"


@pytest.fixture(scope="module")
def opened() -> tuple[dict, str]:
    frame = _frame()
    commitment, secret = commit(frame, SOURCES, secret=secret_for(42))
    result = run_draw(frame, secret, VALUES)
    return reveal(build_transcript(frame, commitment, VALUES, result), secret), (
        commitment.commitment_hash
    )


def test_the_untouched_transcript_verifies_against_its_announcement(opened) -> None:
    transcript, announced = opened
    assert json_hash(transcript["commitment"]) == announced
    assert verify(transcript, announced).exit_code == 0
    assert verify(transcript, "0" * 64).exit_code == 1


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_changing_any_single_value_fails(opened, data: st.DataObject) -> None:
    transcript, announced = opened
    paths = _leaves(transcript)
    path = data.draw(st.sampled_from(paths))
    t = copy.deepcopy(transcript)
    parent = t
    for key in path[:-1]:
        parent = parent[key]
    if path:
        parent[path[-1]] = _mutate(parent[path[-1]])
    else:
        return
    report = verify(t, announced)
    assert report.exit_code == 1, (path, report.passed)
    assert report.failures


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_wrong_types_and_missing_keys_fail_without_crashing(opened, data: st.DataObject) -> None:
    transcript, announced = opened
    path = data.draw(st.sampled_from([p for p in _leaves(transcript) if p]))
    t = copy.deepcopy(transcript)
    parent = t
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        new = data.draw(st.sampled_from([None, 7, "x", [], {}, [1], {"a": 1}]))
        assume(new != parent[path[-1]] or type(new) is not type(parent[path[-1]]))
        parent[path[-1]] = new
    report = verify(t, announced)
    unrevealed = path == ("secret",) and t.get("secret") is None  # sealed again: exit 3
    assert report.exit_code == (3 if unrevealed else 1), (path, report.passed)


def test_small_frames_with_experts_verify_too() -> None:
    ents = _frame().entities[:3]
    item = FrameItem("i", "执法大队", (FrameGroup("g", 3, ids(ents)),), experts_required=1)
    frame = frame_of([item], list(ents), staff("执法大队", 3) + experts(2))
    c, secret = commit(frame, secret=secret_for(1))
    t = reveal(build_transcript(frame, c, [], run_draw(frame, secret)), secret)
    assert verify(t, c.commitment_hash).exit_code == 0
