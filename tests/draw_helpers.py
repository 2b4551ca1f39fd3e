"""Helpers for draw service tests: a preset bureau with bound users, and row counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.models import Role
from bot.services.draws import DrawEnv, read_items
from bot.services.registry_io import import_registry
from storage.bureaus import ensure_bureau
from storage.db import Database
from storage.inspectors import list_inspectors
from storage.users import User, create_user

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHANNEL = -100777
NOW = datetime(2020, 6, 24, 2, 0, tzinfo=UTC)


@dataclass
class Bureau:
    """A preset bureau in a test database, with a coordinator, a manager and bound inspectors."""

    db: Database
    id: int
    env: DrawEnv
    coordinator: User
    manager: User
    inspectors: dict[int, User] = field(default_factory=dict)  # inspector row id -> user


async def preset(db: Database, tmp: Path, name: str = "xushui-2020") -> Bureau:
    """Import the preset's sample registries and bind a user to every inspector."""
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, name, "徐水区分局")
    for kind in ("entities", "inspectors"):
        report = await import_registry(db, bid, kind, EXAMPLES / f"{name}-{kind}.csv")
        assert report.ok, report.render("en")
    env = DrawEnv(
        items=read_items(EXAMPLES / f"{name}.yaml"),
        files_dir=tmp / "draws",
        public_channel_id=CHANNEL,
    )
    async with db.tx() as conn:
        coord = await create_user(conn, bid, 2001, "王综合", [Role.COORDINATOR])
        manager = await create_user(conn, bid, 3001, "赵局", [Role.MANAGER])
        users = {}
        for n, (iid, ins) in enumerate(await list_inspectors(conn, bid)):
            users[iid] = await create_user(
                conn, bid, 5000 + n, ins.name, [Role.INSPECTOR], inspector_id=iid
            )
    return Bureau(db, bid, env, coord, manager, users)


async def count(db: Database, table: str, where: str = "1 = 1", *args: object) -> int:
    """Rows of `table` matching `where`."""
    async with (
        db.read() as conn,
        conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", args) as cur,
    ):
        return int((await cur.fetchone())[0])


async def outbox_for(db: Database, chat_id: int) -> list[tuple[str, dict]]:
    """(kind, payload) of every outbox row for one chat, oldest first."""
    sql = "SELECT kind, payload_json FROM outbox WHERE chat_id = ? ORDER BY id"
    async with db.read() as conn, conn.execute(sql, (chat_id,)) as cur:
        return [(r[0], json.loads(r[1])) for r in await cur.fetchall()]


async def visits_of(db: Database, draw_id: int) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(inspection id, entity stable id, [(inspector id, role)] active) of a draw."""
    sql = (
        "SELECT i.id, e.stable_id FROM inspections i JOIN entities e ON e.id = i.entity_id"
        " WHERE i.draw_id = ? ORDER BY i.id"
    )
    out = []
    async with db.read() as conn:
        async with conn.execute(sql, (draw_id,)) as cur:
            rows = [tuple(r) for r in await cur.fetchall()]
        for iid, sid in rows:
            q = (
                "SELECT inspector_id, role FROM inspection_inspectors"
                " WHERE inspection_id = ? AND active = 1 ORDER BY role = 'lead' DESC, role"
            )
            async with conn.execute(q, (iid,)) as cur:
                team = [(int(r[0]), r[1]) for r in await cur.fetchall()]
            out.append((iid, sid, team))
    return out
