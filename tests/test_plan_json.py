"""docs/plan-json.md documents exactly what `plan --json` prints (field by field, on Xushui)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "plan-json.md"


def documented() -> dict:
    block = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block, "docs/plan-json.md lost its example"
    return json.loads(block.group(1))


def actual(capsys) -> dict:
    ex = ROOT / "examples"
    code = main([
        "plan", "--year", "2020", "--items", str(ex / "xushui-2020.yaml"), "--json",
        "--with-entities", "--entities", str(ex / "xushui-2020-entities.csv"),
        "--inspectors", str(ex / "xushui-2020-inspectors.csv"),
    ])  # fmt: skip
    assert code == 0
    return json.loads(capsys.readouterr().out)


def shape(value: object) -> object:
    """Keys (recursively) and value types, with arrays reduced to their first element."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_the_example_has_the_shape_of_the_real_output(capsys):
    doc, out = documented(), actual(capsys)
    assert shape(doc["items"][0]["groups"][0]) == shape(out["items"][0]["groups"][1])
    top = {k: v for k, v in out.items() if k != "unplanned"}
    assert set(doc) == set(out)
    assert shape({**doc, "items": [], "entity_list": []}) == shape(
        {**top, "unplanned": [], "items": [], "entity_list": []}
    )
    assert shape(doc["entity_list"]) == shape(out["entity_list"])


def test_the_example_values_are_the_real_ones(capsys):
    doc, out = documented(), actual(capsys)
    item = {k: v for k, v in out["items"][0].items() if k != "groups"}
    assert {k: v for k, v in doc["items"][0].items() if k != "groups"} == item
    key = out["items"][0]["groups"][1]
    doc_key = doc["items"][0]["groups"][0]
    assert {k: v for k, v in doc_key.items() if k != "periods"} == {
        k: v for k, v in key.items() if k != "periods"
    }
    assert doc_key["periods"] == [key["periods"][3]]
    assert doc["entity_list"][0] in out["entity_list"]
    assert {k: doc[k] for k in ("registry", "total", "publish_by", "year")} == {
        k: out[k] for k in ("registry", "total", "publish_by", "year")
    }


def test_every_documented_field_is_in_the_tables():
    text = DOC.read_text(encoding="utf-8")
    tables = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    doc = documented()
    group = doc["items"][0]["groups"][0]
    fields = (
        set(doc) | set(doc["items"][0]) | set(group) | set(group["periods"][0])
        | set(doc["entity_list"][0])
    )  # fmt: skip
    missing = [f for f in fields if f"`{f}`" not in tables and f"`registry.{f}`" not in tables]
    assert not missing, missing
