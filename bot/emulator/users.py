"""The people side of the emulator: FakeUser (a private chat) and FakeChat (a group or channel).

Every action builds the update Telegram would send, queues it for getUpdates and writes a
transcript line; `wait_reply` then waits for what the bot does in answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
from typing import TYPE_CHECKING, Any

from bot.emulator.formatting import command_entities
from bot.emulator.state import BotMessage, CallbackQueryState, ChatState, now_unix

if TYPE_CHECKING:
    from bot.emulator.emulator import BotAPIEmulator

TIMEOUT_TAIL = 30  # transcript lines a wait's TimeoutError shows
_STICKER_BYTES = (  # a 1x1 lossless WebP
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
    b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)


class _ChatView:
    """What every chat handle can do: read the bot's messages and wait for the next one."""

    def __init__(self, emu: BotAPIEmulator, chat: ChatState) -> None:
        self._emu = emu
        self._chat = chat
        self._cursor = 0  # seq of the last event this handle has seen or acted on

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat, oldest first (deleted ones flagged, not removed)."""
        return self._chat.bot_messages()

    @property
    def last_message(self) -> BotMessage | None:
        """The newest bot message that is not deleted."""
        for msg in reversed(self._chat.bot_messages()):
            if not msg.deleted:
                return msg
        return None

    def transcript(self) -> list[str]:
        return self._emu.transcript(self._chat.id)

    def render_transcript(self) -> str:
        return self._emu.render_transcript(self._chat.id)

    def _timeout_report(self, what: str, timeout: float, tail: int = TIMEOUT_TAIL) -> str:
        """What was waited for, the chat's last `tail` transcript lines (each clipped; ▶ marks
        those this wait looked at and found wanting), and what was waited for again: a log that
        keeps only its last lines still says what went wrong."""
        head = f"{what} in chat {self._chat.display_name} ({self._chat.id}) within {timeout}s"
        events = self._chat.events
        lines = [f"── last {min(tail, len(events))} of {len(events)} events ──"]
        for ev in events[-tail:]:
            mark = "▶ " if ev.seq > self._cursor else "  "
            line = ev.line.replace("\n", " ⏎ ")
            lines.append(mark + (line if len(line) <= 160 else line[:157] + "…"))
        return "\n".join([head, *lines, f"(waited for: {head})"])

    def _mark(self) -> None:
        self._cursor = len(self._chat.events)

    async def wait_reply(self, timeout: float = 5.0, contains: str | None = None,
                         wait_edit: bool = False) -> BotMessage:
        """The next bot message in this chat after this handle's last action (or last
        wait_reply). With wait_edit=True an edit counts too; `contains` skips messages whose
        text or caption lacks that substring. TimeoutError carries the chat's last lines."""
        kinds = ("bot", "edit") if wait_edit else ("bot",)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            events = self._chat.events
            for ev in events[self._cursor:]:
                if ev.kind in kinds and ev.message is not None and (
                    contains is None or contains in (ev.text or "")
                ):
                    self._cursor = ev.seq
                    return ev.message
            changed = self._chat.changed
            remaining = deadline - loop.time()
            if remaining <= 0:
                what = "message or edit" if wait_edit else "message"
                cond = f" containing {contains[:80]!r}" if contains is not None else ""
                raise TimeoutError(self._timeout_report(f"no new bot {what}{cond}", timeout))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)


