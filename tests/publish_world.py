"""A small hand-built bureau for the publication, figures and report tests, with known answers.

Item list: `site` (groups key 50% / general 25% a quarter, risk-classed), `waste` (2 of every
entity a quarter, no class: not risk-classed), `radiation` (confidential: 国家秘密).
Registry: 4 key entities K1-K4, 8 general G1-G8; inspectors 张三 (lead) and 李四.

Visits of 2026Q3 (number: entity, items, status, result):

    1 K1 site+waste submitted 08-03 no_problem         joint, risk-classed
    2 K2 site       submitted 08-03 ordered_to_rectify  rectification closed
    3 G1 site       submitted 08-03 case_filed          rectification open
    4 G2 waste      submitted 08-03 no_problem          not risk-classed
    5 G3 site       assigned
    6 K3 radiation  submitted 08-03 no_problem          withheld whole (item: 国家秘密)
    7 G4 site       submitted 08-03 no_problem          record confidential (商业秘密)
    8 G5 site+radiation submitted 08-14 no_problem     published without radiation
    9 G6 site       cancelled

Records of 08-03 (Monday) are due for publication on 08-17, of 08-14 on 08-28 (10 working
days). Known answers: 8 live visits, 7 completed; joint 2/7; credit-risk 5/7; violations 2/7;
rectification closure 1/2; after publishing on 08-20: 5 published, 2 withheld, 1 on time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.credit_code import check_character
from bot.domain.itemlist import ItemList, parse_item_list
from bot.domain.models import Entity, Inspector, Role
from storage.bureaus import ensure_bureau
from storage.db import Database
from storage.entities import entity_ids, upsert_entities
from storage.inspections import create_inspection
from storage.inspectors import list_inspectors, upsert_inspectors
from storage.users import create_user

TZ = ZoneInfo("Asia/Shanghai")
ITEMS_YAML = """
version: 1
bureau: 测试市生态环境局测试分局
title: 测试分局2026年“双随机、一公开”监管工作实施方案
targets: {joint_inspection_share: 35%, credit_risk_share: 85%}
items:
  - id: site
    name: 污染源日常监管随机抽查
    department: 综合执法大队
    checklist: [{id: q, text: 设施是否正常运行？, type: yes_no, finding_if: {in: [否]}}]
    groups:
      - {id: key, name: 重点监管对象, selector: {category: 重点},
         quota: {rule: share, share: 50%, per: 季度}}
      - {id: general, name: 一般监管对象, selector: {category: 一般},
         quota: {rule: share, share: 25%, per: 季度}}
  - id: waste
    name: 危险废物规范化管理抽查
    department: 固体废物管理股
    checklist: [{id: q, text: 台账是否规范？, type: yes_no, finding_if: {in: [否]}}]
    groups:
      - {id: all, name: 全部对象, selector: {}, quota: {rule: count, count: 2, per: 季度}}
  - id: radiation
    name: 核技术利用单位辐射安全检查
    department: 辐射安全股
    confidential: 国家秘密
    checklist: [{id: q, text: 放射源是否在位？, type: yes_no, finding_if: {in: [否]}}]
    groups:
      - {id: all, name: 全部对象, selector: {}, quota: {rule: count, count: 1, per: 季度}}
