"""How an answer reads (答案显示), in the user's language or in the record's (zh-CN)."""

from __future__ import annotations

from typing import Any

from bot.domain.checklist import Question, QuestionType
from bot.i18n import t


def shown(question: Question, value: Any, lang: str) -> str:
    """An answer as text: 是 / 否 / 不适用, option labels, ``35.2 mg/m³``, a date, a place…"""
    if value is None:
        return t(lang, "ans_skipped")
    kind = question.type
    if kind is QuestionType.YES_NO:
        return t(lang, f"ans_{value}")
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        labels = {o.value: o.shown for o in question.options}
        picked = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, str(v)) for v in picked)
    if kind is QuestionType.NUMBER:
        return f"{value} {question.unit}".strip()
    if kind is QuestionType.PHOTO:
        return t(lang, "ans_photos", count=len((value or {}).get("evidence", [])))
    if kind is QuestionType.LOCATION:
        return _place(value, lang)
    return str(value)


def _place(value: dict, lang: str) -> str:
    where = f"{value.get('lat', 0):.6f}, {value.get('lon', 0):.6f}"
    distance = value.get("distance_m")
    if distance is None:
        return where
    return t(lang, "ans_place_distance", where=where, distance=distance_text(distance, lang))


def distance_text(metres: float, lang: str) -> str:
    """``230 m`` under a kilometre, ``3.2 km`` above."""
    if metres < 1000:
        return t(lang, "dist_m", m=round(metres))
    return t(lang, "dist_km", km=f"{metres / 1000:.1f}")
