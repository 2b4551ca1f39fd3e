"""reply_markup checks: inline keyboards (callback_data <= 64 bytes, exactly one action per button),
reply keyboards (strings or KeyboardButton objects, request_location etc.), ReplyKeyboardRemove
and ForceReply. Returns the markup as Telegram echoes it back."""

from __future__ import annotations

from typing import Any

from bot.emulator.params import bad_request

MAX_CALLBACK_DATA = 64
MAX_INLINE_BUTTONS = 100

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
_REPLY_BUTTON_KEYS = (
    "text", "request_location", "request_contact", "request_poll", "request_users",
    "request_chat", "web_app", "style", "icon_custom_emoji_id",
)


def _parse_error() -> Exception:
    return bad_request("can't parse reply keyboard markup JSON object")


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        raise _parse_error()
    return value


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a String")
    actions = [k for k in _INLINE_ACTIONS if button.get(k) is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: "
            "InlineKeyboardButton must have exactly one of the optional fields"
        )
    if "callback_data" in actions:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in actions:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    return {k: v for k, v in button.items() if v is not None}


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _parse_error()
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    return {k: v for k, v in button.items() if k in _REPLY_BUTTON_KEYS and v is not None}


def validate_reply_markup(value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """The normalized markup, or a 400 where Telegram gives one."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _parse_error()
    if "inline_keyboard" in value:
        rows = [[_inline_button(b) for b in row] for row in _rows(value["inline_keyboard"])]
        if sum(len(r) for r in rows) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        return {"inline_keyboard": rows}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in value:
        rows = [[_reply_button(b) for b in row] for row in _rows(value["keyboard"])]
        if not any(rows):
            raise bad_request("keyboard must be non-empty")
        out: dict[str, Any] = {"keyboard": rows}
        for key in ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective",
                    "input_field_placeholder"):
            if value.get(key) is not None:
                out[key] = value[key]
        return out
    if value.get("remove_keyboard") is True:
        return {"remove_keyboard": True, **({"selective": True} if value.get("selective") else {})}
    if value.get("force_reply") is True:
        return {k: v for k, v in value.items() if v is not None}
    raise _parse_error()


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """All inline buttons of a markup, row by row."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [b for row in markup["inline_keyboard"] for b in row]


def render_markup(markup: dict[str, Any] | None) -> str:
    """One line for the transcript: "[确认] [取消]" or "⌨ [📍 发送位置]"."""
    if not markup:
        return ""
    if "inline_keyboard" in markup:
        return " | ".join(
            " ".join(f"[{b['text']}]" for b in row) for row in markup["inline_keyboard"]
        )
    if "keyboard" in markup:
        cells = []
        for row in markup["keyboard"]:
            for b in row:
                tag = "📍" if b.get("request_location") else ""
                tag = "📱" if b.get("request_contact") else tag
                cells.append(f"[{tag}{b['text']}]")
        return "⌨ " + " ".join(cells)
    if markup.get("remove_keyboard"):
        return "⌨ (keyboard removed)"
    if markup.get("force_reply"):
        return "↩ (force reply)"
    return ""
