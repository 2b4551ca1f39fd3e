"""A small bureau for the inspection tests: entities, inspectors of two departments, users bound
to them, a manager and a coordinator, and visits created directly (until the draw makes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.checklist_input import IncomingFile
from bot.domain.models import Entity, Inspector, Role
from bot.domain.synthetic import generate_entities
from bot.services import answer_input, answers, checkin, evidence
from bot.services.flow_views import CheckedInView, CheckinView, QuestionView
from bot.services.inspection import FlowEnv
from bot.services.plan import read_item_list
from storage.bureaus import ensure_bureau
from storage.db import Database
from storage.entities import entity_ids, upsert_entities
from storage.inspections import create_inspection
from storage.inspectors import list_inspectors, upsert_inspectors
from storage.sessions import get_session
from storage.users import User, create_user

ITEMS_FILE = Path(__file__).parent.parent / "examples" / "zunhua-2024.yaml"
ITEMS = read_item_list(ITEMS_FILE)
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)  # 10:30 in Zunhua
STAFF = {  # name -> (department, certificate)
    "张三": ("综合执法大队一中队", "C001"),
    "李四": ("综合执法大队二中队", "C002"),
    "王五": ("环评科", "C003"),
    "赵六": ("综合执法大队三中队", "C004"),
}


def env(now: datetime = NOW, **kw: object) -> FlowEnv:
    """The flow's environment at a fixed time with the Zunhua item list."""
    return FlowEnv(now=now, tz=TZ, item_list=kw.pop("item_list", ITEMS), **kw)  # type: ignore[arg-type]


@dataclass
class World:
    bureau_id: int
    entities: list[Entity]
    entity_rows: dict[str, int]
    inspector_rows: dict[str, int]
    users: dict[str, User] = field(default_factory=dict)


async def make_world(
    db: Database, n_entities: int = 5, *, bureau_id: int | None = None, accounts: bool = True
) -> World:
    """A bureau (or the given one) with entities (with coordinates) and four inspectors; with
    `accounts`, their user accounts plus a manager and a coordinator."""
    entities = [
        e.model_copy(update={"latitude": 40.1893 + i / 100, "longitude": 117.9658})
        for i, e in enumerate(generate_entities(11, n_entities))
    ]
    async with db.tx() as conn:
        bureau = bureau_id or await ensure_bureau(conn, "test", "测试分局")
        await upsert_entities(conn, bureau, entities)
        staff = [Inspector(name=n, department=d, certificate_no=c) for n, (d, c) in STAFF.items()]
        await upsert_inspectors(conn, bureau, staff)
        rows = {i.name: iid for iid, i in await list_inspectors(conn, bureau)}
        world = World(bureau, entities, await entity_ids(conn, bureau), rows)
        if not accounts:
            return world
        for k, (name, (dept, _)) in enumerate(STAFF.items()):
            world.users[name] = await create_user(
                conn,
                bureau,
                300001 + k,
                name,
                [Role.INSPECTOR],
                department=dept,
                inspector_id=rows[name],
            )
        world.users["经理"] = await create_user(conn, bureau, 400001, "经理", [Role.MANAGER])
        world.users["综合"] = await create_user(conn, bureau, 200001, "综合", [Role.COORDINATOR])
    return world


async def new_visit(
    db: Database,
    world: World,
    *,
    entity: int = 0,
    items: tuple[str, ...] = ("site-check",),
    lead: str = "张三",
    members: tuple[str, ...] = ("李四",),
    mode: str = "site",
    period: str = "2026-Q4",
    due_on: str = "2026-12-31",
) -> int:
    """A visit created directly, as the draw will."""
    stable = world.entities[entity].stable_id
    team = [(world.inspector_rows[lead], "lead")]
    team += [(world.inspector_rows[m], "member") for m in members]
    async with db.tx() as conn:
        return await create_inspection(
            conn,
            world.bureau_id,
            period=period,
            entity_id=world.entity_rows[stable],
            items=list(items),
            due_on=due_on,
            inspectors=team,
            mode=mode,
        )


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


async def checked_in(db, user, iid):  # noqa: ANN001, ANN202
    views = await answers.start(db, user, iid, env())
    assert isinstance(views[0], CheckinView)
    session = await session_of(db, user)
    views = await checkin.located(db, user, session, 40.1894, 117.9659, env())
    assert isinstance(views[0], CheckedInView) and views[0].distance_m < 50
    return views[1]


async def session_of(db, user):  # noqa: ANN001, ANN202
    async with db.read() as conn:
        return await get_session(conn, user.id)


async def send_photo(db, user, tmp_path, data=JPEG):  # noqa: ANN001, ANN202
    f = IncomingFile("photo", "file-1", "u-1", len(data))
    route = await answer_input.file_target(db, user)

    async def fetch(path):  # noqa: ANN001, ANN202
        path.write_bytes(data)

    saved = await evidence.save(tmp_path / "evidence", str(route.inspection_id), f, fetch)
    return await answer_input.keep_file(db, user, route, f, saved)


async def walk(db, user, iid, view, plan, tmp_path):  # noqa: ANN001, ANN202
    """Answer questions as `plan` says (question id -> tap code, typed text, 'photo', 'here')."""
    while isinstance(view, QuestionView):
        qid, index = view.fq.question.id, view.fq.index
        action = plan[qid]
        if action == "photo":
            views = await send_photo(db, user, tmp_path)
            views = await answers.tap(db, user, iid, index, "next")
        elif action == "here":
            views = await answer_input.located(db, user, 40.1893, 117.9658, env())
        elif action.startswith("type:"):
            views = await answer_input.typed(db, user, action[5:])
        else:
            views = await answers.tap(db, user, iid, index, action)
        view = views[-1]
    return view


PLAN = {
    "permit": "y",
    "self-monitoring": "na",
    "facilities": "o1",  # 未运行: a finding, and the photo follow-up
    "facilities-photo": "photo",
    "evasion": "n",
    "weather-grading": "o3",
    "emission-check": "type:35.2",
    "check-in": "here",
    "service": "skip",
    "notes": "type:现场已责令停产整改",
}
# the off-site item ("positive-list-remote") answered with no problem
REMOTE_PLAN = {
    "online-data": "y",
    "exceedance": "n",
    "power-video": "o0",
    "report": "y",
    "evidence": "photo",
    "clue": "n",
}
