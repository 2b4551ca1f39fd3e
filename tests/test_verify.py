"""Verify (核验): before and after the reveal, and tampering with any input or output."""

from __future__ import annotations

import copy

import pytest

from bot.cli import main
from bot.domain.draw import (
    DrawResult,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
    build_transcript,
    canonical_result,
    commit,
    dumps,
    reveal,
    run_draw,
    verify,
)
from bot.domain.draw.canonical import canonical_json, json_hash
from bot.domain.draw.snapshot import frame_from_json
from tests.test_draw_fixtures import experts, frame_of, ids, secret_for, staff

SOURCES = ["体彩排列5 第26123期", "沪深300 收盘点位"]
VALUES = ["3 8 1 0 6", "3894.27"]


def _frame():
    ents = [
        FrameEntity(f"91130600MA0{i:02d}", {"region": "东区" if i % 2 else "西区"})
        for i in range(30)
    ]
    key = ents[:10]
    items = [
        FrameItem("water", "执法大队", (FrameGroup("key", 5, ids(key), frozenset(ids(key[:4]))),)),
        FrameItem(
            "radiation",
            "辐射科",
            (FrameGroup("east", 10, ids(ents), target={"region": ("东区",)}),),
            frozenset({"辐射"}),
            2,
            1,
        ),
    ]
    people = (
        staff("执法大队", 5)
        + [FrameInspector("执法大队-05", "执法大队", recused=frozenset({ents[0].stable_id}))]
        + staff("辐射科", 4, expertise=frozenset({"辐射"}))
        + experts(3, {"辐射"})
    )
    previous = {ents[1].stable_id: frozenset({"执法大队-00", "执法大队-01"})}
    return frame_of(items, ents, people, previous)


@pytest.fixture
def drawn():
    frame = _frame()
    commitment, secret = commit(frame, SOURCES, secret=secret_for(42))
    result = run_draw(frame, secret, VALUES, commitment.snapshot_hash)
    assert isinstance(result, DrawResult) and result.joint_inspections > 0
    sealed = build_transcript(frame, commitment, VALUES, result)
    return sealed, reveal(sealed, secret), secret


def _failures(transcript) -> str:
    report = verify(transcript)
    assert report.exit_code == 1, report.passed
    return "\n".join(report.failures)


def _rehash(t):
    t["result_hash"] = json_hash(t["result"])
    return t


def test_before_the_reveal_what_can_be_checked_passes(drawn) -> None:
    sealed, _, _ = drawn
    report = verify(sealed)
    assert report.ok and not report.complete and report.exit_code == 3
    assert any("not revealed" in line for line in report.passed)


def test_after_the_reveal_every_selection_and_assignment_matches(drawn) -> None:
    _, opened, _ = drawn
    report = verify(opened)
    assert report.exit_code == 0, report.failures
    assert "re-run: every selection and assignment matches" in report.passed


def test_the_rerun_gives_byte_identical_canonical_results(drawn) -> None:
    _, opened, secret = drawn
    frame = frame_from_json(opened["snapshot"])
    rerun = run_draw(frame, secret, opened["public_sources"]["values"])
    assert canonical_result(rerun) == canonical_json(opened["result"])


def test_a_changed_entity_fails_and_names_the_entities_section(drawn) -> None:
    _, opened, _ = drawn
    t = copy.deepcopy(opened)
    t["snapshot"]["entities"][3]["attributes"]["region"] = "北区"
    assert "snapshot section entities differs" in _failures(t)


def test_a_changed_quota_fails_and_names_item_and_group(drawn) -> None:
    sealed, _, _ = drawn
    t = copy.deepcopy(sealed)
    t["snapshot"]["items"][1]["groups"][0]["quota"] = 6
    text = _failures(t)
    assert "snapshot section items differs" in text
    assert "item water group key: quota 6 in the frame, 5 in the result" in text


