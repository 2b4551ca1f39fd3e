"""Rendering the inspection flow's views (检查流程界面) as text and keyboards from the catalogue.

`callback_data` carries short ids only (visit, question index, action) and stays far below
Telegram's 64 bytes; every tap is re-checked against the database.
"""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.domain.checklist import QuestionType
from bot.domain.checklist_input import YES_NO_CODES, number_range
from bot.domain.results import RESULTS
from bot.i18n import t
from bot.services.answer_text import distance_text, shown
from bot.services.flow_views import (
    CheckedInView,
    CheckinView,
    Notice,
    QuestionView,
    ReviewView,
    SubmittedView,
    SubmitView,
    View,
)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
EDITABLE = (QuestionView, ReviewView, SubmitView)


def button(label: str, data: str) -> InlineKeyboardButton:
    """An inline button; data is checked against the 64-byte limit here, not by Telegram."""
    assert len(data.encode("utf-8")) <= 64, data
    return InlineKeyboardButton(label, callback_data=data)


def location_keyboard(lang: str) -> ReplyKeyboardMarkup:
    """The one-time keyboard with Telegram's location button."""
    key = KeyboardButton(t(lang, "ci_button"), request_location=True)
    return ReplyKeyboardMarkup([[key]], one_time_keyboard=True, resize_keyboard=True)


def render(view: View, lang: str) -> tuple[str, Markup]:
    """Text and keyboard for one view."""
    if isinstance(view, Notice):
        return t(lang, view.key, **view.params), None
    if isinstance(view, QuestionView):
        return _question(view, lang)
    if isinstance(view, CheckinView):
        text = t(lang, "ci_ask", entity=view.entity_name)
        return _with_notice(text, view.notice, lang), location_keyboard(lang)
    if isinstance(view, CheckedInView):
        return _checked_in(view, lang), ReplyKeyboardRemove()
    if isinstance(view, ReviewView):
        return _review(view, lang)
    if isinstance(view, SubmitView):
        return _submit(view, lang)
    if isinstance(view, SubmittedView):
        return _submitted(view, lang), None
    raise TypeError(f"no rendering for {type(view).__name__}")


def _with_notice(text: str, notice: Notice | None, lang: str) -> str:
    if notice is None:
        return text
    mark = "✅" if notice.ok else "⚠️"
    return f"{mark} {t(lang, notice.key, **notice.params)}\n\n{text}"


def _question(v: QuestionView, lang: str) -> tuple[str, Markup]:
    q = v.fq.question
    lines = [t(lang, "ck_header", entity=v.entity_name, position=v.position, total=v.total)]
    lines.append(t(lang, "ck_item", item=v.fq.item_name))
    lines += ["", q.text]
    if q.basis:
        lines.append(t(lang, "ck_basis", basis=q.basis))
    if q.hint:
        lines.append(t(lang, "ck_hint", hint=q.hint))
    lines.append(_how(q, lang))
    if v.has_value:
        lines.append(t(lang, "ck_current", value=shown(q, v.value, lang), name=v.answered_by))
    text = _with_notice("\n".join(lines), v.notice, lang)
    if q.type is QuestionType.LOCATION:
        return text, location_keyboard(lang)
    return text, InlineKeyboardMarkup(_question_buttons(v, lang))


def _how(q: Any, lang: str) -> str:
    if q.type is QuestionType.NUMBER:
        return t(lang, "ck_how_number", unit=q.unit or "-", range=number_range(q) or "-")
    return t(lang, f"ck_how_{q.type.value}")


def _question_buttons(v: QuestionView, lang: str) -> list[list[InlineKeyboardButton]]:
    q, base = v.fq.question, f"q:{v.inspection_id}:{v.fq.index}"
    rows: list[list[InlineKeyboardButton]] = []
    if q.type is QuestionType.YES_NO:
        rows.append([button(t(lang, f"ans_{v}"), f"{base}:{c}") for c, v in YES_NO_CODES.items()])
    elif q.type is QuestionType.SINGLE_CHOICE:
        rows += [[button(o.shown, f"{base}:o{k}")] for k, o in enumerate(q.options)]
    elif q.type is QuestionType.MULTIPLE_CHOICE:
        for k, o in enumerate(q.options):
            mark = "☑" if o.value in v.selected else "☐"
            rows.append([button(f"{mark} {o.shown}", f"{base}:t{k}")])
        rows.append([button(t(lang, "ck_btn_done"), f"{base}:done")])
    elif q.type is QuestionType.PHOTO and v.has_value:
        rows.append([button(t(lang, "ck_btn_next"), f"{base}:next")])
    nav = []
    if v.can_back:
        nav.append(button(t(lang, "ck_btn_back"), f"qb:{v.inspection_id}:{v.fq.index}"))
    if not q.required:
        nav.append(button(t(lang, "ck_btn_skip"), f"{base}:skip"))
    nav.append(button(t(lang, "ck_btn_review"), f"qv:{v.inspection_id}"))
    rows.append(nav)
    return rows


