"""Text handling as Telegram does it: HTML parse_mode into plain text + entities, UTF-16 lengths,
and bot_command entities for user messages."""

from __future__ import annotations

import re
from typing import Any, NoReturn

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
_ENTITY_RE = re.compile(r"&(?:(#\d{1,7}|#x[0-9a-fA-F]{1,6});?|(lt|gt|amp|quot);)")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\f\v"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.-]*")


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _unescape(value: str) -> str:
    return _ENTITY_RE.sub(_entity_char, value)


def _entity_char(m: re.Match[str]) -> str:
    numeric, named = m.group(1), m.group(2)
    if named:
        return _NAMED[named]
    code = int(numeric[2:], 16) if numeric[1] in "xX" else int(numeric[1:])
    if not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF:
        _fail(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    return chr(code)


def _fail(what: str) -> NoReturn:
    raise bad_request(f"can't parse entities: {what}")


class _Html:
    """One pass over the source with Telegram's (tdlib's) rules and error messages."""

    def __init__(self, src: str) -> None:
        self.src, self.n = src, len(src)
        self.out: list[str] = []
        self.pos = 0  # output length in UTF-16 units
        self.stack: list[tuple[str, int, dict[str, str]]] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, i: int) -> str:
        return self.src[i] if i < self.n else ""

    def skip_space(self, i: int) -> int:
        while i < self.n and self.src[i] in _SPACE:
            i += 1
        return i

    def emit(self, piece: str) -> None:
        self.out.append(piece)
        self.pos += utf16_len(piece)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.src, 0
        while i < self.n:
            ch = src[i]
            if ch == "&":
                m = _ENTITY_RE.match(src, i)
                self.emit(_entity_char(m) if m else "&")
                i = m.end() if m else i + 1
            elif ch != "<":
                j = i
                while j < self.n and src[j] not in "<&":
                    j += 1
                self.emit(src[i:j])
                i = j
            elif self.at(i + 1) == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            _fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        src, off = self.src, _byte_offset(self.src, begin)
        i = begin + 1
        while i < self.n and src[i] not in _SPACE and src[i] != ">":
            i += 1
        if i >= self.n:
            _fail(f"Unclosed start tag at byte offset {off}")
        name = src[begin + 1 : i].lower()
        if name not in _SIMPLE_TAGS:
            _fail(f'Unsupported start tag "{name}" at byte offset {off}')
        attrs: dict[str, str] = {}
        while self.at(i) != ">":
            i = self.skip_space(i)
            if self.at(i) == ">":
                break
            a = i
            while i < self.n and src[i] not in _SPACE and src[i] != "=":
                i += 1
            attr = src[a:i].lower()
            if not attr:
                _fail(f'Empty attribute name in the tag "{name}" at byte offset {off}')
            i = self.skip_space(i)
            if self.at(i) != "=":
                _fail(f"Expected equal sign in declaration of an attribute of the tag "
                      f'"{name}" at byte offset {off}')
            i = self.skip_space(i + 1)
            if i >= self.n:
                _fail(f'Unclosed start tag "{name}" at byte offset {off}')
            quote = src[i]
            if quote in "\"'":
                close = src.find(quote, i + 1)
                if close == -1:
                    _fail(f"Unclosed start tag at byte offset {off}")
                value, i = _unescape(src[i + 1 : close]), close + 1
            else:
                token = _NAME_TOKEN.match(src, i).group(0)
                after = i + len(token)
                if after >= self.n or (src[after] not in _SPACE and src[after] != ">"):
                    _fail(f"Unexpected end of name token at byte offset {_byte_offset(src, i)}")
                value, i = token, after
            attrs[attr] = value
        if name == "span" and attrs.get("class") != "tg-spoiler":
            _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {off}')
        self.stack.append((name, self.pos, attrs))
        return i + 1

    def end_tag(self, begin: int) -> int:
        src, off = self.src, _byte_offset(self.src, begin)
        if not self.stack:
            _fail(f"Unexpected end tag at byte offset {off}")
        i = begin + 2
        while i < self.n and src[i] not in _SPACE and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        i = self.skip_space(i)
        if self.at(i) != ">":
            _fail(f"Unclosed end tag at byte offset {off}")
        open_name, start, attrs = self.stack.pop()
        if name != open_name:
            _fail(f'Unmatched end tag at byte offset {off}, expected "</{open_name}>", '
                  f'found "</{name}>"')
        _close(open_name, start, self.pos, attrs, self.entities, self.stack)
        return i + 1


def parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram's HTML subset into (text, entities); errors are Telegram's 400s."""
    return _Html(src).run()


def _close(name, start, pos, attrs, entities, stack) -> None:
    length = pos - start
    if name == "code" and stack and stack[-1][0] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1][2]["language"] = lang[len("language-"):]
        return  # <pre><code> is one pre entity
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": _SIMPLE_TAGS[name], "offset": start, "length": length}
    if name == "a":
        entity["url"] = attrs.get("href", "")
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
