"""The message catalogue (消息目录): every user-facing text, in zh-CN and en."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language."""
    if lang not in LANGS:
        lang = DEFAULT_LANG
    text = resources.files("bot").joinpath("messages", f"{lang}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def t(lang: str, key: str, **kwargs: object) -> str:
    """The message `key` in `lang`, formatted with `kwargs`; KeyError for an unknown key."""
    return catalogue(lang)[key].format(**kwargs)


def lang_of(language_code: str | None) -> str:
    """Map a Telegram language_code (zh-hans, en-US, …) to one of LANGS."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG
