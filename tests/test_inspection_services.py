"""The inspection use cases on a real SQLite file: check-in, answers stored on receipt and resumed
after a reopen, stale buttons, other people's visits, joint visits, conflicts, submission."""

from __future__ import annotations

import json

import aiosqlite
import pytest

from bot.services import answer_input, answers, submission
from bot.services.errors import Refusal
from bot.services.flow_views import (
    QuestionView,
    ReviewView,
    SubmittedView,
    SubmitView,
)
from bot.services.plan import read_item_list
from storage import audit
from storage.answers import answers_of, history_of
from storage.db import Database
from storage.records import latest_record
from storage.rectifications import open_rectification_stable_ids
from tests.inspection_world import (
    ITEMS,
    ITEMS_FILE,
    PLAN,
    checked_in,
    env,
    make_world,
    new_visit,
    session_of,
    walk,
)


@pytest.fixture
async def world(db):
    return await make_world(db)


async def test_walk_submit_and_record_is_immutable(db, world, tmp_path):
    zhang = world.users["张三"]
    iid = await new_visit(db, world, members=())
    first = await checked_in(db, zhang, iid)
    assert first.fq.question.id == "permit" and (first.position, first.total) == (1, 9)
    review = await walk(db, zhang, iid, first, PLAN, tmp_path)
    assert isinstance(review, ReviewView) and not review.missing and review.findings == 1
    views = await submission.begin(db, zhang, iid)
    assert views[0].step == "rep_name"
    await submission.typed(db, zhang, "刘厂长")
    await submission.typed(db, zhang, "副总经理")
    bad = await submission.choose(db, zhang, iid, 0)  # 未发现问题 with a finding
    assert bad[0].notice.key == "sub_result_has_findings" and bad[0].step == "result"
    await submission.choose(db, zhang, iid, 1)
    done = await submission.confirm(db, zhang, iid, env())
    assert isinstance(done[0], SubmittedView) and done[0].version == 1
    assert done[0].rectification_due == "2027-02-20"  # three months after 2026-11-20
    async with db.read() as conn:
        rec = await latest_record(conn, iid)
        assert rec.result == "ordered_to_rectify" and rec.representative_post == "副总经理"
        assert [f["question_id"] for f in rec.findings] == ["facilities"]
        photo = next(a for a in rec.answers if a["question_id"] == "facilities-photo")
        assert len(photo["evidence"]) == 1 and len(photo["evidence"][0]["sha256"]) == 64
        assert rec.checkins and rec.checkins[0]["distance_m"] < 50
        assert world.entities[0].stable_id in await open_rectification_stable_ids(
            conn, world.bureau_id
        )
        assert await audit.verify(conn) == []
        with pytest.raises(aiosqlite.IntegrityError, match="immutable"):
            await conn.execute("UPDATE inspection_records SET result = 'no_problem'")
        with pytest.raises(aiosqlite.IntegrityError, match="immutable"):
            await conn.execute("DELETE FROM inspection_records")
    with pytest.raises(Refusal) as r:
        await answers.start(db, zhang, iid, env())
    assert r.value.key == "visit_closed"


async def test_every_answer_is_stored_and_a_reopen_resumes(tmp_path):
    path = tmp_path / "restart.db"
    db = await Database.open(path)
    world = await make_world(db)
    zhang = world.users["张三"]
    iid = await new_visit(db, world)
    view = await checked_in(db, zhang, iid)
    await answers.tap(db, zhang, iid, view.fq.index, "y")
    await answers.tap(db, zhang, iid, view.fq.index + 1, "n")
    await db.close()
    db = await Database.open(path)  # the bot restarted
    try:
        session = await session_of(db, zhang)
        assert (session.step, session.question_index) == ("question", 2)
        views = await answers.start(db, zhang, iid, env())
        assert views[0].fq.question.id == "facilities" and views[0].position == 3
        async with db.read() as conn:
            stored = await answers_of(conn, iid)
        assert {k: a.value for k, a in stored.items()} == {
            "site-check/permit": "yes",
            "site-check/self-monitoring": "no",
        }
    finally:
        await db.close()


async def test_stale_buttons_change_nothing(db, world):
    zhang = world.users["张三"]
    iid = await new_visit(db, world)
    view = await checked_in(db, zhang, iid)
    await answers.tap(db, zhang, iid, view.fq.index, "y")
    with pytest.raises(Refusal) as r:  # the first question's buttons, tapped again
        await answers.tap(db, zhang, iid, view.fq.index, "n")
    assert r.value.key == "btn_stale"
    with pytest.raises(Refusal):
        await answers.tap(db, zhang, iid, 99, "y")
    async with db.read() as conn:
        stored = await answers_of(conn, iid)
    assert stored["site-check/permit"].value == "yes" and stored["site-check/permit"].revision == 1


async def test_someone_elses_visit_is_refused_the_same_as_a_missing_one(db, world):
    iid = await new_visit(db, world, lead="张三", members=("李四",))
    wang = world.users["王五"]
    for visit in (iid, 9999):
        with pytest.raises(Refusal) as r:
            await answers.start(db, wang, visit, env())
        assert r.value.key == "visit_not_yours" and r.value.params == {"id": visit}
    assert await session_of(db, wang) is None


async def test_back_changes_an_answer_with_history(db, world):
    zhang = world.users["张三"]
    iid = await new_visit(db, world)
    view = await checked_in(db, zhang, iid)
    await answers.tap(db, zhang, iid, 0, "y")
    back = await answers.back(db, zhang, iid, 1)
    assert back[0].fq.index == 0 and back[0].has_value and back[0].value == "yes"
    nxt = await answers.tap(db, zhang, iid, 0, "n")
    assert nxt[0].fq.index == 1
    async with db.read() as conn:
        hist = await history_of(conn, iid, "site-check", "permit")
    assert [h.value for h in hist] == ["yes", "no"] and view.fq.index == 0


