"""Emulator pieces: HTML parsing, command entities, token buckets, chats, and waiting semantics."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.emulator import APIError, BotAPIEmulator, FloodLimits
from bot.emulator.formatting import command_entities, parse_html, utf16_len
from bot.emulator.limits import FloodGate

TOKEN = "123456:TEST-TOKEN"


def test_html_nesting_pre_language_and_errors() -> None:
    src = '<b>粗<i>斜</i></b>\n<pre><code class="language-python">x=1</code></pre>'
    text, ents = parse_html(src)
    assert text == "粗斜\nx=1"
    assert ents == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
        {"type": "pre", "offset": 3, "length": 3, "language": "python"},
    ]
    assert parse_html("a &amp; b &#24744; &unknown; 5 > 3")[0] == "a & b 您 &unknown; 5 > 3"
    assert parse_html('<span class="tg-spoiler">秘</span>')[1][0]["type"] == "spoiler"
    with pytest.raises(APIError, match='byte offset 7, expected "</i>", found "</b>"'):
        parse_html("<b>x<i></b></i>")


@pytest.mark.parametrize(
    ("html", "error"),
    [  # Telegram's own wording (tdlib's parse_html tests)
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba>", "Expected equal sign in declaration of an attribute of the tag "
                               '"i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("&#xDFDF", "Text contains invalid Unicode characters after decoding HTML entities"),
    ],
)
def test_html_errors_are_telegrams(html: str, error: str) -> None:
    with pytest.raises(APIError) as err:
        parse_html(html)
    assert err.value.description.startswith(f"Bad Request: can't parse entities: {error}")


def test_command_entities_use_utf16_offsets() -> None:
    assert command_entities("/start abc") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command_entities("😀 /help@ShuangsuijiTestBot x") == [
        {"type": "bot_command", "offset": 3, "length": 24}]
    assert command_entities("a/b http://x/y") == [] and utf16_len("😀") == 2


def test_token_bucket_refills_and_strict_has_no_burst() -> None:
    now = [0.0]
    gate = FloodGate(FloodLimits.strict(), clock=lambda: now[0])
    assert gate.admit(1, group=False) == 0
    assert gate.admit(1, group=False) == 1
    now[0] += 0.99
    assert gate.admit(1, group=False) == 1
    now[0] += 0.02
    assert gate.admit(1, group=False) == 0
    assert gate.admit(-5, group=True) == 1  # strict: the overall bucket is empty too
    gate = FloodGate(FloodLimits(group_burst=1), clock=lambda: now[0])
    assert gate.admit(-5, group=True) == 0 and gate.admit(-5, group=True) == 3  # 20/min
    assert FloodGate(None).admit(1, group=False) == 0


@pytest.fixture
async def emu():
    async with BotAPIEmulator(TOKEN, limits=None) as e:
        yield e


async def _post(emu: BotAPIEmulator, method: str, **params) -> dict:
    async with httpx.AsyncClient() as c:
        return (await c.post(f"{emu.base_url}{TOKEN}/{method}", json=params)).json()


async def test_channels_groups_and_replies(emu) -> None:
    ch = emu.channel(-100123, "公示频道", username="gongshi")
    hidden = emu.channel(-100999, "别人的频道", bot_member=False)
    body = await _post(emu, "sendMessage", chat_id="@gongshi", text="公示")
    assert body["result"]["chat"] == {"id": -100123, "type": "channel", "title": "公示频道",
                                      "username": "gongshi"}
    assert "from" not in body["result"] and ch.last_message.text == "公示"
    body = await _post(emu, "sendMessage", chat_id=hidden.chat_id, text="x")
    assert body["description"] == "Forbidden: bot is not a member of the channel chat"

    group = emu.group(-100200, "检查组")
    u = emu.user(111, "张三")
    sent = await group.send_as(u, "/tasks")
    assert sent["chat"]["type"] == "supergroup" and sent["entities"][0]["type"] == "bot_command"
    body = await _post(emu, "sendMessage", chat_id=-100200, text="好", reply_to_message_id=99)
    assert body["description"] == "Bad Request: message to be replied not found"
    body = await _post(emu, "sendMessage", chat_id=-100200, text="好",
                       reply_parameters={"message_id": sent["message_id"]})
    assert body["result"]["reply_to_message"]["text"] == "/tasks"
    assert (await group.wait_post()).text == "好"


async def test_wait_reply_contains_edits_and_timeout_transcript(emu) -> None:
    u = emu.user(111, "张三")
    await u.send("hi")
    for text in ("第一条", "第二条 OK", "第三条"):
        await _post(emu, "sendMessage", chat_id=111, text=text)
    assert (await u.wait_reply(contains="OK")).text == "第二条 OK"
    assert (await u.wait_reply()).text == "第三条"  # the cursor moved past what was returned
    first = u.messages[0]

    async def edit_later() -> None:
        await asyncio.sleep(0.05)
        await _post(emu, "editMessageText", chat_id=111, message_id=first.message_id, text="改")

    task = asyncio.create_task(edit_later())
    assert (await u.wait_reply(wait_edit=True, timeout=2)) is first and first.text == "改"
    await task
    with pytest.raises(TimeoutError) as err:
        await u.wait_reply(timeout=0.1)
    assert "bot edits #2: 改" in str(err.value) and "张三: hi" in str(err.value)
    with pytest.raises(LookupError):
        emu.redeliver_last_update(999)
    with pytest.raises(ValueError):
        emu.inject_fault(kind="teapot")
    with pytest.raises(ValueError):
        BotAPIEmulator("no-token")


async def test_a_wait_that_times_out_says_so_last_and_clips_the_transcript(emu) -> None:
    u = emu.user(111, "张三")
    for n in range(40):
        await u.send(f"第{n}条")
    await _post(emu, "sendMessage", chat_id=111, text="长" * 4000 + "\n第二行")
    assert (await u.wait_reply()).text.startswith("长")
    await u.send("最后")
    await _post(emu, "sendMessage", chat_id=111, text="别的")
    with pytest.raises(TimeoutError) as err:
        await u.wait_reply(timeout=0.05, contains="不会来")
    lines = str(err.value).splitlines()
    assert lines[0].startswith("no new bot message containing '不会来' in chat 张三 (111)")
    assert lines[-1] == f"(waited for: {lines[0]})"  # a log that keeps only its tail says it
    assert lines[1] == "── last 30 of 43 events ──" and len(lines) == 30 + 3
    assert "  张三: 第12条" not in lines and lines[2] == "  张三: 第13条"
    assert all(len(line) <= 162 for line in lines[2:-1]) and "长" * 200 not in str(err.value)
    assert lines[-3] == "  张三: 最后" and lines[-2].startswith("▶ bot #")  # looked at, not it


async def test_subscribe_sees_lines_and_render_indents(emu) -> None:
    lines: list[tuple[int, str]] = []
    stop = emu.subscribe(lambda chat_id, line: lines.append((chat_id, line)))
    u = emu.user(111, "张三")
    await u.send("hi")
    await _post(emu, "sendMessage", chat_id=111, text="两行\n文字",
                reply_markup={"inline_keyboard": [[{"text": "是", "callback_data": "y"}]]})
    stop()
    await u.send("bye")
    assert lines == [(111, "张三: hi"), (111, "bot #2: 两行\n文字\n[是]")]
    assert emu.render_transcript(111).splitlines() == [
        "── 张三 (111) ──", "张三: hi", "bot #2: 两行", "    文字", "    [是]", "张三: bye"]
