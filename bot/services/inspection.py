"""检查任务 use cases shared by the flow: who may touch a visit, its frozen checklist, the list
of one's visits (/tasks) and a visit's card.

Every use case re-checks the visit against the database and the user: assigned to it (active),
same bureau, still open for changes. `Refusal` keys are rendered by the handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.checklist_flow import (
    FrozenChecklist,
    FrozenQuestion,
    askable,
    freeze,
    may_answer,
    mine,
)
from bot.domain.deadlines import Deadlines
from bot.domain.geo import DEFAULT_FAR_M, Placement, place
from bot.domain.itemlist import ItemList
from bot.services.errors import Refusal
from storage.answers import answers_of, freeze_checklist, get_checklist, get_digest
from storage.checkins import checkins_of
from storage.db import Database
from storage.inspections import Assignee, InspectionView
from storage.records import Correction, Record, last_record_of_entity, open_correction, versions_of
from storage.rectifications import Rectification, order_for_inspection
from storage.users import User
from storage.visits import EntityPlace, TaskRow, entity_place, tasks_of, visit_and_digest

OPEN_STATUSES = ("assigned", "in_progress")


@dataclass(frozen=True)
class FlowEnv:
    """What a use case needs from outside: the time, the zone, the item list, the rules."""

    now: datetime  # aware
    tz: ZoneInfo
    item_list: ItemList | None = None
    far_m: float = DEFAULT_FAR_M
    deadlines: Deadlines | None = None

    @property
    def today(self) -> date:
        """The bureau's local date."""
        return self.now.astimezone(self.tz).date()

    def local(self, iso: str) -> str:
        """A stored UTC timestamp as local ``YYYY-MM-DD HH:MM``."""
        return datetime.fromisoformat(iso).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")


@dataclass
class Visit:
    """A visit as one of its inspectors sees it."""

    view: InspectionView
    me: Assignee
    correction: Correction | None = None
    digest: str | None = None  # the frozen checklist's, as read with the visit (None: not then)
    _may: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> int:
        return self.view.id

    @property
    def open(self) -> bool:
        """Not yet submitted (nor cancelled)."""
        return self.view.status in OPEN_STATUSES

    @property
    def editing_correction(self) -> bool:
        """Submitted, with an approved correction not yet re-submitted."""
        return self.correction is not None and self.correction.editing

    @property
    def editable(self) -> bool:
        """Whether answers may change now."""
        return self.open or self.editing_correction

    @property
    def active(self) -> list[Assignee]:
        return [a for a in self.view.inspectors if a.active]

    @property
    def lead(self) -> Assignee | None:
        return next((a for a in self.active if a.role == "lead"), None)

    @property
    def is_lead(self) -> bool:
        """The lead (主办) submits the combined record; anyone may if the visit has none."""
        return self.me.role == "lead" or self.lead is None

    def may(self, fq: FrozenQuestion) -> bool:
        """Whether this inspector may answer `fq` (own department's items on a joint visit);
        worked out once per item department (the flow asks it of every question, each time)."""
        if fq.department not in self._may:
            departments = [a.department for a in self.active]
            self._may[fq.department] = may_answer(fq, self.me.department, departments)
        return self._may[fq.department]


async def visit_placement(
    conn: aiosqlite.Connection, visit: Visit, lat: float, lon: float, env: FlowEnv
) -> Placement:
    """Where a position is relative to the visited entity's registered position."""
    entity = await entity_place(conn, visit.view.entity_id)
    return place(
        lat,
        lon,
        entity.latitude if entity else None,
        entity.longitude if entity else None,
        env.far_m,
    )


async def load_visit(
    conn: aiosqlite.Connection, user: User, inspection_id: int, *, editable: bool = False
) -> Visit:
    """The visit if `user` is one of its active inspectors; Refusal otherwise (the same answer
    whether the visit does not exist or is someone else's, so ids cannot be probed)."""
    if user.inspector_id is None:
        raise Refusal("tasks_no_inspector")
    view, digest = await visit_and_digest(conn, inspection_id)
    me = None
    if view is not None and view.bureau_id == user.bureau_id:
        me = next(
            (a for a in view.inspectors if a.inspector_id == user.inspector_id and a.active), None
        )
    if view is None or me is None:
        raise Refusal("visit_not_yours", id=inspection_id)
    submitted = view.status == "submitted"  # only a submitted record can be under correction
    visit = Visit(view, me, await open_correction(conn, inspection_id) if submitted else None)
    visit.digest = digest
    if editable and not visit.editable:
        raise Refusal("visit_closed", id=inspection_id)
    return visit


