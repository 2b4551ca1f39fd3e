"""摇号预览 (draw preview): quotas per item and group, inspectors available, feasibility.

Writes nothing and names no target: the feasibility check covers every entity a group could
take (bot.domain.draw_inputs.possible_problems), and a throw-away secret only estimates how many
visits the draw will make. The token ties a confirmation to exactly this frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.draw import DrawResult, InspectionProblem, run_draw
from bot.domain.draw.roster import EXPERT_POOL, Roster
from bot.domain.draw.seed import new_secret
from bot.domain.draw_inputs import populations, possible_problems
from bot.domain.periods import Period
from bot.domain.quotas import QuotaRule
from bot.services.draws import DrawEnv, DrawInputs, entity_names, load_inputs, refuse_if_drawn
from storage.db import Database


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

    @property
    def feasible(self) -> bool:
        """Every possible draw of this frame can be staffed."""
        return not self.problems

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


def summarise(inputs: DrawInputs, env: DrawEnv) -> Preview:
    """The preview of a loaded draw (pure apart from a throw-away secret)."""
    frame = inputs.frame
    roster = Roster(frame)
    departments = sorted({i.department for i in frame.items})
    staff = tuple((d, len(roster.staff.get(d, []))) for d in departments)
    problems = tuple(possible_problems(frame))
    names = entity_names(inputs)
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
    )


async def preview(
    db: Database,
    bureau_id: int,
    period: Period,
    env: DrawEnv,
    target: dict[str, tuple[str, ...]] | None = None,
) -> Preview:
    """The preview of drawing `period` now; Refusal if the period was drawn already."""
    async with db.read() as conn:
        await refuse_if_drawn(conn, bureau_id, period)
        inputs = await load_inputs(conn, bureau_id, period, env, target)
    return summarise(inputs, env)
