"""Wiring: build the PTB Application, register handlers and jobs, rate limiter, errors."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.disclosure_job import install as install_disclosures
from bot.outbox_dispatcher import Dispatcher
from bot.rate_limit import ChatPacedRateLimiter
from bot.reminder_job import install as install_reminders
from bot.settings import Settings
from bot.update_order import PerChatUpdateProcessor
from handlers import (
    approvals,
    deadlines,
    draw,
    inspection,
    plan,
    publish,
    registry,
    replacement,
    start,
)
from handlers.common import answer, dedupe_update, requires
from handlers.menu import set_default_menu
from storage.db import Database
from storage.users import User

log = logging.getLogger(__name__)
# A repeating job still running when its next turn comes is skipped by design; not a warning.
logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
OUTBOX_INTERVAL = 0.5  # seconds between outbox sweeps


@requires()
async def fallback(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Anything no handler took: strangers are refused (once), users get a hint."""
    from bot.i18n import t

    await answer(update, t(user.lang, "unknown_input"))


@requires()
async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """A button no handler takes (garbled, or from an older version of the bot): answered, so
    the client stops waiting, and said so."""
    from bot.i18n import t

    await answer(update, t(user.lang, "unknown_button"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every handler error with its update; never let one update stop the bot."""
    log.error("error while handling %r", update, exc_info=context.error)


def build_application(
    settings: Settings,
    db: Database,
    bureau_id: int,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: ChatPacedRateLimiter | None = None,
) -> Application:
    """The bot, talking to Telegram, a custom Bot API server, or the emulator (`rate_limiter`:
    another pace than Telegram's, for tests)."""
    builder = ApplicationBuilder().token(settings.bot_token or "123456:EMULATOR")
    base_url = base_url or (f"{settings.api_base_url}/bot" if settings.api_base_url else None)
    if base_url:
        builder = builder.base_url(base_url)
        builder = builder.base_file_url(base_file_url or base_url.replace("/bot", "/file/bot"))
    proxy = settings.proxy_url or None
    builder = builder.request(
        HTTPXRequest(http_version="1.1", proxy=proxy, connection_pool_size=16)
    )
    builder = builder.get_updates_request(HTTPXRequest(http_version="1.1", proxy=proxy))
    builder = builder.rate_limiter(rate_limiter or ChatPacedRateLimiter()).post_init(startup)
    builder = builder.concurrent_updates(PerChatUpdateProcessor())
    app = builder.build()
    app.bot_data.update(db=db, settings=settings, bureau_id=bureau_id)
    app.add_handler(TypeHandler(Update, dedupe_update), group=-1)
    app.add_handlers(inspection.HANDLERS)  # first: its input router passes on what it does not take
    for handler in [*start.HANDLERS, *registry.HANDLERS, *plan.HANDLERS, *deadlines.HANDLERS]:
        app.add_handler(handler)
    app.add_handlers([*draw.HANDLERS, *replacement.HANDLERS])  # 摇号, 更换执法人员
    app.add_handlers(approvals.HANDLERS)  # /requests: 待审批 replacements and cancellations
    app.add_handlers(publish.HANDLERS)  # 一公开: /publish, /progress, /reports, /withhold
    app.add_handler(MessageHandler(filters.ALL, fallback))  # last of group 0: only if none took it
    app.add_handler(CallbackQueryHandler(unknown_button))  # likewise for buttons
    app.add_error_handler(on_error)
    return app


async def startup(app: Application) -> None:
    """After initialize(): the default menu (non-essential) and the outbox job.

    PTB calls this from run_polling/run_webhook; the harness calls it itself (PITFALLS).
    """
    await set_default_menu(app.bot)
    dispatcher = Dispatcher(app.bot_data["db"], app.bot)
    await dispatcher.recover()
    app.bot_data["dispatcher"] = dispatcher

    async def sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
        await dispatcher.run_once()

    app.job_queue.run_repeating(sweep, interval=OUTBOX_INTERVAL, first=0.1, name="outbox")
    install_reminders(app)  # deadline rules in bot_data["deadlines"], reminder sweep job
    install_disclosures(app)  # each completed visit's publication deadline (公开时限)