def test_a_changed_assignment_fails_before_and_after_the_reveal(drawn) -> None:
    sealed, opened, _ = drawn
    visit = opened["result"]["inspections"][0]
    pool = [f"执法大队-0{i}" for i in range(6)] + [f"辐射科-0{i}" for i in range(4)]
    dept = "执法大队" if visit["inspectors"][0].startswith("执法大队") else "辐射科"
    swap = next(k for k in pool if k.startswith(dept) and k not in visit["inspectors"])
    for t in (copy.deepcopy(sealed), copy.deepcopy(opened)):
        t["result"]["inspections"][0]["inspectors"][0] = swap
        assert "result_hash does not match" in _failures(t)
    t = _rehash(copy.deepcopy(opened))
    t["result"]["inspections"][0]["inspectors"][0] = swap
    text = _failures(_rehash(t))
    assert f"result.inspections[0] (entity={visit['entity']}).inspectors" in text


def test_an_assignment_to_a_recused_inspector_is_caught_before_the_reveal(drawn) -> None:
    sealed, _, _ = drawn
    t = copy.deepcopy(sealed)
    visit = next(v for v in t["result"]["inspections"] if v["entity"].endswith("00"))
    visit["inspectors"][0] = "执法大队-05"
    assert "执法大队-05 is recused for this entity" in _failures(_rehash(t))


def test_a_changed_selection_fails_naming_the_selection(drawn) -> None:
    _, opened, _ = drawn
    t = copy.deepcopy(opened)
    sel = t["result"]["selections"][0]
    spare = next(s for s in t["snapshot"]["entities"] if s["id"] not in sel["selected"])
    sel["selected"][-1] = spare["id"]
    text = _failures(_rehash(t))
    assert "(item=radiation, group=east).selected" in text or "item radiation group east" in text


def test_wrong_secret_and_changed_sources_fail(drawn) -> None:
    sealed, opened, _ = drawn
    t = copy.deepcopy(opened)
    t["secret"] = secret_for(43).hex()
    assert "does not match the committed secret hash" in _failures(t)
    t = copy.deepcopy(opened)
    t["public_sources"]["values"][0] = "3 8 1 0 7"
    assert "key_string" in _failures(t)
    t = copy.deepcopy(opened)
    t["public_sources"] = {"values": ["3 8 1 0 7", "3894.27"], "key_string": "0.1.3.7.8./3894.27/"}
    assert "re-run differs" in _failures(t)
    t = copy.deepcopy(sealed)
    t["public_sources"]["values"] = VALUES[:1]
    assert "2 public source(s) were declared but 1" in _failures(t)
    with pytest.raises(ValueError):
        reveal(sealed, secret_for(43))


def test_changed_period_or_commitment_fails(drawn) -> None:
    _, opened, _ = drawn
    t = copy.deepcopy(opened)
    t["commitment"]["period"] = "2026Q4"
    assert "snapshot period '2026Q3' differs from the committed '2026Q4'" in _failures(t)
    t = copy.deepcopy(opened)
    t["snapshot"]["previous_pairs"] = {}
    assert "snapshot section previous_pairs differs" in _failures(t)


def test_verify_command_exit_codes(drawn, tmp_path, capsys) -> None:
    sealed, opened, _ = drawn
    paths = {}
    for name, t in [("sealed", sealed), ("opened", opened)]:
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_bytes(dumps(t))
    assert main(["verify", str(paths["opened"])]) == 0
    assert "verified" in capsys.readouterr().out
    announced = json_hash(opened["commitment"])
    assert main(["verify", "--commitment", announced, str(paths["opened"])]) == 0
    assert main(["verify", "--commitment", "ab" * 32, str(paths["opened"])]) == 1
    assert "commitment differs from the announced one" in capsys.readouterr().out
    assert main(["verify", str(paths["sealed"])]) == 3
    assert "secret not revealed yet" in capsys.readouterr().out
    bad = copy.deepcopy(opened)
    bad["result"]["staff_cap"] += 1
    paths["bad"] = tmp_path / "bad.json"
    paths["bad"].write_bytes(dumps(_rehash(bad)))
    assert main(["verify", "--quiet", str(paths["bad"])]) == 1
    out = capsys.readouterr().out
    assert "FAIL  result.staff_cap" in out and "ok " not in out
    assert main(["verify", str(tmp_path / "missing.json")]) == 2
