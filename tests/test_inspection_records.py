"""Records after submission: corrections by approved request only (new version, old kept, both
logged), rectification orders from finding to closing, and the printable record."""

from __future__ import annotations

import json

import pytest

from bot.domain.checklist_input import IncomingFile
from bot.services import answer_input, answers, corrections, evidence, rectifications, submission
from bot.services.errors import Refusal
from bot.services.flow_input import on_text
from bot.services.record_export import ExportOptions, may_read_record, record_html
from storage.db import Database
from storage.records import versions_of
from storage.rectifications import get_order, open_rectification_stable_ids
from tests.inspection_world import (
    JPEG,
    PLAN,
    REMOTE_PLAN,
    TZ,
    checked_in,
    env,
    make_world,
    new_visit,
    walk,
)


async def submitted(db: Database, world, tmp_path, *, plan: dict = PLAN, **visit) -> int:  # noqa: ANN001
    """A visit walked by 张三 as `plan` says (by default one finding: facilities not running) and
    submitted as 发现问题已责令整改."""
    zhang = world.users["张三"]
    iid = await new_visit(db, world, members=("李四",), **visit)
    await walk(db, zhang, iid, await checked_in(db, zhang, iid), plan, tmp_path)
    await submission.begin(db, zhang, iid)
    await submission.refused(db, zhang, iid)
    await submission.choose(db, zhang, iid, 1)
    await submission.confirm(db, zhang, iid, env())
    return iid


async def outbox(db: Database, chat_id: int) -> list[dict]:
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT payload_json FROM outbox WHERE chat_id = ? ORDER BY id", (chat_id,)
        ) as cur,
    ):
        return [json.loads(r[0]) for r in await cur.fetchall()]


async def audit_actions(db: Database) -> list[str]:
    async with db.read() as conn, conn.execute("SELECT action FROM audit_log ORDER BY id") as cur:
        return [r[0] for r in await cur.fetchall()]


@pytest.fixture
async def world(db):
    return await make_world(db)


