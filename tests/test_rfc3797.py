"""RFC 3797 (公证摇号): the RFC's own worked example (section 6), canonical sources, the CLI."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.domain.draw.rfc3797 import canonical_source, canonical_value, key_string, select

RFC_SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"

# RFC 3797 section 6, "Fully Worked Example": the table of MD5 values, divisors and selections.
RFC_TABLE = [
    ("990DD0A5692A029A98B5E01AA28F3459", 25, 17),
    ("3691E55CB63FCC37914430B2F70B5EC6", 24, 7),
    ("FE814EDF564C190AC1D25753979990FA", 23, 2),
    ("1863CCACEB568C31D7DDBDF1D4E91387", 22, 16),
    ("F4AB33DF4889F0AF29C513905BE1D758", 21, 25),
    ("13EAEB529F61ACFB9A29D0BA3A60DE4A", 20, 23),
    ("992DB77C382CA2BDB9727001F3CDCCD9", 19, 8),
    ("63AB4258ECA922976811C7F55C383CE7", 18, 24),
    ("DFBC5AC97CED01B3A6E348E3CC63F40D", 17, 19),
    ("31CB111C4A4EBE9287CEAE16FE51B909", 16, 13),
    ("07FA46C122F164C215BBC72793B189A3", 15, 22),
    ("AC52F8D75CCBE2E61AFEB3387637D501", 14, 5),
    ("53306F73E14FC0B2FBF434218D25948E", 13, 18),
    ("B5D1403501A81F9A47318BE7893B347C", 12, 9),
    ("85B10B356AA06663EF1B1B407765100A", 11, 1),
    ("3269E6CE559ABD57E2BA6AAB495EB9BD", 10, 4),
]

# The RFC's example pool of 25 volunteers, in its numbering.
RFC_POOL = [
    "John",
    "Mary",
    "Bashful",
    "Dopey",
    "Sleepy",
    "Grouchy",
    "Doc",
    "Sneazy",
    "Handsome",
    "Cassandra",
    "Pollyanna",
    "Pendragon",
    "Pandora",
    "Faith",
    "Hope",
    "Charity",
    "Lee",
    "Longsuffering",
    "Chastity",
    "Smith",
    "Pride",
    "Sloth",
    "Envy",
    "Anger",
    "Kasczynski",
]


def test_key_string_of_the_rfc_example() -> None:
    assert key_string(RFC_SOURCES) == RFC_KEY


def test_rfc_worked_example_reproduced_exactly() -> None:
    picks = select(25, RFC_KEY, 16)
    assert [(p.md5_hex, p.divisor, p.position) for p in picks] == RFC_TABLE
    assert [p.order for p in picks] == list(range(1, 17))


@pytest.mark.parametrize(
    ("token", "form"),
    [("007", "7."), ("0", "0."), ("2.50", "2.5"), ("0.5", "0.5"), ("10.0", "10."), ("00", "0.")],
)
def test_canonical_values(token: str, form: str) -> None:
    assert canonical_value(token) == form


def test_values_sorted_numerically_and_separators_accepted() -> None:
    assert canonical_source("10 9 100") == "9.10.100./"
    assert canonical_source("12，8、5,  2") == "2.5.8.12./"
    assert canonical_source("1.5 1.25") == "1.25" + "1.5" + "/"


@pytest.mark.parametrize("bad", ["", "   ", "-3", "abc", "1e5", "3 four"])
def test_non_numbers_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        canonical_source(bad)


def test_select_bounds() -> None:
    with pytest.raises(ValueError):
        select(5, RFC_KEY, 6)
    with pytest.raises(ValueError):
        select(0, RFC_KEY, 0)
    assert select(5, RFC_KEY, 0) == []


@given(st.integers(1, 60), st.data())
def test_selection_is_a_prefix_stable_permutation(pool: int, data: st.DataObject) -> None:
    count = data.draw(st.integers(0, pool))
    full = [p.position for p in select(pool, RFC_KEY, pool)]
    assert sorted(full) == list(range(1, pool + 1))
    assert [p.position for p in select(pool, RFC_KEY, count)] == full[:count]


def test_ceremony_command_prints_the_rfc_selection(tmp_path, capsys) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("\n".join(RFC_POOL) + "\n\n", encoding="utf-8")
    args = ["ceremony", "--pool", str(pool), "--count", "11"]
    for source in ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]:
        args += ["--source", source]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    expected = [RFC_POOL[position - 1] for _, _, position in RFC_TABLE[:11]]
    assert out == expected
    assert out[:4] == ["Lee", "Doc", "Mary", "Charity"]


def test_ceremony_command_reads_gbk_pools_and_rejects_bad_counts(tmp_path, capsys) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_bytes("甲公司\n乙公司\n丙公司\n".encode("gbk"))
    assert main(["ceremony", "--pool", str(pool), "--source", "7", "--count", "3"]) == 0
    assert sorted(capsys.readouterr().out.split()) == ["丙公司", "乙公司", "甲公司"]
    assert main(["ceremony", "--pool", str(pool), "--source", "7", "--count", "4"]) == 2
