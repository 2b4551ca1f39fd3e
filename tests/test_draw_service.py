"""The draw service on a real SQLite file with the Xushui 2020 preset: preview, run, refusals,
announcements, coverage across quarters, public sources, targeted draws."""

from __future__ import annotations

import json

import pytest

from bot.domain.draw import loads
from bot.domain.periods import Period
from bot.services.draw_preview import check_target, preview, target_specs
from bot.services.draw_run import draw_committed, run
from bot.services.draw_texts import render_preview
from bot.services.draws import DrawInfeasible, PreviewStale
from bot.services.errors import Refusal
from storage import draws as store
from tests.draw_helpers import CHANNEL, NOW, count, outbox_for, preset, visits_of

Q3 = Period.parse("2020Q3")
TABLES = ("draws", "inspections", "inspection_inspectors", "outbox", "audit_log", "deadlines")


async def _counts(db) -> dict[str, int]:
    return {t: await count(db, t) for t in TABLES}


async def test_preview_writes_nothing_and_names_no_entity(db, tmp_path):
    b = await preset(db, tmp_path)
    before = await _counts(db)
    p = await preview(db, b.id, Q3, b.env)
    assert await _counts(db) == before
    assert p.feasible and p.staff == (("保定市徐水生态环境综合执法大队", 12),) and p.experts == 2
    quotas = {g.group_id: (g.population, g.quota) for g in p.groups}
    assert quotas == {"special": (4, 2), "key": (22, 11), "general": (59, 30)}
    assert p.expected_inspections == 43 and len(p.token) == 16
    text = render_preview(p, "zh-CN")
    async with db.read() as conn, conn.execute("SELECT stable_id, name FROM entities") as cur:
        for sid, name in await cur.fetchall():
            assert sid not in text and name not in text


async def test_run_creates_visits_audit_and_private_announcements(db, tmp_path):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "user:1", b.env, now=NOW)
    assert done.status == "drawn" and done.inspections == 43 and done.list_path.exists()
    async with db.read() as conn:
        row = await store.live_draw(conn, b.id, "2020Q3")
        transcript = loads(await store.transcript_of(conn, row.id))
    assert row.status == "drawn" and row.secret and transcript["secret"] is None
    result = transcript["result"]
    assert all(len(s["selected"]) == min(s["quota"], s["eligible"]) for s in result["selections"])
    visits = await visits_of(db, done.draw_id)
    assert len(visits) == 43
    assert all([r for _, r in team][0] == "lead" and len(team) == 2 for _, _, team in visits)
    assert await count(db, "inspections", "due_on = '2020-09-30'") == 43
    actions = await count(db, "audit_log", "action IN ('draw.committed', 'draw.run')")
    assert actions == 2
    drawn = {sid for _, sid, _ in visits}
    for inspector_id, user in b.inspectors.items():
        mine = {sid for _, sid, team in visits if inspector_id in {i for i, _ in team}}
        texts = " ".join(p["text"] for _, p in await outbox_for(db, user.telegram_id))
        assert {sid for sid in drawn if sid in texts} == mine
    coord = await outbox_for(db, b.coordinator.telegram_id)
    assert [k for k, _ in coord] == ["text", "document"] and done.commitment_hash in coord[0][1][
        "text"
    ]
    for chat in (b.manager.telegram_id, CHANNEL):
        rows = await outbox_for(db, chat)
        assert rows and all(kind == "text" for kind, _ in rows)
        assert not any(sid in p["text"] for _, p in rows for sid in drawn)
    public = (await outbox_for(db, CHANNEL))[0][1]["text"]
    assert done.commitment_hash in public and row.secret_hash in public
    assert row.secret not in json.dumps(await outbox_for(db, CHANNEL))


async def test_a_period_is_drawn_once(db, tmp_path):
    b = await preset(db, tmp_path)
    await run(db, b.id, Q3, "user:1", b.env, now=NOW)
    before = await _counts(db)
    with pytest.raises(Refusal) as err:
        await run(db, b.id, Q3, "user:1", b.env, now=NOW)
    assert err.value.key == "draw_exists" and err.value.params["status"] == "drawn"
    with pytest.raises(Refusal):
        await preview(db, b.id, Q3, b.env)
    assert await _counts(db) == before


