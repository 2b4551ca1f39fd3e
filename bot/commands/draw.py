"""`shuangsuiji draw | reveal | transcript`: the draw (摇号) from the console.

    shuangsuiji draw 2026Q3 --preview                  # quotas, inspectors, feasibility; no write
    shuangsuiji draw 2026Q3                            # commit and draw at once
    shuangsuiji draw 2026Q3 --target region=崔庄镇     # 定向抽查: only entities of that region
    shuangsuiji draw 2026Q3 --source "体彩排列5 第26123期"   # commit now, draw once it is drawn
    shuangsuiji draw 2026Q3 --values "3 8 1 0 6"       # …then draw with the source's numbers
    shuangsuiji reveal 2026Q3                          # publish the secret after the visits
    shuangsuiji transcript 2026Q3 draw-2026Q3.json     # export for `shuangsuiji verify`

The bureau and database come from the settings (or --bureau / --db); the item list from
--items or SHUANGSUIJI_ITEMS_FILE. Exit codes: 0 done, 1 refused (the reason is printed), 2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import t

if TYPE_CHECKING:
    from bot.services.draws import DrawEnv
    from bot.settings import Settings
    from storage.db import Database


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "draw",
        help="preview, commit and run a period's draw (摇号)",
        description="Preview (--preview), or commit and draw a period; with --source, commit "
        "now and draw later with --values.",
    )
    p.add_argument("period", help="the period, e.g. 2026Q3")
    p.add_argument("--items", type=Path, help="item list YAML (default: the items_file setting)")
    p.add_argument("--preview", action="store_true", help="only show the preview; write nothing")
    p.add_argument(
        "--source", action="append", default=[], metavar="TEXT",
        help="a public source to use, declared now (e.g. a future lottery draw); repeatable",
    )  # fmt: skip
    p.add_argument(
        "--values", action="append", default=[], metavar="NUMBERS",
        help="the declared sources' drawn numbers, in order; draws a committed period",
    )  # fmt: skip
    p.add_argument(
        "--target", action="append", default=[], metavar="NAME=V[,V]",
        help="targeted draw (定向抽查): region=…, industry_code=…, credit_rating=… or tag:NAME=…",
    )  # fmt: skip
    _common(p)
    p.set_defaults(func=_draw)

    r = sub.add_parser("reveal", help="publish a draw's secret once its visits are done")
    r.add_argument("period", help="the period, e.g. 2026Q3")
    r.add_argument("--today", type=date.fromisoformat, help="the date to judge by (YYYY-MM-DD)")
    r.add_argument("--items", type=Path, help="item list YAML (default: the items_file setting)")
    _common(r)
    r.set_defaults(func=_reveal)

    x = sub.add_parser("transcript", help="export a draw's transcript for `shuangsuiji verify`")
    x.add_argument("period", help="the period, e.g. 2026Q3")
    x.add_argument("file", type=Path, help="where to write the transcript JSON")
    _common(x)
    x.set_defaults(func=_transcript)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bureau", help="bureau code (default: the bureau_code setting)")
    p.add_argument("--db", type=Path, help="database file (default: the database_path setting)")
    p.add_argument("--lang", choices=("zh-CN", "en"), help="text language (default: setting)")


def _draw(args: argparse.Namespace) -> int:
    return _run(args, _do_draw)


def _reveal(args: argparse.Namespace) -> int:
    return _run(args, _do_reveal)


def _transcript(args: argparse.Namespace) -> int:
    return _run(args, _do_transcript)


def _run(args: argparse.Namespace, action) -> int:  # noqa: ANN001
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_with_db(args, settings, action))


async def _with_db(args: argparse.Namespace, settings: Settings, action) -> int:  # noqa: ANN001
    from bot.services.draws import DrawInfeasible, parse_period
    from bot.services.errors import Refusal
    from storage.bureaus import ensure_bureau
    from storage.db import Database

    lang = args.lang or settings.language
    db = await Database.open(args.db or settings.database_path)
    try:
        async with db.tx() as conn:
            bid = await ensure_bureau(
                conn, args.bureau or settings.bureau_code, settings.bureau_name
            )
        today = datetime.now(ZoneInfo(settings.timezone)).date()
        period = parse_period(args.period, today)
        return await action(args, settings, db, bid, period, lang)
    except DrawInfeasible as no:
        print(t(lang, no.key, **{**no.params, "lines": no.lines(lang)}), file=sys.stderr)
        return 1
    except Refusal as r:
        print(t(lang, r.key, **r.params), file=sys.stderr)
        return 1
    finally:
        await db.close()


def _env(args: argparse.Namespace, settings: Settings) -> DrawEnv:
    from bot.reminder_job import load_policy
    from bot.services.draws import env_from_settings

    if getattr(args, "items", None):
        settings = settings.model_copy(update={"items_file": args.items})
    files = (args.db.parent if args.db else settings.database_path.parent) / "draws"
    return replace(env_from_settings(settings, load_policy(settings)), files_dir=files)


async def _do_draw(args, settings, db: Database, bid: int, period, lang: str) -> int:  # noqa: ANN001
    from bot.services.draw_preview import check_target, preview
    from bot.services.draw_run import draw_committed, run
    from bot.services.draw_texts import done_text, render_preview

    env = _env(args, settings)
    if args.values:
        done = await draw_committed(db, bid, period, "cli", env, args.values)
        print(done_text(done, lang))
        return 0
    target = check_target(args.target)
    shown = await preview(db, bid, period, env, target)
    print(render_preview(shown, lang))
    if args.preview or not shown.drawable:
        return 0 if shown.drawable else 1
    done = await run(db, bid, period, "cli", env, declared_sources=args.source, target=target)
    print()
    print(done_text(done, lang))
    if done.list_path:
        print(f"→ {done.list_path}")
    return 0


async def _do_reveal(args, settings, db: Database, bid: int, period, lang: str) -> int:  # noqa: ANN001
    from bot.services.draw_reveal import reveal_secret

    today = args.today or datetime.now(ZoneInfo(settings.timezone)).date()
    shown = await reveal_secret(db, bid, period, "cli", _env(args, settings), today=today)
    print(
        t(
            lang, "reveal_done", period=shown.period, secret=shown.secret,
            commitment_hash=shown.commitment_hash,
        )
    )  # fmt: skip
    print(f"→ {shown.path}")
    return 0


async def _do_transcript(args, settings, db: Database, bid: int, period, lang: str) -> int:  # noqa: ANN001
    from bot.services.draw_reveal import export_transcript

    data = await export_transcript(db, bid, period)
    args.file.write_bytes(data)
    print(f"→ {args.file}")
    return 0
