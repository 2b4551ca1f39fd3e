"""The real bot against the in-process Bot API emulator: used by the demo and end-to-end tests.

Runs the production `Application` in long-polling mode over loopback HTTP; nothing is faked below
the Bot API.
"""

from __future__ import annotations

from pathlib import Path

from telegram.ext import Application

from bot.app import build_application, startup
from bot.emulator import BotAPIEmulator
from bot.rate_limit import ChatPacedRateLimiter
from bot.services import access
from bot.settings import Settings, load_settings
from storage.bureaus import ensure_bureau
from storage.db import Database

TOKEN = "123456:EMULATOR-TOKEN"


class LocalBot:
    """`async with LocalBot(db_path) as lb:` gives lb.emu (script users), lb.app and lb.db."""

    def __init__(
        self,
        db_path: Path,
        *,
        settings: Settings | None = None,
        emulator: BotAPIEmulator | None = None,
        admin_ids: tuple[int, ...] = (),
        paced: bool = True,
    ) -> None:
        self.db_path = Path(db_path)
        self.settings = settings or load_settings(
            bot_token=TOKEN, database_path=self.db_path, admin_ids=list(admin_ids)
        )
        # paced=False: no flood limits and no per-chat pace (~1 message a second in Telegram)
        # in the bot or its outbox, for tests that send many messages in one chat and are not
        # about pacing
        self.paced = paced
        limits = {} if paced else {"limits": None}
        self.emu = emulator or BotAPIEmulator(token=self.settings.bot_token, **limits)
        self._own_emu = emulator is None
        self.app: Application | None = None
        self.db: Database | None = None
        self.bureau_id = 0

    async def __aenter__(self) -> LocalBot:
        if self._own_emu:
            await self.emu.start()
        await self.start_bot()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop_bot()
        if self._own_emu:
            await self.emu.stop()

    async def start_bot(self) -> None:
        """Open the database and start polling (as `shuangsuiji run` does)."""
        self.db = await Database.open(self.db_path)
        async with self.db.tx() as conn:
            self.bureau_id = await ensure_bureau(
                conn, self.settings.bureau_code, self.settings.bureau_name
            )
        await access.ensure_admins(
            self.db, self.bureau_id, self.settings.admin_ids, lang=self.settings.language
        )
        self.app = build_application(
            self.settings,
            self.db,
            self.bureau_id,
            base_url=self.emu.base_url,
            base_file_url=self.emu.base_file_url,
            rate_limiter=None if self.paced else ChatPacedRateLimiter(burst=0),
        )
        await self.app.initialize()
        await startup(self.app)
        if not self.paced:  # the outbox's own second between messages to one chat, too
            self.app.bot_data["dispatcher"].per_chat_interval = 0.0
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop_bot(self) -> None:
        """Stop polling and close the database, as a shutdown would."""
        if self.app:
            if self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
            self.app = None
        if self.db:
            await self.db.close()
            self.db = None

    async def restart(self) -> None:
        """Stop the bot and start it again on the same database and emulator."""
        await self.stop_bot()
        await self.start_bot()
