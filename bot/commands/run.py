"""`shuangsuiji run`: start the bot (long polling by default, webhook as an option)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the bot", description="Start the bot.")
    p.add_argument("--webhook", action="store_true", help="use a webhook instead of long polling")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run_bot

    return run_bot(webhook=args.webhook)
