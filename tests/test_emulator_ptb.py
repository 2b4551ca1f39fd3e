"""The real PTB Application long-polling the emulator over loopback HTTP, with a scripted user."""

from __future__ import annotations

import contextlib

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import BotAPIEmulator, FloodLimits

TOKEN = "123456:TEST-TOKEN"
XLSX = b"PK\x03\x04" + bytes(range(256)) * 4


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("确认", callback_data="confirm:1"),
          InlineKeyboardButton("取消", callback_data="cancel:1")]]
    )
    arg = context.args[0] if context.args else "-"
    await update.message.reply_text(f"欢迎，<b>{arg}</b>", parse_mode="HTML",
                                    reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("已收到")
    action = query.data.split(":")[0]
    await query.edit_message_text("已确认" if action == "confirm" else "已取消")
    if action == "confirm":
        await query.message.reply_text(
            "请发送位置",
            reply_markup=ReplyKeyboardMarkup(
                [[KeyboardButton("📍 发送位置", request_location=True)]],
                one_time_keyboard=True, resize_keyboard=True,
            ),
        )


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    loc = update.message.location
    await update.message.reply_text(f"位置 {loc.latitude:.2f},{loc.longitude:.2f}",
                                    reply_markup=ReplyKeyboardRemove())


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    file = await update.message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await update.message.reply_text(f"照片 {len(data)} 字节")


async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_document(XLSX, filename="报表.xlsx", caption="本月报表")


async def on_publish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.bot.send_message(-100123, "公示：抽查结果")
    await update.message.reply_text("已公示")


@contextlib.asynccontextmanager
async def running(emu: BotAPIEmulator):
    app: Application = (
        ApplicationBuilder().token(TOKEN).base_url(emu.base_url)
        .base_file_url(emu.base_file_url).build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("report", on_report))
    app.add_handler(CommandHandler("publish", on_publish))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def emu():
    # The flows below send and edit faster than one message per second per chat, which the
    # default flood limits refuse (see the last test); they are about the flows, so limits are off.
    async with BotAPIEmulator(TOKEN, limits=None) as e:
        yield e


async def test_a_user_walks_through_the_real_application(emu):
    async with running(emu):
        u = emu.user(111, "张三")
        await u.send("/start 检查")
        welcome = await u.wait_reply()
        assert welcome.text == "欢迎，检查" and welcome.buttons == ["确认", "取消"]
        assert welcome.entities == [{"type": "bold", "offset": 3, "length": 2}]

        await u.tap("确认")
        assert (await u.wait_answer())["text"] == "已收到"
        edited = await u.wait_reply(wait_edit=True)
        assert edited is welcome and edited.text == "已确认" and edited.buttons == []
        assert [e.text for e in welcome.edits] == ["欢迎，检查"]
        ask = await u.wait_reply(contains="位置")
        assert u.reply_keyboard == [["📍 发送位置"]]
        with pytest.raises(ValueError, match="share_location"):
            await u.tap("📍 发送位置")

        await u.share_location(39.04, 115.46)
        assert (await u.wait_reply()).text == "位置 39.04,115.46"
        assert u.reply_keyboard is None and ask.message_id < u.messages[-1].message_id

        jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 1000 + b"\xff\xd9"
        await u.send_photo(jpeg, caption="现场照片")
        assert (await u.wait_reply()).text == f"照片 {len(jpeg)} 字节"

        await u.send_sticker()
        with pytest.raises(TimeoutError, match="张三: \\[sticker"):
            await u.wait_reply(timeout=0.3)  # no handler: no answer, transcript in the error

    assert emu.transcript(111) == [
        "张三: /start 检查",
        "bot #2: 欢迎，检查\n[确认] [取消]",
        "张三 taps [确认] on #2",
        "bot toast: 已收到",
        "bot edits #2: 已确认",
        "bot #3: 请发送位置\n⌨ [📍📍 发送位置]",
        "张三: [location 39.04, 115.46]",
        "bot #5: 位置 39.04,115.46\n⌨ (keyboard removed)",
        "张三: [photo 1006 bytes] 现场照片",
        "bot #7: 照片 1006 字节",
        "张三: [sticker 👍]",
    ]
    assert u.callback_answers == [{"text": "已收到", "show_alert": False, "url": None}]
    assert [m for m, _ in emu.calls][:2] == ["getMe", "deleteWebhook"]
    assert emu.stats.per_method["getFile"] == 1 and emu.stats.sent_messages == 4


async def test_bot_uploads_a_document_and_posts_to_a_channel(emu):
    channel = emu.channel(-100123, "公示频道")
    async with running(emu):
        u = emu.user(222, "李四")
        await u.send("/report")
        doc = await u.wait_reply()
        assert doc.document == ("报表.xlsx", XLSX) and doc.caption == "本月报表"
        sent = emu.calls_of("sendDocument")[0]
        assert sent["document"].filename == "报表.xlsx"  # went up as a multipart upload
        await u.send("/publish")
        post = await channel.wait_post(contains="公示")
        assert post.text == "公示：抽查结果" and post.to_dict()["sender_chat"]["id"] == -100123
        assert (await u.wait_reply()).text == "已公示"
    assert "bot #1: 公示：抽查结果" in emu.render_transcript(-100123)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_sees_telegram_errors_as_its_own_exceptions(emu):
    emu.limits = FloodLimits()  # the defaults: burst of 3 per private chat, then 1/s
    async with running(emu) as app:
        u = emu.user(333, "王五")
        with pytest.raises(Forbidden, match="initiate conversation"):
            await app.bot.send_message(333, "你好")
        await u.send("hi")
        emu.inject_fault("sendMessage", "429", retry_after=3)
        with pytest.raises(RetryAfter, match=r"Retry in (3 seconds|0:00:03)"):
            await app.bot.send_message(333, "你好")
        msg = await app.bot.send_message(333, "你好")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await msg.edit_text("你好")
        await msg.edit_text("您好")
        await app.bot.send_message(333, "第三条")
        with pytest.raises(RetryAfter, match=r"Retry in (1 seconds?|0:00:01)"):
            await msg.edit_text("再改")  # a fourth send/edit within a second
        assert emu.stats.flood_rejections == 1
        u.block()
        with pytest.raises(Forbidden, match="blocked by the user"):
            await app.bot.send_message(333, "还在吗")


async def test_redelivered_update_reaches_the_handlers_again(emu):
    async with running(emu):
        u = emu.user(444, "赵六")
        await u.send("/start 一次")
        await u.wait_reply()
        again = emu.redeliver_last_update(u)
        assert again["message"]["text"] == "/start 一次"
        second = await u.wait_reply()  # the bot handled the same update_id twice
        assert second.text == "欢迎，一次"
        await u.send("/start 二次")
        assert (await u.wait_reply()).text == "欢迎，二次"  # polling carried on past it
