"""摇号通知 (draw announcements) as outbox rows, written in the draw's own transaction.

Who learns what (抽查名单保密):
* the public channel (if set): the commitment at draw time, the secret at the reveal; never the
  list before the reveal;
* each inspector: only their own visits (entity, items, co-inspectors, deadline);
* coordinators: the summary and the list as an XLSX workbook;
* managers: the summary (counts per item and group, no entity named).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import aiosqlite

from bot.domain.models import Role
from bot.i18n import t
from bot.services.draw_texts import VisitNotice, commitment_text, period_name, visit_text
from bot.services.draws import DrawEnv
from storage import outbox
from storage.users import User, users_with_role


async def staff_with(conn: aiosqlite.Connection, bureau_id: int, role: Role) -> list[User]:
    """Users holding `role`."""
    return await users_with_role(conn, bureau_id, role)


async def managers_only(conn: aiosqlite.Connection, bureau_id: int) -> list[User]:
    """Managers who are not also coordinators (those already get the coordinators' message)."""
    return [
        u
        for u in await users_with_role(conn, bureau_id, Role.MANAGER)
        if Role.COORDINATOR not in u.roles
    ]


async def users_by_inspector(conn: aiosqlite.Connection, bureau_id: int) -> dict[int, list[User]]:
    """Inspector row id -> the bound users of that inspector."""
    out: dict[int, list[User]] = {}
    for u in await users_with_role(conn, bureau_id, Role.INSPECTOR):
        if u.inspector_id is not None:
            out.setdefault(u.inspector_id, []).append(u)
    return out


async def public(conn: aiosqlite.Connection, bureau_id: int, env: DrawEnv, text: str, key: str):
    """A message to the public channel, when one is set."""
    if env.public_channel_id is not None:
        await outbox.enqueue(
            conn, env.public_channel_id, {"text": text}, key=key, bureau_id=bureau_id
        )


async def commitment(
    conn: aiosqlite.Connection,
    bureau_id: int,
    draw_id: int,
    bureau_name: str,
    commitment_json: dict,
    commitment_hash: str,
    env: DrawEnv,
    *,
    pending: bool,
) -> None:
    """Announce the commitment: to the public channel, and to coordinators and managers when the
    draw waits for its public sources (otherwise their summary carries it)."""
    text = commitment_text(bureau_name, commitment_json, commitment_hash, env.public_lang)
    await public(conn, bureau_id, env, text, f"draw:{draw_id}:commitment:public")
    if not pending:
        return
    people = await staff_with(conn, bureau_id, Role.COORDINATOR) + await managers_only(
        conn, bureau_id
    )
    for u in people:
        body = commitment_text(bureau_name, commitment_json, commitment_hash, u.lang)
        waiting = t(
            u.lang,
            "draw_committed_pending",
            period=commitment_json["period"],
            sources="；".join(commitment_json["public_sources"]),
        )
        await outbox.enqueue(
            conn,
            u.telegram_id,
            {"text": f"{body}\n\n{waiting}"},
            key=f"draw:{draw_id}:commitment:{u.id}",
            bureau_id=bureau_id,
        )


async def to_inspectors(
    conn: aiosqlite.Connection, bureau_id: int, draw_id: int, period: str, visits: list[VisitNotice]
) -> int:
    """Each inspector their own visits, nobody else's; returns how many messages were queued."""
    mine: dict[int, list[VisitNotice]] = {}
    for v in visits:
        for m in v.team:
            mine.setdefault(m.inspector_id, []).append(v)
    queued = 0
    for inspector_id, users in (await users_by_inspector(conn, bureau_id)).items():
        own = mine.get(inspector_id)
        if not own:
            continue
        for u in users:
            head = t(
                u.lang, "draw_inspector_header", period=period_name(period, u.lang), count=len(own)
            )
            body = "\n".join(visit_text(v, u.lang, viewer=inspector_id) for v in own)
            queued += await outbox.enqueue(
                conn,
                u.telegram_id,
                {"text": f"{head}\n{body}"},
                key=f"draw:{draw_id}:inspector:{inspector_id}:{u.id}",
                bureau_id=bureau_id,
            )
    return queued


async def result(
    conn: aiosqlite.Connection,
    bureau_id: int,
    draw_id: int,
    period: str,
    visits: list[VisitNotice],
    summary: Callable[[str], str],
    list_path: Path,
) -> None:
    """After the draw: inspectors their visits, coordinators summary + list, managers summary."""
    await to_inspectors(conn, bureau_id, draw_id, period, visits)
    for u in await staff_with(conn, bureau_id, Role.COORDINATOR):
        await outbox.enqueue(
            conn,
            u.telegram_id,
            {"text": summary(u.lang)},
            key=f"draw:{draw_id}:summary:{u.id}",
            bureau_id=bureau_id,
        )
        doc = {
            "path": str(list_path),
            "filename": list_path.name,
            "caption": t(u.lang, "draw_list_caption", period=period_name(period, u.lang)),
        }
        await outbox.enqueue(
            conn,
            u.telegram_id,
            doc,
            kind="document",
            key=f"draw:{draw_id}:list:{u.id}",
            bureau_id=bureau_id,
        )
    for u in await managers_only(conn, bureau_id):
        await outbox.enqueue(
            conn,
            u.telegram_id,
            {"text": summary(u.lang)},
            key=f"draw:{draw_id}:summary:{u.id}",
            bureau_id=bureau_id,
        )
