"""Bot API methods about the bot itself and its updates: getMe, getUpdates, webhooks, commands,
descriptions, the menu button, chat actions and getChat."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.emulator.emulator import scope_key
from bot.emulator.params import APIError, bad_request, require
from bot.emulator.registry import api_method

if TYPE_CHECKING:
    from bot.emulator.emulator import BotAPIEmulator

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANG_RE = re.compile(r"^[a-z]{2}$")
_SCOPES = {
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
}
_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}
_GIFT_TYPES = {
    "unlimited_gifts": True, "limited_gifts": True, "unique_gifts": True,
    "premium_subscription": True, "gifts_from_channels": True,
}


@api_method("getMe")
def get_me(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    return {
        **emu.me_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api_method("logOut")
def log_out(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    return True


@api_method("close")
def close(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    return True


# -- updates and webhooks -------------------------------------------------------------------------
@api_method("getUpdates")
async def get_updates(emu: BotAPIEmulator, p: dict[str, Any]) -> list[dict[str, Any]]:
    if emu.webhook_url:
        raise APIError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = int(p.get("offset") or 0)
    limit = min(max(int(p.get("limit") or 100), 1), 100)
    timeout = max(float(p.get("timeout") or 0), 0.0)
    emu.updates.set_allowed(p.get("allowed_updates"))
    updates = await emu.updates.get(offset, limit, timeout)
    emu.stats.updates_delivered += len(updates)
    return updates


@api_method("setWebhook")
def set_webhook(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    url = str(p.get("url") or "")
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    emu.webhook_url = url  # recorded only: the emulator does not push to webhooks
    if p.get("drop_pending_updates"):
        emu.updates.drop_pending()
    emu.updates.terminate_pollers()
    return True


@api_method("deleteWebhook")
def delete_webhook(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    emu.webhook_url = ""
    if p.get("drop_pending_updates"):
        emu.updates.drop_pending()
    return True


@api_method("getWebhookInfo")
def get_webhook_info(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": emu.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": emu.updates.pending,
    }


# -- commands, descriptions, menu button ---------------------------------------------------------
def _scope_and_lang(emu: BotAPIEmulator, p: dict[str, Any]) -> tuple[Any, ...]:
    scope = p.get("scope")
    key = scope_key(scope)
    if key[0] not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if key[0] in ("chat", "chat_administrators", "chat_member"):
        emu.resolve_chat({"chat_id": key[1]})
        if key[0] == "chat_member" and not key[2]:
            raise bad_request("user not found")
    lang = str(p.get("language_code") or "")
    if lang and not _LANG_RE.match(lang):
        raise bad_request("LANG_CODE_INVALID")
    return (*key, lang)


@api_method("setMyCommands")
def set_my_commands(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    commands = require(p, "commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON array")
    clean = []
    for c in commands:
        if not isinstance(c, dict) or not _COMMAND_RE.match(str(c.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        desc = c.get("description")
        if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": c["command"], "description": desc})
    key = _scope_and_lang(emu, p)
    if clean:
        emu.stored_commands[key] = clean
    else:
        emu.stored_commands.pop(key, None)
    return True


@api_method("getMyCommands")
def get_my_commands(emu: BotAPIEmulator, p: dict[str, Any]) -> list[dict[str, Any]]:
    return list(emu.stored_commands.get(_scope_and_lang(emu, p), []))


@api_method("deleteMyCommands")
def delete_my_commands(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    emu.stored_commands.pop(_scope_and_lang(emu, p), None)
    return True


def _bot_text(field: str, limit: int):
    def setter(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
        value = str(p.get(field) or "")
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        lang = str(p.get("language_code") or "")
        if lang and not _LANG_RE.match(lang):
            raise bad_request("LANG_CODE_INVALID")
        emu.bot_texts[(field, lang)] = value
        return True

    def getter(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, str]:
        lang = str(p.get("language_code") or "")
        value = emu.bot_texts.get((field, lang), emu.bot_texts.get((field, ""), ""))
        if field == "name" and not value:
            value = emu.bot_name
        return {field: value}

    return setter, getter


for _field, _api, _limit in (
    ("description", "MyDescription", 512),
    ("short_description", "MyShortDescription", 120),
    ("name", "MyName", 64),
):
    _set, _get = _bot_text(_field, _limit)
    api_method("set" + _api)(_set)
    api_method("get" + _api)(_get)


@api_method("setChatMenuButton")
def set_chat_menu_button(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    chat_id = emu.resolve_chat(p).id if p.get("chat_id") not in (None, "") else None
    button = p.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    emu.menu_buttons[chat_id] = button
    return True


@api_method("getChatMenuButton")
def get_chat_menu_button(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat_id = emu.resolve_chat(p).id if p.get("chat_id") not in (None, "") else None
    return emu.menu_buttons.get(chat_id) or emu.menu_buttons.get(None) or {"type": "commands"}


# -- chats -----------------------------------------------------------------------------------------
@api_method("sendChatAction")
def send_chat_action(emu: BotAPIEmulator, p: dict[str, Any]) -> bool:
    chat = emu.resolve_chat(p)
    if p.get("action") not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    emu.check_writable(chat)
    return True


@api_method("getChat")
def get_chat(emu: BotAPIEmulator, p: dict[str, Any]) -> dict[str, Any]:
    chat = emu.resolve_chat(p)
    info = {
        **chat.to_dict(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict(_GIFT_TYPES),
    }
    if chat.type == "private" and chat.username:
        info["active_usernames"] = [chat.username]
    return info
