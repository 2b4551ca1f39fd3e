"""Random chat input at every step after a record is submitted (issue 8.6), property-based: the
rectification (the order list, evidence upload, submission for review, the coordinator's 销号 or
退回 with its typed reason) and the correction (the card, the typed reason, the manager's
/corrections and decision). Every input is answered, no handler fails, the legitimate next step
works after the garbage, and nothing is half-written: evidence only for the files that are kept,
one submission for two taps, one decision for two taps, one correction request."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.domain.checklist_input import IncomingFile, Reask, file_problem, parse_text
from bot.harness import LocalBot
from tests.chat_fuzz_kit import (
    FUZZ,
    LONG,
    TEXT,
    WAIT,
    Person,
    check_session,
    counts,
    drain,
    fuzz_settings,
    plan,
    sound,
    sweep,
    twice,
)
from tests.inspection_world import ITEMS_FILE, make_world
from tests.test_inspection_records import submitted

TABLES = ("evidence", "rectifications", "rectification_events", "record_corrections")
TABLES += ("inspection_records", "answers", "draw_requests")
DATA = [  # forged and stale buttons; never a legitimate step of the flow at any point
    "rf:u:{other}", "rf:s:{other}", "rf:c:{other}", "rf:x:{other}", "rf:u:²", "rf:c:",
    "co:q:{other}", "co:a:{other}", "co:x:99999999999999999999", "co:a:²",
    "rx:{iid}:9", "rx:{iid}:²", "rx:{other}", "tk:{other}", "go:{iid}", "ci:{iid}",
    "sb:{iid}:ok", "q:{iid}:0:y", "qv:{iid}",
]  # fmt: skip
FREE_TEXT = (5, 8)  # the typed reasons: 退回's and the correction's
GOOD_REASON = "现场抽测浓度录入有误，应为 53"


def kept(actions) -> int:  # noqa: ANN001
    """How many of these actions are files the evidence step keeps."""
    n = 0
    for kind, arg in actions:
        if kind == "photo":
            f = IncomingFile("photo", "f", "u", len(arg))
        elif kind == "file":
            f = IncomingFile("document", "f", "u", len(arg[1]), arg[0], arg[2] or "")
        else:
            continue
        n += file_problem(f) is None
    return n


async def status(lb: LocalBot, table: str) -> str:
    async with lb.db.read() as conn, conn.execute(f"SELECT status FROM {table}") as cur:
        return ",".join(r[0] for r in await cur.fetchall())


async def reason(person: Person, text: str, done: str) -> None:
    """Type a reason; one the bot refuses (empty, too long) is followed by a good one."""
    await person.user.send(text)
    if isinstance(parse_text(text), Reask):
        await person.user.wait_reply(timeout=WAIT)
        await person.user.send(GOOD_REASON)
    await person.user.wait_reply(timeout=WAIT, contains=done)


async def _session(tmp_path, mess, close, why, approve) -> list[str]:  # noqa: ANN001, PLR0915
    s = fuzz_settings(tmp_path, "rec", items_file=ITEMS_FILE, evidence_dir=tmp_path / "evidence")
    async with LocalBot(s.database_path, settings=s, paced=False) as lb:
        world = await make_world(lb.db, bureau_id=lb.bureau_id)
        iid = await submitted(lb.db, world, tmp_path)
        for u in world.users.values():
            lb.emu.user(u.telegram_id, u.display_name, started=True)
        fill = {"iid": iid, "other": iid + 1}
        zhang = Person(lb.emu.chat(world.users["张三"].telegram_id), fill)
        coord = Person(lb.emu.chat(world.users["综合"].telegram_id), fill)
        manager = Person(lb.emu.chat(world.users["经理"].telegram_id), fill)
        await drain(lb)
        before = await counts(lb.db, TABLES)

        # the inspector: the order list, evidence, submission (twice), after it
        await zhang.mess(mess[0])
        await zhang.say("/rectifications", "整改中")
        await zhang.mess(mess[1])
        upload = await zhang.tap_or("📎 上传整改材料", lambda: zhang.say("/rectifications", "整改"))
        rid = int(upload["data"].split(":")[2])
        await zhang.user.wait_reply(timeout=WAIT, contains="请发送整改单")
        await zhang.mess(mess[2])
        await zhang.user.send_document(b"%PDF-1.4 fixed\n", filename="整改报告.pdf")
        await zhang.user.wait_reply(timeout=WAIT, contains="已保存整改材料")
        await zhang.settle()
        files = kept(mess[2]) + 1
        assert await counts(lb.db, TABLES) == {
            **before,
            "evidence": before["evidence"] + files,
            "rectification_events": before["rectification_events"] + files,
        }
        again = lambda: zhang.say("/rectifications", "整改")  # noqa: E731
        await twice(zhang, await zhang.tap_or("📤 提交审核", again))
        await zhang.user.wait_reply(timeout=WAIT, contains="已提交审核")
        await zhang.mess([("data", f"rf:s:{rid}"), ("data", f"rf:u:{rid}"), *mess[3]])
        await zhang.settle()
        assert await status(lb, "rectifications") == "submitted"
        submitted_ = await counts(lb.db, TABLES)
        assert submitted_["rectification_events"] == before["rectification_events"] + files + 1

        # the coordinator: review, 销号 (twice) or 退回 with a typed reason
        ask = await coord.user.wait_reply(timeout=WAIT, contains="请审核")
        await coord.mess(mess[4])
        buttons = lambda: coord.say("/rectifications", "待审核")  # noqa: E731
        if close:
            await twice(coord, await coord.tap_or("✅ 销号", buttons))
            await coord.user.wait_reply(timeout=WAIT, contains="已销号")
        else:
            await coord.tap_or("↩ 退回", buttons)
            await coord.user.wait_reply(timeout=WAIT, contains="请输入退回")
            await coord.mess(mess[5])
            await reason(coord, why, "已退回")
        await coord.mess([("data", f"rf:c:{rid}"), ("data", f"rf:x:{rid}"), *mess[6]])
        await coord.settle()
        assert ask.text and await status(lb, "rectifications") == (
            "closed" if close else "returned"
        )
        reviewed = await counts(lb.db, TABLES)
        assert reviewed == {
            **submitted_,
            "rectification_events": submitted_["rectification_events"] + 1,
        }

        # the correction: the card, the typed reason, the manager's decision (twice)
        card = lambda: zhang.say(f"/tasks {iid}", "第 1 版")  # noqa: E731
        await card()
        await zhang.mess(mess[7])
        await zhang.tap_or("✏️ 申请更正", card)
        await zhang.user.wait_reply(timeout=WAIT, contains="理由")
        await zhang.mess(mess[8])
        await zhang.settle()
        assert await counts(lb.db, TABLES) == reviewed
        await reason(zhang, why, "等待分管负责人审批")
        await zhang.mess([("data", f"co:q:{iid}"), *mess[9]])
        await manager.user.wait_reply(timeout=WAIT, contains="申请更正")
        await manager.mess(mess[10])
        await manager.say("/corrections", "申请更正")
        label = "✅ 批准" if approve else "❌ 驳回"
        decided = await manager.user.tap(label)
        await twice(manager, decided)
        await manager.user.wait_reply(timeout=WAIT, contains="已批准" if approve else "已驳回")
        cid = decided["data"].split(":")[2]
        await manager.mess([("data", f"co:a:{cid}"), ("data", f"co:x:{cid}"), *mess[11]])
        for person in (zhang, coord, manager):
            await person.settle()
        assert await status(lb, "record_corrections") == ("approved" if approve else "rejected")
        after = await counts(lb.db, TABLES)
        assert after == {**reviewed, "record_corrections": reviewed["record_corrections"] + 1}
        await drain(lb)
        return await sound(lb)


@FUZZ
@example(mess=sweep(12, DATA, free_text=FREE_TEXT), close=False, why=LONG, approve=True)
@given(
    mess=plan(12, DATA, free_text=FREE_TEXT),
    close=st.booleans(),
    why=TEXT.filter(str.strip),
    approve=st.booleans(),
)
def test_random_input_at_every_step_of_rectification_and_correction(
    tmp_path, caplog, mess, close, why, approve
):
    check_session(caplog, _session(tmp_path, mess, close, why, approve))
