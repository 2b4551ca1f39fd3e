"""/publish as a service on the hand-built bureau: what goes out, what is withheld and never
appears (channel post, HTML, CSV), deadlines, audit, figures after publishing."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from bot.domain.deadlines import Deadlines
from bot.domain.disclosure import WithholdReason
from bot.domain.periods import Period
from bot.domain.workdays import load_calendar
from bot.services.errors import Refusal
from bot.services.figures import compliance_for
from bot.services.publication import PublishEnv, publish, track, withhold
from storage import audit
from tests import publish_world as w

CHANNEL = -1001234567


def env_for(tmp_path, world: w.World, **kw) -> PublishEnv:  # noqa: ANN001
    fields = {
        "now": w.PUBLISH_AT,
        "tz": w.TZ,
        "deadlines": Deadlines(load_calendar(None)),
        "site_dir": tmp_path / "site",
        "channel_id": CHANNEL,
        "item_list": world.item_list,
        "bureau_name": "测试分局",
        "actor": "user:1",
        **kw,
    }
    return PublishEnv(**fields)


def secrets(world: w.World) -> list[str]:
    """Everything that identifies the withheld records or the confidential item."""
    return [
        w.entity_name("K3"), world.codes["K3"], w.entity_name("G4"), world.codes["G4"],
        "核技术利用单位辐射安全检查", "辐射安全股",
    ]  # fmt: skip


async def rows(db, sql: str, *args):  # noqa: ANN001, ANN201
    async with db.read() as conn, conn.execute(sql, args) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_confidential_records_never_reach_the_channel_the_html_or_the_csv(db, tmp_path):
    world = await w.build(db)
    out = await publish(db, world.bureau_id, env_for(tmp_path, world))
    assert len(out.decision.public) == 5 and out.posted
    [(chat, payload)] = await rows(db, "SELECT chat_id, payload_json FROM outbox")
    post = json.loads(payload)["text"]
    assert chat == CHANNEL
    for name in ("K1", "K2", "G1", "G2", "G5"):
        assert w.entity_name(name) in post
    assert "发现违法行为已立案调查" in post and "另有 2 条检查结果依法不予公开" in post
    site = tmp_path / "site"
    texts = {p.name: p.read_bytes().decode("utf-8-sig") for p in site.iterdir()
             if p.suffix in (".html", ".csv")}  # fmt: skip
    assert {"index.html", "results-2026Q3.html", "results-2026Q3.csv", "results-all.csv",
            "plan-2026.html", "draws.html"} <= set(texts)  # fmt: skip
    for secret in secrets(world):
        assert secret not in post, secret
        for name, text in texts.items():
            if name.startswith("plan-") and secret in {
                w.entity_name("K3"),
                w.entity_name("G4"),
                world.codes["K3"],
                world.codes["G4"],
            }:
                continue  # the entity list names every planned entity, inspected or not
            assert secret not in text, (secret, name)
    assert w.entity_name("G5") in texts["results-2026Q3.csv"]
    assert "未发现问题（部分事项依法不予公开）" in texts["results-2026Q3.html"]
    assert "依法不予公开 2 条（国家秘密 1，商业秘密 1）" in texts["results-2026Q3.html"]


async def test_each_outcome_is_recorded_with_its_reason_and_audited(db, tmp_path):
    world = await w.build(db)
    out = await publish(db, world.bureau_id, env_for(tmp_path, world))
    got = await rows(
        db, "SELECT inspection_id, status, withheld_reason, withheld_items_json, published_on"
        " FROM disclosures ORDER BY inspection_id",
    )  # fmt: skip
    v = world.visits
    assert got == [
        (v["K1"], "published", None, "[]", "2026-08-20"),
        (v["K2"], "published", None, "[]", "2026-08-20"),
        (v["G1"], "published", None, "[]", "2026-08-20"),
        (v["G2"], "published", None, "[]", "2026-08-20"),
        (v["K3"], "withheld", "state_secret", '["radiation"]', None),
        (v["G4"], "withheld", "commercial_secret", "[]", None),
        (v["G5"], "published", "state_secret", '["radiation"]', "2026-08-20"),
    ]
    assert out.late == 4  # due 08-17, published 08-20; only G5 (due 08-28) is on time
    [(action, subject, payload)] = await rows(
        db, "SELECT action, subject, payload_json FROM audit_log WHERE action = 'publication'"
    )
    data = json.loads(payload)
    assert subject == f"publication:{out.publication_id}"
    assert sorted(data["published"]) == sorted(v[k] for k in ("K1", "K2", "G1", "G2", "G5"))
    assert {(x["inspection"], x["reason"], x["whole"]) for x in data["withheld"]} == {
        (v["K3"], "state_secret", True), (v["G4"], "commercial_secret", True),
        (v["G5"], "state_secret", False),
    }  # fmt: skip
    assert data["site_sha256"] == out.site.digest and data["channel"] == CHANNEL
    async with db.read() as conn:
        assert await audit.verify(conn) == []


async def test_publication_deadlines_are_scheduled_then_closed(db, tmp_path):
    world = await w.build(db)
    env = env_for(tmp_path, world)
    async with db.tx() as conn:
        assert await track(conn, world.bureau_id, env) == 7
        assert await track(conn, world.bureau_id, env) == 0
    due = await rows(
        db, "SELECT subject_id, kind, due_on, status FROM deadlines"
        " WHERE subject_kind = 'disclosure' ORDER BY CAST(subject_id AS INTEGER)",
    )  # fmt: skip
    assert {d[1] for d in due} == {"publication_due"} and {d[3] for d in due} == {"open"}
    assert {int(d[0]): d[2] for d in due}[world.visits["G5"]] == "2026-08-28"
    assert {int(d[0]): d[2] for d in due}[world.visits["K1"]] == "2026-08-17"
    reminders = await rows(db, "SELECT DISTINCT audience FROM reminders")
    assert {r[0] for r in reminders} >= {"coordinator", "manager"}
    await publish(db, world.bureau_id, env)
    statuses = await rows(db, "SELECT DISTINCT status FROM deadlines WHERE subject_kind = ?",
                          "disclosure")  # fmt: skip
    assert statuses == [("done",)]


async def test_figures_after_publishing(db, tmp_path):
    world = await w.build(db)
    await publish(db, world.bureau_id, env_for(tmp_path, world))
    async with db.read() as conn:
        c = await compliance_for(
            conn, world.bureau_id, Period.parse("2026Q3"), date(2026, 8, 20), world.item_list,
            w.TZ,
        )  # fmt: skip
    assert (c.disclosure.numerator, c.disclosure.denominator) == (5, 5)
    assert c.disclosure_on_time.value == Fraction(1, 5)
    assert c.late_disclosures == 4


async def test_a_second_run_posts_nothing_new_and_a_late_mark_is_refused(db, tmp_path):
    world = await w.build(db)
    env = env_for(tmp_path, world)
    await publish(db, world.bureau_id, env)
    again = await publish(db, world.bureau_id, env)
    assert again.decision.public == () and not again.posted
    assert len(await rows(db, "SELECT id FROM outbox")) == 1
    assert len(await rows(db, "SELECT id FROM publications")) == 2
    assert (tmp_path / "site" / "results-2026Q3.csv").exists()  # the site is rewritten whole
    with pytest.raises(Refusal) as late:
        await withhold(db, world.bureau_id, world.visits["K1"], WithholdReason.STATE_SECRET, "",
                       "user:1")  # fmt: skip
    assert late.value.key == "withhold_too_late"
    with pytest.raises(Refusal) as unknown:
        await withhold(db, world.bureau_id, 9999, WithholdReason.STATE_SECRET, "", "user:1")
    assert unknown.value.key == "withhold_unknown"


async def test_marking_a_record_before_publication_withholds_it(db, tmp_path):
    world = await w.build(db)
    await withhold(db, world.bureau_id, world.visits["K1"], WithholdReason.PERSONAL_PRIVACY,
                   "个体户", "user:1")  # fmt: skip
    out = await publish(db, world.bureau_id, env_for(tmp_path, world, channel_id=None))
    assert world.visits["K1"] not in [r.inspection_id for r in out.decision.public]
    assert not out.posted and await rows(db, "SELECT id FROM outbox") == []
    csv = (tmp_path / "site" / "results-all.csv").read_text(encoding="utf-8-sig")
    assert w.entity_name("K1") not in csv and world.codes["K1"] not in csv
    [(payload,)] = await rows(
        db, "SELECT payload_json FROM audit_log WHERE action = 'record.confidential'"
    )
    assert json.loads(payload) == {"note": "个体户", "reason": "personal_privacy"}


async def test_without_an_item_list_nothing_is_published(db, tmp_path):
    world = await w.build(db)
    with pytest.raises(Refusal) as refused:
        await publish(db, world.bureau_id, env_for(tmp_path, world, item_list=None))
    assert refused.value.key == "pub_no_items"  # its confidential items could not be known
    assert await rows(db, "SELECT id FROM publications") == []
