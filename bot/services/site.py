"""The static site (公开网站): HTML + CSV + PNG a bureau uploads to its website as it is.

    index.html                 what is published, the quarter's progress chart and indicators
    results-<period>.html/.csv each period's published results (standard wording), withheld count
    results-all.csv            every published result
    plan-<year>.html/.xlsx     the annual plan and entity list (confidential items left out)
    draws.html                 each draw's commitment, the revealed secret, the verify command
    draw-<period>.json         a revealed draw's transcript (never before the reveal)
    progress-<period>.png      the progress chart of the current quarter

Only published rows (as they went out, or as re-published after a correction) and public draw
fields are read, so nothing withheld can reach the site. CSV files are UTF-8 with a byte-order
mark so Excel opens them as Chinese.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import aiosqlite
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.domain.compliance import INDICATOR_ZH, Compliance, indicators, percent
from bot.domain.disclosure import PUBLIC_HEADERS, PublicRow, withheld_text
from bot.domain.itemlist import ItemList
from bot.domain.periods import Period, PeriodKind
from bot.domain.plan import Plan, build_plan
from bot.domain.plan_text import ENTITY_HEADERS, PUBLICATION_HEADERS, entity_rows, publication_rows
from bot.services.charts import progress_chart
from bot.services.figures import compliance_for
from bot.services.plan import write_plan_xlsx
from storage import disclosures as store
from storage.entities import list_entities
from storage.inspectors import list_inspectors

DRAW_STATUS_ZH = {"committed": "已承诺", "drawn": "已摇号", "revealed": "已公开密钥",
                  "cancelled": "已撤销"}  # fmt: skip


class SiteContext(Protocol):
    """What the site needs to know besides the database."""

    now: datetime
    tz: ZoneInfo
    item_list: ItemList | None
    bureau_name: str

    @property
    def today(self) -> date: ...


@dataclass(frozen=True)
class SiteFiles:
    """The written site: its folder, its files (relative names) and a digest of their bytes."""

    root: Path
    files: tuple[str, ...]
    digest: str

    @property
    def index(self) -> Path:
        return self.root / "index.html"

    def moved_to(self, root: Path) -> SiteFiles:
        """The same files once the folder was renamed to `root`."""
        return dataclasses.replace(self, root=root)


def templates() -> Environment:
    """The Jinja environment of bot/templates/site (HTML escaped)."""
    folder = resources.files("bot").joinpath("templates", "site")
    return Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def csv_bytes(rows: list[PublicRow]) -> bytes:
    """Published rows under PUBLIC_HEADERS as CSV (UTF-8 with BOM, CRLF as Excel writes)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(PUBLIC_HEADERS)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row.cells(n))
    return buf.getvalue().encode("utf-8-sig")


def public_plan(plan: Plan, item_list: ItemList) -> tuple[Plan, int]:
    """The plan without confidential items (and their entity-list entries); how many left out."""
    secret = {i.id for i in item_list.items if i.confidential is not None}
    if not secret:
        return plan, 0
    listed = []
    for e in plan.entity_list:
        groups = tuple(g for g in e.groups if g[0] not in secret)
        if groups:
            listed.append(dataclasses.replace(e, groups=groups))
    items = tuple(i for i in plan.items if i.item.id not in secret)
    return dataclasses.replace(plan, items=items, entity_list=tuple(listed)), len(secret)


async def write_site(
    conn: aiosqlite.Connection, bureau_id: int, ctx: SiteContext, out: Path
) -> SiteFiles:
    """Write the whole site into `out` (created) from the database as it stands."""
    out.mkdir(parents=True, exist_ok=True)
    env = templates()
    year = ctx.today.year
    base = {"bureau": ctx.bureau_name, "year": year, "updated": _local(ctx)}
    periods = await _results(conn, bureau_id, env, base, out)
    plan_xlsx = await _plan(conn, bureau_id, ctx, env, base, out)
    draws = await _draws(conn, bureau_id, env, base, out)
    progress = await _progress(conn, bureau_id, ctx, out)
    html = env.get_template("index.j2").render(
        **base, periods=periods, progress=progress, plan_xlsx=plan_xlsx, draws=draws
    )
    (out / "index.html").write_text(html, encoding="utf-8")
    files = tuple(sorted(p.name for p in out.iterdir() if p.is_file()))
    digest = hashlib.sha256()
    for name in files:
        (out / name).chmod(0o644)  # public files, for the web server to read
        digest.update(name.encode() + b"\0" + (out / name).read_bytes())
    out.chmod(0o755)
    return SiteFiles(out, files, digest.hexdigest())


def _local(ctx: SiteContext) -> str:
    return ctx.now.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")


