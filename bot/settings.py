"""Settings (配置) from the environment and `.env`, prefixed `SHUANGSUIJI_`.

A wrong value stops start-up with one line naming the setting and what is expected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "SHUANGSUIJI_"


class Settings(BaseSettings):
    """Everything an operator may set; defaults run the embedded stack (SQLite, emulator)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: str = Field(default="", description="Bot token from @BotFather; empty = emulator")
    database_path: Path = Field(default=Path("var/shuangsuiji.db"))
    evidence_dir: Path = Field(default=Path("var/evidence"))
    timezone: str = Field(default="Asia/Shanghai")
    language: str = Field(default="zh-CN")
    api_base_url: str = Field(
        default="", description="custom Bot API URL, e.g. a self-hosted server"
    )
    proxy_url: str = Field(
        default="", description="http(s):// or socks5:// proxy to reach Telegram"
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    bureau_code: str = Field(default="demo")
    bureau_name: str = Field(default="示例生态环境分局")
    items_file: Path | None = Field(default=None, description="the item list (随机抽查事项清单)")
    workdays_override: Path | None = Field(default=None, description="holiday override YAML")
    quiet_hours: str = Field(default="22:00-07:30", description="no pushes in this local window")
    checkin_far_m: int = Field(
        default=1000, ge=10, le=100_000, description="flag a check-in farther from the entity (m)"
    )
    deadlines_file: Path | None = Field(default=None, description="时限 and reminder rules YAML")
    public_channel_id: int | None = Field(
        default=None, description="channel for public draw announcements (commitment, secret)"
    )
    site_dir: Path = Field(
        default=Path("var/site"), description="where /publish writes the static site (HTML, CSV)"
    )
    webhook_url: str = Field(default="")
    webhook_listen: str = Field(default="127.0.0.1")
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone such as Asia/Shanghai") from exc
        return v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:

        if v and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError("expected HH:MM-HH:MM, e.g. 22:00-07:30, or empty for none")
        return v

    @field_validator("items_file", "workdays_override")
    @classmethod
    def _exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"expected an existing file, {v} is not one")
        return v

    @field_validator("deadlines_file")
    @classmethod
    def _deadlines(cls, v: Path | None) -> Path | None:
        from bot.domain.reminders import DeadlineConfigError, parse_config

        if v is None:
            return v
        if not v.is_file():
            raise ValueError(f"expected an existing file, {v} is not one")
        try:
            parse_config(v.read_text(encoding="utf-8"), str(v))
        except (DeadlineConfigError, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str) -> str:
        if v not in ("zh-CN", "en"):
            raise ValueError("expected zh-CN or en")
        return v

    @field_validator("bot_token")
    @classmethod
    def _token(cls, v: str) -> str:
        if v and (":" not in v or not v.split(":", 1)[0].isdigit()):
            raise ValueError("expected a token like 123456:ABC-DEF from @BotFather")
        return v

    @field_validator("api_base_url", "webhook_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return v.rstrip("/")

    @field_validator("proxy_url")
    @classmethod
    def _proxy(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://", "socks5://", "socks5h://")):
            raise ValueError("expected http://, https://, socks5:// or socks5h://HOST:PORT")
        return v

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _ids(cls, v: object) -> object:
        if isinstance(v, str):
            parts = [p.strip() for p in v.replace(";", ",").split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("expected Telegram user ids separated by commas, e.g. 111,222")
            return [int(p) for p in parts]
        return v


class SettingsError(Exception):
    """A setting is wrong; str() is the one line to show."""


def load_settings(**overrides: object) -> Settings:
    """Load settings or raise SettingsError naming the first wrong setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        msg = err["msg"].removeprefix("Value error, ")
        raise SettingsError(f"setting {ENV_PREFIX}{field.upper()}: {msg}") from None
