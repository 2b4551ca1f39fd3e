"""Refusals that services raise and handlers render from the message catalogue."""

from __future__ import annotations


class Refusal(Exception):
    """A use case said no; `key` names the catalogue message and `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
