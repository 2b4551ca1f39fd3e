"""`shuangsuiji ceremony`: 公证摇号 — select K entries of a published list by RFC 3797.

The pool file holds one entry per line (blank lines are skipped; entry n is the n-th non-blank
line). Sources are the public numbers drawn in the ceremony (lottery balls…), one --source each,
in the announced order. The selected entries are printed one per line, in selection order;
--explain also prints the key string and the RFC-style table to standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.domain.draw.rfc3797 import key_string, select


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ceremony",
        help="public lottery-ball draw (公证摇号) over a published list, by RFC 3797",
        description="Select K entries of a published list with the RFC 3797 algorithm.",
    )
    p.add_argument("--pool", required=True, type=Path, help="file with one entry per line")
    p.add_argument(
        "--source",
        action="append",
        required=True,
        help='one public source, e.g. "2 5 12 8 10" (repeat, in the announced order)',
    )
    p.add_argument("--count", required=True, type=int, help="how many entries to select (K)")
    p.add_argument("--explain", action="store_true", help="print the key string and table")
    p.set_defaults(func=_run)


def read_pool(path: Path) -> list[str]:
    """The pool's entries: non-blank lines, UTF-8 (with or without BOM) or else GB18030."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _run(args: argparse.Namespace) -> int:
    try:
        pool = read_pool(args.pool)
        key = key_string(args.source)
        picks = select(len(pool), key, args.count)
    except (OSError, ValueError) as exc:
        print(f"摇号失败 / ceremony failed: {exc}", file=sys.stderr)
        return 2
    if args.explain:
        print(f"key string: {key}", file=sys.stderr)
        print(" index        hex value of MD5        div  selected", file=sys.stderr)
        for p in picks:
            row = f"{p.order:5d}  {p.md5_hex}  {p.divisor:3d}  -> {p.position:2d} <-"
            print(f"{row} {pool[p.position - 1]}", file=sys.stderr)
    for p in picks:
        print(pool[p.position - 1])
    return 0
