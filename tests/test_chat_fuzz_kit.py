"""The fuzz kit's named values: equal to the plain text or bytes they stand for, printed short,
so a failing example's report keeps its error in sight (a CI log keeps only its tail)."""

from __future__ import annotations

import json

from hypothesis.vendor.pretty import pretty

from tests.chat_fuzz_kit import BIG, LONG, NASTY, named, sweep
from tests.test_chat_fuzz_records import DATA, FREE_TEXT


def test_a_named_value_is_the_value_but_prints_as_its_name() -> None:
    text, body = named("字" * 5000, "LONG5000"), named(b"\x00" * 5000, "ZEROS")
    assert text == "字" * 5000 and hash(text) == hash("字" * 5000) and body == b"\x00" * 5000
    assert json.dumps(text) == json.dumps("字" * 5000) and text[:2] == "字字"
    assert (repr(text), repr(body)) == ("LONG5000", "ZEROS")
    assert pretty([("text", text), ("file", body)]) == "[('text', LONG5000), ('file', ZEROS)]"
    assert LONG in NASTY and repr(LONG) == "LONG"


def test_the_whole_catalogue_prints_in_a_few_kilobytes() -> None:
    example = sweep(12, DATA, free_text=FREE_TEXT)
    size = sum(len(arg[1]) for step in example for kind, arg in step if kind == "file")
    assert size > BIG  # the 20 MB body is in it
    assert len(pretty(example)) < 20_000  # megabytes if the long values printed in full
