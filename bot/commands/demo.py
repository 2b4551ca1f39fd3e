"""`shuangsuiji demo`: the real bot against the built-in emulator, telling the story so far."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="play the demo against the built-in emulator (no token, no network)",
        description="Start the emulator and the real bot on a temporary database, generate a "
        "sample bureau and play its story, printing the chat transcript.",
    )
    p.add_argument("--lang", choices=["zh-CN", "en"], default="zh-CN", help="language")
    p.add_argument("--out", type=Path, help="write every artefact into this folder")
    p.add_argument("--entities", type=int, default=60, help="entities in the sample bureau")
    p.add_argument("--inspectors", type=int, default=12, help="inspectors in the sample bureau")
    p.add_argument("--seed", type=int, default=7, help="seed of the sample bureau")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    from bot.demo.story import DemoOptions, play

    logging.basicConfig(level=logging.WARNING)
    opts = DemoOptions(args.lang, args.out, args.entities, args.inspectors, args.seed)
    return asyncio.run(play(opts))
