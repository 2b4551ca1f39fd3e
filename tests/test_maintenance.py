"""`audit verify` and `backup`: a restorable copy; a tampered row is named."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.cli import main
from storage import audit
from storage.db import Database


async def _write_rows(path, n: int) -> None:
    db = await Database.open(path)
    async with db.tx() as conn:
        for i in range(n):
            await audit.append(conn, "t", "draw.run", f"2026Q{i + 1}")
    await db.close()


async def _verify(path) -> list[str]:
    db = await Database.open(path)
    async with db.read() as conn:
        problems = await audit.verify(conn)
    await db.close()
    return problems


def test_backup_is_a_consistent_restorable_copy(tmp_path):
    src, copy = tmp_path / "live.db", tmp_path / "backup" / "copy.db"
    asyncio.run(_write_rows(src, 50))
    assert main(["backup", str(copy), "--db", str(src)]) == 0
    with sqlite3.connect(copy) as c:
        assert c.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 50
    assert asyncio.run(_verify(copy)) == []
    assert main(["backup", str(copy), "--db", str(src)]) == 2


def test_audit_verify_cli_names_the_edited_row(tmp_path, capsys):
    path = tmp_path / "a.db"
    asyncio.run(_write_rows(path, 3))
    assert main(["audit", "verify", "--db", str(path)]) == 0
    with sqlite3.connect(path) as c:
        c.execute("UPDATE audit_log SET actor = 'x' WHERE id = 3")
    assert main(["audit", "verify", "--db", str(path)]) == 1
    assert "row 3 (draw.run 2026Q3): content changed" in capsys.readouterr().out
