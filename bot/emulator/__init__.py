"""A loopback Telegram Bot API emulator for end-to-end tests, the demo and benchmarks.

    async with BotAPIEmulator() as emu:
        app = ApplicationBuilder().token(emu.token).base_url(emu.base_url) \
            .base_file_url(emu.base_file_url).build()
        u = emu.user(111, "张三")
        await u.send("/start")
        print((await u.wait_reply()).text)

See docs/emulator.md for what it answers, how strict it is, and the scripting API.
"""

from bot.emulator.emulator import BotAPIEmulator
from bot.emulator.limits import FloodLimits
from bot.emulator.params import APIError, UploadedFile
from bot.emulator.state import BotMessage, Edit, Stats, StoredFile
from bot.emulator.users import FakeChat, FakeUser

__all__ = [
    "APIError",
    "BotAPIEmulator",
    "BotMessage",
    "Edit",
    "FakeChat",
    "FakeUser",
    "FloodLimits",
    "Stats",
    "StoredFile",
    "UploadedFile",
]
