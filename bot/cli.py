"""The console command `shuangsuiji` (also `python -m bot`).

Each subcommand lives in its own module under bot/commands/ and exposes
`register(subparsers) -> None`, which adds its parser and sets `func(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bot import __version__

COMMAND_MODULES = [
    "bot.commands.run",
    "bot.commands.demo",
    "bot.commands.invite",
    "bot.commands.maintenance",
    "bot.commands.workdays",
    "bot.commands.verify",
    "bot.commands.ceremony",
    "bot.commands.emulator",
    "bot.commands.registry",
    "bot.commands.export_record",  # adds `export record` to the registries' `export`
    "bot.commands.plan",
    "bot.commands.draw",  # draw, reveal, transcript
    "bot.commands.publish",  # publish, report, site (一公开)
]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="shuangsuiji",
        description="双随机助手: double-random, one-public inspections in Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"shuangsuiji {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one subcommand; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
