"""`shuangsuiji import|export|template entities|inspectors FILE`: the registries (两库) as files.

import    validate a CSV/XLSX file, upsert it in one transaction (--dry-run: count, write nothing)
export    write the bureau's registry in the same layout (XLSX, or CSV when FILE ends in .csv)
template  write a blank workbook with the Chinese headers, drop-down lists and a 说明 sheet
synthetic write a synthetic county's two registries (seeded) for demos and benchmarks
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings

KINDS = ("entities", "inspectors")
KIND_HELP = "entities = 检查对象名录库, inspectors = 执法检查人员名录库"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import a registry file (导入名录库)",
        description="Validate a registry file (CSV in UTF-8 or GBK, or XLSX) and upsert it into "
        "the bureau's registry in one transaction: any error means nothing is written. Exit "
        "status 0 on success, 1 when the file has errors (listed on stderr).",
    )
    _kind_and_file(p, "the CSV or XLSX file to import")
    p.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    _database_options(p)
    p.set_defaults(func=_import)
    p = sub.add_parser(
        "export",
        help="export a registry (导出名录库)",
        description="Write the bureau's registry in the import layout: XLSX, or CSV (UTF-8 with "
        "BOM) when FILE ends in .csv. Importing the file again changes nothing.",
    )
    _kind_and_file(p, "where to write (.xlsx or .csv)")
    _database_options(p)
    p.set_defaults(func=_export)
    p = sub.add_parser(
        "template",
        help="write a blank registry workbook (名录库模板)",
        description="Write a blank XLSX with the Chinese headers, drop-down lists for the columns "
        "with fixed values, and a second sheet 说明 explaining every column.",
    )
    _kind_and_file(p, "where to write the .xlsx")
    p.set_defaults(func=_template)
    p = sub.add_parser(
        "synthetic",
        help="write a synthetic county's two registries (合成名录库)",
        description="Write entities.xlsx and inspectors.xlsx (or .csv) of a synthetic county "
        "bureau, the same for the same seed, for demos and benchmarks.",
    )
    p.add_argument("directory", type=Path, help="folder to write the two files into")
    p.add_argument("--entities", type=int, default=2000, help="number of entities (2000)")
    p.add_argument("--inspectors", type=int, default=60, help="number of inspectors (60)")
    p.add_argument("--seed", type=int, default=1, help="random seed (1)")
    p.add_argument("--csv", action="store_true", help="write CSV (UTF-8 with BOM), not XLSX")
    p.set_defaults(func=_synthetic)


def _kind_and_file(p: argparse.ArgumentParser, file_help: str) -> None:
    p.add_argument("kind", choices=KINDS, help=KIND_HELP)
    p.add_argument("file", type=Path, help=file_help)


def _database_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, help="database file (default: SHUANGSUIJI_DATABASE_PATH)")
    p.add_argument("--bureau", help="bureau code (default: SHUANGSUIJI_BUREAU_CODE)")
    p.add_argument("--lang", choices=("zh-CN", "en"), help="report language (default: settings)")


def _settings() -> Settings | None:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"shuangsuiji: {exc}", file=sys.stderr)
        return None


def _import(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    if not args.file.is_file():
        print(f"shuangsuiji import: no such file: {args.file}", file=sys.stderr)
        return 1
    return asyncio.run(_run_import(settings, args))


async def _run_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.registry_io import import_registry

    lang = args.lang or settings.language
    db, bid = await _open(settings, args)
    try:
        report = await import_registry(db, bid, args.kind, args.file, dry_run=args.dry_run)
    finally:
        await db.close()
    print(report.render(lang, with_errors=False))
    if report.errors.total:
        print(report.render_errors(lang), file=sys.stderr)
        return 1
    return 0


def _export(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return 2
    return asyncio.run(_run_export(settings, args))


async def _run_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.registry_io import export_registry

    db, bid = await _open(settings, args)
    try:
        count = await export_registry(db, bid, args.kind, args.file)
    except OSError as exc:
        print(f"shuangsuiji export: cannot write {args.file}: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(f"{count} → {args.file}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from bot.services.registry_io import write_template

    try:
        write_template(args.file, args.kind)
    except OSError as exc:
        print(f"shuangsuiji template: cannot write {args.file}: {exc}", file=sys.stderr)
        return 1
    print(f"→ {args.file}")
    return 0


def _synthetic(args: argparse.Namespace) -> int:
    from bot.services.registry_io import write_synthetic_bureau

    paths = write_synthetic_bureau(
        args.directory,
        seed=args.seed,
        entities=args.entities,
        inspectors=args.inspectors,
        fmt="csv" if args.csv else "xlsx",
    )
    for path in paths:
        print(f"→ {path}")
    return 0


async def _open(settings: Settings, args: argparse.Namespace):  # noqa: ANN202
    """The database and the bureau's id, creating the bureau when it does not exist yet; its
    name is the configured one for the configured code, else the code itself."""
    from storage.bureaus import ensure_bureau
    from storage.db import Database

    code = args.bureau or settings.bureau_code
    name = settings.bureau_name if code == settings.bureau_code else code
    db = await Database.open(args.db or settings.database_path)
    try:
        async with db.tx() as conn:
            bid = await ensure_bureau(conn, code, name)
    except BaseException:
        await db.close()
        raise
    return db, bid
