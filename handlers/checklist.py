"""The checklist in chat (现场检查): check-in, questions, review and submission.

Buttons carry the visit id, the question index and an action; the services check them against
the database on every tap. Free input (text, location, photo, document, sticker) is routed by
the user's session row; a message from a user in no flow goes on to the bot's other handlers
(`pass_on`), so this handler can sit first without taking their messages.
"""

from __future__ import annotations

import io
import logging

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.domain.checklist_input import IncomingFile
from bot.domain.ids import number
from bot.domain.models import Role
from bot.services import answers, checkin, evidence, flow_input, rectifications, submission
from bot.services.answer_input import QuestionFile, keep_file
from bot.services.errors import Refusal
from bot.services.flow_views import SubmittedView, View
from bot.services.record_export import ExportOptions, record_html
from handlers.checklist_view import render
from handlers.common import db_of, requires
from handlers.flow_common import env_of, ints, show, tail
from storage.users import User

log = logging.getLogger(__name__)


@requires(Role.INSPECTOR)
async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """go:ID — start or resume the visit's checklist."""
    (iid,) = ints(update.callback_query.data, "go", 1)
    await show(update, user, await answers.start(db_of(context), user, iid, env_of(context)))


@requires(Role.INSPECTOR)
async def on_checkin(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """ci:ID — ask for the location (签到)."""
    (iid,) = ints(update.callback_query.data, "ci", 1)
    await show(update, user, await checkin.ask(db_of(context), user, iid))


@requires(Role.INSPECTOR)
async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """q:ID:INDEX:CODE — an answer, toggle, done, skip or next on a question."""
    data = update.callback_query.data
    iid, index = ints(data, "q", 2)
    views = await answers.tap(db_of(context), user, iid, index, tail(data, 3))
    await show(update, user, views, edit=True)


@requires(Role.INSPECTOR)
async def on_back(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """qb:ID:INDEX — the question before."""
    iid, index = ints(update.callback_query.data, "qb", 2)
    await show(update, user, await answers.back(db_of(context), user, iid, index), edit=True)


@requires(Role.INSPECTOR)
async def on_review(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """qv:ID — the summary."""
    (iid,) = ints(update.callback_query.data, "qv", 1)
    await show(update, user, await answers.review(db_of(context), user, iid), edit=True)


@requires(Role.INSPECTOR)
async def on_goto(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """qg:ID:INDEX — change the answer to a question from the summary."""
    iid, index = ints(update.callback_query.data, "qg", 2)
    await show(update, user, await answers.go_to(db_of(context), user, iid, index), edit=True)


@requires(Role.INSPECTOR)
async def on_submit(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """sb:ID:go|ref|rK|back|ok — the steps of submission."""
    data = update.callback_query.data
    (iid,) = ints(data, "sb", 1)
    action, db = tail(data, 2), db_of(context)
    if action == "go":
        views = await submission.begin(db, user, iid)
    elif action == "ref":
        views = await submission.refused(db, user, iid)
    elif action == "back":
        views = await submission.cancel(db, user, iid)
    elif action.startswith("r") and (k := number(action[1:])) is not None:
        views = await submission.choose(db, user, iid, k)
    elif action == "ok":
        views = await submission.confirm(db, user, iid, env_of(context))
    else:
        raise Refusal("btn_stale")
    done = [v for v in views if isinstance(v, SubmittedView)]
    await show(update, user, [v for v in views if not isinstance(v, SubmittedView)], edit=True)
    for view in done:  # the record as a document, the confirmation as its caption
        caption = render(view, user.lang)[0]
        await send_record(update, context, user, view.inspection_id, view.version, caption)


async def send_record(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    user: User,
    iid: int,
    version: int | None = None,
    caption: str | None = None,
) -> None:
    """The printable record (HTML with its photos) as a document in this chat."""
    settings = context.application.bot_data["settings"]
    opts = ExportOptions(settings.evidence_dir, env_of(context).tz, user.lang)
    html = await record_html(
        db_of(context), iid, opts, version=version, bureau=settings.bureau_name
    )
    name = f"record-{iid}-v{version}.html" if version else f"record-{iid}.html"  # v: a version
    data = io.BytesIO(html.encode("utf-8"))
    await update.effective_chat.send_document(data, filename=name, caption=caption)


def incoming_file(message: Message) -> IncomingFile | None:
    """A photo (its largest size) or a document as an IncomingFile."""
    if message.photo:
        p = message.photo[-1]
        return IncomingFile("photo", p.file_id, p.file_unique_id, p.file_size)
    d = message.document
    if d is None:
        return None
    return IncomingFile(
        "document", d.file_id, d.file_unique_id, d.file_size, d.file_name or "", d.mime_type or ""
    )


async def _file(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User
) -> list[View] | None:
    f = incoming_file(update.effective_message)
    db = db_of(context)
    route = await flow_input.file_route(db, user, f)
    if route is None or isinstance(route, list):
        return route

    async def fetch(path):  # noqa: ANN001, ANN202
        await (await context.bot.get_file(f.file_id)).download_to_drive(path)

    saved = await evidence.save(
        context.application.bot_data["settings"].evidence_dir, route.folder, f, fetch
    )
    if isinstance(route.target, QuestionFile):
        return await keep_file(db, user, route.target, f, saved)
    return await rectifications.keep_file(db, user, route.target, f, saved)


@requires()
async def on_input(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Text, location, photo, document or sticker: to the user's current step, else pass on."""
    msg, db, env = update.effective_message, db_of(context), env_of(context)
    if msg.location:
        views = await flow_input.on_location(
            db, user, msg.location.latitude, msg.location.longitude, env
        )
    elif msg.photo or msg.document:
        views = await _file(update, context, user)
    elif msg.text:
        views = await flow_input.on_text(db, user, msg.text, env)
    else:
        views = await flow_input.on_unusable(db, user, "ck_no_stickers")
    if views is None:
        return await pass_on(update, context)
    await show(update, user, views)


INPUT = MessageHandler(
    (filters.TEXT & ~filters.COMMAND)
    | filters.LOCATION
    | filters.PHOTO
    | filters.Document.ALL
    | filters.Sticker.ALL,
    on_input,
)


async def pass_on(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let the next handler of group 0 that wants this update have it (as PTB would have)."""
    app = context.application
    handlers = app.handlers.get(0, [])
    start = handlers.index(INPUT) + 1 if INPUT in handlers else len(handlers)
    for handler in handlers[start:]:
        check = handler.check_update(update)
        if check is not None and check is not False:
            await handler.handle_update(update, app, check, context)
            return


HANDLERS = [
    INPUT,
    CallbackQueryHandler(on_start, pattern=r"^go:"),
    CallbackQueryHandler(on_checkin, pattern=r"^ci:"),
    CallbackQueryHandler(on_answer, pattern=r"^q:"),
    CallbackQueryHandler(on_back, pattern=r"^qb:"),
    CallbackQueryHandler(on_review, pattern=r"^qv:"),
    CallbackQueryHandler(on_goto, pattern=r"^qg:"),
    CallbackQueryHandler(on_submit, pattern=r"^sb:"),
]
