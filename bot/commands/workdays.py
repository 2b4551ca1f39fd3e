"""`shuangsuiji workdays add|check`: 工作日 arithmetic and day lookup from the console.

    shuangsuiji workdays add 2024-09-27 7        -> 2024-10-12
    shuangsuiji workdays check 2024-10-01        -> holiday 国庆节 National Day

Both take `--override FILE` (default: $SHUANGSUIJI_WORKDAYS_OVERRIDE). A bad date or count, a bad
override file or a year without holiday data prints the problem on stderr and exits with 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path

from bot.domain.workday_overrides import OverrideFileError
from bot.domain.workdays import CalendarYearMissing, WorkdayCalendar, load_calendar

OVERRIDE_ENV = "SHUANGSUIJI_WORKDAYS_OVERRIDE"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COUNT = re.compile(r"[-+]?\d+")


class _UsageProblem(ValueError):
    """A bad argument; the message is the one line to print."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add `workdays` with its `add` and `check` actions."""
    parser = sub.add_parser(
        "workdays",
        help="working-day (工作日) arithmetic under the State Council holiday notices",
        description="Working days (工作日) and adjusted working days (调休) from chinesecalendar "
        "plus the bureau's override file. See docs/workdays.md.",
    )
    actions = parser.add_subparsers(dest="workdays_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="print the N-th working day after DATE",
        description="Print the N-th working day after DATE as YYYY-MM-DD. The day after DATE "
        "counts as day 1; a negative N counts back; N = 0 prints DATE.",
    )
    add.add_argument("date", metavar="DATE", help="start date, YYYY-MM-DD")
    add.add_argument("n", metavar="N", help="number of working days, e.g. 7 or -3")
    _override_option(add)
    add.set_defaults(func=_add)

    check = actions.add_parser(
        "check",
        help="print whether DATE is a workday, weekend or holiday",
        description="Print 'workday', 'weekend' or 'holiday <name>' for DATE; an adjusted "
        "working weekend (调休) prints 'workday (adjusted: <holiday>)'.",
    )
    check.add_argument("date", metavar="DATE", help="the date, YYYY-MM-DD")
    _override_option(check)
    check.set_defaults(func=_check)


def _override_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--override",
        metavar="FILE",
        type=Path,
        default=None,
        help=f"override YAML file (default: ${OVERRIDE_ENV} if set)",
    )


def _parse_date(text: str) -> date:
    if not _DATE.fullmatch(text.strip()):
        raise _UsageProblem(f"not a date: {text!r} (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise _UsageProblem(f"not a date: {text!r} ({exc})") from None


def _parse_count(text: str) -> int:
    if not _COUNT.fullmatch(text.strip()):
        raise _UsageProblem(f"not a whole number of working days: {text!r}")
    return int(text)


def _calendar(args: argparse.Namespace) -> WorkdayCalendar:
    path = args.override
    if path is None and os.environ.get(OVERRIDE_ENV):
        path = Path(os.environ[OVERRIDE_ENV])
    return load_calendar(path)


def _fail(message: str) -> int:
    for line in message.splitlines() or [message]:
        print(f"shuangsuiji workdays: {line}", file=sys.stderr)
    return 2


def _add(args: argparse.Namespace) -> int:
    try:
        start, n = _parse_date(args.date), _parse_count(args.n)
        print(_calendar(args).add_workdays(start, n).isoformat())
    except (_UsageProblem, OverrideFileError, CalendarYearMissing) as exc:
        return _fail(str(exc))
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        day = _parse_date(args.date)
        print(_calendar(args).kind(day))
    except (_UsageProblem, OverrideFileError, CalendarYearMissing) as exc:
        return _fail(str(exc))
    return 0
