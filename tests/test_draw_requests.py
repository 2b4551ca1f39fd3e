"""Reveal and verify, cancellation with a manager's approval, and replacement of an inspector."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.domain.periods import Period
from bot.services.draw_cancel import decide_cancel, decision_buttons, request_cancel
from bot.services.draw_reveal import export_transcript, reveal_secret
from bot.services.draw_run import run
from bot.services.errors import Refusal
from bot.services.pending_requests import pending
from bot.services.replacements import decide_replacement, open_visits, request_replacement
from storage import draws as store
from storage.inspectors import list_inspectors
from tests.draw_helpers import CHANNEL, NOW, count, outbox_for, preset, visits_of

Q3 = Period.parse("2020Q3")


async def test_reveal_after_the_period_and_verify_passes_then_fails_when_tampered(
    db, tmp_path, capsys
):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "u", b.env, now=NOW)
    before = tmp_path / "before.json"
    before.write_bytes(await export_transcript(db, b.id, Q3))
    assert main(["verify", str(before), "--commitment", done.commitment_hash]) == 3
    with pytest.raises(Refusal) as err:
        await reveal_secret(db, b.id, Q3, "u", b.env, today=date(2020, 9, 30))
    assert err.value.key == "reveal_too_early" and err.value.params["open"] == 43
    shown = await reveal_secret(db, b.id, Q3, "u", b.env, today=date(2020, 10, 1))
    async with db.read() as conn:
        row = await store.live_draw(conn, b.id, "2020Q3")
    assert row.status == "revealed" and shown.secret == row.secret
    assert await count(db, "audit_log", "action = 'draw.revealed'") == 1
    public = [p for k, p in await outbox_for(db, CHANNEL) if k == "text"]
    assert row.secret in public[-1]["text"]
    path = tmp_path / "t.json"
    path.write_bytes(await export_transcript(db, b.id, Q3))
    assert main(["verify", str(path), "--commitment", done.commitment_hash]) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    first = data["result"]["inspections"][0]
    first["inspectors"] = list(reversed(first["inspectors"]))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(path)]) == 1
    assert "FAIL" in capsys.readouterr().out


async def test_reveal_once_every_visit_is_submitted(db, tmp_path):
    b = await preset(db, tmp_path)
    await run(db, b.id, Q3, "u", b.env, now=NOW)
    async with db.tx() as conn:
        await conn.execute("UPDATE inspections SET status = 'submitted'")
    shown = await reveal_secret(db, b.id, Q3, "u", b.env, today=date(2020, 8, 1))
    assert len(shown.secret) == 64
    with pytest.raises(Refusal) as err:
        await reveal_secret(db, b.id, Q3, "u", b.env, today=date(2020, 8, 1))
    assert err.value.key == "reveal_already"


async def test_cancel_needs_a_manager_and_frees_the_period(db, tmp_path):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "u", b.env, now=NOW)
    with pytest.raises(Refusal):
        await request_cancel(db, b.id, Q3, b.coordinator, "  ")
    rid = await request_cancel(db, b.id, Q3, b.coordinator, "名录导入有误")
    asks = await outbox_for(db, b.manager.telegram_id)
    buttons = asks[-1][1]["reply_markup"]["inline_keyboard"][0]
    assert [x["callback_data"] for x in buttons] == [f"dcx:ok:{rid}", f"dcx:no:{rid}"]
    with pytest.raises(Refusal) as err:
        await decide_cancel(db, rid, b.coordinator, True, b.env, now=NOW)
    assert err.value.key == "not_allowed"
    assert await count(db, "draws", "status = 'drawn'") == 1
    await decide_cancel(db, rid, b.manager, True, b.env, now=NOW)
    async with db.read() as conn:
        row = await store.get_draw(conn, done.draw_id)
    assert row.status == "cancelled" and row.cancel_reason == "名录导入有误"
    assert await count(db, "inspections", "status = 'cancelled'") == 43
    assert await count(db, "audit_log", "action = 'draw.cancelled'") == 1
    assert "已批准撤销" in (await outbox_for(db, b.coordinator.telegram_id))[-1][1]["text"]
    with pytest.raises(Refusal) as err:
        await decide_cancel(db, rid, b.manager, True, b.env, now=NOW)
    assert err.value.key == "request_decided"
    again = await run(db, b.id, Q3, "u", b.env, now=NOW)
    assert again.status == "drawn" and again.draw_id != done.draw_id


async def test_rejected_cancellation_changes_nothing(db, tmp_path):
    b = await preset(db, tmp_path)
    await run(db, b.id, Q3, "u", b.env, now=NOW)
    rid = await request_cancel(db, b.id, Q3, b.coordinator, "想重摇")
    await decide_cancel(db, rid, b.manager, False, b.env, now=NOW)
    assert await count(db, "draws", "status = 'drawn'") == 1
    assert await count(db, "inspections", "status = 'cancelled'") == 0
    assert await count(db, "audit_log", "action = 'draw.cancel_rejected'") == 1


async def test_approved_replacement_is_qualified_logged_and_announced(db, tmp_path):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "u", b.env, now=NOW)
    iid, sid, team = (await visits_of(db, done.draw_id))[0]
    (old, _), (partner, _) = team
    user = b.inspectors[old]
    assert iid in [v.id for v in await open_visits(db, user)]
    with pytest.raises(Refusal):
        await request_replacement(db, b.inspectors[partner], iid + 1000, "health")
    rid = await request_replacement(db, user, iid, "health")
    with pytest.raises(Refusal) as err:
        await request_replacement(db, user, iid, "health")
    assert err.value.key == "replace_pending_exists"
    await decide_replacement(db, rid, b.manager, True, b.env, now=NOW)
    after = (await visits_of(db, done.draw_id))[0]
    (new,) = {i for i, _ in after[2]} - {partner}
    assert new not in (old, partner) and dict(after[2])[new] == dict(team)[old]
    async with db.read() as conn:
        people = dict(await list_inspectors(conn, b.id))
        cur = await conn.execute(
            "SELECT active, replaced_by FROM inspection_inspectors"
            " WHERE inspection_id = ? AND inspector_id = ?",
            (iid, old),
        )
        assert tuple(await cur.fetchone()) == (0, new)
    chosen = people[new]
    assert chosen.active and chosen.certificate_no and chosen.kind.value == "staff"
    assert sid not in {r.entity_stable_id for r in chosen.recusals}
    assert await count(db, "audit_log", "action = 'inspection.replaced'") == 1
    assert "接替" in (await outbox_for(db, user.telegram_id))[-1][1]["text"]
    assert sid in (await outbox_for(db, b.inspectors[new].telegram_id))[-1][1]["text"]
    assert "更换为" in (await outbox_for(db, b.inspectors[partner].telegram_id))[-1][1]["text"]


async def test_replacement_with_nobody_qualified_stays_pending(db, tmp_path):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "u", b.env, now=NOW)
    iid, _, team = (await visits_of(db, done.draw_id))[0]
    on_visit = [i for i, _ in team]
    async with db.tx() as conn:
        marks = ",".join("?" * len(on_visit))
        await conn.execute(f"UPDATE inspectors SET active = 0 WHERE id NOT IN ({marks})", on_visit)
    rid = await request_replacement(db, b.inspectors[on_visit[0]], iid, "conflict")
    with pytest.raises(Refusal) as err:
        await decide_replacement(db, rid, b.manager, True, b.env, now=NOW)
    assert err.value.key == "replace_nobody"
    assert await count(db, "draw_requests", "status = 'pending'") == 1
    assert await count(db, "inspection_inspectors", "active = 0") == 0


async def test_pending_requests_list_what_a_manager_can_still_decide(db, tmp_path):
    """/requests' service: the bureau's undecided replacements and cancellations, oldest first,
    each with its notice's text and buttons and when it was made; one whose visit is no longer
    open is left out (deciding it is refused); only a manager may list them."""
    b = await preset(db, tmp_path)
    tz = ZoneInfo("Asia/Shanghai")
    with pytest.raises(Refusal) as err:
        await pending(db, b.coordinator, tz)
    assert err.value.key == "not_allowed"
    assert await pending(db, b.manager, tz) == []
    done = await run(db, b.id, Q3, "u", b.env, now=NOW)
    (first, _, team), (second, _, other_team) = (await visits_of(db, done.draw_id))[:2]
    leaving = b.inspectors[team[0][0]]
    rid = await request_replacement(db, leaving, first, "health")
    moot = await request_replacement(db, b.inspectors[other_team[0][0]], second, "recusal")
    cid = await request_cancel(db, b.id, Q3, b.coordinator, "名录导入有误")
    async with db.tx() as conn:
        await conn.execute("UPDATE inspections SET status = 'submitted' WHERE id = ?", (second,))
        await conn.execute("UPDATE draw_requests SET created_at = '2020-07-01T02:30:00+00:00'")
    items = await pending(db, b.manager, tz)
    assert [(i.id, i.kind) for i in items] == [(rid, "replace"), (cid, "cancel")]
    assert items[0].text.startswith(
        f"📋 申请 #{rid}，提交于 2020-07-01 10:30\n🔁 {leaving.display_name}"
    )
    assert "原因：健康" in items[0].text and "2020年第三季度" in items[0].text
    assert "🛑 王综合 申请撤销" in items[1].text and "理由：名录导入有误" in items[1].text
    assert items[0].buttons == decision_buttons("zh-CN", "rpl", rid)
    assert items[1].buttons == decision_buttons("zh-CN", "dcx", cid)
    english = await pending(db, replace(b.manager, lang="en"), tz)
    assert english[0].text.startswith(f"📋 Request #{rid}, made 2020-07-01 10:30\n")
    assert english[1].buttons == decision_buttons("en", "dcx", cid)
    with pytest.raises(Refusal) as err:  # why the submitted visit's request is not listed
        await decide_replacement(db, moot, b.manager, True, b.env, now=NOW)
    assert err.value.key == "request_decided"
    await decide_cancel(db, cid, b.manager, False, b.env, now=NOW)
    assert [i.id for i in await pending(db, b.manager, tz)] == [rid]


async def test_cancelling_a_draw_closes_its_pending_replacement_requests(db, tmp_path):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "u", b.env, now=NOW)
    iid, _, team = (await visits_of(db, done.draw_id))[0]
    asked = await request_replacement(db, b.inspectors[team[0][0]], iid, "health")
    cid = await request_cancel(db, b.id, Q3, b.coordinator, "名录导入有误")
    await decide_cancel(db, cid, b.manager, True, b.env, now=NOW)
    async with db.read() as conn:
        sql = "SELECT status, decided_by FROM draw_requests WHERE id = ?"
        cur = await conn.execute(sql, (asked,))
        assert tuple(await cur.fetchone()) == ("rejected", b.manager.id)
        sql = "SELECT payload_json FROM audit_log WHERE action = 'draw.cancelled'"
        cur = await conn.execute(sql)
        assert json.loads((await cur.fetchone())[0])["replacement_requests_closed"] == [asked]
    with pytest.raises(Refusal) as err:
        await decide_replacement(db, asked, b.manager, True, b.env, now=NOW)
    assert err.value.key == "request_decided"
