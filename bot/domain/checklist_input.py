"""作答校验: turning what an inspector taps, types or sends into an answer, or a helpful re-ask.

Every parser returns either the JSON value to store or a `Reask` naming a catalogue message
(``ck_*``) and its parameters. Values: yes_no ``"yes" | "no" | "na"``; single choice the option
value; multiple choice a list of option values in option order; number the canonical decimal
text (``"35.2"``); date ``"YYYY-MM-DD"``; text the trimmed text; photo
``{"evidence": [ids]}``; location ``{"lat", "lon", "distance_m"}``. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any

from bot.domain.checklist import Question, QuestionType
from bot.domain.ids import number

TEXT_LIMIT = 1000  # characters in a text answer or note
NAME_LIMIT = 50  # characters in a representative's name or post
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit
YES_NO_CODES = {"y": "yes", "n": "no", "na": "na"}
TYPED_ANSWER = {QuestionType.NUMBER, QuestionType.TEXT, QuestionType.DATE}
EVIDENCE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".heic": "image/heic",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Reask:
    """Why the input was not taken: a catalogue key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_choice(question: Question, code: str) -> Any:
    """A tapped button: ``y`` / ``n`` / ``na`` for yes_no, ``o<k>`` for option k."""
    kind = question.type
    if kind is QuestionType.YES_NO and code in YES_NO_CODES:
        return YES_NO_CODES[code]
    k = number(code[1:]) if code.startswith("o") else None
    if kind is QuestionType.SINGLE_CHOICE and k is not None and k < len(question.options):
        return question.options[k].value
    return Reask("ck_use_buttons")


def toggle(question: Question, selected: list[str], k: int) -> list[str]:
    """A multiple-choice selection with option k switched, in option order."""
    values = [o.value for o in question.options]
    if not 0 <= k < len(values):
        return selected
    chosen = set(selected) ^ {values[k]}
    return [v for v in values if v in chosen]


def parse_selection(question: Question, selected: list[str]) -> Any:
    """The finished multiple-choice selection (at least one option for a required question)."""
    if not selected and question.required:
        return Reask("ck_pick_one")
    return list(selected) if selected else None


def parse_typed(question: Question, text: str) -> Any:
    """Typed input for a number, date or text question; a re-ask for anything else."""
    kind = question.type
    if kind is QuestionType.NUMBER:
        return parse_number(question, text)
    if kind is QuestionType.DATE:
        return parse_date(text)
    if kind is QuestionType.TEXT:
        return parse_text(text)
    if kind is QuestionType.PHOTO:
        return Reask("ck_need_photo")
    if kind is QuestionType.LOCATION:
        return Reask("ck_need_location")
    return Reask("ck_use_buttons")


def parse_number(question: Question, text: str) -> Any:
    """A decimal within the question's range; the unit may be typed after it."""
    raw = _plain(text).replace(",", "").replace("，", "")
    unit = _plain(question.unit)
    if unit and raw.endswith(unit):
        raw = raw[: -len(unit)].strip()
    try:
        x = Decimal(raw)
    except InvalidOperation:
        return Reask("ck_need_number", {"unit": question.unit, "range": number_range(question)})
    if not x.is_finite():
        return Reask("ck_need_number", {"unit": question.unit, "range": number_range(question)})
    if question.min is not None and x < question.min:
        return Reask("ck_below_min", {"min": _canon(question.min), "unit": question.unit})
    if question.max is not None and x > question.max:
        return Reask("ck_above_max", {"max": _canon(question.max), "unit": question.unit})
    return _canon(x)


def number_range(question: Question) -> str:
    """The accepted range as text: ``0–100``, ``≥ 0``, ``≤ 9`` or empty."""
    lo, hi = question.min, question.max
    if lo is not None and hi is not None:
        return f"{_canon(lo)}–{_canon(hi)}"
    if lo is not None:
        return f"≥ {_canon(lo)}"
    return f"≤ {_canon(hi)}" if hi is not None else ""


def _canon(x: Decimal) -> str:
    text = format(x.normalize(), "f")
    return "0" if text in ("-0", "") else text


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> Any:
    """A calendar date written 2026-11-20, 2026/11/20, 2026.11.20, 20261120 or 2026年11月20日."""
    raw = _plain(text)
    m = _DATE.match(raw) or _COMPACT.match(raw)
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return Reask("ck_bad_date", {"text": raw[:20]})
        if 1990 <= day.year <= 2100:
            return day.isoformat()
    return Reask("ck_need_date")


def parse_text(text: str) -> Any:
    """A non-empty note of at most TEXT_LIMIT characters."""
    raw = text.strip()
    if not raw:
        return Reask("ck_text_empty")
    if len(raw) > TEXT_LIMIT:
        return Reask("ck_text_too_long", {"limit": TEXT_LIMIT, "length": len(raw)})
    return raw


def parse_name(text: str) -> Any:
    """A representative's name or post: one line, 1–NAME_LIMIT characters."""
    raw = " ".join(text.split())
    if not raw or len(raw) > NAME_LIMIT:
        return Reask("sub_bad_name", {"limit": NAME_LIMIT})
    return raw


def parse_representative(text: str) -> Any:
    """The representative's name, or name and post in one line: ``刘建国 副总经理``, or with a
    comma when the name has spaces (``John Smith, manager``). (name, post), post None when only
    a name was given."""
    marks = r"[,，、/；;]+"
    splitter = marks if re.search(marks, text) else r"\s+"
    parts = [p.strip() for p in re.split(splitter, text.strip(), maxsplit=1) if p.strip()]
    name = parse_name(parts[0] if parts else "")
    if isinstance(name, Reask) or len(parts) < 2:
        return name if isinstance(name, Reask) else (name, None)
    post = parse_name(" ".join(parts[1:]))
    return post if isinstance(post, Reask) else (name, post)


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """What Telegram says about a photo or document before it is downloaded."""

    kind: str  # photo | document
    file_id: str
    file_unique_id: str
    size: int | None
    filename: str = ""
    mime_type: str = ""

    @property
    def extension(self) -> str:
        """The file's extension (``.jpg`` for photos)."""
        if self.kind == "photo":
            return ".jpg"
        return PurePosixPath(self.filename.lower()).suffix


def file_problem(f: IncomingFile) -> Reask | None:
    """Why a file cannot be kept as evidence (too large, or a type we do not keep)."""
    if f.size is not None and f.size > MAX_EVIDENCE_BYTES:
        mb = round(f.size / 1024 / 1024, 1)
        return Reask("ev_too_big", {"size": mb, "limit": MAX_EVIDENCE_BYTES // 1024 // 1024})
    if f.kind == "photo":
        return None
    if f.extension not in EVIDENCE_TYPES:
        return Reask("ev_bad_type", {"filename": f.filename or "?", "types": evidence_types()})
    return None


def evidence_types() -> str:
    """The kept document types, for messages: ``JPG、PNG、…``."""
    names = dict.fromkeys(ext.lstrip(".").upper().replace("JPEG", "JPG") for ext in EVIDENCE_TYPES)
    return "、".join(names)
