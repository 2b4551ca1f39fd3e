"""一公开 after the flow: submitting a record starts its publication deadline in the submission's
own transaction.

Through the services, on the Zunhua item list: a joint visit (site-check + positive-list-remote),
walked and submitted by 张三."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.deadlines import Deadlines
from bot.domain.disclosure import WithholdReason
from bot.domain.workdays import WorkdayCalendar
from bot.services import publication, submission
from bot.services.publication import PublishEnv, track
from storage.db import Database
from tests.inspection_world import (
    ITEMS,
    NOW,
    PLAN,
    TZ,
    checked_in,
    env,
    make_world,
    new_visit,
    walk,
)

CHANNEL = -1009876
REMOTE = "positive-list-remote"
REMOTE_NAME = "正面清单企业非现场监管"
JOINT_PLAN = {
    **PLAN,
    "online-data": "y",
    "exceedance": "n",
    "power-video": "o0",
    "report": "y",
    "evidence": "photo",
    "clue": "n",
}
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
    zhang = world.users["张三"]
    iid = await new_visit(
        db, world, items=("site-check", REMOTE), members=("李四",), period="2026Q4"
    )
    await walk(db, zhang, iid, await checked_in(db, zhang, iid), JOINT_PLAN, tmp_path)
    await submission.begin(db, zhang, iid)
    await submission.refused(db, zhang, iid)
    await submission.choose(db, zhang, iid, 1)
    await submission.confirm(db, zhang, iid, env())
    return iid


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
