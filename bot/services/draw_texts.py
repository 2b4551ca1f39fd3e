"""摇号文本 (draw texts): the preview, the commitment, summaries and visit lines, from the
message catalogue in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain.periods import Period
from bot.domain.quotas import describe
from bot.i18n import t
from bot.services.draw_preview import Preview

if TYPE_CHECKING:
    from bot.services.draw_run import DrawDone


@dataclass
class Member:
    """One inspector on a visit, as messages show them."""

    inspector_id: int
    name: str
    role: str  # lead | member | expert


@dataclass
class VisitNotice:
    """One drawn visit (检查任务) as the announcements and the list workbook show it."""

    inspection_id: int
    seq: int
    stable_id: str
    entity: str
    address: str
    region: str
    items: list[tuple[str, str]]  # (item id, item name)
    team: list[Member] = field(default_factory=list)
    due_on: str = ""

    @property
    def joint(self) -> bool:
        """Several items on one visit (内部联合抽查)."""
        return len(self.items) > 1


def period_name(label: str, lang: str) -> str:
    """2026年第三季度 in Chinese, the label itself in English."""
    if lang == "en":
        return label
    try:
        return Period.parse(label).label_zh
    except ValueError:
        return label


def sources_text(sources: list[str] | tuple[str, ...], lang: str) -> str:
    """The declared public sources, or 'none'."""
    return "；".join(sources) if sources else t(lang, "draw_sources_none")


def target_text(target: dict) -> str:
    """A target as written on the command line: region=A,B; tag:行业=化工."""
    return "; ".join(f"{k}={','.join(v)}" for k, v in sorted(target.items()))


def render_preview(p: Preview, lang: str) -> str:
    """The preview a coordinator confirms."""
    lines = [t(lang, "draw_preview_header", period=period_name(p.period, lang))]
    if p.target:
        lines.append(t(lang, "draw_preview_target", target=target_text(p.target)))
    if p.unmatched:
        lines.append(t(lang, "draw_preview_unmatched", values=target_text(p.unmatched)))
    for g in p.groups:
        line = t(
            lang,
            "draw_preview_group",
            item=g.item_name,
            group=g.group_name,
            population=g.population,
            quota=min(g.quota, g.population),
            rule=describe(g.rule, lang),
        )
        if g.uncovered is not None:
            line += t(lang, "draw_preview_uncovered", uncovered=g.uncovered)
        lines.append(line)
    depts = "；".join(t(lang, "draw_preview_dept", department=d, count=n) for d, n in p.staff)
    lines.append(t(lang, "draw_preview_staff", departments=depts, experts=p.experts))
    if not p.feasible:
        lines.append(t(lang, "draw_preview_infeasible", lines=problem_lines(p, lang)))
    elif p.empty:
        lines.append(t(lang, "draw_preview_empty"))
    else:
        lines.append(
            t(
                lang,
                "draw_preview_total",
                total=p.total_quota,
                inspections=p.expected_inspections,
                joint=p.expected_joint,
            )
        )
        lines.append(t(lang, "draw_preview_feasible"))
        lines.append(t(lang, "draw_preview_confirm"))
    return "\n".join(lines)


def problem_lines(p: Preview, lang: str, limit: int = 12) -> str:
    """One line per entity that could not be staffed, with why."""
    out = []
    for problem in p.problems[:limit]:
        reason = problem.reason_en if lang == "en" else problem.reason_zh
        name = p.names.get(problem.entity, problem.entity)
        out.append(f"• {name}（{problem.entity}）[{', '.join(problem.items)}]: {reason}")
    if len(p.problems) > limit:
        out.append(f"… +{len(p.problems) - limit}")
    return "\n".join(out)


def commitment_text(bureau: str, commitment: dict, commitment_hash: str, lang: str) -> str:
    """The public announcement at commit: the commitment, never the list."""
    return t(
        lang,
        "draw_commitment_public",
        bureau=bureau,
        period=period_name(commitment["period"], lang),
        algorithm=commitment["algorithm"],
        snapshot_hash=commitment["snapshot_hash"],
        secret_hash=commitment["secret_hash"],
        sources=sources_text(commitment["public_sources"], lang),
        commitment_hash=commitment_hash,
    )


def team_text(team: list[Member], lang: str, *, without: int | None = None) -> str:
    """检查组: names with their roles, optionally without one inspector."""
    return (
        "、".join(
            f"{m.name}（{t(lang, f'draw_role_{m.role}')}）"
            for m in team
            if m.inspector_id != without
        )
        or "-"
    )


def visit_text(v: VisitNotice, lang: str, *, viewer: int | None = None) -> str:
    """One visit for an inspector: entity, items, co-inspectors, deadline."""
    return t(
        lang,
        "draw_inspector_visit",
        entity=v.entity,
        stable_id=v.stable_id,
        address=v.address or v.region or "-",
        items="、".join(name for _, name in v.items),
        team=team_text(v.team, lang, without=viewer),
        due=v.due_on,
    )


def summary_text(
    period: str,
    draw_id: int,
    commitment_hash: str,
    selections: list[dict],
    names: dict[tuple[str, str], tuple[str, str]],
    visits: list[VisitNotice],
    lang: str,
) -> str:
    """The coordinators' and managers' summary: counts per item and group, no entity named."""
    lines = [
        t(
            lang,
            "draw_summary",
            period=period_name(period, lang),
            draw_id=draw_id,
            inspections=len(visits),
            joint=sum(1 for v in visits if v.joint),
            commitment_hash=commitment_hash,
        )
    ]
    for s in selections:
        item, group = names.get((s["item"], s["group"]), (s["item"], s["group"]))
        lines.append(
            t(
                lang,
                "draw_summary_line",
                item=item,
                group=group,
                selected=len(s["selected"]),
                quota=s["quota"],
                population=s["eligible"],
            )
        )
    return "\n".join(lines)


def done_text(done: DrawDone, lang: str) -> str:
    """What the coordinator who confirmed sees: the commitment and the counts."""
    c = done.commitment
    if done.status == "committed":
        return t(
            lang,
            "draw_done_committed",
            period=period_name(done.period, lang),
            commitment_hash=done.commitment_hash,
            sources=sources_text(c["public_sources"], lang),
        )
    return t(
        lang,
        "draw_done",
        period=period_name(done.period, lang),
        inspections=done.inspections,
        joint=done.joint,
        commitment_hash=done.commitment_hash,
        snapshot_hash=c["snapshot_hash"],
        secret_hash=c["secret_hash"],
    )
