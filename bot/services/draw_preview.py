"""摇号预览 (draw preview): quotas per item and group, inspectors available, feasibility.

Writes nothing to the draw and names no drawn entity: the feasibility check covers every entity a
group could take (bot.domain.draw_inputs.possible_problems), and a throw-away secret only
estimates how many visits the draw will make. The token ties a confirmation to exactly this frame
(its target included). A targeted draw's (定向抽查) target is read from the coordinator's words
(`target_specs`, `check_target`) and, for the chat's confirm button, kept by its token
(`remember_target`, `previewed_target`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.draw import DrawResult, InspectionProblem, run_draw
from bot.domain.draw.roster import EXPERT_POOL, Roster
from bot.domain.draw.seed import new_secret
from bot.domain.draw_inputs import (
    PLAIN_ATTRIBUTES,
    TAG_PREFIX,
    parse_target,
    populations,
    possible_problems,
)
from bot.domain.periods import Period
from bot.domain.quotas import QuotaRule
from bot.services.draws import DrawEnv, DrawInputs, entity_names, load_inputs, refuse_if_drawn
from bot.services.errors import Refusal
from bot.services.gc_pause import paused_gc
from storage import draw_previews
from storage.db import Database

Target = dict[str, tuple[str, ...]]
SEPARATORS = ",，、"  # between a target's values, as bot.domain.draw_inputs.parse_target splits


@dataclass(frozen=True)
class GroupPreview:
    """One item's target group: how many may be drawn, how many will be, and by which rule."""

    item_id: str
    item_name: str
    department: str
    group_id: str
    group_name: str
    rule: QuotaRule
    population: int
    uncovered: int | None  # None: the group has no coverage cycle
    quota: int
    formula: str


@dataclass(frozen=True)
class Preview:
    """What a coordinator sees before confirming a draw."""

    period: str
    token: str
    target: dict[str, tuple[str, ...]]
    groups: tuple[GroupPreview, ...]
    staff: tuple[tuple[str, int], ...]  # initiating department -> drawable inspectors
    experts: int
    problems: tuple[InspectionProblem, ...]
    names: dict[str, str]  # stable id -> name, for the problem lines only
    expected_inspections: int
    expected_joint: int
    # target name -> values no entity the draw may take has (a typo, most likely)
    unmatched: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """Every possible draw of this frame can be staffed."""
        return not self.problems

    @property
    def empty(self) -> bool:
        """A targeted draw whose target leaves nothing to draw (it would use up the period)."""
        return bool(self.target) and self.total_quota == 0

    @property
    def drawable(self) -> bool:
        """Feasible and not empty: the preview may be confirmed."""
        return self.feasible and not self.empty

    @property
    def total_quota(self) -> int:
        """Entity-visits (家次) the quotas ask for, a joint visit counted once per item."""
        return sum(min(g.quota, g.population) for g in self.groups)


def _groups(inputs: DrawInputs, env: DrawEnv) -> tuple[GroupPreview, ...]:
    sizes = populations(inputs.frame)
    out = []
    for f in inputs.item_frames:
        rules = {g.id: g.quota for g in env.items.item(f.item_id).groups}
        for g in f.groups:
            out.append(
                GroupPreview(
                    f.item_id,
                    f.name,
                    f.department,
                    g.group_id,
                    g.name,
                    rules[g.group_id],
                    sizes[(f.item_id, g.group_id)],
                    len(g.uncovered) if g.cycle else None,
                    g.quota,
                    g.formula,
                )
            )
    return tuple(out)


def _unmatched(inputs: DrawInputs) -> dict[str, tuple[str, ...]]:
    seen: dict[str, set[str]] = {}
    for e in inputs.frame.entities:
        for name, value in e.attributes.items():
            seen.setdefault(name, set()).add(value)
    out = {}
    for name, values in sorted(inputs.target.items()):
        missing = tuple(v for v in values if v not in seen.get(name, set()))
        if missing:
            out[name] = missing
    return out


def summarise(inputs: DrawInputs, env: DrawEnv) -> Preview:
    """The preview of a loaded draw (pure apart from a throw-away secret)."""
    frame = inputs.frame
    roster = Roster(frame)
    departments = sorted({i.department for i in frame.items})
    staff = tuple((d, len(roster.staff.get(d, []))) for d in departments)
    problems = tuple(possible_problems(frame))
    names = entity_names(inputs, problems)
    expected = joint = 0
    if not problems:
        outcome = run_draw(frame, new_secret())
        if isinstance(outcome, DrawResult):
            expected, joint = len(outcome.inspections), outcome.joint_inspections
    return Preview(
        period=inputs.period.label,
        token=inputs.token,
        target=inputs.target,
        groups=_groups(inputs, env),
        staff=staff,
        experts=len(roster.experts[EXPERT_POOL]),
        problems=problems,
        names={p.entity: names.get(p.entity, p.entity) for p in problems},
        expected_inspections=expected,
        expected_joint=joint,
        unmatched=_unmatched(inputs),
    )


async def preview(
    db: Database,
    bureau_id: int,
    period: Period,
    env: DrawEnv,
    target: dict[str, tuple[str, ...]] | None = None,
) -> Preview:
    """The preview of drawing `period` now; Refusal if the period was drawn already."""
    with paused_gc():  # see bot.services.gc_pause: a province's frame is millions of objects
        async with db.read() as conn:
            await refuse_if_drawn(conn, bureau_id, period)
            inputs = await load_inputs(conn, bureau_id, period, env, target)
        return summarise(inputs, env)


def target_specs(words: Sequence[str]) -> list[str]:
    """A chat message's words as NAME=VALUE[,VALUE…] specs: a word that continues a value list
    ("region=崔庄镇，" "安肃镇") joins the one before; a full-width ＝ reads as =, and a full-width
    colon in the name (tag：行业) as :."""
    specs: list[str] = []
    for word in words:
        word = word.strip()
        if not word:
            continue
        name, sep, values = word.replace("＝", "=").partition("=")
        word = name.replace("：", ":") + sep + values
        if specs and (specs[-1][-1] in SEPARATORS or word[0] in SEPARATORS):
            specs[-1] += word
        else:
            specs.append(word)
    return specs


def check_target(specs: Sequence[str]) -> Target:
    """`parse_target`, with a Refusal naming the first malformed spec and what is wrong with it."""
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name or not any(v.strip() for v in re.split(r"[,，、]", values)):
            raise Refusal("draw_bad_target_form", spec=spec)
        if name not in PLAIN_ATTRIBUTES and not (
            name.startswith(TAG_PREFIX) and len(name) > len(TAG_PREFIX)
        ):
            raise Refusal(
                "draw_bad_target_name", spec=spec, name=name, known=", ".join(PLAIN_ATTRIBUTES)
            )
    try:
        return parse_target(specs)
    except ValueError as exc:  # any rule parse_target adds later
        raise Refusal("draw_bad_target", error=str(exc)) from None


async def remember_target(db: Database, bureau_id: int, p: Preview, actor: str) -> None:
    """Keep a targeted preview's target by its token, for the confirm button to find."""
    if p.target:
        async with db.tx() as conn:
            await draw_previews.remember_target(conn, bureau_id, p.period, p.token, p.target, actor)


async def previewed_target(db: Database, bureau_id: int, period: Period, token: str) -> Target:
    """The target of the preview with `token` ({} for an open draw's preview)."""
    async with db.read() as conn:
        found = await draw_previews.target_of(conn, bureau_id, period.label, token)
    return found or {}