async def test_infeasible_draw_names_the_visit_and_commits_nothing(db, tmp_path):
    b = await preset(db, tmp_path)
    async with db.tx() as conn:  # one enforcement inspector left: no team of two anywhere
        await conn.execute(
            "UPDATE inspectors SET active = 0 WHERE kind = 'staff' AND key != "
            "(SELECT MIN(key) FROM inspectors WHERE kind = 'staff')"
        )
    p = await preview(db, b.id, Q3, b.env)
    assert not p.feasible and {x.code for x in p.problems} == {"too_few_staff"}
    before = await _counts(db)
    with pytest.raises(DrawInfeasible) as err:
        await run(db, b.id, Q3, "user:1", b.env, now=NOW)
    assert await _counts(db) == before
    first = err.value.problems[0]
    assert first.items == ("pollution-source",) and "只有1名" in first.reason_zh
    assert first.entity in err.value.lines("zh-CN") and "needs 2 inspectors" in err.value.lines(
        "en"
    )


async def test_confirm_with_a_stale_preview_is_refused(db, tmp_path):
    b = await preset(db, tmp_path)
    p = await preview(db, b.id, Q3, b.env)
    async with db.tx() as conn:
        await conn.execute("UPDATE inspectors SET active = 0 WHERE key = '13060920200001'")
    with pytest.raises(PreviewStale):
        await run(db, b.id, Q3, "user:1", b.env, token=p.token, now=NOW)
    assert await count(db, "draws") == 0
    fresh = await preview(db, b.id, Q3, b.env)
    assert (await run(db, b.id, Q3, "u", b.env, token=fresh.token, now=NOW)).status == "drawn"


async def test_two_quarters_cover_every_key_entity_of_the_half_year(db, tmp_path):
    b = await preset(db, tmp_path)
    first = await run(db, b.id, Period.parse("2020Q1"), "u", b.env, now=NOW)
    p = await preview(db, b.id, Period.parse("2020Q2"), b.env)
    key = next(g for g in p.groups if g.group_id == "key")
    assert (key.population, key.uncovered, key.quota) == (22, 11, 11)
    second = await run(db, b.id, Period.parse("2020Q2"), "u", b.env, now=NOW)
    taken = []
    async with db.read() as conn:
        for d in (first, second):
            t = loads(await store.transcript_of(conn, d.draw_id))
            sel = next(s for s in t["result"]["selections"] if s["group"] == "key")
            taken.append(set(sel["selected"]))
            if d is second:  # the previous-pair rule sees Q1's teams
                assert set(t["snapshot"]["previous_pairs"]) >= taken[0]
    assert not taken[0] & taken[1] and len(taken[0] | taken[1]) == 22


async def test_declared_public_sources_wait_for_their_values(db, tmp_path):
    b = await preset(db, tmp_path)
    done = await run(db, b.id, Q3, "u", b.env, declared_sources=["体彩排列5 第20123期"], now=NOW)
    assert done.status == "committed" and await count(db, "inspections") == 0
    coord = await outbox_for(db, b.coordinator.telegram_id)
    assert "体彩排列5 第20123期" in coord[0][1]["text"]
    with pytest.raises(Refusal) as err:
        await draw_committed(db, b.id, Q3, "u", b.env, ["1 2", "3"], now=NOW)
    assert err.value.key == "draw_values_count"
    drawn = await draw_committed(db, b.id, Q3, "u", b.env, ["3 8 1 0 6"], now=NOW)
    assert drawn.status == "drawn" and drawn.commitment_hash == done.commitment_hash
    async with db.read() as conn:
        t = loads(await store.transcript_of(conn, drawn.draw_id))
    assert t["public_sources"] == {"values": ["3 8 1 0 6"], "key_string": "0.1.3.6.8./"}


