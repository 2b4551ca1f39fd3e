"""The message catalogue: both languages have the same keys and the same placeholders."""

from __future__ import annotations

import string

from bot.i18n import catalogue, lang_of, t


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_languages_have_the_same_keys_and_placeholders():
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert set(zh) == set(en)
    for key in zh:
        assert _fields(zh[key]) == _fields(en[key]), key


def test_lookup_and_language_mapping():
    assert t("en", "welcome", name="A", roles="x").startswith("Welcome, A!")
    assert lang_of("en-US") == "en" and lang_of("zh-hans") == "zh-CN" and lang_of(None) == "zh-CN"
