"""In-memory state of the emulator, as plain dataclasses.

Everything is mutated from the emulator's asyncio loop only, and never across an `await`, so no
locks are needed: each Bot API call and each scripted user action is one atomic step.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.markup import inline_buttons


def now_unix() -> int:
    """Telegram dates are Unix seconds."""
    return int(time.time())


@dataclass
class Edit:
    """One earlier state of an edited bot message."""

    date: int
    text: str | None
    reply_markup: dict[str, Any] | None


@dataclass
class BotMessage:
    """A message the bot sent; the live object follows edits and deletion."""

    message_id: int
    chat_id: int
    date: int
    kind: str  # text | photo | document | sticker | location
    text: str | None = None  # the text, or the caption of a media message
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    edits: list[Edit] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None
    content: dict[str, Any] = field(default_factory=dict, repr=False)  # photo/document/... dicts
    chat: ChatState | None = field(default=None, repr=False)
    sender: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def buttons(self) -> list[str]:
        """Labels of the inline buttons, row by row (reply keyboards included when no inline)."""
        found = [b["text"] for b in inline_buttons(self.reply_markup)]
        if not found and self.reply_markup and "keyboard" in self.reply_markup:
            found = [b["text"] for row in self.reply_markup["keyboard"] for b in row]
        return found

    def button(self, label: str) -> dict[str, Any] | None:
        """The inline button with exactly this label."""
        for b in inline_buttons(self.reply_markup):
            if b["text"] == label:
                return b
        return None

    @property
    def caption(self) -> str | None:
        return self.text if self.kind != "text" else None

    def to_dict(self) -> dict[str, Any]:
        """The Message object exactly as the Bot API returns it."""
        chat = self.chat
        assert chat is not None
        msg: dict[str, Any] = {"message_id": self.message_id}
        if chat.type == "channel":
            msg["sender_chat"] = chat.to_dict()
        elif self.sender is not None:
            msg["from"] = self.sender
        msg["chat"] = chat.to_dict()
        msg["date"] = self.date
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        if self.reply_to_message_id is not None:
            replied = chat.messages.get(self.reply_to_message_id)
            if replied is not None:
                msg["reply_to_message"] = (
                    replied.to_dict() if isinstance(replied, BotMessage) else dict(replied)
                )
        msg.update(self.content)
        if self.kind == "text":
            msg["text"] = self.text or ""
            if self.entities:
                msg["entities"] = self.entities
        elif self.text:
            msg["caption"] = self.text
            if self.entities:
                msg["caption_entities"] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            msg["reply_markup"] = self.reply_markup
        return msg


@dataclass
class Event:
    """One line of a chat's transcript. `message` is set for bot sends and edits."""

    seq: int
    kind: str  # user | bot | edit | delete | tap | answer | system
    line: str
    message: BotMessage | None = None
    text: str | None = None  # the text at this moment (for wait_reply(contains=...))


@dataclass
class ChatState:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False
    started: bool = False  # a private chat: has the user ever written to the bot?
    bot_member: bool = True  # groups and channels: can the bot post?
    messages: dict[int, BotMessage | dict[str, Any]] = field(default_factory=dict)
    next_message_id: int = 1
    events: list[Event] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    deleted_ids: set[int] = field(default_factory=set)  # deleted user messages
    _changed: asyncio.Event | None = field(default=None, repr=False)

    @property
    def is_group(self) -> bool:
        return self.type != "private"

    @property
    def changed(self) -> asyncio.Event:
        """Set (and replaced) whenever an event is added: what wait_reply waits on."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            d["first_name"] = self.first_name
            if self.last_name:
                d["last_name"] = self.last_name
        else:
            d["title"] = self.title
        if self.username:
            d["username"] = self.username
        return d

    def user_dict(self) -> dict[str, Any]:
        """The User object of a private chat's user."""
        d: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        return d

    @property
    def display_name(self) -> str:
        return self.title or self.first_name or str(self.id)

    def take_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid

    def bot_messages(self) -> list[BotMessage]:
        return [m for m in self.messages.values() if isinstance(m, BotMessage)]


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # photo | document | sticker
    data: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    def photo_sizes(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
                "width": self.width or 0,
                "height": self.height or 0,
            }
        ]

    def document_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.filename:
            d["file_name"] = self.filename
        if self.mime_type:
            d["mime_type"] = self.mime_type
        return d

    def file_dict(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class CallbackQueryState:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class Fault:
    method: str | None  # None: any method but getUpdates
    kind: str  # 429 | 500 | 502 | timeout | slow
    remaining: int
    retry_after: int = 1
    delay: float = 2.0


@dataclass
class Stats:
    """Counters for assertions and benchmarks."""

    sent_messages: int = 0  # successful send* calls
    edits: int = 0
    deletions: int = 0
    too_many_requests: int = 0  # every 429 answered, flood or injected
    flood_rejections: int = 0  # 429s from the flood limits only
    faults_fired: int = 0
    updates_delivered: int = 0
    per_method: Counter[str] = field(default_factory=Counter)  # requests, getUpdates included
    errors: Counter[int] = field(default_factory=Counter)  # error answers by status code

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent_messages": self.sent_messages,
            "edits": self.edits,
            "deletions": self.deletions,
            "too_many_requests": self.too_many_requests,
            "flood_rejections": self.flood_rejections,
            "faults_fired": self.faults_fired,
            "updates_delivered": self.updates_delivered,
            "per_method": dict(self.per_method),
            "errors": dict(self.errors),
        }