async def test_two_inspectors_never_silently_overwrite_each_other(db, world):
    zhang, li = world.users["张三"], world.users["李四"]
    iid = await new_visit(db, world, members=("李四",))
    await checked_in(db, zhang, iid)
    await checked_in(db, li, iid)  # both on question 0 now
    await answers.tap(db, zhang, iid, 0, "y")
    clash = await answers.tap(db, li, iid, 0, "n")
    assert clash[0].notice.key == "ck_changed_by" and clash[0].value == "yes"
    again = await answers.tap(db, li, iid, 0, "n")  # saw it; now the change is deliberate
    assert again[0].fq.index != 0
    async with db.read() as conn:
        hist = await history_of(conn, iid, "site-check", "permit")
    assert [(h.value, h.answered_by) for h in hist] == [("yes", zhang.id), ("no", li.id)]


async def test_joint_visit_splits_by_department_and_the_lead_submits(db, world, tmp_path):
    zhang, wang = world.users["张三"], world.users["王五"]
    iid = await new_visit(db, world, members=("王五",), items=("site-check",))
    view = await checked_in(db, wang, iid)
    # 王五 (环评科) is not of the item's department while 张三 is: nothing for him to answer
    assert isinstance(view, ReviewView) and not view.can_submit and view.lead_name == "张三"
    with pytest.raises(Refusal) as r:
        await answers.go_to(db, wang, iid, 0)
    assert r.value.key == "ck_not_yours_question"
    with pytest.raises(Refusal) as r:
        await submission.begin(db, wang, iid)
    assert r.value.key == "sub_not_lead"
    first = await checked_in(db, zhang, iid)
    assert first.total == 9


async def test_offsite_needs_no_checkin_and_photo_is_required(db, world, tmp_path):
    li = world.users["李四"]
    iid = await new_visit(
        db, world, lead="李四", members=(), mode="offsite", items=("positive-list-remote",)
    )
    first = (await answers.start(db, li, iid, env()))[0]
    assert isinstance(first, QuestionView) and first.fq.question.id == "online-data"
    plan = {
        "online-data": "y",
        "exceedance": "y",
        "exceedance-hours": "type:abc",
        "power-video": "o0",
        "report": "y",
        "evidence": "photo",
        "clue": "n",
    }
    view = first
    while isinstance(view, QuestionView) and view.fq.question.id != "exceedance-hours":
        view = (await answers.tap(db, li, iid, view.fq.index, plan[view.fq.question.id]))[0]
    reask = (await answer_input.typed(db, li, "abc"))[0]
    assert reask.notice.key == "ck_need_number" and reask.fq.question.id == "exceedance-hours"
    nxt = (await answer_input.typed(db, li, "3"))[0]
    assert nxt.fq.question.id == "power-video"
    sticker = (await answer_input.unusable(db, li, "ck_no_stickers"))[0]
    assert sticker.notice.key == "ck_no_stickers" and sticker.fq.question.id == "power-video"
    review = await walk(db, li, iid, nxt, plan, tmp_path)
    assert isinstance(review, ReviewView) and review.findings == 1  # 超标记录: 是


async def test_item_list_edit_after_freeze_changes_nothing(db, world):
    zhang = world.users["张三"]
    iid = await new_visit(db, world, members=())
    await checked_in(db, zhang, iid)
    data = ITEMS.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["items"][0]["checklist"][0]["text"] = "改过的问题"
    edited = type(ITEMS).model_validate(data)
    views = await answers.start(db, zhang, iid, env(item_list=edited))
    assert views[0].fq.question.text == "是否依法取得排污许可证（或完成排污登记）？"
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT questions_json FROM inspection_checklists WHERE inspection_id = ?", (iid,)
        ) as cur,
    ):
        frozen = json.loads((await cur.fetchone())[0])
    assert frozen["questions"][0]["question"]["text"].startswith("是否依法取得")


async def test_submission_refused_while_required_answers_are_missing(db, world):
    zhang = world.users["张三"]
    iid = await new_visit(db, world, members=())
    await checked_in(db, zhang, iid)
    await answers.review(db, zhang, iid)
    views = await submission.begin(db, zhang, iid)
    assert isinstance(views[0], ReviewView) and views[0].notice.key == "sub_missing"
    with pytest.raises(Refusal):
        await submission.confirm(db, zhang, iid, env())
    assert not isinstance(views[0], SubmitView)


async def test_multiple_choice_toggles_then_done(db, world):
    qingdao = read_item_list(ITEMS_FILE.parent / "qingdao-west-coast-2020.yaml")
    zhang = world.users["张三"]
    iid = await new_visit(db, world, members=(), items=("daily-random",), mode="offsite")
    first = (await answers.start(db, zhang, iid, env(item_list=qingdao)))[0]
    issue = (await answers.tap(db, zhang, iid, first.fq.index, "n"))[0]
    assert issue.fq.question.id == "permit-issue" and issue.selected == []
    empty = (await answers.tap(db, zhang, iid, issue.fq.index, "done"))[0]
    assert empty.notice.key == "ck_pick_one"
    await answers.tap(db, zhang, iid, issue.fq.index, "t2")
    view = (await answers.tap(db, zhang, iid, issue.fq.index, "t0"))[0]
    assert view.selected == ["超许可浓度排放", "未按规定自行监测"]
    nxt = (await answers.tap(db, zhang, iid, issue.fq.index, "done"))[0]
    assert nxt.fq.question.id == "facilities"
    async with db.read() as conn:
        stored = await answers_of(conn, iid)
    assert stored["daily-random/permit-issue"].value == ["超许可浓度排放", "未按规定自行监测"]
