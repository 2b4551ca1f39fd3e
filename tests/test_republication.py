"""一公开 after the flow: submitting a record starts its publication deadline in the submission's
own transaction, and a record corrected after its result was published is published again (its
current version, marked corrected with the date), never with its confidential item.

Through the services, on the Zunhua item list: a joint visit (site-check + positive-list-remote),
walked and submitted by 张三, corrected with 经理's approval."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.deadlines import Deadlines
from bot.domain.disclosure import WithholdReason
from bot.domain.workdays import WorkdayCalendar
from bot.services import answer_input, answers, corrections, publication, submission
from bot.services.flow_input import on_text
from bot.services.publication import PublishEnv, publish, track
from storage.db import Database
from tests.inspection_world import (
    ITEMS,
    NOW,
    PLAN,
    REMOTE_PLAN,
    TZ,
    env,
    make_world,
)
from tests.test_inspection_records import submitted

CHANNEL = -1009876
REMOTE = "positive-list-remote"
REMOTE_NAME = "正面清单企业非现场监管"
JOINT_PLAN = {**PLAN, **REMOTE_PLAN}
# the off-site item is confidential for publishing: it must never appear
SECRET_ITEMS = ITEMS.model_copy(
    update={
        "items": [
            i.model_copy(update={"confidential": WithholdReason.COMMERCIAL_SECRET})
            if i.id == REMOTE
            else i
            for i in ITEMS.items
        ]
    }
)


def publish_env(tmp_path, now: datetime, **kw) -> PublishEnv:  # noqa: ANN001
    fields = {
        "now": now,
        "tz": TZ,
        "deadlines": Deadlines(WorkdayCalendar()),
        "site_dir": tmp_path / "site",
        "channel_id": CHANNEL,
        "item_list": SECRET_ITEMS,
        "bureau_name": "遵化分局",
        "actor": "user:1",
        **kw,
    }
    return PublishEnv(**fields)


async def rows(db: Database, sql: str, *args) -> list[tuple]:  # noqa: ANN002
    async with db.read() as conn, conn.execute(sql, args) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def submit_joint(db: Database, world, tmp_path) -> int:  # noqa: ANN001
    """A joint visit walked by 张三 (one finding) and submitted as 发现问题已责令整改."""
    return await submitted(
        db, world, tmp_path, plan=JOINT_PLAN, items=("site-check", REMOTE), period="2026Q4"
    )


async def correct(db: Database, world, iid: int, when: datetime) -> None:  # noqa: ANN001
    """张三 asks, 经理 approves, 张三 re-enters the emission reading and submits 立案调查."""
    zhang, manager = world.users["张三"], world.users["经理"]
    await corrections.begin(db, zhang, iid)
    await on_text(db, zhang, "排放浓度录入错误，应为 53", env(when))
    [(cid,)] = await rows(db, "SELECT id FROM record_corrections WHERE inspection_id = ?", iid)
    await corrections.decide(db, manager, cid, approve=True)
    review = (await answers.start(db, zhang, iid, env(when)))[0]
    index = next(line.fq.index for line in review.lines if line.fq.question.id == "emission-check")
    await answers.go_to(db, zhang, iid, index)
    await answer_input.typed(db, zhang, "53")
    await submission.begin(db, zhang, iid)
    await submission.choose(db, zhang, iid, 2)  # 发现违法行为已立案调查
    done = (await submission.confirm(db, zhang, iid, env(when)))[0]
    assert done.version == 2


def site_texts(tmp_path) -> dict[str, str]:  # noqa: ANN001
    site = tmp_path / "site"
    return {
        p.name: p.read_bytes().decode("utf-8-sig")
        for p in site.iterdir()
        if p.suffix in (".html", ".csv") and not p.name.startswith("plan-")
    }


@pytest.fixture
async def world(db):
    return await make_world(db)


async def test_submitting_starts_the_publication_deadline_in_its_transaction(
    db, world, tmp_path, monkeypatch
):
    iid = await submit_joint(db, world, tmp_path)
    # no tracking job has run: the submission itself wrote the row, the deadline, the reminders
    got = await rows(db, "SELECT inspection_id, completed_on, due_on, status FROM disclosures")
    assert got == [(iid, "2026-11-20", "2026-12-04", "pending")]  # 10 working days
    deadline = await rows(
        db, "SELECT kind, due_on, status FROM deadlines WHERE subject_kind = 'disclosure'"
        " AND subject_id = ?", str(iid),
    )  # fmt: skip
    assert deadline == [("publication_due", "2026-12-04", "open")]
    audiences = await rows(db, "SELECT DISTINCT audience FROM reminders")
    assert {"coordinator", "manager"} <= {a for (a,) in audiences}
    async with db.tx() as conn:  # the catch-up job finds nothing left to do
        assert await track(conn, world.bureau_id, publish_env(tmp_path, NOW)) == 0

    async def broken(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("deadline not written")

    monkeypatch.setattr(publication, "on_record_submitted", broken)
    with pytest.raises(RuntimeError):
        await submit_joint(db, world, tmp_path)
    [(other, status)] = await rows(db, "SELECT id, status FROM inspections WHERE id != ?", iid)
    assert status != "submitted"  # one transaction: no record without its deadline
    assert (
        await rows(db, "SELECT version FROM inspection_records WHERE inspection_id = ?", other)
        == []
    )


async def test_a_correction_after_publication_is_published_again_without_the_secret_item(
    db, world, tmp_path
):
    iid = await submit_joint(db, world, tmp_path)
    entity = world.entities[0].name
    first = await publish(db, world.bureau_id, publish_env(tmp_path, NOW + timedelta(days=1)))
    assert [r.inspection_id for r in first.decision.public] == [iid]
    before = site_texts(tmp_path)["results-2026Q4.csv"]
    assert "发现问题已责令整改（部分事项依法不予公开）" in before and "更正" not in before

    corrected_at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 11:00 in Zunhua
    await correct(db, world, iid, corrected_at)
    marked = await rows(
        db, "SELECT status, republish FROM disclosures WHERE inspection_id = ?", iid
    )
    assert marked == [("published", 1)]
    # the site keeps the row as it went out until the next publication
    assert site_texts(tmp_path)["results-2026Q4.csv"] == before

    again = await publish(db, world.bureau_id, publish_env(tmp_path, corrected_at + timedelta(1)))
    assert again.decision.public == () and len(again.corrected.public) == 1 and again.posted
    texts = site_texts(tmp_path)
    wording = "发现违法行为已立案调查（部分事项依法不予公开）（已于 2026-11-25 更正）"
    assert wording in texts["results-2026Q4.csv"] and wording in texts["results-2026Q4.html"]
    assert "发现问题已责令整改" not in texts["results-2026Q4.csv"]
    assert texts["results-2026Q4.csv"].count(entity) == 1  # replaced, not added
    [_, (post,)] = await rows(db, "SELECT payload_json FROM outbox WHERE chat_id = ?", CHANNEL)
    post = json.loads(post)["text"]
    assert "【更正】" in post and entity in post and wording in post
    for text in [post, *texts.values()]:
        assert REMOTE_NAME not in text  # the confidential item, in neither version
    row = await rows(
        db, "SELECT status, republish, published_on, republished_at, withheld_items_json"
        " FROM disclosures WHERE inspection_id = ?", iid,
    )  # fmt: skip
    assert row == [("published", 0, "2026-11-21", "2026-11-26T03:00:00+00:00", f'["{REMOTE}"]')]
    [(payload,)] = await rows(
        db, "SELECT payload_json FROM audit_log WHERE action = 'publication' ORDER BY id DESC"
        " LIMIT 1",
    )  # fmt: skip
    [entry] = json.loads(payload)["republished"]
    assert (entry["inspection"], entry["version"], entry["published"]) == (iid, 2, True)
    assert entry["replaced"]["result"] == "ordered_to_rectify"

    third = await publish(db, world.bureau_id, publish_env(tmp_path, corrected_at + timedelta(2)))
    assert third.corrected.public == () and not third.posted


async def test_a_corrected_record_now_wholly_confidential_is_taken_down(db, world, tmp_path):
    iid = await submit_joint(db, world, tmp_path)
    entity = world.entities[0].name
    await publish(db, world.bureau_id, publish_env(tmp_path, NOW + timedelta(days=1)))
    await correct(db, world, iid, datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    everything_secret = SECRET_ITEMS.model_copy(
        update={
            "items": [
                i.model_copy(update={"confidential": WithholdReason.STATE_SECRET})
                for i in SECRET_ITEMS.items
            ]
        }
    )
    out = await publish(
        db, world.bureau_id,
        publish_env(tmp_path, datetime(2026, 11, 26, 3, tzinfo=UTC), item_list=everything_secret),
    )  # fmt: skip
    assert out.corrected.public == () and sum(out.corrected.withheld_whole().values()) == 1
    got = await rows(db, "SELECT status, public_json FROM disclosures WHERE inspection_id = ?", iid)
    assert got == [("withheld", None)]
    for name, text in site_texts(tmp_path).items():
        assert entity not in text, name


async def test_a_correction_before_publication_is_simply_published_current(db, world, tmp_path):
    iid = await submit_joint(db, world, tmp_path)
    await correct(db, world, iid, datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    assert await rows(db, "SELECT republish FROM disclosures") == [(0,)]
    out = await publish(
        db, world.bureau_id, publish_env(tmp_path, datetime(2026, 11, 26, 3, tzinfo=UTC))
    )
    [row] = out.decision.public
    assert row.inspection_id == iid and row.result.value == "case_filed"
    assert row.corrected_on is None and out.corrected.public == ()


async def test_the_migration_marks_corrections_made_after_publication(tmp_path):
    from tests import publish_world as w

    path = tmp_path / "old.db"
    old = await Database.open(path, upto=9)
    world = await w.build(old)
    published_at = "2026-08-20T02:00:00+00:00"
    async with old.tx() as conn:
        for label, corrected_on in (("K1", "2026-08-25"), ("K2", "2026-08-10"), ("G1", None)):
            iid = world.visits[label]
            await conn.execute(
                "INSERT INTO disclosures (inspection_id, bureau_id, completed_on, due_on, status,"
                " published_at, published_on, public_json, created_at)"
                " VALUES (?, ?, '2026-08-03', '2026-08-17', 'published', ?, '2026-08-20', '{}', ?)",
                (iid, world.bureau_id, published_at, published_at),
            )
            if corrected_on:  # version 2, after the publication for K1, before it for K2
                await conn.execute(
                    "INSERT INTO inspection_records (inspection_id, version, checklist_digest,"
                    " answers_json, findings_json, checkins_json, result, submitted_by,"
                    " submitted_at, content_hash) VALUES (?, 2, 'd', '[]', '[]', '[]',"
                    " 'no_problem', ?, ?, 'h2')",
                    (iid, world.user_id, w.submitted_at(corrected_on)),
                )
    await old.close()
    new = await Database.open(path)
    try:
        got = await rows(new, "SELECT inspection_id, republish FROM disclosures ORDER BY 1")
    finally:
        await new.close()
    v = world.visits
    assert got == sorted([(v["K1"], 1), (v["K2"], 0), (v["G1"], 0)])


def test_a_corrected_row_says_when_and_reads_back():
    from datetime import date

    from bot.domain.disclosure import PublicRow
    from bot.domain.results import Result

    row = PublicRow(1, "2026Q4", "甲厂", "—", ("现场检查",), ("执法大队",), date(2026, 11, 20),
                    Result.CASE_FILED, True, date(2026, 11, 25))  # fmt: skip
    assert row.wording == "发现违法行为已立案调查（部分事项依法不予公开）（已于 2026-11-25 更正）"
    assert PublicRow.from_json(row.to_json()) == row
    plain = {k: v for k, v in row.to_json().items() if k != "corrected_on"}  # stored before 0010
    assert PublicRow.from_json(plain).corrected_on is None
