"""The Bot API emulator over raw HTTP: envelopes, strict rules, flood limits, faults, updates."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bot.emulator import BotAPIEmulator, FloodLimits

TOKEN = "123456:TEST-TOKEN"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def emu(clock):
    async with BotAPIEmulator(TOKEN, clock=clock) as e:
        yield e


@pytest.fixture
async def http(emu):
    async with httpx.AsyncClient(base_url=f"{emu.base_url}{TOKEN}/", timeout=10) as c:
        yield c


async def call(http: httpx.AsyncClient, method: str, **params) -> tuple[int, dict]:
    r = await http.post(method, json=params)
    return r.status_code, r.json()


def kb(*labels_and_data: tuple[str, str]) -> dict:
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in labels_and_data]]}


async def test_get_me_has_what_ptb_needs(http):
    status, body = await call(http, "getMe")
    assert status == 200 and body["ok"] is True
    me = body["result"]
    assert me["id"] == 123456 and me["is_bot"] is True and me["username"]
    assert me["can_join_groups"] is True and me["supports_inline_queries"] is False


async def test_unknown_method_bad_token_and_case_insensitive_names(emu, http):
    status, body = await call(http, "sendTelepathy", chat_id=1)
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    async with httpx.AsyncClient() as c:
        r = await c.post(f"{emu.base_url}999:WRONG/getMe")
    assert r.status_code == 401 and r.json()["description"] == "Unauthorized"
    status, body = await call(http, "GETME")
    assert status == 200 and body["result"]["is_bot"]


async def test_send_message_shapes_and_chat_rules(emu, http):
    u = emu.user(111, "张三", username="zs")
    status, body = await call(http, "sendMessage", chat_id=999, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    status, body = await call(http, "sendMessage", text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat_id is empty")
    status, body = await call(http, "sendMessage", chat_id=111, text="hi")
    assert (status, body["description"]) == (
        403, "Forbidden: bot can't initiate conversation with a user")
    await u.send("hello")
    status, body = await call(http, "sendMessage", chat_id=111, text="你好")
    assert status == 200
    msg = body["result"]
    assert isinstance(msg["date"], int) and abs(msg["date"] - __import__("time").time()) < 5
    assert msg["from"]["is_bot"] and msg["chat"] == {
        "id": 111, "type": "private", "first_name": "张三", "username": "zs"}
    assert msg["message_id"] == 2  # ids are per chat, shared with the user's message #1
    u.block()
    status, body = await call(http, "sendMessage", chat_id=111, text="还在吗")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    u.unblock()
    assert (await call(http, "sendMessage", chat_id=111, text="欢迎回来"))[0] == 200


async def test_text_rules(emu, http):
    await emu.user(111, "张三").send("hi")
    for text, desc in [("", "message text is empty"), ("   ", "message text is empty"),
                       ("字" * 4097, "message is too long")]:
        status, body = await call(http, "sendMessage", chat_id=111, text=text)
        assert (status, body["description"]) == (400, f"Bad Request: {desc}")
    assert (await call(http, "sendMessage", chat_id=111, text="字" * 4096))[0] == 200
    # 4096 is counted in UTF-16 units after HTML parsing: tags do not count, emoji count twice.
    assert (await call(http, "sendMessage", chat_id=111, text="<b>" + "a" * 4096 + "</b>",
                       parse_mode="HTML"))[0] == 200
    assert (await call(http, "sendMessage", chat_id=111, text="😀" * 2049))[0] == 400


async def test_html_is_parsed_and_checked(emu, http):
    await emu.user(111, "张三").send("hi")
    status, body = await call(http, "sendMessage", chat_id=111, parse_mode="HTML",
                              text='<b>整改</b> &lt;3 <a href="https://x.cn/?a=1&amp;b=2">链接</a>')
    assert status == 200
    assert body["result"]["text"] == "整改 <3 链接"
    assert body["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "text_link", "offset": 6, "length": 2, "url": "https://x.cn/?a=1&b=2"},
    ]
    status, body = await call(http, "sendMessage", chat_id=111, parse_mode="HTML",
                              text="企业<名称>")
    assert (status, body["description"]) == (
        400, 'Bad Request: can\'t parse entities: Unsupported start tag "名称" at byte offset 6')
    status, body = await call(http, "sendMessage", chat_id=111, parse_mode="HTML", text="<b>x")
    assert status == 400 and "Can't find end tag" in body["description"]


async def test_inline_and_reply_keyboards(emu, http):
    await emu.user(111, "张三").send("hi")
    data64 = "确" * 21 + "a"  # 64 bytes of UTF-8
    status, _ = await call(http, "sendMessage", chat_id=111, text="ok",
                           reply_markup=kb(("确认", data64)))
    assert status == 200
    status, body = await call(http, "sendMessage", chat_id=111, text="x",
                              reply_markup=kb(("确认", data64 + "a")))
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    status, body = await call(http, "sendMessage", chat_id=111, text="x",
                              reply_markup={"inline_keyboard": [[{"text": "光秃秃"}]]})
    assert status == 400 and "Text buttons are unallowed" in body["description"]
    loc = {"keyboard": [[{"text": "📍 发送位置", "request_location": True}], ["取消"]],
           "one_time_keyboard": True, "resize_keyboard": True}
    status, body = await call(http, "sendMessage", chat_id=111, text="请发送位置",
                              reply_markup=loc)
    assert status == 200 and "reply_markup" not in body["result"]
    u = emu.user(111)
    assert u.reply_keyboard == [["📍 发送位置"], ["取消"]]
    assert u.messages[-1].buttons == ["📍 发送位置", "取消"]
    assert (await call(http, "sendMessage", chat_id=111, text="好",
                       reply_markup={"remove_keyboard": True}))[0] == 200
    assert u.reply_keyboard is None
    status, body = await call(http, "sendMessage", chat_id=111, text="x", reply_markup={"a": 1})
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_form_and_multipart_bodies_like_ptb_sends(emu, http):
    await emu.user(111, "张三").send("hi")
    r = await http.post("sendMessage", data={
        "chat_id": "111", "text": "表单", "reply_markup": json.dumps(kb(("是", "y")))})
    assert r.status_code == 200 and r.json()["result"]["reply_markup"] == kb(("是", "y"))
    r = await http.post("sendDocument", data={"chat_id": "111", "caption": "名录"},
                        files={"document": ("名录.xlsx", b"PK\x03\x04data", "application/zip")})
    doc = r.json()["result"]["document"]
    assert r.status_code == 200 and doc["file_name"] == "名录.xlsx" and doc["file_size"] == 8
    assert emu.user(111).messages[-1].document == ("名录.xlsx", b"PK\x03\x04data")
    assert emu.calls_of("sendMessage")[0]["chat_id"] == 111  # decoded, not the string "111"


async def test_edit_rules(emu, http):
    await emu.user(111, "张三").send("hi")
    _, body = await call(http, "sendMessage", chat_id=111, text="待确认",
                         reply_markup=kb(("是", "y")))
    mid = body["result"]["message_id"]
    status, body = await call(http, "editMessageText", chat_id=111, message_id=mid,
                              text="待确认", reply_markup=kb(("是", "y")))
    assert (status, body["description"]) == (400, (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"))
    status, body = await call(http, "editMessageText", chat_id=111, message_id=mid, text="待确认")
    assert status == 200 and "reply_markup" not in body["result"]  # omitted markup is removed
    assert emu.user(111).messages[-1].edits[0].reply_markup == kb(("是", "y"))
    status, body = await call(http, "editMessageReplyMarkup", chat_id=111, message_id=mid)
    assert status == 400 and "not modified" in body["description"]
    status, body = await call(http, "editMessageText", chat_id=111, message_id=mid, text="")
    assert body["description"] == "Bad Request: message text is empty"
    assert (await call(http, "editMessageText", chat_id=111, message_id=1, text="x"))[1][
        "description"] == "Bad Request: message can't be edited"  # the user's message
    assert (await call(http, "deleteMessage", chat_id=111, message_id=mid))[0] == 200
    status, body = await call(http, "deleteMessage", chat_id=111, message_id=mid)
    assert body["description"] == "Bad Request: message to delete not found"
    status, body = await call(http, "editMessageText", chat_id=111, message_id=mid, text="y")
    assert body["description"] == "Bad Request: message to edit not found"
    assert emu.user(111).messages[-1].deleted


async def test_callback_query_answered_once_and_expires(emu, http, clock):
    u = emu.user(111, "张三")
    await u.send("hi")
    await call(http, "sendMessage", chat_id=111, text="确认吗", reply_markup=kb(("确认", "ok")))
    q = await u.tap("确认")
    assert q["data"] == "ok" and q["message"]["text"] == "确认吗"
    too_old = ("Bad Request: query is too old and response timeout expired "
               "or query ID is invalid")
    assert (await call(http, "answerCallbackQuery", callback_query_id=q["id"], text="好"))[0] == 200
    status, body = await call(http, "answerCallbackQuery", callback_query_id=q["id"])
    assert (status, body["description"]) == (400, too_old)
    status, body = await call(http, "answerCallbackQuery", callback_query_id="42")
    assert (status, body["description"]) == (400, too_old)
    q2 = await u.tap("确认")
    with pytest.raises(TimeoutError, match="did not answer the tap on #2"):
        await u.wait_answer(timeout=0.05)
    clock.t += 16  # past the 15 s a query lives
    status, body = await call(http, "answerCallbackQuery", callback_query_id=q2["id"])
    assert (status, body["description"]) == (400, too_old)
    assert u.callback_answers == [{"text": "好", "show_alert": False, "url": None}]
    with pytest.raises(LookupError, match="no inline button"):
        await u.tap("取消")


async def test_private_chat_flood_limit(emu, http, clock):
    await emu.user(111, "张三").send("hi")
    for _ in range(3):  # default burst 3
        assert (await call(http, "sendMessage", chat_id=111, text="x"))[0] == 200
    status, body = await call(http, "sendMessage", chat_id=111, text="x")
    assert status == 429
    assert body == {"ok": False, "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1}}
    mid = emu.user(111).messages[0].message_id
    status, _ = await call(http, "editMessageText", chat_id=111, message_id=mid, text="y")
    assert status == 429  # edits count too
    clock.t += 1.0
    assert (await call(http, "sendMessage", chat_id=111, text="x"))[0] == 200
    assert emu.stats.too_many_requests == 2 and emu.stats.flood_rejections == 2
    assert emu.stats.sent_messages == 4


async def test_group_and_global_flood_limits(clock):
    async with BotAPIEmulator(TOKEN, FloodLimits(global_per_second=30, global_burst=30),
                              clock=clock) as emu, httpx.AsyncClient(
            base_url=f"{emu.base_url}{TOKEN}/") as http:
        emu.channel(-100123, "公示频道")
        for _ in range(20):
            assert (await call(http, "sendMessage", chat_id=-100123, text="公示"))[0] == 200
        status, body = await call(http, "sendMessage", chat_id=-100123, text="公示")
        assert status == 429 and body["parameters"]["retry_after"] == 3  # 20/min: one per 3 s
        for uid in range(1, 12):  # 10 of the 30/s overall are left
            await emu.user(uid, f"u{uid}").send("hi")
            status, body = await call(http, "sendMessage", chat_id=uid, text="x")
            assert status == (200 if uid <= 10 else 429)
        assert body["parameters"]["retry_after"] == 1
        emu.limits = None  # off
        for _ in range(50):
            assert (await call(http, "sendMessage", chat_id=-100123, text="公示"))[0] == 200
        assert len(emu.channel(-100123, "公示频道").messages) == 70


async def test_injected_faults(emu, http):
    await emu.user(111, "张三").send("hi")
    emu.inject_fault("sendMessage", "429", retry_after=7)
    emu.inject_fault(None, "500")
    status, body = await call(http, "sendMessage", chat_id=111, text="x")
    assert status == 429 and body["parameters"]["retry_after"] == 7
    status, body = await call(http, "getChat", chat_id=111)
    assert (status, body["description"]) == (500, "Internal Server Error")
    emu.inject_fault("sendMessage", "502")
    r = await http.post("sendMessage", json={"chat_id": 111, "text": "x"})
    assert r.status_code == 502 and "Bad Gateway" in r.text
    emu.inject_fault("sendMessage", "slow", delay=0.3)
    t0 = asyncio.get_running_loop().time()
    assert (await call(http, "sendMessage", chat_id=111, text="慢"))[0] == 200
    assert asyncio.get_running_loop().time() - t0 >= 0.3
    emu.inject_fault("sendMessage", "timeout", delay=0.1)
    with pytest.raises(httpx.TransportError):
        await http.post("sendMessage", json={"chat_id": 111, "text": "丢"})
    assert [m.text for m in emu.user(111).messages] == ["慢"]  # failed calls did nothing
    assert emu.stats.faults_fired == 5 and not emu.faults
    assert (await call(http, "sendMessage", chat_id=111, text="好了"))[0] == 200


async def test_get_updates_offset_limit_long_poll_and_conflict(emu, http):
    u = emu.user(111, "张三")
    for text in ("a", "b", "c"):
        await u.send(text)
    _, body = await call(http, "getUpdates", limit=2)
    first, second = body["result"]
    assert first["message"]["text"] == "a" and second["update_id"] == first["update_id"] + 1
    _, body = await call(http, "getUpdates", offset=second["update_id"])  # confirms "a"
    assert [x["message"]["text"] for x in body["result"]] == ["b", "c"]
    last = body["result"][-1]["update_id"]
    _, body = await call(http, "getUpdates", offset=last + 1, timeout=0)
    assert body["result"] == []

    poll = asyncio.create_task(call(http, "getUpdates", offset=last + 1, timeout=5))
    await asyncio.sleep(0.05)
    await u.send("d")
    _, body = await asyncio.wait_for(poll, 2)
    assert body["result"][0]["message"]["text"] == "d"
    delivered = body["result"][0]["update_id"]

    redelivered = emu.redeliver_last_update(u)
    _, body = await call(http, "getUpdates", offset=delivered + 1)
    assert body["result"] == [redelivered] and redelivered["update_id"] == delivered
    _, body = await call(http, "getUpdates", offset=delivered + 1)
    assert body["result"] == []

    older = asyncio.create_task(call(http, "getUpdates", offset=delivered + 1, timeout=5))
    await asyncio.sleep(0.05)
    newer = asyncio.create_task(call(http, "getUpdates", offset=delivered + 1, timeout=0.2))
    status, body = await asyncio.wait_for(older, 2)
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")
    assert (await newer)[0] == 200


async def test_allowed_updates_and_webhook_conflict(emu, http):
    u = emu.user(111, "张三")
    _, body = await call(http, "getUpdates", allowed_updates=["callback_query"])
    await u.send("dropped")
    u.block()
    assert (await call(http, "getUpdates"))[1]["result"] == []  # remembered, others dropped
    _, body = await call(http, "getUpdates", allowed_updates=[])
    u.unblock()
    assert "my_chat_member" in (await call(http, "getUpdates"))[1]["result"][0]
    assert (await call(http, "setWebhook", url="http://x"))[0] == 400
    assert (await call(http, "setWebhook", url="https://example.org/hook"))[0] == 200
    status, body = await call(http, "getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    _, body = await call(http, "getWebhookInfo")
    assert body["result"]["url"] == "https://example.org/hook"
    assert (await call(http, "deleteWebhook", drop_pending_updates=True))[0] == 200
    assert (await call(http, "getUpdates"))[0] == 200


async def test_commands_per_scope_and_language(emu, http):
    emu.user(111, "张三")
    cmds = [{"command": "start", "description": "开始"}]
    assert (await call(http, "setMyCommands", commands=cmds))[0] == 200
    en = [{"command": "help", "description": "Help"}]
    assert (await call(http, "setMyCommands", commands=en, language_code="en",
                       scope={"type": "chat", "chat_id": 111}))[0] == 200
    assert emu.commands() == cmds and emu.commands("default", "en") == []
    assert emu.commands({"type": "chat", "chat_id": 111}, "en") == en
    _, body = await call(http, "getMyCommands", scope={"type": "chat", "chat_id": 111},
                         language_code="en")
    assert body["result"] == en
    assert emu.commands_for(111, "en") == en and emu.commands_for(111) == cmds
    status, body = await call(http, "setMyCommands", commands=[{"command": "Start",
                                                               "description": "x"}])
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")
    status, body = await call(http, "setMyCommands", commands=cmds,
                              scope={"type": "chat", "chat_id": 5})
    assert body["description"] == "Bad Request: chat not found"
    assert (await call(http, "deleteMyCommands"))[0] == 200 and emu.commands() == []
    for method, params in [("setMyDescription", {"description": "双随机"}),
                           ("setChatMenuButton", {"menu_button": {"type": "commands"}}),
                           ("sendChatAction", {"chat_id": 111, "action": "typing"})]:
        if method == "sendChatAction":
            await emu.user(111).send("hi")
        assert (await call(http, method, **params)) == (200, {"ok": True, "result": True})
    _, body = await call(http, "getChat", chat_id=111)
    assert body["result"]["type"] == "private" and "accepted_gift_types" in body["result"]


async def test_files_photo_by_upload_and_file_id_and_download(emu, http):
    u = emu.user(111, "张三")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0" + b"\0" * 50
    sent = await u.send_photo(png, caption="现场")
    size = sent["photo"][-1]
    assert (size["width"], size["height"]) == (640, 480)
    _, body = await call(http, "getFile", file_id=size["file_id"])
    path = body["result"]["file_path"]
    async with httpx.AsyncClient() as c:
        r = await c.get(f"{emu.base_file_url}{TOKEN}/{path}")
        assert r.content == png
        assert (await c.get(f"{emu.base_file_url}{TOKEN}/nope.jpg")).status_code == 404
    status, body = await call(http, "sendPhoto", chat_id=111, photo=size["file_id"])
    assert status == 200 and u.messages[-1].photo == png
    status, body = await call(http, "sendPhoto", chat_id=111, photo="AgACnonsense")
    assert body["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    assert (await call(http, "getFile", file_id="nope"))[1]["description"] == (
        "Bad Request: invalid file_id")
