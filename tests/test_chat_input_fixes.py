"""The bugs the chat fuzz tests (`test_chat_fuzz_*.py`, issue 8.6) found, one test each: every
input below made a handler fail (logged by the error handler, no answer), answered wrongly, or
left a button spinning."""

from __future__ import annotations

import logging

import pytest

from bot.domain.ids import number
from bot.harness import LocalBot
from tests.chat_fuzz_kit import LONG, WAIT, Person, fuzz_settings, handler_errors
from tests.inspection_world import ITEMS_FILE, make_world
from tests.test_inspection_records import submitted


def test_number_reads_ascii_digits_only():
    assert number("12") == 12 and number("0") == 0 and number("007") == 7
    # str.isdigit() takes all of these; int() refuses "²" and reads "١٢" as 12
    for bad in ("²", "١٢", "１２", "99999999999999999999", "", "-1", "1.0", " 1", None):
        assert number(bad) is None, bad
    assert number("2026", 4) == 2026 and number("20260", 4) is None


@pytest.fixture
async def bot(tmp_path, caplog):
    s = fuzz_settings(tmp_path, "fix", items_file=ITEMS_FILE, evidence_dir=tmp_path / "evidence")
    caplog.set_level(logging.ERROR)
    async with LocalBot(s.database_path, settings=s, paced=False) as lb:
        world = await make_world(lb.db, bureau_id=lb.bureau_id)
        lb.visit = await submitted(lb.db, world, tmp_path)  # 张三's, with a rectification order
        for u in world.users.values():
            lb.emu.user(u.telegram_id, u.display_name, started=True)
        lb.zhang = Person(lb.emu.chat(world.users["张三"].telegram_id))
        lb.coord = Person(lb.emu.chat(world.users["综合"].telegram_id))
        lb.manager = Person(lb.emu.chat(world.users["经理"].telegram_id))
        yield lb
    errors = handler_errors(caplog.records)
    assert not errors, "\n".join(errors)


async def press(person: Person, data: str, contains: str | None = None) -> str:
    """Press `data` on the newest message; the tap must be answered. Returns the text the bot
    sent for it (after its answer), checked to contain `contains`."""
    before = len(person.user.messages)
    await person.user.press_data(data)
    await person.user.wait_answer(timeout=WAIT)
    await person.settle()
    texts = [m.text or "" for m in person.user.messages[before:-1]]
    assert contains is None or any(contains in t for t in texts), (data, texts)
    return "\n".join(texts)


async def test_unicode_digits_and_huge_numbers_are_refused(bot):
    z, v = bot.zhang, bot.visit
    await z.settle()
    for data in (f"tk:{v}²", "tk:²", f"rx:{v}:²", f"sb:{v}:r²", f"q:{v}:0:t²", f"q:{v}:0:o²"):
        await press(z, data)
    for data in ("rpl:v:²", "rpl:r:²:health", "tk:99999999999999999999"):
        await press(z, data)
    await z.say("/tasks ²", "用法")
    await z.say("/tasks 99999999999999999999", "用法")
    c = bot.coord
    await c.settle()
    await c.say("/withhold ² 国家秘密", "用法")
    await c.say("/plan ²", "用法")
    for data in ("imp:entities:²", "imp:", "imp:x", "rf:c:²"):
        await press(c, data)
    await bot.manager.settle()
    for data in ("dcx:ok:²", "rpl:ok:²", "co:a:²"):
        await press(bot.manager, data)


async def test_a_button_no_handler_takes_is_answered_and_explained(bot):
    await bot.zhang.settle()
    for data in ("zz", "co:x", "sb", "go"):
        await press(bot.zhang, data, "这个按钮已失效")


async def test_a_reply_longer_than_telegram_allows_comes_in_pieces(bot):
    c = bot.coord
    await c.settle()
    before = len(c.user.messages)
    await c.user.send("/draw " + LONG[:4090])  # echoed in "无法识别的周期「…」": 4,133 characters
    await c.settle()
    pieces = [m.text or "" for m in c.user.messages[before:-1]]
    assert len(pieces) == 2 and all(len(p) <= 4096 for p in pieces), [len(p) for p in pieces]
    assert "".join(pieces).count("字") == 4090


async def test_a_double_tap_is_handled_twice_without_error(bot):
    c = bot.coord
    await c.settle()
    # a tap removes the buttons first; the second finds them gone ("message is not modified")
    await press(c, "drw:no:2027Q1", "已取消")
    await press(c, "drw:no:2027Q1", "已取消")
    await c.say("/lang", "Choose a language")
    tapped = await c.user.tap("English")
    await c.user.press_data(tapped["data"], message_id=tapped["message"]["message_id"])
    await c.user.wait_answer(timeout=WAIT)
    await c.settle()
    assert "Language switched to English." in [m.text for m in c.user.messages]


async def test_a_bad_replacement_reason_says_the_button_is_out_of_date(bot):
    z = bot.zhang
    await z.settle()
    text = await press(z, f"rpl:r:{bot.visit}:健康")  # a reason code the bot no longer uses
    assert "这个按钮已失效" in text and "你不在该检查任务中" not in text


async def test_text_at_the_evidence_step_names_the_entity(bot):
    z = bot.zhang
    await z.say("/rectifications", "整改中")
    asked = await z.tap("📎 上传整改材料", "请发送整改单")
    hint = await z.say("你好", "请发送整改单")
    assert hint.text == asked.text and "#1  的" not in hint.text