class FakeUser(_ChatView):
    """A person in a private chat with the bot (chat id == user id)."""

    _last_query: CallbackQueryState | None = None

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def first_name(self) -> str:
        return self._chat.first_name or ""

    @property
    def username(self) -> str | None:
        return self._chat.username

    @property
    def language_code(self) -> str | None:
        return self._chat.language_code

    def to_dict(self) -> dict[str, Any]:
        """The Bot API User object."""
        return self._chat.user_dict()

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of the reply keyboard the bot last showed (None when removed or never shown)."""
        kb = self._chat.reply_keyboard
        return [[b["text"] for b in row] for row in kb["keyboard"]] if kb else None

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """What the bot answered to this user's taps (text, show_alert, url), in order."""
        return [
            q.answer for q in self._emu.callback_queries.values()
            if q.user_id == self.id and q.answer is not None
        ]

    # -- actions ------------------------------------------------------------------------------
    def _message(self, content: dict[str, Any], line: str) -> dict[str, Any]:
        self._emu.check_loop()
        chat = self._chat
        if chat.blocked:
            raise RuntimeError(f"{self.first_name} has blocked the bot: call unblock() first")
        chat.started = True
        msg = {
            "message_id": chat.take_message_id(),
            "from": self.to_dict(),
            "chat": chat.to_dict(),
            "date": now_unix(),
            **content,
        }
        chat.messages[msg["message_id"]] = msg
        self._emu.event(chat, "user", f"{self.first_name}: {line}")
        self._mark()
        self._emu.updates.push("message", msg)
        return msg

    async def send(self, text: str, *, reply_to: int | None = None) -> dict[str, Any]:
        """A text message; commands get bot_command entities. Returns the Message dict."""
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            replied = self._chat.messages.get(reply_to)
            if replied is None:
                raise LookupError(f"no message #{reply_to} in this chat")
            content["reply_to_message"] = (
                replied.to_dict() if isinstance(replied, BotMessage) else replied
            )
        return self._message(content, text)

    async def tap(self, label: str, *, message_id: int | None = None) -> dict[str, Any]:
        """Tap the inline button with exactly this label on the newest bot message that has
        it (or on `message_id`) and send the callback_query. Falls back to a reply-keyboard
        button of that label (sent as text). Returns the CallbackQuery (or Message) dict."""
        self._emu.check_loop()
        chat = self._chat
        candidates = [m for m in reversed(chat.bot_messages()) if not m.deleted]
        if message_id is not None:
            candidates = [m for m in candidates if m.message_id == message_id]
        for msg in candidates:
            button = msg.button(label)
            if button is None:
                continue
            if "callback_data" not in button:
                raise ValueError(f"button [{label}] on #{msg.message_id} sends no callback "
                                 f"(it is {sorted(set(button) - {'text'})})")
            return self._callback(msg, label, button["callback_data"])
        if chat.reply_keyboard and message_id is None:
            for row in chat.reply_keyboard["keyboard"]:
                for b in row:
                    if b["text"] == label:
                        if b.get("request_location"):
                            raise ValueError(f"[{label}] asks for a location: share_location()")
                        if len(b) > 1:
                            raise ValueError(f"[{label}] asks for {sorted(set(b) - {'text'})}")
                        if chat.reply_keyboard.get("one_time_keyboard"):
                            chat.reply_keyboard = None
                        return await self.send(label)
        where = f"#{message_id}" if message_id is not None else "any bot message"
        shown = {m.message_id: m.buttons for m in candidates if m.buttons}
        raise LookupError(
            f"no inline button [{label}] on {where} in chat {chat.display_name}; "
            f"buttons shown: {shown}\n{self.render_transcript()}"
        )

    async def press_data(self, data: str, *, message_id: int | None = None) -> dict[str, Any]:
        """Send a callback_query carrying arbitrary `data` from a bot message in this chat (the
        newest, or `message_id`): what a client forging callback_data would send."""
        self._emu.check_loop()
        msgs = [m for m in reversed(self._chat.bot_messages()) if not m.deleted]
        if message_id is not None:
            msgs = [m for m in msgs if m.message_id == message_id]
        if not msgs:
            raise LookupError(f"no bot message to press on in chat {self._chat.display_name}")
        return self._callback(msgs[0], f"forged:{data}", data)

    async def wait_answer(self, timeout: float = 5.0) -> dict[str, Any]:
        """The bot's answerCallbackQuery to this user's last tap: {text, show_alert, url}."""
        q = self._last_query
        if q is None:
            raise LookupError(f"{self.first_name} has not tapped any button")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while q.answer is None:
            changed = self._chat.changed
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"the bot did not answer the tap on #{q.message_id} within {timeout}s\n"
                    f"{self.render_transcript()}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        return q.answer

    def _callback(self, msg: BotMessage, label: str, data: str) -> dict[str, Any]:
        q: CallbackQueryState = self._emu.new_callback_query(self.id, msg, data)
        self._last_query = q
        payload = {
            "id": q.id,
            "from": self.to_dict(),
            "message": msg.to_dict(),
            "chat_instance": str(abs(hash((self._emu.bot_id, self._chat.id)))),
            "data": data,
        }
        self._emu.event(self._chat, "tap", f"{self.first_name} taps [{label}] on #{msg.message_id}")
        self._mark()
        self._emu.updates.push("callback_query", payload)
        return payload

    async def share_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        kb = self._chat.reply_keyboard
        if kb and kb.get("one_time_keyboard"):
            self._chat.reply_keyboard = None
        loc = {"latitude": float(latitude), "longitude": float(longitude)}
        return self._message({"location": loc}, f"[location {latitude}, {longitude}]")

    async def send_photo(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        f = self._emu.files.store("photo", data)
        content: dict[str, Any] = {"photo": f.photo_sizes()}
        if caption:
            content["caption"] = caption
        return self._message(content, f"[photo {len(data)} bytes] {caption or ''}".rstrip())

    async def send_document(self, data: bytes, filename: str = "file.bin",
                            mime_type: str | None = None,
                            caption: str | None = None) -> dict[str, Any]:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        f = self._emu.files.store("document", data, filename, mime)
        content: dict[str, Any] = {"document": f.document_dict()}
        if caption:
            content["caption"] = caption
        line = f"[document {filename}, {len(data)} bytes] {caption or ''}".rstrip()
        return self._message(content, line)

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        f = self._emu.files.store("sticker", _STICKER_BYTES)
        sticker = {
            "file_id": f.file_id, "file_unique_id": f.file_unique_id, "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": emoji, "set_name": "EmulatorStickers", "file_size": len(f.data),
        }
        return self._message({"sticker": sticker}, f"[sticker {emoji}]")

    def block(self) -> dict[str, Any]:
        """The user blocks the bot: sends then get 403, and a my_chat_member update is queued."""
        return self._member_change("member", "kicked", "blocks the bot")

    def unblock(self) -> dict[str, Any]:
        return self._member_change("kicked", "member", "unblocks the bot")

    def _member_change(self, old: str, new: str, line: str) -> dict[str, Any]:
        self._emu.check_loop()
        self._chat.blocked = new == "kicked"
        me = self._emu.me_user()

        def member(status: str) -> dict[str, Any]:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": me, **extra}

        payload = {
            "chat": self._chat.to_dict(), "from": self.to_dict(), "date": now_unix(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        self._emu.event(self._chat, "system", f"{self.first_name} {line}")
        self._mark()
        return self._emu.updates.push("my_chat_member", payload)


class FakeChat(_ChatView):
    """A group or channel. Read posts with .messages / wait_reply (alias wait_post)."""

    @property
    def title(self) -> str:
        return self._chat.title or ""

    @property
    def type(self) -> str:
        return self._chat.type

    async def wait_post(self, timeout: float = 5.0, contains: str | None = None,
                        wait_edit: bool = False) -> BotMessage:
        return await self.wait_reply(timeout=timeout, contains=contains, wait_edit=wait_edit)

    async def send_as(self, user: FakeUser, text: str) -> dict[str, Any]:
        """A group member writes in the group (privacy mode is not emulated: all is delivered)."""
        self._emu.check_loop()
        if self._chat.type == "channel":
            raise ValueError("people do not write in a channel; the bot posts there")
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        msg = {
            "message_id": self._chat.take_message_id(), "from": user.to_dict(),
            "chat": self._chat.to_dict(), "date": now_unix(), **content,
        }
        self._chat.messages[msg["message_id"]] = msg
        self._emu.event(self._chat, "user", f"{user.first_name}: {text}")
        self._mark()
        self._emu.updates.push("message", msg)
        return msg
