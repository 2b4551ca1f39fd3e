"""Start-up faults: a missing or wrong token, an unreachable API, a failing commands menu."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import build_application
from bot.cli import main
from bot.emulator import BotAPIEmulator
from bot.harness import LocalBot
from bot.runner import _initialize
from bot.settings import load_settings


def test_missing_token_is_one_clear_line(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHUANGSUIJI_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("shuangsuiji: setting SHUANGSUIJI_BOT_TOKEN is empty") and "\n" not in err


def test_wrong_setting_stops_run_with_its_name(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHUANGSUIJI_TIMEZONE", "Nowhere/City")
    assert main(["run"]) == 2
    assert "SHUANGSUIJI_TIMEZONE" in capsys.readouterr().err


async def test_wrong_token_is_refused_clearly(db, capsys):
    async with BotAPIEmulator(token="111:RIGHT") as emu:
        settings = load_settings(bot_token="222:WRONG", api_base_url=emu.base_url[:-4])
        app = build_application(settings, db, 1)
        assert await _initialize(app, settings) is False
    assert "refused SHUANGSUIJI_BOT_TOKEN (401" in capsys.readouterr().err


async def test_unreachable_api_is_logged_and_retried(db, caplog):
    settings = load_settings(bot_token="222:X", api_base_url="http://127.0.0.1:9")
    app = build_application(settings, db, 1)
    with caplog.at_level(logging.ERROR), pytest.raises(TimeoutError):
        await asyncio.wait_for(_initialize(app, settings), timeout=3)
    assert any(
        "cannot reach the Bot API at http://127.0.0.1:9" in r.message for r in caplog.records
    )


async def test_failing_commands_menu_does_not_stop_the_bot(tmp_path, caplog):
    async with BotAPIEmulator(token="123456:EMULATOR-TOKEN") as emu:
        emu.inject_fault("setMyCommands", kind="500", count=10)
        with caplog.at_level(logging.WARNING):
            async with LocalBot(tmp_path / "b.db", emulator=emu, admin_ids=(1,)) as lb:
                admin = lb.emu.user(1, "管理员")
                await admin.send("/whoami")
                assert "身份：管理员" in (await admin.wait_reply()).text
    assert any("non-essential" in r.message for r in caplog.records)
