"""Settings: defaults, environment, and one clear line for a wrong value."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert (s.timezone, s.language, s.bot_token) == ("Asia/Shanghai", "zh-CN", "")
    assert str(s.database_path).startswith("var")


def test_environment_and_admin_ids(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHUANGSUIJI_ADMIN_IDS", "111, 222")
    monkeypatch.setenv("SHUANGSUIJI_PROXY_URL", "socks5://127.0.0.1:1080")
    s = load_settings()
    assert s.admin_ids == [111, 222] and s.proxy_url.startswith("socks5")


def test_dotenv_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SHUANGSUIJI_LANGUAGE=en\n", encoding="utf-8")
    assert load_settings().language == "en"


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("SHUANGSUIJI_TIMEZONE", "Mars/Olympus", "SHUANGSUIJI_TIMEZONE: expected an IANA"),
        ("SHUANGSUIJI_LANGUAGE", "fr", "SHUANGSUIJI_LANGUAGE: expected zh-CN or en"),
        ("SHUANGSUIJI_ADMIN_IDS", "abc", "SHUANGSUIJI_ADMIN_IDS: expected Telegram user ids"),
        ("SHUANGSUIJI_BOT_TOKEN", "nonsense", "SHUANGSUIJI_BOT_TOKEN: expected a token"),
        ("SHUANGSUIJI_PROXY_URL", "ftp://x", "SHUANGSUIJI_PROXY_URL: expected http://"),
        ("SHUANGSUIJI_WEBHOOK_PORT", "99999", "SHUANGSUIJI_WEBHOOK_PORT"),
    ],
)
def test_wrong_value_is_one_line_naming_the_setting(monkeypatch, tmp_path, var, value, expected):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    msg = str(info.value)
    assert msg.startswith(f"setting {expected}") and "\n" not in msg
