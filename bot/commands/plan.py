"""`shuangsuiji plan`: the year's inspection plan (年度抽查计划) from the item list and registry.

    shuangsuiji plan --year 2020 --items examples/xushui-2020.yaml
    shuangsuiji plan --year 2020 --items examples/xushui-2020.yaml --json
    shuangsuiji plan --year 2020 --items FILE --xlsx plan-2020.xlsx

The registry is the bureau's in the database; `--entities FILE --inspectors FILE` plan from
registry files instead (read into a temporary database, with the importer's checks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.itemlist import ItemList
from bot.domain.plan import Plan
from bot.domain.plan_text import plan_json, render_plan
from bot.domain.yaml_source import SourceError

if TYPE_CHECKING:
    from bot.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="print the year's inspection plan (年度抽查计划)",
        description="Per check item, target group and period: the population, the quota and the "
        "rule that produced it, and the year's entity-visits (家次).",
    )
    p.add_argument("--year", type=int, required=True, help="the plan's year, e.g. 2026")
    p.add_argument(
        "--items", type=Path, help="item list YAML (default: the SHUANGSUIJI_ITEMS_FILE setting)"
    )
    p.add_argument("--json", action="store_true", help="print JSON (docs/plan-json.md)")
    p.add_argument("--with-entities", action="store_true", help="JSON: add the entity list")
    p.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the plan as published")
    p.add_argument("--lang", choices=("zh-CN", "en"), help="text language (default: setting)")
    p.add_argument("--bureau", help="bureau code (default: the bureau_code setting)")
    p.add_argument("--db", type=Path, help="database file (default: the database_path setting)")
    p.add_argument("--entities", type=Path, metavar="FILE", help="plan from this entity file")
    p.add_argument("--inspectors", type=Path, metavar="FILE", help="…and this inspector file")
    p.set_defaults(func=_plan)


def _plan(args: argparse.Namespace) -> int:
    from bot.services.plan import read_item_list
    from bot.settings import SettingsError, load_settings

    if not 1 <= args.year <= 9999:
        print(f"plan: --year {args.year} is not a year", file=sys.stderr)
        return 2
    if (args.entities is None) != (args.inspectors is None):
        print("plan: give both --entities and --inspectors, or neither", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"plan: {exc}", file=sys.stderr)
        return 2
    items_path = args.items or settings.items_file
    if not items_path:
        print("plan: no item list: pass --items FILE", file=sys.stderr)
        return 2
    try:
        items = read_item_list(items_path)
    except SourceError as exc:
        print(f"plan: the item list was refused:\n{exc}", file=sys.stderr)
        return 1
    lang = args.lang or settings.language
    plan = asyncio.run(_build(args, settings, items))
    if plan is None:
        return 1
    return _output(args, plan, lang)


async def _build(args: argparse.Namespace, settings: Settings, items: ItemList) -> Plan | None:
    from bot.services.plan import plan_for_bureau
    from storage.bureaus import bureau_id
    from storage.db import Database

    if args.entities is not None:
        return await _from_files(args, items)
    path = Path(args.db or settings.database_path)
    code = args.bureau or settings.bureau_code
    if not path.exists():
        print(f"plan: no database at {path}; import a registry first", file=sys.stderr)
        return None
    db = await Database.open(path)
    try:
        async with db.read() as conn:
            bid = await bureau_id(conn, code)
        if bid is None:
            print(f"plan: no bureau {code!r} in {path}; import its registry first", file=sys.stderr)
            return None
        return await plan_for_bureau(db, bid, items, args.year)
    finally:
        await db.close()


async def _from_files(args: argparse.Namespace, items: ItemList) -> Plan | None:
    from bot.services.plan import plan_for_bureau
    from bot.services.registry_io import import_registry
    from storage.bureaus import ensure_bureau
    from storage.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "plan.db")
        try:
            async with db.tx() as conn:
                bid = await ensure_bureau(conn, "plan", items.bureau)
            for kind, path in (("entities", args.entities), ("inspectors", args.inspectors)):
                report = await import_registry(db, bid, kind, path)
                if not report.ok:
                    print(report.render(args.lang or "zh-CN"), file=sys.stderr)
                    return None
            return await plan_for_bureau(db, bid, items, args.year)
        finally:
            await db.close()


def _output(args: argparse.Namespace, plan: Plan, lang: str) -> int:
    from bot.services.plan import write_plan_xlsx

    if args.xlsx is not None:
        try:
            write_plan_xlsx(plan, args.xlsx)
        except OSError as exc:
            print(f"plan: cannot write {args.xlsx}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    if args.json:
        data = plan_json(plan, with_entities=args.with_entities)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_plan(plan, lang))
        if args.xlsx is not None:
            print(f"→ {args.xlsx}")
    return 0
