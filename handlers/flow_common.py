"""Plumbing shared by the inspection handlers: the flow's environment from bot_data, showing
views (editing the tapped message where that makes sense), and parsing callback data."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.domain.deadlines import Deadlines
from bot.domain.ids import number
from bot.domain.itemlist import ItemList
from bot.domain.yaml_source import SourceError
from bot.services.errors import Refusal
from bot.services.flow_views import CheckedInView, View
from bot.services.inspection import FlowEnv
from bot.services.plan import read_item_list
from handlers.checklist_view import EDITABLE, render
from handlers.common import send_text
from storage.users import User

log = logging.getLogger(__name__)


def now_of(context: ContextTypes.DEFAULT_TYPE) -> datetime:
    """The application's clock (``bot_data["clock"]`` when a test set one), else UTC now."""
    clock = context.application.bot_data.get("clock")
    return clock() if clock else datetime.now(UTC)


def item_list_of(context: ContextTypes.DEFAULT_TYPE) -> ItemList | None:
    """The bureau's item list from settings, re-read when the file changes; None if unset."""
    settings = context.application.bot_data["settings"]
    path: Path | None = settings.items_file
    if path is None:
        return None
    stamp = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
    cached = context.application.bot_data.get("item_list")
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        items = read_item_list(path)
    except SourceError as exc:
        log.error("the item list cannot be read: %s", exc)
        return cached[1] if cached else None
    context.application.bot_data["item_list"] = (stamp, items)
    return items


def env_of(context: ContextTypes.DEFAULT_TYPE) -> FlowEnv:
    """What the flow's use cases need: clock, zone, item list, distance flag, deadline rules."""
    bot_data = context.application.bot_data
    settings = bot_data["settings"]
    deadlines = bot_data.get("deadlines")
    return FlowEnv(
        now=now_of(context),
        tz=ZoneInfo(settings.timezone),
        item_list=item_list_of(context),
        far_m=float(settings.checkin_far_m),
        deadlines=deadlines if isinstance(deadlines, Deadlines) else None,
    )


async def show(update: Update, user: User, views: list[View], *, edit: bool = False) -> None:
    """Send the views in order; with `edit`, the first replaces the tapped message when it is a
    question, review or submission step (one call per tap instead of two). A check-in
    confirmation is put on top of the view after it (one message, not two)."""
    lead_in = ""
    for i, view in enumerate(views):
        text, markup = render(view, user.lang)
        if isinstance(view, CheckedInView) and i + 1 < len(views):
            lead_in = text + "\n\n"
            continue
        text, lead_in = lead_in + text, ""
        inline = markup is None or isinstance(markup, InlineKeyboardMarkup)
        query = update.callback_query
        if edit and i == 0 and query and inline and isinstance(view, EDITABLE):
            try:
                await query.edit_message_text(text, reply_markup=markup)
                continue
            except BadRequest as exc:
                if "not modified" in str(exc):
                    continue
                log.info("could not edit message, sending a new one: %s", exc)
        await send_text(update.effective_chat, text, reply_markup=markup)


def ints(data: str | None, prefix: str, count: int) -> list[int]:
    """The `count` integers after `prefix:` in callback data; Refusal("btn_stale") if malformed."""
    parts = (data or "").removeprefix(prefix + ":").split(":")
    numbers = [number(p) for p in parts[:count]]
    if len(numbers) < count or None in numbers:
        raise Refusal("btn_stale")
    return numbers  # type: ignore[return-value]


def tail(data: str | None, count: int) -> str:
    """What follows the first `count` colon-separated parts of callback data."""
    parts = (data or "").split(":", count)
    return parts[count] if len(parts) > count else ""