"""

# (entity, items, status, result, submitted local date, rectification, confidential)
VISITS = [
    ("K1", ["site", "waste"], "submitted", "no_problem", "2026-08-03", None, None),
    ("K2", ["site"], "submitted", "ordered_to_rectify", "2026-08-03", "closed", None),
    ("G1", ["site"], "submitted", "case_filed", "2026-08-03", "open", None),
    ("G2", ["waste"], "submitted", "no_problem", "2026-08-03", None, None),
    ("G3", ["site"], "assigned", None, None, None, None),
    ("K3", ["radiation"], "submitted", "no_problem", "2026-08-03", None, None),
    ("G4", ["site"], "submitted", "no_problem", "2026-08-03", None, "commercial_secret"),
    ("G5", ["site", "radiation"], "submitted", "no_problem", "2026-08-14", None, None),
    ("G6", ["site"], "cancelled", None, None, None, None),
]
PUBLISH_AT = datetime(2026, 8, 20, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def credit_code(n: int) -> str:
    """A valid 18-character credit code for test entity `n`."""
    first = f"91130600MA0{n:06d}"
    return first + check_character(first)


def entity_name(label: str) -> str:
    return f"{label}测试化工有限公司"


@dataclass
class World:
    """What the tests need to check against: ids by label."""

    bureau_id: int
    item_list: ItemList
    entities: dict[str, int] = field(default_factory=dict)  # label -> entities.id
    codes: dict[str, str] = field(default_factory=dict)  # label -> credit code
    visits: dict[str, int] = field(default_factory=dict)  # label -> inspection id
    user_id: int = 0


def item_list() -> ItemList:
    return parse_item_list(ITEMS_YAML, "tests/publish_world.py")


async def build(db: Database, bureau_code: str = "demo", bureau_name: str = "测试分局") -> World:
    """Write the bureau, its registries and the visits above into `db`."""
    async with db.tx() as conn:
        bureau = await ensure_bureau(conn, bureau_code, bureau_name)
        world = World(bureau, item_list())
        labels = [f"K{i}" for i in range(1, 5)] + [f"G{i}" for i in range(1, 9)]
        models = []
        for n, label in enumerate(labels, start=1):
            code = credit_code(n)
            world.codes[label] = code
            category = "key" if label.startswith("K") else "general"
            models.append(
                Entity(stable_id=code, credit_code=code, name=entity_name(label), category=category)
            )
        await upsert_entities(conn, bureau, models)
        ids = await entity_ids(conn, bureau)
        world.entities = {label: ids[world.codes[label]] for label in labels}
        people = [
            Inspector(name="张三", department="综合执法大队", certificate_no="C001"),
            Inspector(name="李四", department="综合执法大队", certificate_no="C002"),
        ]
        await upsert_inspectors(conn, bureau, people)
        by_name = {i.name: iid for iid, i in await list_inspectors(conn, bureau)}
        user = await create_user(conn, bureau, 555001, "张三", [Role.INSPECTOR])
        world.user_id = user.id
        team = [(by_name["张三"], "lead"), (by_name["李四"], "member")]
        for label, items, status, result, day, rect, secret in VISITS:
            iid = await create_inspection(
                conn, bureau, period="2026Q3", entity_id=world.entities[label], items=items,
                due_on="2026-09-30", inspectors=team,
            )  # fmt: skip
            world.visits[label] = iid
            await conn.execute("UPDATE inspections SET status = ? WHERE id = ?", (status, iid))
            if secret:
                await conn.execute(
                    "UPDATE inspections SET confidential = 1, confidential_reason = ? WHERE id = ?",
                    (secret, iid),
                )
            if result:
                await _record(conn, world, label, iid, result, day)
            if rect:
                await _rectification(conn, world, label, iid, rect)
    return world


def submitted_at(day: str) -> str:
    """10:00 Beijing time of `day`, stored as UTC text."""
    local = datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=TZ)
    return local.astimezone(UTC).isoformat(timespec="seconds")


async def _record(conn, world: World, label: str, iid: int, result: str, day: str) -> None:  # noqa: ANN001
    await conn.execute(
        "INSERT INTO inspection_records (inspection_id, version, checklist_digest, answers_json,"
        " findings_json, checkins_json, result, submitted_by, submitted_at, content_hash)"
        " VALUES (?, 1, 'd', '[]', ?, '[]', ?, ?, ?, 'h')",
        (
            iid,
            json.dumps([] if result == "no_problem" else [{"item_id": "site", "question_id": "q"}]),
            result,
            world.user_id,
            submitted_at(day),
        ),
    )


async def _rectification(conn, world: World, label: str, iid: int, status: str) -> None:  # noqa: ANN001
    await conn.execute(
        "INSERT INTO rectifications (bureau_id, entity_id, entity_stable_id, inspection_id,"
        " record_version, finding_text, ordered_on, due_on, status, ordered_by, closed_at)"
        " VALUES (?, ?, ?, ?, 1, '设施未正常运行', '2026-08-03', '2026-11-03', ?, ?, ?)",
        (
            world.bureau_id,
            world.entities[label],
            world.codes[label],
            iid,
            status,
            world.user_id,
            submitted_at("2026-08-18") if status == "closed" else None,
        ),
    )


@dataclass(frozen=True)
class Draws:
    """Two draws: 2026Q2 revealed (secret and transcript public), 2026Q3 drawn (secret kept)."""

    revealed_hash: str
    revealed_secret: str
    sealed_hash: str
    sealed_secret: str


async def add_draws(db: Database, world: World) -> Draws:
    """Real draws (bot.domain.draw on the frame of tests/test_verify.py) stored as rows."""
    from bot.domain.draw import build_transcript, commit, dumps, reveal, run_draw
    from tests.test_draw_fixtures import secret_for
    from tests.test_verify import SOURCES, VALUES, _frame

    made = []
    for period, seed, revealed in (("2026Q2", 41, True), ("2026Q3", 42, False)):
        frame = _frame()
        commitment, secret = commit(frame, SOURCES, secret=secret_for(seed))
        result = run_draw(frame, secret, VALUES, commitment.snapshot_hash)
        sealed = build_transcript(frame, commitment, VALUES, result)
        transcript = reveal(sealed, secret) if revealed else sealed
        made.append((period, commitment, secret.hex(), transcript, revealed))
    async with db.tx() as conn:
        for period, commitment, secret, transcript, revealed in made:
            await conn.execute(
                "INSERT INTO draws (bureau_id, period, status, algorithm_version, snapshot_hash,"
                " secret_hash, secret, public_sources_json, transcript_json, committed_by,"
                " committed_at, drawn_at, revealed_at, commitment_json, commitment_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'user:1', ?, ?, ?, ?, ?)",
                (
                    world.bureau_id, period, "revealed" if revealed else "drawn",
                    commitment.algorithm, commitment.snapshot_hash, commitment.secret_hash,
                    secret, json.dumps(SOURCES, ensure_ascii=False),
                    dumps(transcript).decode("utf-8"), "2026-06-24T02:00:00+00:00",
                    "2026-06-25T02:00:00+00:00",
                    "2026-10-08T02:00:00+00:00" if revealed else None,
                    json.dumps(commitment.to_json(), ensure_ascii=False, sort_keys=True),
                    commitment.commitment_hash,
                ),
            )  # fmt: skip
    (_, rc, rs, _, _), (_, sc, ss, _, _) = made
    return Draws(rc.commitment_hash, rs, sc.commitment_hash, ss)
