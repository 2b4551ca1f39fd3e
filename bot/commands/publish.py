"""一公开 from the console:

    shuangsuiji publish                       publish the results due (as /publish does)
    shuangsuiji report quarterly 2026Q3 q.xlsx  调度表 (monthly 2026-09), 季度报表, or
                                              被检查次数年度统计 (annual 2026)
    shuangsuiji site DIR                      write the static site into DIR (publishes nothing)

The database, bureau, item list, site folder and public channel come from the settings; the
options override them. A channel post is queued in the outbox and sent by the running bot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.publication import PublishEnv
    from storage.db import Database

KINDS = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, help="database file (default: the database_path setting)")
    p.add_argument("--bureau", help="bureau code (default: the bureau_code setting)")
    p.add_argument("--items", type=Path, help="item list (default: SHUANGSUIJI_ITEMS_FILE)")
    p.add_argument("--now", help="act as of this ISO time, e.g. 2026-10-05T10:00+08:00")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="publish the inspection results due (结果公开)")
    _common(p)
    p.add_argument("--site", type=Path, help="site folder (default: the site_dir setting)")
    p.add_argument("--channel", type=int, help="public channel id (default: setting)")
    p.set_defaults(func=lambda a: _run(a, _publish))
    p = sub.add_parser("report", help="write a report: 调度表, 季度报表, 被检查次数年度统计 (XLSX)")
    p.add_argument("kind", choices=sorted(KINDS), help="monthly, quarterly or annual")
    p.add_argument("period", help="2026-09 (monthly), 2026Q3 (quarterly), 2026 (annual)")
    p.add_argument("file", type=Path, help="the XLSX file to write")
    _common(p)
    p.set_defaults(func=lambda a: _run(a, _report))
    p = sub.add_parser("site", help="write the static site (HTML, CSV, charts) into DIR")
    p.add_argument("dir", type=Path, help="the folder to write")
    _common(p)
    p.set_defaults(func=lambda a: _run(a, _site))


def _run(args: argparse.Namespace, action) -> int:  # noqa: ANN001
    return asyncio.run(_open(args, action))


async def _open(args: argparse.Namespace, action) -> int:  # noqa: ANN001
    from bot.domain.yaml_source import SourceError
    from bot.reminder_job import load_policy
    from bot.services.errors import Refusal
    from bot.services.publication import env_for
    from bot.settings import SettingsError, load_settings
    from storage.bureaus import bureau_id
    from storage.db import Database

    name = args.command
    try:
        overrides = {"items_file": args.items} if args.items else {}
        settings = load_settings(**overrides)
        now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("--now needs a time zone, e.g. +08:00")
        env = env_for(settings, load_policy(settings), now, "console")
    except (SettingsError, SourceError, ValueError) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    path = Path(args.db or settings.database_path)
    if not path.exists():
        print(f"{name}: no database at {path}", file=sys.stderr)
        return 2
    db = await Database.open(path)
    try:
        async with db.read() as conn:
            bid = await bureau_id(conn, args.bureau or settings.bureau_code)
        if bid is None:
            print(f"{name}: no bureau {args.bureau or settings.bureau_code!r} in {path}")
            return 2
        return await action(args, db, bid, env)
    except Refusal as r:
        from bot.i18n import t

        print(f"{name}: {t(env.lang, r.key, **r.params)}", file=sys.stderr)
        return 1
    finally:
        await db.close()


async def _publish(args: argparse.Namespace, db: Database, bid: int, env: PublishEnv) -> int:
    from dataclasses import replace

    from bot.services.publication import publish

    env = replace(
        env,
        site_dir=args.site or env.site_dir,
        channel_id=args.channel if args.channel is not None else env.channel_id,
    )
    out = await publish(db, bid, env)
    withheld = out.decision.withheld_whole()
    print(f"已公开 {len(out.decision.public)} 条，依法不予公开 {sum(withheld.values())} 条，"
          f"超过公开时限 {out.late} 条 / published {len(out.decision.public)}, "
          f"withheld {sum(withheld.values())}, late {out.late}")  # fmt: skip
    if out.corrected.public or out.corrected.withheld_whole():
        down = sum(out.corrected.withheld_whole().values())
        print(f"更正后重新公开 {len(out.corrected.public)} 条，撤下 {down} 条 / "
              f"republished {len(out.corrected.public)} corrected, taken down {down}")  # fmt: skip
    print(f"网站 / site: {out.site.index}")
    print(f"公开频道 / channel: {env.channel_id if out.posted else '—'}")
    return 0


async def _report(args: argparse.Namespace, db: Database, bid: int, env: PublishEnv) -> int:
    from bot.domain.periods import Period
    from bot.services.reports import write_report

    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    if period.kind.value != KINDS[args.kind]:
        print(
            f"report: {args.kind} needs a {KINDS[args.kind]}, not {period.label}", file=sys.stderr
        )
        return 2
    made = await write_report(db, bid, period, env, args.file)
    print(f"{made.title}（{period.label}）: {made.path}")
    return 0


async def _site(args: argparse.Namespace, db: Database, bid: int, env: PublishEnv) -> int:
    from bot.services.site import write_site

    async with db.read() as conn:
        site = await write_site(conn, bid, env, args.dir)
    print(f"网站 / site: {site.index} ({len(site.files)} files)")
    return 0
