"""`shuangsuiji workdays add|check` through bot.cli.main."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.workdays import OVERRIDE_ENV

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "workdays-override.example.yaml"

# TEST FIXTURE, MADE UP: completes a fake "2027"; not the State Council's 2027 schedule.
MADE_UP_2027_FIXTURE = """\
years:
  2027:
    notice: TEST FIXTURE (made up)
    complete: true
    holidays: [{date: 2027-01-01, name_zh: 元旦}]
    workdays: [2027-01-02]
"""


@pytest.fixture(autouse=True)
def _no_override_from_the_environment(monkeypatch):
    monkeypatch.delenv(OVERRIDE_ENV, raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["add", "2024-09-27", "7"], "2024-10-12"),  # across 国庆节, ends on the worked Saturday
        (["add", "2024-09-27", "1"], "2024-09-29"),  # the worked Sunday
        (["add", "2024-10-01", "1"], "2024-10-08"),
        (["add", "2024-10-08", "-1"], "2024-09-30"),
        (["add", "2024-10-08", "-2"], "2024-09-29"),
        (["add", "2025-01-27", "+1"], "2025-02-05"),
        (["add", "2024-10-03", "0"], "2024-10-03"),
        (["check", "2024-10-01"], "holiday 国庆节 National Day"),
        (["check", "2025-01-29"], "holiday 春节 Spring Festival"),
        (["check", "2024-09-28"], "weekend"),
        (["check", "2024-09-30"], "workday"),
        (["check", "2025-10-11"], "workday (adjusted: 国庆节 National Day)"),
    ],
)
def test_prints_the_answer(capsys, argv, expected):
    code, out, err = run(capsys, "workdays", *argv)
    assert (code, out, err) == (0, expected + "\n", "")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["add", "2026-13-01", "1"], "not a date: '2026-13-01'"),
        (["add", "2026-02-30", "1"], "not a date: '2026-02-30'"),
        (["check", "20260101"], "not a date: '20260101' (expected YYYY-MM-DD)"),
        (["add", "2026-12-01", "seven"], "not a whole number of working days: 'seven'"),
        (["add", "2026-12-01", "1.5"], "not a whole number of working days: '1.5'"),
        (["check", "2027-01-04"], "no working-day calendar for 2027"),
        (["add", "2026-12-04", "20"], "国务院办公厅关于2027年部分节假日安排的通知"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, "workdays", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and fragment in err, err


def test_override_file_completes_a_year(capsys, tmp_path):
    path = tmp_path / "fixture.yaml"
    path.write_text(MADE_UP_2027_FIXTURE, encoding="utf-8")
    assert run(capsys, "workdays", "check", "2027-01-01", "--override", str(path)) == (
        0,
        "holiday 元旦 New Year's Day\n",
        "",
    )
    assert run(capsys, "workdays", "add", "2026-12-31", "1", "--override", str(path)) == (
        0,
        "2027-01-02\n",
        "",
    )
    code, _, err = run(capsys, "workdays", "check", "2028-01-03", "--override", str(path))
    assert code == 2 and f"add year 2028 to the override file {path}" in err


def test_override_file_from_the_environment(capsys, monkeypatch):
    assert run(capsys, "workdays", "add", "2025-03-28", "1")[1] == "2025-03-31\n"
    monkeypatch.setenv(OVERRIDE_ENV, str(EXAMPLE))
    assert run(capsys, "workdays", "add", "2025-03-28", "1")[1] == "2025-04-01\n"  # 肉孜节
    assert run(capsys, "workdays", "check", "2025-03-31")[1] == "holiday 肉孜节 Eid al-Fitr\n"


def test_bad_override_file_exits_2_naming_the_file(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("years:\n  2027:\n    complete: true\n", encoding="utf-8")
    code, out, err = run(capsys, "workdays", "check", "2026-01-01", "--override", str(path))
    assert (code, out) == (2, "")
    assert f"{path}:3: years.2027.notice: Field required" in err
    code, _, err = run(capsys, "workdays", "check", "2026-01-01", "--override", "/nonexistent.yaml")
    assert code == 2 and "/nonexistent.yaml: override file not found" in err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["workdays", "--help"], "ACTION"),
        (["workdays", "add", "--help"], "N-th working day after DATE"),
        (["workdays", "check", "--help"], "'holiday <name>'"),
    ],
)
def test_help(capsys, argv, fragment):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    assert fragment in capsys.readouterr().out.replace("\n", " ")
