"""BotAPIEmulator: a loopback Bot API server plus the scripting side (users, channels, faults)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.emulator.files import FileStore
from bot.emulator.limits import FloodGate, FloodLimits
from bot.emulator.markup import render_markup
from bot.emulator.params import bad_request, forbidden, too_many
from bot.emulator.state import (
    BotMessage,
    CallbackQueryState,
    ChatState,
    Edit,
    Event,
    Fault,
    Stats,
    StoredFile,
    now_unix,
)
from bot.emulator.updates import UpdateQueue
from bot.emulator.users import FakeChat, FakeUser

log = logging.getLogger(__name__)

DEFAULT_LIMITS = FloodLimits()
FAULT_KINDS = ("429", "500", "502", "timeout", "slow")
_UNSET: Any = object()


def scope_key(scope: Any) -> tuple[str, int | str | None, int | None]:
    """A BotCommandScope (dict, PTB object, or type name) as a hashable key."""
    if scope is None:
        return ("default", None, None)
    if isinstance(scope, str):
        return (scope, None, None)
    if hasattr(scope, "to_dict"):
        scope = scope.to_dict()
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    return (scope["type"], scope.get("chat_id"), scope.get("user_id"))


class BotAPIEmulator:
    """Answers the Bot API on 127.0.0.1 the way Telegram does; see docs/emulator.md."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        limits: FloodLimits | None = DEFAULT_LIMITS,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_name: str = "双随机助手",
        bot_username: str = "ShuangsuijiTestBot",
        callback_ttl: float | None = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        head = token.split(":", 1)[0]
        if ":" not in token or not head.isdigit():
            raise ValueError("a bot token looks like '123456:ABC...'")
        self.token = token
        self.bot_id = int(head)
        self.host, self.port = host, port
        self.bot_name, self.bot_username = bot_name, bot_username
        self.callback_ttl = callback_ttl
        self.clock = clock
        self.flood = FloodGate(limits, clock)
        self.updates = UpdateQueue()
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self.stored_commands: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (name|description|..., lang) -> text
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook_url = ""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.stats = Stats()
        self.faults: list[Fault] = []
        self._handles: dict[int, FakeUser | FakeChat] = {}
        self._subscribers: list[Callable[[int, str], None]] = []
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> BotAPIEmulator:
        from bot.emulator.server import build_app

        self._loop = asyncio.get_running_loop()
        self._runner = web.AppRunner(
            build_app(self), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder().base_url(...): PTB appends the token."""
        return f"http://{self.host}:{self._port()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self._port()}/file/bot"

    def _port(self) -> int:
        if self._runner is None:
            raise RuntimeError("the emulator is not started: await emu.start() first")
        return self.port

    @property
    def limits(self) -> FloodLimits | None:
        return self.flood.limits

    @limits.setter
    def limits(self, value: FloodLimits | None) -> None:
        self.flood.limits = value
        self.flood.reset()

    # -- chats and users ----------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = "测试用户",
        username: str | None = None,
        language_code: str | None = "zh-hans",
        *,
        last_name: str | None = None,
        started: bool = False,
    ) -> FakeUser:
        """A private chat with a person (chat id == user id). The bot may write to it only after
        the user has written to the bot (as on Telegram), unless `started=True`."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        handle = self._handles.get(user_id)
        if handle is None:
            chat = ChatState(id=user_id, type="private", first_name=first_name,
                             last_name=last_name, username=username, language_code=language_code)
            self.chats[user_id] = chat
            handle = self._handles[user_id] = FakeUser(self, chat)
        assert isinstance(handle, FakeUser)
        if started:
            handle._chat.started = True
        return handle

    def channel(self, chat_id: int, title: str, *, username: str | None = None,
                bot_member: bool = True) -> FakeChat:
        """A channel the bot posts to (the bot is an administrator unless bot_member=False)."""
        return self._group_like(chat_id, title, "channel", username, bot_member)

    def group(self, chat_id: int, title: str, *, username: str | None = None,
              bot_member: bool = True) -> FakeChat:
        """A group (supergroup when the id starts with -100)."""
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return self._group_like(chat_id, title, kind, username, bot_member)

    def _group_like(self, chat_id, title, kind, username, bot_member) -> FakeChat:
        if chat_id >= 0:
            raise ValueError("group and channel ids are negative")
        handle = self._handles.get(chat_id)
        if handle is None:
            chat = ChatState(id=chat_id, type=kind, title=title, username=username,
                             bot_member=bot_member, started=True)
            self.chats[chat_id] = chat
            handle = self._handles[chat_id] = FakeChat(self, chat)
        assert isinstance(handle, FakeChat)
        return handle

    def chat(self, chat_id: int) -> FakeUser | FakeChat:
        return self._handles[chat_id]

    # -- reading the result -------------------------------------------------------------------
    def transcript(self, chat_id: int) -> list[str]:
        """Who said what in this chat, in order: user actions, bot sends, edits, deletions."""
        return [e.line for e in self.chats[chat_id].events]

    def render_transcript(self, chat_id: int) -> str:
        chat = self.chats[chat_id]
        out = [f"── {chat.display_name} ({chat.id}) ──"]
        for line in self.transcript(chat_id):
            first, *rest = line.split("\n")
            out.append(first)
            out.extend("    " + r for r in rest)
        return "\n".join(out)

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        low = method.lower()
        return [params for name, params in self.calls if name.lower() == low]

    def commands(self, scope: Any = None, language_code: str = "") -> list[dict[str, Any]]:
        """What setMyCommands stored for exactly this scope and language ([] if nothing)."""
        return list(self.stored_commands.get((*scope_key(scope), language_code or ""), []))

    def commands_for(self, chat_id: int, language_code: str | None = None) -> list[dict]:
        """The menu a chat's user sees, resolved the way Telegram resolves scopes."""
        chat = self.chats[chat_id]
        lang = language_code if language_code is not None else (chat.language_code or "")[:2]
        broad = "all_private_chats" if chat.type == "private" else "all_group_chats"
        for key in (("chat", chat_id, None), (broad, None, None), ("default", None, None)):
            for code in dict.fromkeys((lang, "")):
                found = self.stored_commands.get((*key, code))
                if found:
                    return list(found)
        return []

    def subscribe(self, callback: Callable[[int, str], None]) -> Callable[[], None]:
        """Call `callback(chat_id, line)` for each new transcript line; returns an unsubscriber."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    # -- faults and redelivery ----------------------------------------------------------------
    def inject_fault(self, method: str | None = None, kind: str = "429", count: int = 1,
                     retry_after: int = 1, delay: float = 2.0) -> Fault:
        """The next `count` calls of `method` (None: any method but getUpdates) fail:
        429 (with retry_after), 500, 502 (an HTML gateway page), "slow" (answered normally
        after `delay` s) or "timeout" (no answer for `delay` s, then the connection is
        dropped and the call is NOT performed)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        fault = Fault(method, kind, count, retry_after, delay)
        self.faults.append(fault)
        return fault

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            match = (fault.method is None and method != "getUpdates") or (
                fault.method is not None and fault.method.lower() == method.lower()
            )
            if match and fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def redeliver_last_update(self, user: FakeUser | int) -> dict[str, Any]:
        """Queue again the last update from this user that was delivered (same update_id)."""
        uid = user if isinstance(user, int) else user.id
        for update in reversed(self.updates.delivered):
            body = next(v for k, v in update.items() if k != "update_id")
            if body.get("from", {}).get("id") == uid:
                return self.updates.redeliver(update)
        raise LookupError(f"no update from user {uid} was delivered yet")

    # -- internals used by the Bot API methods and the users ----------------------------------
    def me_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_name,
                "username": self.bot_username}

    def resolve_chat(self, params: dict[str, Any]) -> ChatState:
        cid = params.get("chat_id")
        if cid is None or cid == "":
            raise bad_request("chat_id is empty")
        if isinstance(cid, str):
            for chat in self.chats.values():
                if chat.username and chat.is_group and f"@{chat.username}" == cid:
                    return chat
            raise bad_request("chat not found")
        chat = self.chats.get(cid)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def check_writable(self, chat: ChatState) -> None:
        if chat.type == "private":
            if chat.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif not chat.bot_member:
            kind = "channel" if chat.type == "channel" else "group"
            raise forbidden(f"bot is not a member of the {kind} chat")

    def admit(self, chat: ChatState) -> None:
        retry = self.flood.admit(chat.id, chat.is_group)
        if retry:
            self.stats.flood_rejections += 1
            raise too_many(retry)

    def check_loop(self) -> None:
        if self._loop is not None and asyncio.get_running_loop() is not self._loop:
            raise RuntimeError("script the emulator from the event loop it was started in")

    def event(self, chat: ChatState, kind: str, line: str, message: BotMessage | None = None,
              text: str | None = None) -> Event:
        ev = Event(len(chat.events) + 1, kind, line, message, text)
        chat.events.append(ev)
        chat.wake()
        for callback in list(self._subscribers):
            try:
                callback(chat.id, line)
            except Exception:  # a broken printer must not break the server
                log.exception("transcript subscriber failed")
        return ev

    def new_bot_message(self, chat: ChatState, kind: str, *, text: str | None = None,
                        entities: list[dict] | None = None, markup: dict | None = None,
                        content: dict | None = None, reply_to: int | None = None,
                        file: StoredFile | None = None) -> BotMessage:
        msg = BotMessage(
            message_id=chat.take_message_id(), chat_id=chat.id, date=now_unix(), kind=kind,
            text=text, entities=entities or [], reply_markup=markup, reply_to_message_id=reply_to,
            content=content or {}, chat=chat, sender=self.me_user(),
            file_id=file.file_id if file else None,
            document=(file.filename or "file", file.data) if file and kind == "document" else None,
            photo=file.data if file and kind == "photo" else None,
        )
        chat.messages[msg.message_id] = msg
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        self.stats.sent_messages += 1
        self.event(chat, "bot", self.describe(msg), msg, text)
        return msg

    def describe(self, msg: BotMessage, verb: str = "") -> str:
        head = f"bot {verb}#{msg.message_id}: " if verb else f"bot #{msg.message_id}: "
        if msg.kind == "document" and msg.document:
            body = f"[document {msg.document[0]}, {len(msg.document[1])} bytes] {msg.text or ''}"
        elif msg.kind == "photo":
            body = f"[photo {len(msg.photo or b'')} bytes] {msg.text or ''}"
        elif msg.kind in ("sticker", "location"):
            body = f"[{msg.kind}] {msg.text or ''}"
        else:
            body = msg.text or ""
        keys = render_markup(msg.reply_markup)
        return head + body.rstrip() + (f"\n{keys}" if keys else "")

    def apply_edit(self, msg: BotMessage, *, text: Any = _UNSET, entities: Any = _UNSET,
                   markup: Any = _UNSET) -> None:
        msg.edits.append(Edit(msg.edit_date or msg.date, msg.text, msg.reply_markup))
        if text is not _UNSET:
            msg.text = text
        if entities is not _UNSET:
            msg.entities = entities
        if markup is not _UNSET:
            msg.reply_markup = markup
        msg.edit_date = now_unix()
        self.stats.edits += 1
        assert msg.chat is not None
        self.event(msg.chat, "edit", self.describe(msg, "edits "), msg, msg.text)

    def new_callback_query(self, user_id: int, msg: BotMessage, data: str) -> CallbackQueryState:
        qid = str(secrets.randbelow(9 * 10**18) + 10**18)
        q = CallbackQueryState(qid, user_id, msg.chat_id, msg.message_id, data, self.clock())
        self.callback_queries[qid] = q
        return q

    def query_alive(self, q: CallbackQueryState) -> bool:
        if q.answered:
            return False
        return self.callback_ttl is None or self.clock() - q.created <= self.callback_ttl