async def test_targeted_draw_takes_only_the_region(db, tmp_path):
    b = await preset(db, tmp_path)
    target = {"region": ("漕河镇",)}
    p = await preview(db, b.id, Q3, b.env, target)
    assert all(g.population <= 12 for g in p.groups)
    done = await run(db, b.id, Q3, "u", b.env, target=target, now=NOW)
    async with db.read() as conn:
        regions = {
            r[0]
            for r in await (
                await conn.execute(
                    "SELECT e.region FROM inspections i JOIN entities e ON e.id = i.entity_id"
                    " WHERE i.draw_id = ?",
                    (done.draw_id,),
                )
            ).fetchall()
        }
    assert regions == {"漕河镇"} and done.inspections == sum(
        min(g.quota, g.population) for g in p.groups
    )


@pytest.mark.parametrize(
    ("words", "specs"),
    [
        (["region=崔庄镇,安肃镇", "tag:行业=化工"], ["region=崔庄镇,安肃镇", "tag:行业=化工"]),
        (["region=崔庄镇，", "安肃镇"], ["region=崔庄镇，安肃镇"]),  # a space after the comma
        (["region=崔庄镇", "、安肃镇"], ["region=崔庄镇、安肃镇"]),
        (["tag：行业＝化工：精细"], ["tag:行业=化工：精细"]),  # full-width, the value untouched
        (["region=崔庄镇", "安肃镇"], ["region=崔庄镇", "安肃镇"]),  # no comma: a spec of its own
    ],
)
def test_chat_words_as_target_specs(words, specs):
    assert target_specs(words) == specs


def test_a_malformed_target_is_named():
    assert check_target(target_specs(["region=崔庄镇，安肃镇", "tag:行业=化工"])) == {
        "region": ("安肃镇", "崔庄镇"),
        "tag:行业": ("化工",),
    }
    for spec, key, named in [
        ("安肃镇", "draw_bad_target_form", {"spec": "安肃镇"}),
        ("region=", "draw_bad_target_form", {"spec": "region="}),
        ("=崔庄镇", "draw_bad_target_form", {"spec": "=崔庄镇"}),
        ("tag:=化工", "draw_bad_target_name", {"spec": "tag:=化工", "name": "tag:"}),
        ("colour=red", "draw_bad_target_name", {"spec": "colour=red", "name": "colour"}),
    ]:
        with pytest.raises(Refusal) as r:
            check_target(["region=崔庄镇", spec])
        assert r.value.key == key and named.items() <= r.value.params.items(), spec


async def test_a_target_matching_nobody_cannot_be_confirmed(db, tmp_path):
    b = await preset(db, tmp_path)
    p = await preview(db, b.id, Q3, b.env, {"region": ("漕河镇", "火星镇")})
    assert p.unmatched == {"region": ("火星镇",)} and p.drawable
    assert "火星镇" in render_preview(p, "zh-CN")
    none = await preview(db, b.id, Q3, b.env, {"region": ("火星镇",)})
    assert none.feasible and none.empty and not none.drawable
    assert "确认后将冻结" not in render_preview(none, "zh-CN")


async def test_an_open_rectification_makes_the_entity_special_in_the_draw(db, tmp_path):
    from bot.services.draws import load_inputs
    from storage.inspections import create_inspection
    from storage.rectifications import open_order

    b = await preset(db, tmp_path)
    async with db.read() as conn:
        before = await load_inputs(conn, b.id, Q3, b.env)
    groups = {g.group_id: g.eligible for f in before.item_frames for g in f.groups}
    sid = groups["general"][0]
    async with db.tx() as conn:
        entity_id = before.registry.entity_ids[sid]
        visit = await create_inspection(
            conn, b.id, period="2020Q1", entity_id=entity_id, items=["pollution-source"],
            due_on="2020-03-31", inspectors=[],
        )  # fmt: skip
        await open_order(
            conn, bureau_id=b.id, entity_id=entity_id, entity_stable_id=sid,
            inspection_id=visit, record_version=1, finding_text="废气超标", ordered_on="2020-03-01",
            due_on="2020-06-01", ordered_by=b.coordinator.id,
        )  # fmt: skip
    p = await preview(db, b.id, Q3, b.env)
    quotas = {g.group_id: (g.population, g.quota) for g in p.groups}
    assert quotas["special"][0] == 5 and quotas["general"][0] == 58  # 特殊 until rectified
