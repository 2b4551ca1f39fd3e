"""摇号 (draw) use cases, shared part: what a draw needs, and its frame read from the database.

The draw's steps live beside this module: `draw_preview` (预览, writes nothing), `draw_run`
(承诺并摇号, one transaction), `draw_reveal` (公开密钥), `draw_cancel` (撤销, a manager
approves) and `replacements` (更换执法人员). See docs/draw-service.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite

from bot.domain.deadlines import Deadlines
from bot.domain.draw import CapPolicy, DrawFrame, InspectionProblem
from bot.domain.draw.snapshot import section_hashes, snapshot_hash_of
from bot.domain.draw_history import covered_for, previous_teams
from bot.domain.draw_inputs import build_frame
from bot.domain.frames import ItemFrame, Membership, frames_for_period
from bot.domain.itemlist import ItemList
from bot.domain.models import Inspector
from bot.domain.periods import Period, PeriodKind
from bot.domain.profiles import Profiles
from bot.domain.workdays import WorkdayCalendar
from bot.domain.yaml_source import SourceError
from bot.services.errors import Refusal
from storage import draws as store
from storage.entities import COLUMNS, StoredEntities, from_row, parsed_tags, stored_entities
from storage.inspectors import list_inspectors
from storage.rectifications import open_rectification_stable_ids

if TYPE_CHECKING:
    from bot.settings import Settings

TOKEN_LENGTH = 16  # hex digits of the snapshot hash a preview's confirm button carries


@dataclass(frozen=True)
class DrawEnv:
    """What a draw needs besides the database: the item list, the deadlines, where its files
    (list workbooks, transcripts) go, and the public channel for announcements, if any."""

    items: ItemList
    deadlines: Deadlines = field(default_factory=lambda: Deadlines(WorkdayCalendar()))
    files_dir: Path = Path("var/draws")
    public_channel_id: int | None = None
    public_lang: str = "zh-CN"
    cap_policy: CapPolicy = CapPolicy()


class PreviewStale(Refusal):
    """The registry, item list or history changed since the preview: preview again."""

    def __init__(self, period: str) -> None:
        super().__init__("draw_preview_stale", period=period)


class DrawInfeasible(Refusal):
    """摇号不可行: these visits could not be staffed; nothing was committed."""

    MAX_LINES = 12

    def __init__(self, period: str, problems: list[InspectionProblem], names: dict[str, str]):
        self.period = period
        self.problems = problems
        self.names = names
        super().__init__(
            "draw_infeasible", period=period, count=len(problems), lines=self.lines("zh-CN")
        )

    def lines(self, lang: str) -> str:
        """One line per problem (at most MAX_LINES, then how many more) in `lang`."""
        out = []
        for p in self.problems[: self.MAX_LINES]:
            reason = p.reason_en if lang == "en" else p.reason_zh
            name = self.names.get(p.entity, p.entity)
            out.append(f"• {name}（{p.entity}）[{', '.join(p.items)}]: {reason}")
        more = len(self.problems) - self.MAX_LINES
        if more > 0:
            out.append(f"… +{more}")
        return "\n".join(out)


@dataclass
class Registry:
    """The two registries as they stand, keyed for a draw: entities by stable id (models made
    on lookup), inspectors by key with their row ids."""

    entities: StoredEntities
    entity_ids: Mapping[str, int]
    inspectors: dict[str, tuple[int, Inspector]]

    def inspector_key(self, inspector_id: int) -> str | None:
        """The key of the inspector with row id `inspector_id`."""
        return next((k for k, (i, _) in self.inspectors.items() if i == inspector_id), None)


@dataclass
class DrawInputs:
    """A period's draw as it would run now: the frames, the frozen frame, the registry."""

    bureau: str  # the bureau's code, as the frame carries it
    bureau_name: str
    period: Period
    item_frames: list[ItemFrame]
    frame: DrawFrame
    registry: Registry
    target: dict[str, tuple[str, ...]]

    @property
    def token(self) -> str:
        """The preview token: the start of the frame's snapshot hash."""
        return snapshot_hash_of(section_hashes(self.frame))[:TOKEN_LENGTH]


