"""Invites: single-use, expiring, bound to an inspector record; roles parsed strictly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.models import Inspector, Role
from bot.services import access
from bot.services.errors import Refusal
from storage.bureaus import ensure_bureau
from storage.inspectors import upsert_inspectors


@pytest.fixture
async def bureau(db):
    async with db.tx() as conn:
        bid = await ensure_bureau(conn, "xs", "徐水")
        await upsert_inspectors(
            conn, bid, [Inspector(name="张三", department="一中队", certificate_no="C001")]
        )
    return bid


async def test_inspector_invite_binds_the_record_once(db, bureau):
    inv = await access.create_invite(
        db, bureau, [Role.INSPECTOR], "张三", created_by="cli", certificate_no="C001"
    )
    first = await access.redeem(db, inv.code, 5001, "zh-CN")
    assert first.new and first.user.inspector_id is not None
    assert first.user.department == "一中队" and first.user.roles == {Role.INSPECTOR}
    with pytest.raises(Refusal) as info:
        await access.redeem(db, inv.code, 5002, "zh-CN")
    assert info.value.key == "invite_used"
    again = await access.redeem(db, inv.code, 5001, "zh-CN")
    assert not again.new


async def test_expired_and_unknown_invites(db, bureau):
    inv = await access.create_invite(db, bureau, [Role.COORDINATOR], "李四", created_by="cli")
    later = datetime.now(UTC) + timedelta(days=8)
    with pytest.raises(Refusal, match="invite_expired"):
        await access.redeem(db, inv.code, 6001, "zh-CN", now=later)
    with pytest.raises(Refusal, match="invite_unknown"):
        await access.redeem(db, "nope", 6001, "zh-CN")
    assert await access.identify(db, 6001) is None


async def test_inspector_invite_needs_a_known_certificate(db, bureau):
    with pytest.raises(Refusal, match="invite_no_inspector"):
        await access.create_invite(
            db, bureau, [Role.INSPECTOR], "王五", created_by="cli", certificate_no="C999"
        )
    with pytest.raises(Refusal, match="invite_needs_cert"):
        await access.create_invite(db, bureau, [Role.INSPECTOR], "王五", created_by="cli")


def test_roles_parse_strictly():
    assert access.parse_roles("manager，coordinator") == [Role.MANAGER, Role.COORDINATOR]
    with pytest.raises(Refusal, match="invite_bad_role"):
        access.parse_roles("boss")


async def test_stranger_is_refused_once(db):
    assert await access.refuse_once(db, 7001) is True
    assert await access.refuse_once(db, 7001) is False
