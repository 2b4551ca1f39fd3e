"""Text handling as Telegram does it: HTML parse_mode into plain text + entities, UTF-16 lengths,
and bot_command entities for user messages."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.params import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "a": "text_link", "span": "spoiler", "tg-emoji": "custom_emoji",
}
_ENTITY_RE = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""([a-zA-Z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_TAG_NAME_RE = re.compile(r"[^\s/]*")  # Telegram reports everything up to a space


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _unescape(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: _entity_char(m.group(1)), value)


def _entity_char(body: str) -> str:
    if body in _NAMED:
        return _NAMED[body]
    code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
    return chr(code) if 0 < code < 0x110000 else ""


def _fail(what: str) -> None:
    raise bad_request(f"can't parse entities: {what}")


def parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram's HTML subset; unsupported tags and unbalanced tags are errors, as there."""
    out: list[str] = []
    pos = 0  # output length in UTF-16 units
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "<":
            end = src.find(">", i)
            if end == -1:
                _fail(f"Unclosed start tag at byte offset {_byte_offset(src, i)}")
            inner = src[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    _fail(f'Unexpected end tag at byte offset {_byte_offset(src, i)}')
                open_name, start, extra = stack.pop()
                if name != open_name:
                    _fail(
                        f"Unmatched end tag at byte offset {_byte_offset(src, i)}, "
                        f'expected "</{open_name}>", found "</{name}>"'
                    )
                _close(open_name, start, pos, extra, entities, stack)
            else:
                name = _TAG_NAME_RE.match(inner).group(0).lower()
                attrs = {
                    m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                    for m in _ATTR_RE.finditer(inner[len(name):])
                }
                if name not in _SIMPLE_TAGS or (
                    name == "span" and attrs.get("class") != "tg-spoiler"
                ):
                    _fail(f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, i)}')
                stack.append((name, pos, attrs))
            i = end + 1
        elif ch == "&":
            m = _ENTITY_RE.match(src, i)
            piece = _entity_char(m.group(1)) if m else "&"
            out.append(piece)
            pos += utf16_len(piece)
            i = m.end() if m else i + 1
        else:
            j = i
            while j < n and src[j] not in "<&":
                j += 1
            piece = src[i:j]
            out.append(piece)
            pos += utf16_len(piece)
            i = j
    if stack:
        _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(name, start, pos, attrs, entities, stack) -> None:
    length = pos - start
    if name == "code" and stack and stack[-1][0] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1][2]["language"] = _unescape(lang[len("language-"):])
        return  # <pre><code> is one pre entity
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": _SIMPLE_TAGS[name], "offset": start, "length": length}
    if name == "a":
        entity["url"] = _unescape(attrs.get("href", ""))
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    entities.append(entity)


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict]]:
    """Apply parse_mode (HTML parsed and checked; Markdown kinds are passed through as-is)."""
    if parse_mode:
        mode = str(parse_mode).lower()
        if mode == "html":
            return parse_html(text)
        if mode not in ("markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        return text, []
    if isinstance(entities, list):
        return text, [dict(e) for e in entities]
    return text, []


def check_text(text: str, limit: int = MAX_TEXT, caption: bool = False) -> None:
    if not caption and not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")


_COMMAND_RE = re.compile(r"(?<![\w/])/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/])")


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities Telegram adds to a user's text ("/start abc" -> offset 0, length 6)."""
    found = []
    for m in _COMMAND_RE.finditer(text):
        found.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group(0)),
            }
        )
    return found
