"""Registry import in chat (名录导入): a coordinator sends a workbook, gets the CLI's report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.domain.ids import number
from bot.domain.models import Role
from bot.i18n import t
from bot.services import uploads
from bot.services.registry_io import import_registry, write_template
from handlers.common import answer, bureau_of, db_of, drop_buttons, requires
from storage.users import User

MAX_MB = 20  # the Bot API's getFile limit
KINDS = ("entities", "inspectors")
CAPTION_WORDS = {
    "entities": ("检查对象", "对象", "entities", "entity"),
    "inspectors": ("执法人员", "人员", "inspectors", "inspector"),
}


def kind_from_caption(caption: str | None) -> str | None:
    """The registry a caption names, if it names exactly one."""
    text = (caption or "").lower()
    found = [k for k, words in CAPTION_WORDS.items() if any(w in text for w in words)]
    return found[0] if len(found) == 1 else None


@requires(Role.COORDINATOR, Role.ADMIN)
async def import_hint(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/import: how to send a registry."""
    await answer(update, t(user.lang, "import_hint"))


@requires(Role.COORDINATOR, Role.ADMIN)
async def template(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """/template: both blank workbooks with Chinese headers."""
    with tempfile.TemporaryDirectory() as tmp:
        for kind in KINDS:
            path = Path(tmp) / f"{kind}-template.xlsx"
            write_template(path, kind)
            label = t(user.lang, f"import_kind_{kind}")
            with path.open("rb") as fh:
                await update.effective_chat.send_document(
                    fh, filename=path.name, caption=t(user.lang, "template_caption", kind=label)
                )


@requires(Role.COORDINATOR, Role.ADMIN)
async def document(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """A workbook arrives: import it at once if the caption says which registry, else ask."""
    doc = update.effective_message.document
    name = doc.file_name or "upload"
    if not name.lower().endswith((".xlsx", ".csv")):
        return await answer(update, t(user.lang, "import_bad_type", filename=name))
    if (doc.file_size or 0) > MAX_MB * 1024 * 1024:
        size = round((doc.file_size or 0) / 1024 / 1024, 1)
        return await answer(update, t(user.lang, "import_too_big", size=size, limit=MAX_MB))
    upload_id = await uploads.remember(db_of(context), user, doc.file_id, name)
    kind = kind_from_caption(update.effective_message.caption)
    if kind:
        return await _run_import(update, context, user, upload_id, kind)
    buttons = [
        [
            InlineKeyboardButton(
                t(user.lang, f"import_kind_{k}"), callback_data=f"imp:{k}:{upload_id}"
            )
            for k in KINDS
        ]
    ]
    await answer(
        update,
        t(user.lang, "import_which", filename=name),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


@requires(Role.COORDINATOR, Role.ADMIN)
async def import_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Button imp:KIND:UPLOAD: import the remembered upload (only the uploader's, only once)."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    kind = parts[1] if len(parts) > 1 else ""
    upload_id = number(parts[2]) if len(parts) == 3 else None
    if kind not in KINDS or upload_id is None:
        return
    await drop_buttons(update)
    await _run_import(update, context, user, upload_id, kind)


async def _run_import(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, upload_id: int, kind: str
) -> None:
    db = db_of(context)
    upload = await uploads.take(db, user, upload_id)
    if upload is None:
        return await answer(update, t(user.lang, "import_stale"))
    file_id, name = upload
    await answer(update, t(user.lang, "import_running", filename=name))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        tg_file = await context.bot.get_file(file_id)
        await tg_file.download_to_drive(path)
        report = await import_registry(
            db, bureau_of(context), kind, path, filename=name, actor=f"tg:{user.telegram_id}"
        )
    await answer(update, report.render(user.lang))


HANDLERS = [
    CommandHandler("import", import_hint),
    CommandHandler("template", template),
    MessageHandler(filters.Document.ALL, document),
    CallbackQueryHandler(import_chosen, pattern=r"^imp:"),
]