_PARSED: dict[str, FrozenChecklist] = {}  # snapshots are immutable: cache them by digest


async def checklist_of(conn: aiosqlite.Connection, inspection_id: int) -> FrozenChecklist | None:
    """The visit's frozen checklist, or None before it was first opened."""
    digest = await get_digest(conn, inspection_id)
    if digest is None:
        return None
    return await _parsed(conn, inspection_id, digest)


async def visit_checklist(conn: aiosqlite.Connection, visit: Visit) -> FrozenChecklist | None:
    """`checklist_of` for a visit loaded in this transaction: by the digest read with it (a
    snapshot never changes once frozen), or read anew when it was not frozen then."""
    if visit.digest is None:
        return await checklist_of(conn, visit.id)
    return await _parsed(conn, visit.id, visit.digest)


async def _parsed(conn: aiosqlite.Connection, inspection_id: int, digest: str) -> FrozenChecklist:
    cached = _PARSED.get(digest)
    if cached is not None:
        return cached
    stored = await get_checklist(conn, inspection_id)
    assert stored is not None
    checklist = FrozenChecklist.from_json(stored[1])
    if len(_PARSED) > 1024:
        _PARSED.clear()
    _PARSED[digest] = checklist
    return checklist


async def ensure_checklist(
    conn: aiosqlite.Connection, visit: Visit, env: FlowEnv, user: User
) -> FrozenChecklist:
    """The frozen checklist, freezing it from the current item list the first time."""
    found = await visit_checklist(conn, visit)
    if found is not None:
        return found
    if env.item_list is None:
        raise Refusal("ck_no_item_list")
    try:
        checklist = freeze(env.item_list, visit.view.items)
    except KeyError as exc:
        raise Refusal("ck_item_missing", item=exc.args[0]) from None
    await freeze_checklist(conn, visit.id, checklist.digest, checklist.to_json(), user.id)
    _PARSED[checklist.digest] = checklist
    return checklist


async def list_tasks(db: Database, user: User) -> list[TaskRow]:
    """/tasks: the inspector's own visits with status and deadline, newest due first."""
    if user.inspector_id is None:
        raise Refusal("tasks_no_inspector")
    async with db.read() as conn:
        return await tasks_of(conn, user.inspector_id)


@dataclass
class VisitCard:
    """What opening a visit shows."""

    visit: Visit
    entity: EntityPlace
    item_names: list[tuple[str, str]]  # (name, department)
    answered: int = 0
    total: int = 0
    checked_in: bool = False
    versions: list[Record] = field(default_factory=list)
    previous: Record | None = None
    previous_on: str = ""
    rectification: Rectification | None = None


async def visit_card(db: Database, user: User, inspection_id: int, env: FlowEnv) -> VisitCard:
    """Entity, items, co-inspectors, progress, record versions, and last time's findings."""
    async with db.read() as conn:
        visit = await load_visit(conn, user, inspection_id)
        entity = await entity_place(conn, visit.view.entity_id)
        assert entity is not None
        card = VisitCard(visit, entity, _item_names(visit, env))
        checklist = await checklist_of(conn, inspection_id)
        if checklist is not None:
            card.item_names = list(
                dict.fromkeys((q.item_name, q.department) for q in checklist.questions)
            )
            stored = await answers_of(conn, inspection_id)
            answers = {k: a.value for k, a in stored.items()}
            own = mine(checklist, answers, visit.may)
            card.total = len(own)
            card.answered = sum(1 for q in own if q.key in answers)
        card.checked_in = any(c.user_id == user.id for c in await checkins_of(conn, inspection_id))
        card.versions = await versions_of(conn, inspection_id)
        prev = await last_record_of_entity(conn, visit.view.entity_id, inspection_id)
        if prev is not None:
            card.previous = prev[1]
            card.previous_on = env.local(prev[1].submitted_at)[:10]
        card.rectification = await order_for_inspection(conn, inspection_id)
    return card


def _item_names(visit: Visit, env: FlowEnv) -> list[tuple[str, str]]:
    out = []
    for item_id in visit.view.items:
        try:
            item = env.item_list.item(item_id) if env.item_list else None
        except KeyError:
            item = None
        out.append((item.name, item.department) if item else (item_id, ""))
    return out


def answer_map(stored: dict) -> dict:
    """``item/question`` -> value from stored answers."""
    return {k: a.value for k, a in stored.items()}


def askable_keys(checklist: FrozenChecklist, answers: dict) -> set[str]:
    """Keys of the questions asked given `answers`."""
    return {fq.key for fq in askable(checklist, answers)}
