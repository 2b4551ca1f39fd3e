"""/tasks (我的检查任务): an inspector's visits, newest due first; a visit's card; its record."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.geo import map_url
from bot.domain.ids import number
from bot.domain.models import Role
from bot.domain.results import Result
from bot.i18n import t
from bot.services.inspection import VisitCard, list_tasks, visit_card
from bot.services.record_export import may_read_record
from handlers.checklist import send_record
from handlers.checklist_view import button
from handlers.common import answer, db_of, requires
from handlers.flow_common import env_of, ints
from storage.users import User


@requires(Role.INSPECTOR)
async def tasks(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/tasks: the list; /tasks ID: that visit's card (only one's own)."""
    args = context.args or []
    if args:
        iid = number(args[0].lstrip("#"))
        if iid is None:
            return await answer(update, t(user.lang, "tasks_usage"))
        return await _card(update, context, user, iid)
    rows = await list_tasks(db_of(context), user)
    if not rows:
        return await answer(update, t(user.lang, "tasks_none"))
    lines = [t(user.lang, "tasks_header", count=len(rows))]
    buttons = []
    for r in rows:
        status = t(user.lang, f"status_{r.status}")
        lines.append(
            t(
                user.lang,
                "tasks_line",
                id=r.id,
                entity=r.entity_name,
                period=r.period,
                status=status,
                due=r.due_on,
            )
        )
        buttons.append([button(f"#{r.id} {r.entity_name[:20]}", f"tk:{r.id}")])
    await answer(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons[:20]))


@requires(Role.INSPECTOR)
async def open_card(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """tk:ID — a visit's card."""
    (iid,) = ints(update.callback_query.data, "tk", 1)
    await _card(update, context, user, iid)


async def _card(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, iid: int) -> None:
    card = await visit_card(db_of(context), user, iid, env_of(context))
    await answer(update, card_text(card, user.lang), reply_markup=card_buttons(card, user.lang))


def card_text(card: VisitCard, lang: str) -> str:
    """Entity, map link, items, co-inspectors, progress, last time's findings, record versions."""
    v, e = card.visit, card.entity
    lines = [
        t(
            lang,
            "card_header",
            id=v.id,
            period=v.view.period,
            status=t(lang, f"status_{v.view.status}"),
            due=v.view.due_on,
        )
    ]
    lines.append(t(lang, "card_entity", name=e.name, code=e.credit_code or "-"))
    lines.append(t(lang, "card_address", address=e.address or "-"))
    if e.latitude is not None and e.longitude is not None:
        lines.append(t(lang, "card_map", url=map_url(e.latitude, e.longitude)))
    lines.append(t(lang, "card_mode", mode=t(lang, f"mode_{v.view.mode}")))
    lines.append(t(lang, "card_items"))
    lines += [f"  • {name}（{dept}）" if dept else f"  • {name}" for name, dept in card.item_names]
    team = "、".join(
        f"{a.name}（{t(lang, f'insp_role_{a.role}')}，{a.department}）" for a in v.active
    )
    lines.append(t(lang, "card_team", team=team))
    if card.total:
        lines.append(t(lang, "card_progress", answered=card.answered, total=card.total))
    if v.view.mode == "site":
        lines.append(t(lang, "card_checked_in" if card.checked_in else "card_not_checked_in"))
    lines.append(_previous(card, lang))
    if card.rectification:
        r = card.rectification
        lines.append(
            t(lang, "card_rect", id=r.id, status=t(lang, f"rf_status_{r.status}"), due=r.due_on)
        )
    for rec in card.versions:
        key = "card_version_corrected" if rec.supersedes_version else "card_version"
        result = t(lang, f"result_{rec.result}")
        lines.append(t(lang, key, version=rec.version, result=result, reason=rec.reason))
    if v.correction is not None:
        lines.append(t(lang, f"card_correction_{v.correction.status}"))
    return "\n".join(lines)


def _previous(card: VisitCard, lang: str) -> str:
    prev = card.previous
    if prev is None:
        return t(lang, "card_prev_none")
    found = "；".join(f"{f['text']}：{f['shown']}" for f in prev.findings) or t(
        lang, "card_prev_ok"
    )
    return t(
        lang, "card_prev", date=card.previous_on, result=Result(prev.result).wording, findings=found
    )


def card_buttons(card: VisitCard, lang: str) -> InlineKeyboardMarkup:
    """Check in / start / continue while open; record, versions and correction once submitted."""
    v, rows = card.visit, []
    if v.open:
        if v.view.mode == "site" and not card.checked_in:
            rows.append([button(t(lang, "card_btn_checkin"), f"ci:{v.id}")])
        key = "card_btn_continue" if card.answered else "card_btn_start"
        rows.append([button(t(lang, key), f"go:{v.id}")])
    if v.editing_correction:
        rows.append([button(t(lang, "card_btn_correct"), f"go:{v.id}")])
    if card.versions:
        rows.append(
            [
                button(t(lang, "card_btn_record", version=r.version), f"rx:{v.id}:{r.version}")
                for r in card.versions[-3:]
            ]
        )
        if v.correction is None:
            rows.append([button(t(lang, "card_btn_request_correction"), f"co:q:{v.id}")])
    return InlineKeyboardMarkup(rows)


@requires(Role.INSPECTOR, Role.COORDINATOR, Role.MANAGER)
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """rx:ID[:VERSION] — the printable record as a document."""
    data = update.callback_query.data or ""
    parts = data.split(":")
    (iid,) = ints(data, "rx", 1)
    version = number(parts[2]) if len(parts) > 2 else None
    await may_read_record(db_of(context), user, iid)
    await send_record(update, context, user, iid, version)


HANDLERS = [
    CommandHandler("tasks", tasks),
    CallbackQueryHandler(open_card, pattern=r"^tk:"),
    CallbackQueryHandler(export, pattern=r"^rx:"),
]