def parse_period(text: str | None, today: date) -> Period:
    """The period a command names, or by default the quarter after today's; Refusal if bad."""
    if not text:
        return Period.containing(PeriodKind.QUARTER, today).next()
    try:
        return Period.parse(text)
    except ValueError:
        raise Refusal("draw_bad_period", text=text) from None


def read_items(path: Path | None) -> ItemList:
    """The bureau's item list from its setting; Refusal when unset or invalid."""
    from bot.services.plan import read_item_list

    if path is None:
        raise Refusal("draw_no_items")
    try:
        return read_item_list(path)
    except SourceError as exc:
        raise Refusal("draw_items_invalid", error=str(exc)) from None


def env_from_settings(settings: Settings, deadlines: Deadlines | None = None) -> DrawEnv:
    """The draw's environment from the settings: the item list (Refusal when unset or invalid),
    files under the database's folder (var/draws), the public channel if one is set."""
    return DrawEnv(
        items=read_items(settings.items_file),
        deadlines=deadlines or Deadlines(WorkdayCalendar()),
        files_dir=settings.database_path.parent / "draws",
        public_channel_id=settings.public_channel_id,
        public_lang=settings.language,
    )


async def load_registry(conn: aiosqlite.Connection, bureau_id: int) -> Registry:
    """The bureau's registries, keyed for a draw."""
    entities = await stored_entities(conn, bureau_id)
    inspectors = await list_inspectors(conn, bureau_id)
    return Registry(entities, entities.row_ids(), {i.key: (iid, i) for iid, i in inspectors})


async def load_inputs(
    conn: aiosqlite.Connection,
    bureau_id: int,
    period: Period,
    env: DrawEnv,
    target: dict[str, tuple[str, ...]] | None = None,
) -> DrawInputs:
    """Everything a draw of `period` reads, on the caller's connection (and transaction)."""
    bureau, bureau_name = await store.bureau_names(conn, bureau_id)
    registry = await load_registry(conn, bureau_id)
    visits = await store.history(conn, bureau_id)
    rectifying = await open_rectification_stable_ids(conn, bureau_id)  # special until closed
    inspectors = [i for _, i in registry.inspectors.values()]
    profiles = Profiles.of_rows(
        env.items, registry.entities.rows, COLUMNS, from_row, rectifying, parsed_tags
    )
    membership = Membership.of_profiles(env.items, profiles, rectifying)
    covered = covered_for(env.items, (), period, visits, membership=membership)
    item_frames = frames_for_period(
        env.items, (), inspectors, period, covered, membership=membership
    )
    if not item_frames:
        raise Refusal("draw_nothing", period=period.label)
    frame = build_frame(
        bureau,
        period.label,
        item_frames,
        registry.entities,
        inspectors,
        previous_pairs=previous_teams(visits, period),
        target=target,
        cap_policy=env.cap_policy,
        departments=[i.department for i in env.items.items],
        registry_ids=profiles.ids_array,
    )
    return DrawInputs(bureau, bureau_name, period, item_frames, frame, registry, dict(target or {}))


async def refuse_if_drawn(conn: aiosqlite.Connection, bureau_id: int, period: Period) -> None:
    """A period is drawn once: Refusal naming the live draw's state if there is one."""
    live = await store.live_draw(conn, bureau_id, period.label)
    if live is not None:
        raise Refusal("draw_exists", period=period.label, status=live.status)


def entity_names(inputs: DrawInputs, problems: Iterable[InspectionProblem]) -> dict[str, str]:
    """Stable id -> entity name of the entities the problems name, for messages (only those
    rows become models)."""
    entities = inputs.registry.entities
    return {p.entity: entities[p.entity].name for p in problems if p.entity in entities}
