"""Running the bot for real: `shuangsuiji run` (long polling, or a webhook)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from telegram.error import InvalidToken, NetworkError

from bot.app import build_application, startup
from bot.services import access
from bot.settings import Settings, SettingsError, load_settings
from storage.bureaus import ensure_bureau
from storage.db import Database

log = logging.getLogger(__name__)
RETRY_SECONDS = 10


def run_bot(*, webhook: bool = False) -> int:
    """Entry point of `shuangsuiji run`; returns the exit code."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"shuangsuiji: {exc}", file=sys.stderr)
        return 2
    if not settings.bot_token:
        print(
            "shuangsuiji: setting SHUANGSUIJI_BOT_TOKEN is empty: get a token from @BotFather "
            "(or run `shuangsuiji demo`, which needs none)",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(serve(settings, webhook=webhook))


async def serve(settings: Settings, *, webhook: bool = False) -> int:
    """Open the database, reach the Bot API (retrying while unreachable), run until a signal."""
    db = await Database.open(settings.database_path)
    try:
        async with db.tx() as conn:
            bureau_id = await ensure_bureau(conn, settings.bureau_code, settings.bureau_name)
        await access.ensure_admins(db, bureau_id, settings.admin_ids, lang=settings.language)
        app = build_application(settings, db, bureau_id)
        if not await _initialize(app, settings):
            return 2
        await startup(app)
        await app.start()
        if webhook:
            await app.updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.bot_token,
                webhook_url=f"{settings.webhook_url}/{settings.bot_token}",
            )
        else:
            await app.updater.start_polling(drop_pending_updates=False)
        log.info("running as @%s; Ctrl-C stops", app.bot.username)
        await _until_signal()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        return 0
    finally:
        await db.close()


async def _initialize(app, settings: Settings) -> bool:  # noqa: ANN001 (PTB generic)
    """getMe with a clear message: a bad token stops, an unreachable API is retried."""
    where = settings.api_base_url or "https://api.telegram.org"
    while True:
        try:
            await app.initialize()
            return True
        except InvalidToken:
            print(
                "shuangsuiji: the Bot API refused SHUANGSUIJI_BOT_TOKEN (401 Unauthorized): "
                "check the token from @BotFather",
                file=sys.stderr,
            )
            return False
        except NetworkError as exc:
            log.error(
                "cannot reach the Bot API at %s (%s); set SHUANGSUIJI_PROXY_URL or "
                "SHUANGSUIJI_API_BASE_URL if Telegram is blocked; retrying in %ss",
                where,
                exc,
                RETRY_SECONDS,
            )
            await asyncio.sleep(RETRY_SECONDS)


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