def _checked_in(v: CheckedInView, lang: str) -> str:
    if v.distance_m is None:
        return t(lang, "ci_done_unknown", at=v.at_local)
    key = "ci_done_far" if v.far else "ci_done"
    far = distance_text(v.far_m, lang)
    return t(lang, key, at=v.at_local, distance=distance_text(v.distance_m, lang), far=far)


def _review(v: ReviewView, lang: str) -> tuple[str, Markup]:
    lines = [t(lang, "rv_header", entity=v.entity_name, id=v.inspection_id)]
    if v.correction:
        lines.append(t(lang, "rv_correction"))
    for n, line in enumerate(v.lines, 1):
        q = line.fq.question
        mark = "⚠️" if line.finding else ("✓" if line.has_value else "○")
        value = shown(q, line.value, lang) if line.has_value else t(lang, "rv_unanswered")
        who = f"（{line.answered_by}）" if line.answered_by else ""
        lines.append(f"{n}. {mark} {q.text} — {value}{who}")
    lines += ["", t(lang, "rv_counts", findings=v.findings, missing=len(v.missing))]
    lines.append(
        t(lang, "rv_submit_hint")
        if v.can_submit
        else t(lang, "rv_lead_submits", lead=v.lead_name or "-")
    )
    edit = [
        button(f"✏️{n}", f"qg:{v.inspection_id}:{line.fq.index}")
        for n, line in enumerate(v.lines, 1)
        if line.mine
    ]
    rows = [edit[i : i + 6] for i in range(0, len(edit), 6)]
    if v.can_submit:
        rows.append([button(t(lang, "rv_btn_submit"), f"sb:{v.inspection_id}:go")])
    return _with_notice("\n".join(lines), v.notice, lang), InlineKeyboardMarkup(rows)


def _submit(v: SubmitView, lang: str) -> tuple[str, Markup]:
    base = f"sb:{v.inspection_id}"
    back = [button(t(lang, "sub_btn_back"), f"{base}:back")]
    refuse = [button(t(lang, "sub_btn_refused"), f"{base}:ref")]
    if v.step == "rep_name":
        return _with_notice(t(lang, "sub_ask_name"), v.notice, lang), InlineKeyboardMarkup(
            [refuse, back]
        )
    if v.step == "rep_post":
        text = t(lang, "sub_ask_post", name=v.rep_name)
        return _with_notice(text, v.notice, lang), InlineKeyboardMarkup([refuse, back])
    found = "\n".join(f"• {f}" for f in v.findings) or t(lang, "sub_no_findings")
    if v.step == "result":
        text = t(lang, "sub_ask_result", findings=found)
        rows = [
            [button(t(lang, f"result_{r.value}"), f"{base}:r{k}")] for k, r in enumerate(RESULTS)
        ]
        return _with_notice(text, v.notice, lang), InlineKeyboardMarkup([*rows, back])
    rep = t(lang, "sub_rep_refused") if v.refused else f"{v.rep_name}（{v.rep_post}）"
    text = t(
        lang,
        "sub_confirm",
        entity=v.entity_name,
        rep=rep,
        findings=found,
        result=t(lang, f"result_{v.result.value}") if v.result else "-",
    )
    rows = [[button(t(lang, "sub_btn_confirm"), f"{base}:ok")], back]
    return _with_notice(text, v.notice, lang), InlineKeyboardMarkup(rows)


def _submitted(v: SubmittedView, lang: str) -> str:
    text = t(
        lang,
        "sub_done",
        entity=v.entity_name,
        version=v.version,
        result=t(lang, f"result_{v.result.value}"),
        hash=v.content_hash[:16],
    )
    if v.rectification_id:
        key = f"sub_rect_{v.rectification_state or 'opened'}"
        text += "\n" + t(lang, key, id=v.rectification_id, due=v.rectification_due)
    return text
