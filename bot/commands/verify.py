"""`shuangsuiji verify TRANSCRIPT`: 核验摇号记录 — check a draw transcript, re-run it if revealed.

With --commitment HASH the transcript's commitment must be the one announced before the draw.
Exit codes: 0 every selection and assignment re-computed and identical; 1 something differs
(each difference is printed); 3 nothing differs, but the secret is not revealed yet, so only the
hashes, sources, quotas and teams could be checked; 2 the file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.domain.draw.transcript import loads
from bot.domain.draw.verify import EXIT_DIFFERS, EXIT_VERIFIED, verify


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check a draw transcript and re-run the draw once the secret is revealed",
        description="Verify a draw transcript (摇号记录核验).",
    )
    p.add_argument("transcript", type=Path, help="the transcript JSON file")
    p.add_argument(
        "--commitment",
        metavar="HASH",
        help="the commitment hash that was announced before the draw (checked if given)",
    )
    p.add_argument("--quiet", action="store_true", help="print only failures and the verdict")
    p.set_defaults(func=_run)


def _verdict(code: int) -> str:
    if code == EXIT_VERIFIED:
        return "核验通过，抽取和匹配均已复现 / verified: every selection and assignment matches"
    if code == EXIT_DIFFERS:
        return "核验未通过 / verification FAILED"
    return (
        "密钥尚未公开：已核验哈希、公开随机源、抽查比例和人员条件，未发现问题 / "
        "secret not revealed yet: hashes, sources, quotas and teams check out; re-run pending"
    )


def _run(args: argparse.Namespace) -> int:
    try:
        transcript = loads(args.transcript.read_bytes())
    except (OSError, ValueError) as exc:
        print(f"无法读取 / cannot read {args.transcript}: {exc}", file=sys.stderr)
        return 2
    report = verify(transcript, args.commitment)
    if not args.quiet:
        for line in report.passed:
            print(f"ok    {line}")
    for line in report.failures:
        print(f"FAIL  {line}")
    print(_verdict(report.exit_code))
    return report.exit_code
