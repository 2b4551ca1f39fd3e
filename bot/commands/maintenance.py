"""`shuangsuiji audit verify` and `shuangsuiji backup FILE`: checking and copying the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import SettingsError, load_settings
from storage import audit
from storage.db import Database, backup_to


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        "audit", help="check the audit log (审计日志)", description="Audit log tools."
    )
    asub = a.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser(
        "verify", help="walk the hash chain; exit 1 naming any edited, inserted or deleted row"
    )
    v.add_argument("--db", type=Path, help="database file (default: the setting)")
    v.set_defaults(func=_verify)
    b = sub.add_parser(
        "backup",
        help="a consistent online copy of the database (备份)",
        description="Copy the live database to FILE while the bot runs (SQLite online backup).",
    )
    b.add_argument("file", type=Path, help="where to write the copy (must not exist)")
    b.add_argument("--db", type=Path, help="database file (default: the setting)")
    b.set_defaults(func=_backup)


def _db_path(args: argparse.Namespace) -> Path | None:
    if args.db:
        return args.db
    try:
        return load_settings().database_path
    except SettingsError as exc:
        print(f"shuangsuiji: {exc}", file=sys.stderr)
        return None


def _verify(args: argparse.Namespace) -> int:
    path = _db_path(args)
    if path is None:
        return 2
    if not path.exists():
        print(f"shuangsuiji: no database at {path}", file=sys.stderr)
        return 2

    async def run() -> list[str]:
        db = await Database.open(path)
        try:
            async with db.read() as conn:
                return await audit.verify(conn)
        finally:
            await db.close()

    problems = asyncio.run(run())
    for p in problems:
        print(p)
    if not problems:
        print("audit log intact")
    return 1 if problems else 0


def _backup(args: argparse.Namespace) -> int:
    path = _db_path(args)
    if path is None:
        return 2
    if args.file.exists():
        print(f"shuangsuiji: {args.file} exists; choose a new file", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"shuangsuiji: no database at {path}", file=sys.stderr)
        return 2
    asyncio.run(backup_to(path, args.file))
    print(f"backed up {path} to {args.file}")
    return 0