async def _results(
    conn: aiosqlite.Connection, bureau_id: int, env: Environment, base: dict, out: Path
) -> list[dict]:
    rows = await store.published_rows(conn, bureau_id)
    withheld = await store.withheld_counts(conn, bureau_id)
    by_period: dict[str, list[PublicRow]] = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    listed = []
    for label in sorted(set(by_period) | set(withheld), reverse=True):
        these = by_period.get(label, [])
        note = withheld_text(withheld.get(label) or Counter())
        csv_name, html_name = f"results-{label}.csv", f"results-{label}.html"
        (out / csv_name).write_bytes(csv_bytes(these))
        page = env.get_template("results.j2").render(
            **base,
            label_zh=Period.parse(label).label_zh,
            headers=PUBLIC_HEADERS,
            rows=[r.cells(n) for n, r in enumerate(these, start=1)],
            withheld=note,
            csv=csv_name,
        )
        (out / html_name).write_text(page, encoding="utf-8")
        listed.append(
            {"label_zh": Period.parse(label).label_zh, "count": len(these), "withheld": note,
             "html": html_name, "csv": csv_name}
        )  # fmt: skip
    (out / "results-all.csv").write_bytes(csv_bytes(rows))
    return listed


async def _plan(
    conn: aiosqlite.Connection,
    bureau_id: int,
    ctx: SiteContext,
    env: Environment,
    base: dict,
    out: Path,
) -> str | None:
    year, item_list = ctx.today.year, ctx.item_list
    plan, hidden, xlsx = None, 0, None
    if item_list is not None:
        entities = await list_entities(conn, bureau_id)
        inspectors = [i for _, i in await list_inspectors(conn, bureau_id)]
        full = build_plan(item_list, entities, inspectors, year)
        plan, hidden = public_plan(full, item_list)
        xlsx = f"plan-{year}.xlsx"
        write_plan_xlsx(plan, out / xlsx)
    title = f"{ctx.bureau_name}{year}年度“双随机、一公开”随机抽查计划"
    page = env.get_template("plan.j2").render(
        **base,
        title=title,
        plan=plan,
        plan_xlsx=xlsx,
        plan_headers=PUBLICATION_HEADERS,
        plan_rows=publication_rows(plan) if plan else [],
        entity_headers=ENTITY_HEADERS,
        entity_rows=entity_rows(plan) if plan else [],
        withheld_items=hidden,
    )
    (out / f"plan-{year}.html").write_text(page, encoding="utf-8")
    return xlsx


async def _draws(
    conn: aiosqlite.Connection, bureau_id: int, env: Environment, base: dict, out: Path
) -> int:
    shown = []
    for d in await store.public_draws(conn, bureau_id):
        transcript = None
        if d.secret and d.transcript_json:
            transcript = f"draw-{d.period}.json"
            (out / transcript).write_text(d.transcript_json.rstrip("\n") + "\n", encoding="utf-8")
        sources = d.commitment.get("public_sources") or []
        shown.append(
            {
                "period": d.period,
                "status_zh": DRAW_STATUS_ZH.get(d.status, d.status),
                "committed_at": d.committed_at,
                "commitment_hash": d.commitment_hash,
                "secret_hash": d.secret_hash,
                "sources": "；".join(str(s) for s in sources),
                "cancel_reason": d.cancel_reason,
                "secret": d.secret,
                "revealed_at": d.revealed_at,
                "transcript": transcript,
                "verify": f"shuangsuiji verify {transcript} --commitment {d.commitment_hash}",
                "commitment_json": json.dumps(d.commitment, ensure_ascii=False, indent=2),
            }
        )
    page = env.get_template("draws.j2").render(**base, draws=shown)
    (out / "draws.html").write_text(page, encoding="utf-8")
    return len(shown)


async def _progress(
    conn: aiosqlite.Connection, bureau_id: int, ctx: SiteContext, out: Path
) -> dict | None:
    quarter = Period.containing(PeriodKind.QUARTER, ctx.today)
    c = await compliance_for(conn, bureau_id, quarter, ctx.today, ctx.item_list, ctx.tz)
    secret = {i.id for i in ctx.item_list.items if i.confidential} if ctx.item_list else set()
    c = dataclasses.replace(c, groups=tuple(g for g in c.groups if g.target.item_id not in secret))
    png = f"progress-{quarter.label}.png"
    title = f"{quarter.label_zh}抽查进度（截至 {ctx.today.isoformat()}）"
    progress_chart(c.groups, title, out / png)
    return {"title": title, "png": png, "groups": group_cells(c), "indicators": indicator_cells(c)}


def group_cells(c: Compliance) -> list[dict]:
    """The progress table's rows (site and chat)."""
    return [
        {
            "group": g.target.group_name,
            "item": g.target.item_name,
            "period": g.target.period.label_zh,
            "population": g.target.population,
            "minimum": g.target.minimum,
            "achieved": g.achieved,
            "share": percent(g.achieved_share),
            "minimum_share": percent(g.minimum_share),
            "met": g.met,
        }
        for g in c.groups
    ]


def indicator_cells(c: Compliance) -> list[dict]:
    """The indicator table's rows: name, value, working (n/d) and target."""
    rows = []
    for key, fig in indicators(c):
        target = "—" if fig.target is None else f"≥ {percent(fig.target)}"
        if fig.met is not None:
            target += "（达标）" if fig.met else "（未达标）"
        rows.append(
            {"name": INDICATOR_ZH[key], "value": percent(fig.value),
             "working": f"{fig.numerator}/{fig.denominator}", "target": target}
        )  # fmt: skip
    return rows
