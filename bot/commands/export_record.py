"""`shuangsuiji export record INSPECTION_ID FILE`: a visit's 现场检查记录表 as printable HTML.

`export` is the registries' subcommand (bot/commands/registry.py: ``export entities|inspectors
FILE``); this module adds the kind ``record`` to it, which takes the visit id and then the file,
so the console has one `export` verb. Registered after bot.commands.registry in bot/cli.py.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import SettingsError, load_settings

USAGE = "shuangsuiji export record INSPECTION_ID FILE [--record-version N]"


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.choices.get("export")
    if export is None:  # the registries' export is not installed: stand alone
        export = sub.add_parser("export", help="export a record (导出检查记录)")
        export.add_argument("kind", choices=["record"])
        export.add_argument("file", type=Path)
        export.add_argument("--db", type=Path, help="database file")
        export.add_argument("--lang", choices=("zh-CN", "en"))
    kind = next(a for a in export._actions if a.dest == "kind")
    kind.choices = [*(kind.choices or []), "record"]
    kind.help = f"{kind.help or ''}; record = 现场检查记录表 ({USAGE})".lstrip("; ")
    export.add_argument("target", nargs="?", type=Path, help="for record: where to write (.html)")
    export.add_argument(
        "--record-version", type=int, help="for record: this version, not the newest"
    )
    export.description = (export.description or "") + (
        f" With `record`: {USAGE} writes the visit's record (现场检查记录表) as one printable "
        "HTML page with its photos embedded and every version listed."
    )
    original = export.get_default("func")

    def dispatch(args: argparse.Namespace) -> int:
        if args.kind == "record":
            return run(args)
        if args.target is not None:
            export.error(f"unrecognized arguments: {args.target}")
        return int(original(args))

    export.set_defaults(func=dispatch)


def run(args: argparse.Namespace) -> int:
    """Write the record; exit status 1 with a one-line reason when there is none."""
    raw = str(args.file)
    if not raw.isdigit() or args.target is None:
        print(f"usage: {USAGE}", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"shuangsuiji: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_export(settings, args, int(raw)))


async def _export(settings, args: argparse.Namespace, inspection_id: int) -> int:  # noqa: ANN001
    from bot.i18n import t
    from bot.services.errors import Refusal
    from bot.services.record_export import ExportOptions, export_record
    from storage.db import Database

    lang = getattr(args, "lang", None) or settings.language
    opts = ExportOptions(settings.evidence_dir, ZoneInfo(settings.timezone), lang)
    db = await Database.open(getattr(args, "db", None) or settings.database_path)
    try:
        path = await export_record(
            db,
            inspection_id,
            args.target,
            opts,
            version=args.record_version,
            bureau=settings.bureau_name,
        )
    except Refusal as r:
        print(f"shuangsuiji export record: {t(lang, r.key, **r.params)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"shuangsuiji export record: cannot write {args.target}: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(f"→ {path}")
    return 0
