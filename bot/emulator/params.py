"""Request parsing for the emulator: JSON, form-encoded and multipart bodies (and query strings).

PTB sends every call as a form (multipart when a file is attached) in which strings travel as
they are and everything else (ints, bools, dicts) JSON-encoded. Telegram decodes each parameter
by its declared type, so we do the same: the fields listed below are decoded, the rest stay
strings. The result is one plain dict, which is also what `emu.calls` records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

INT_FIELDS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "reply_to_message_id", "cache_time",
        "user_id", "message_thread_id", "width", "height", "duration", "live_period",
        "heading", "proximity_alert_radius", "from_chat_id", "max_connections",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_FIELDS = frozenset(
    {
        "show_alert", "disable_notification", "protect_content", "drop_pending_updates",
        "disable_web_page_preview", "allow_sending_without_reply", "disable_content_type_detection",
        "has_spoiler", "show_caption_above_media", "for_channels", "allow_paid_broadcast",
    }
)
JSON_FIELDS = frozenset(
    {
        "reply_markup", "allowed_updates", "commands", "scope", "entities", "caption_entities",
        "reply_parameters", "link_preview_options", "menu_button", "media", "rights",
        "message_ids",
    }
)

# What a field is called in Telegram's own error message when it is missing.
_EMPTY_NAMES = {"chat_id": "chat_id is empty", "text": "message text is empty"}


class APIError(Exception):
    """A Bot API error answer: HTTP status == error_code, description as Telegram words it."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> APIError:
    return APIError(400, f"Bad Request: {text}")


def forbidden(text: str) -> APIError:
    return APIError(403, f"Forbidden: {text}")


def too_many(retry_after: int) -> APIError:
    return APIError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:  # keep `emu.calls` printable
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


def _decode(name: str, value: Any) -> Any:
    """Decode one parameter by its declared type (form values are strings)."""
    if isinstance(value, UploadedFile) or value is None:
        return value
    if name == "chat_id":
        if isinstance(value, str):
            v = value.strip()
            if v.lstrip("-").isdigit():
                return int(v)
            return v
        return value
    if not isinstance(value, str):
        return value
    try:
        if name in INT_FIELDS:
            return int(value)
        if name in FLOAT_FIELDS:
            return float(value)
        if name in BOOL_FIELDS:
            low = value.strip().lower()
            if low in ("true", "1"):
                return True
            if low in ("false", "0", ""):
                return False
            raise ValueError(value)
        if name in JSON_FIELDS:
            return json.loads(value)
    except ValueError as exc:
        if name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object") from exc
        if name in JSON_FIELDS:
            raise bad_request(f"can't parse {name} JSON object") from exc
        raise bad_request(f"wrong parameter {name} in request") from exc
    return value


async def parse_request(request: web.Request) -> dict[str, Any]:
    """All parameters of one Bot API request, decoded, files as UploadedFile."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            raw.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if hasattr(value, "file"):  # aiohttp FileField
                    raw[key] = UploadedFile(
                        filename=value.filename or key,
                        content_type=value.content_type or "application/octet-stream",
                        data=value.file.read(),
                    )
                else:
                    raw[key] = value
    return {k: _decode(k, v) for k, v in raw.items()}


def require(params: dict[str, Any], name: str) -> Any:
    """A required parameter, or Telegram's 400 for a missing one."""
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(_EMPTY_NAMES.get(name, f"{name} is empty"))
    return value


def resolve_attach(params: dict[str, Any], value: Any) -> Any:
    """`attach://name` values point at another multipart part."""
    if isinstance(value, str) and value.startswith("attach://"):
        part = params.get(value[len("attach://"):])
        if not isinstance(part, UploadedFile):
            raise bad_request("wrong file identifier/HTTP URL specified")
        return part
    return value
