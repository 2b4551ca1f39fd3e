"""Shared fixtures: a migrated database file in a temporary folder."""

from __future__ import annotations

import pytest

from storage.db import Database


@pytest.fixture
async def db(tmp_path):
    """A fresh, fully migrated SQLite database file."""
    database = await Database.open(tmp_path / "test.db")
    try:
        yield database
    finally:
        await database.close()