async def test_correction_approved_writes_version_two_and_keeps_one(db, world, tmp_path):
    zhang, manager = world.users["张三"], world.users["经理"]
    iid = await submitted(db, world, tmp_path)
    assert (await outbox(db, world.users["李四"].telegram_id))[0]["text"].startswith("📄 张三")
    await corrections.begin(db, zhang, iid)
    views = await on_text(db, zhang, "排放浓度录入错误，应为 53", env())
    assert views[0].key == "corr_requested"
    note = (await outbox(db, manager.telegram_id))[-1]
    assert "排放浓度录入错误" in note["text"]
    approve = note["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    cid = int(approve.split(":")[2])
    with pytest.raises(Refusal):  # a second request while one is open
        await corrections.begin(db, zhang, iid)
    await corrections.decide(db, manager, cid, approve=True)
    with pytest.raises(Refusal) as r:
        await corrections.decide(db, manager, cid, approve=False)
    assert r.value.key == "corr_decided"
    told = (await outbox(db, zhang.telegram_id))[-1]
    assert told["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"go:{iid}"
    review = (await answers.start(db, zhang, iid, env()))[0]
    assert review.correction and review.can_submit
    index = next(line.fq.index for line in review.lines if line.fq.question.id == "emission-check")
    await answers.go_to(db, zhang, iid, index)
    after = (await answer_input.typed(db, zhang, "53"))[0]
    assert after.findings == 2  # 53 > 50 mg/m³ is a finding too
    step = (await submission.begin(db, zhang, iid))[0]
    assert step.step == "result" and step.refused  # the representative of version 1 is kept
    await submission.choose(db, zhang, iid, 1)
    done = (await submission.confirm(db, zhang, iid, env()))[0]
    assert done.version == 2
    async with db.read() as conn:
        v1, v2 = await versions_of(conn, iid)
        order = await get_order(conn, done.rectification_id)
    assert v2.supersedes_version == 1 and v2.reason.startswith("排放浓度") and v2.correction_id
    assert [a["value"] for a in v1.answers if a["question_id"] == "emission-check"] == ["35.2"]
    assert [a["value"] for a in v2.answers if a["question_id"] == "emission-check"] == ["53"]
    assert v1.content_hash != v2.content_hash and order.record_version == 2
    assert "现场抽测排放浓度" in order.finding_text
    actions = await audit_actions(db)
    assert actions.count("record.submitted") == 2
    assert "correction.requested" in actions and "correction.approved" in actions


async def test_rejected_correction_leaves_the_record_closed(db, world, tmp_path):
    zhang, manager = world.users["张三"], world.users["经理"]
    iid = await submitted(db, world, tmp_path)
    await corrections.begin(db, zhang, iid)
    await on_text(db, zhang, "想改一下", env())
    cid = int(
        (await outbox(db, manager.telegram_id))[-1]["reply_markup"]["inline_keyboard"][0][1][
            "callback_data"
        ].split(":")[2]
    )
    await corrections.decide(db, manager, cid, approve=False)
    with pytest.raises(Refusal) as r:
        await answers.start(db, zhang, iid, env())
    assert r.value.key == "visit_closed"
    assert "correction.rejected" in await audit_actions(db)


async def test_rectification_from_finding_to_closed(db, world, tmp_path):
    zhang, coord = world.users["张三"], world.users["综合"]
    iid = await submitted(db, world, tmp_path)
    stable = world.entities[0].stable_id
    async with db.read() as conn:
        assert stable in await open_rectification_stable_ids(conn, world.bureau_id)
    order = (await rectifications.mine(db, zhang))[0]
    assert order.inspection_id == iid and order.due_on == "2027-02-20"
    with pytest.raises(Refusal) as r:
        await rectifications.submit(db, zhang, order.id)
    assert r.value.key == "rf_no_evidence"
    await rectifications.begin_upload(db, zhang, order.id)
    target = await rectifications.file_target(db, zhang)
    f = IncomingFile("document", "doc-1", "u-doc", 9, "整改报告.pdf", "application/pdf")

    async def fetch(path):  # noqa: ANN001, ANN202
        path.write_bytes(b"%PDF-1.4\n")

    saved = await evidence.save(tmp_path / "evidence", "x", f, fetch)
    kept = await rectifications.keep_file(db, zhang, target, f, saved)
    assert kept[0].params["count"] == 1
    await rectifications.submit(db, zhang, order.id)
    review = (await outbox(db, coord.telegram_id))[-1]
    assert [b["callback_data"] for b in review["reply_markup"]["inline_keyboard"][0]] == [
        f"rf:c:{order.id}",
        f"rf:x:{order.id}",
    ]
    await rectifications.begin_return(db, coord, order.id)
    await on_text(db, coord, "照片看不清", env())
    assert "照片看不清" in (await outbox(db, zhang.telegram_id))[-1]["text"]
    with pytest.raises(Refusal):
        await rectifications.close(db, coord, order.id)  # returned, not awaiting review
    await rectifications.submit(db, zhang, order.id)
    await rectifications.close(db, coord, order.id)
    async with db.read() as conn:
        assert stable not in await open_rectification_stable_ids(conn, world.bureau_id)
        assert (await get_order(conn, order.id)).status == "closed"
    actions = await audit_actions(db)
    assert actions.count("rectification.submitted") == 2 and "rectification.closed" in actions


async def test_no_problem_opens_no_rectification(db, world, tmp_path):
    li = world.users["李四"]
    iid = await new_visit(
        db, world, lead="李四", members=(), mode="offsite", items=("positive-list-remote",)
    )
    await walk(db, li, iid, (await answers.start(db, li, iid, env()))[0], REMOTE_PLAN, tmp_path)
    await submission.begin(db, li, iid)
    await submission.typed(db, li, "刘厂长")
    await submission.typed(db, li, "厂长")
    bad = await submission.choose(db, li, iid, 1)
    assert bad[0].notice.key == "sub_result_no_findings"
    await submission.choose(db, li, iid, 0)
    done = (await submission.confirm(db, li, iid, env()))[0]
    assert done.rectification_id is None


async def test_printable_record_embeds_photos_and_lists_versions(db, world, tmp_path):
    iid = await submitted(db, world, tmp_path)
    opts = ExportOptions(tmp_path / "evidence", TZ)
    html = await record_html(db, iid, opts, bureau="测试分局")
    assert "现场检查记录表" in html and "data:image/jpeg;base64," in html
    assert "发现问题已责令整改" in html and "拒绝签字" in html and "测试分局" in html
    assert "<script" not in html and len(JPEG) < len(html)
    with pytest.raises(Refusal) as r:
        await record_html(db, iid, opts, version=7)
    assert r.value.key == "record_no_version"


async def test_who_may_read_a_record(db, world, tmp_path):
    iid = await submitted(db, world, tmp_path)
    for name in ("张三", "李四", "综合", "经理"):  # its inspectors, the coordinator, the manager
        await may_read_record(db, world.users[name], iid)
    with pytest.raises(Refusal) as r:  # an inspector of the bureau who is not on the visit
        await may_read_record(db, world.users["王五"], iid)
    assert r.value.key == "visit_not_yours"
    with pytest.raises(Refusal):
        await may_read_record(db, world.users["经理"], iid + 100)


async def deadline_rows(db: Database) -> list[tuple]:
    async with (
        db.read() as conn,
        conn.execute("SELECT subject_kind, kind, due_on, status FROM deadlines ORDER BY id") as cur,
    ):
        return [tuple(r) for r in await cur.fetchall()]


async def test_deadlines_follow_the_flow(db, world, tmp_path):
    zhang, coord = world.users["张三"], world.users["综合"]
    iid = await new_visit(db, world, members=("李四",))
    await checked_in(db, zhang, iid)  # 2026-11-20: the record is due 7 working days later
    assert await deadline_rows(db) == [("inspection", "record_due", "2026-12-01", "open")]
    other = await submitted(db, world, tmp_path)
    rows = await deadline_rows(db)
    assert rows[1] == ("inspection", "record_due", "2026-12-01", "done")  # other: submitted
    assert rows[2] == ("rectification", "rectification_due", "2027-02-20", "open")
    order = next(o for o in await rectifications.mine(db, zhang) if o.inspection_id == other)
    sql = (
        "SELECT DISTINCT recipient FROM reminders r JOIN deadlines d ON d.id = r.deadline_id"
        " WHERE d.subject_kind = 'rectification'"
    )
    async with db.read() as conn, conn.execute(sql) as cur:
        recipients = {r[0] for r in await cur.fetchall()}
    assert {f"inspector:{world.inspector_rows[n]}" for n in ("张三", "李四")} <= recipients
    await rectifications.begin_upload(db, zhang, order.id)
    target = await rectifications.file_target(db, zhang)
    f = IncomingFile("photo", "p", "u", 3)

    async def fetch(path):  # noqa: ANN001, ANN202
        path.write_bytes(JPEG)

    saved = await evidence.save(tmp_path / "evidence", "r", f, fetch)
    await rectifications.keep_file(db, zhang, target, f, saved)
    await rectifications.submit(db, zhang, order.id)
    await rectifications.close(db, coord, order.id)
    assert (await deadline_rows(db))[2] == (
        "rectification",
        "rectification_due",
        "2027-02-20",
        "done",
    )
