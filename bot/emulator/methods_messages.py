"""Bot API methods that send, edit and delete messages, answer callback queries, and serve files.

Checks run in Telegram's order as far as it shows: the chat (400), the content (400), whether the
bot may write there (403), then the flood limits (429). Only calls that pass all of them change
state, so a refused send never consumes a flood token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.emulator.files import MAX_DOWNLOAD
from bot.emulator.formatting import MAX_CAPTION, check_text, format_text
from bot.emulator.markup import validate_reply_markup
from bot.emulator.params import bad_request, require
from bot.emulator.registry import api_method
from bot.emulator.state import BotMessage, ChatState

if TYPE_CHECKING:
    from bot.emulator.emulator import BotAPIEmulator

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


def _reply_target(chat: ChatState, p: dict[str, Any]) -> int | None:
    target = p.get("reply_to_message_id")
    allow = bool(p.get("allow_sending_without_reply"))
    rp = p.get("reply_parameters")
    if isinstance(rp, dict):
        target = rp.get("message_id", target)
        allow = allow or bool(rp.get("allow_sending_without_reply"))
    if target is None:
        return None
    msg = chat.messages.get(int(target))
    gone = msg is None or (isinstance(msg, BotMessage) and msg.deleted) or (
        int(target) in chat.deleted_ids
    )
    if gone:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return int(target)


def _caption(p: dict[str, Any]) -> tuple[str | None, list[dict]]:
    caption = p.get("caption")
    if caption is None or caption == "":
        return None, []
    text, entities = format_text(str(caption), p.get("parse_mode"), p.get("caption_entities"))
    check_text(text, MAX_CAPTION, caption=True)
    return text, entities


def _send(emu: BotAPIEmulator, chat: ChatState, p: dict[str, Any], kind: str,
          **fields: Any) -> dict[str, Any]:
    markup = validate_reply_markup(p.get("reply_markup"))
    reply_to = _reply_target(chat, p)
    emu.check_writable(chat)
    emu.admit(chat)
    return emu.new_bot_message(chat, kind, markup=markup, reply_to=reply_to, **fields).to_dict()


@api_method("sendMessage")
def send_message(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat = emu.resolve_chat(p)
    raw = p.get("text")
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    text, entities = format_text(str(raw), p.get("parse_mode"), p.get("entities"))
    check_text(text)
    return _send(emu, chat, p, "text", text=text, entities=entities)


@api_method("sendPhoto")
def send_photo(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat = emu.resolve_chat(p)
    caption, entities = _caption(p)
    f = emu.files.from_param(p, "photo", "photo")
    content = {"photo": f.photo_sizes()}
    return _send(emu, chat, p, "photo", text=caption, entities=entities, content=content, file=f)


@api_method("sendDocument")
def send_document(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat = emu.resolve_chat(p)
    caption, entities = _caption(p)
    f = emu.files.from_param(p, "document", "document")
    content = {"document": f.document_dict()}
    return _send(emu, chat, p, "document", text=caption, entities=entities, content=content,
                 file=f)


@api_method("sendSticker")
def send_sticker(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat = emu.resolve_chat(p)
    f = emu.files.from_param(p, "sticker", "sticker")
    sticker = {
        "file_id": f.file_id, "file_unique_id": f.file_unique_id, "type": "regular",
        "width": 512, "height": 512, "is_animated": False, "is_video": False,
        "emoji": p.get("emoji") or "👍", "file_size": len(f.data),
    }
    return _send(emu, chat, p, "sticker", content={"sticker": sticker})


@api_method("sendLocation")
def send_location(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat = emu.resolve_chat(p)
    lat, lon = require(p, "latitude"), require(p, "longitude")
    if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
        raise bad_request("wrong latitude/longitude specified")
    content = {"location": {"latitude": float(lat), "longitude": float(lon)}}
    return _send(emu, chat, p, "location", content=content)


# -- editing ------------------------------------------------------------------------------------
def _editable(emu: BotAPIEmulator, p: dict[str, Any]) -> tuple[ChatState, BotMessage]:
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
    chat = emu.resolve_chat(p)
    mid = p.get("message_id")
    if mid is None:
        raise bad_request("message identifier is not specified")
    msg = chat.messages.get(int(mid))
    if msg is None or int(mid) in chat.deleted_ids or (
        isinstance(msg, BotMessage) and msg.deleted
    ):
        raise bad_request("message to edit not found")
    if not isinstance(msg, BotMessage):
        raise bad_request("message can't be edited")
    if msg.reply_markup and "inline_keyboard" not in msg.reply_markup:
        raise bad_request("message can't be edited")  # only none or inline markup is editable
    return chat, msg


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and "inline_keyboard" in markup else None


def _finish_edit(emu: BotAPIEmulator, chat: ChatState, msg: BotMessage, **changes: Any) -> Any:
    emu.check_writable(chat)
    emu.admit(chat)
    emu.apply_edit(msg, **changes)
    return msg.to_dict()


@api_method("editMessageText")
def edit_message_text(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat, msg = _editable(emu, p)
    if msg.kind != "text":
        raise bad_request("there is no text in the message to edit")
    raw = p.get("text")
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    text, entities = format_text(str(raw), p.get("parse_mode"), p.get("entities"))
    check_text(text)
    # Without reply_markup the inline keyboard goes away, as on Telegram.
    markup = validate_reply_markup(p.get("reply_markup"), inline_only=True)
    if text == msg.text and entities == msg.entities and markup == _inline(msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    return _finish_edit(emu, chat, msg, text=text, entities=entities, markup=markup)


@api_method("editMessageCaption")
def edit_message_caption(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat, msg = _editable(emu, p)
    if msg.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    caption, entities = _caption(p)
    markup = validate_reply_markup(p.get("reply_markup"), inline_only=True)
    if caption == msg.text and entities == msg.entities and markup == _inline(msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    return _finish_edit(emu, chat, msg, text=caption, entities=entities, markup=markup)


@api_method("editMessageReplyMarkup")
def edit_message_reply_markup(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat, msg = _editable(emu, p)
    markup = validate_reply_markup(p.get("reply_markup"), inline_only=True)
    if markup == _inline(msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    return _finish_edit(emu, chat, msg, markup=markup)


@api_method("deleteMessage")
def delete_message(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    chat = emu.resolve_chat(p)
    mid = int(require(p, "message_id"))
    msg = chat.messages.get(mid)
    if msg is None or mid in chat.deleted_ids or (isinstance(msg, BotMessage) and msg.deleted):
        raise bad_request("message to delete not found")
    if isinstance(msg, BotMessage):
        msg.deleted = True
    else:
        chat.deleted_ids.add(mid)
    emu.stats.deletions += 1
    emu.event(chat, "delete", f"bot deletes #{mid}")
    return True


# -- callback queries and files -----------------------------------------------------------------
@api_method("answerCallbackQuery")
def answer_callback_query(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    q = emu.callback_queries.get(str(p.get("callback_query_id") or ""))
    if q is None or not emu.query_alive(q):
        raise bad_request(QUERY_TOO_OLD)
    q.answered = True
    q.answer = {
        "text": p.get("text"), "show_alert": bool(p.get("show_alert")), "url": p.get("url"),
    }
    chat = emu.chats.get(q.chat_id)
    if chat is not None:
        if p.get("text"):
            kind = "alert" if p.get("show_alert") else "toast"
            emu.event(chat, "answer", f"bot {kind}: {p['text']}")
        chat.wake()  # wait_answer() waits on this even for a silent answer
    return True


@api_method("getFile")
def get_file(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    f = emu.files.get(str(require(p, "file_id")))
    if f is None:
        raise bad_request("invalid file_id")
    if len(f.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return f.file_dict()
