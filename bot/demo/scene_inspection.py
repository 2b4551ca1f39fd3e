"""Demo scene (演示): the inspection in chat, from an assigned visit to a closed rectification.

The inspector opens the visit, checks in with the location button, answers the checklist (a
photo, a wrong number re-asked, a location), the bot restarts mid-way and the inspector carries
on at the same question, then submits; a correction is approved by the manager (version 2, the
first kept); the finding's rectification is evidenced in chat and closed by the coordinator.
The visit is one of the current quarter created directly (storage.inspections.create_inspection),
so the scene does not depend on whom the draw scene happened to draw for the next quarter.
"""

from __future__ import annotations

import asyncio
from datetime import date

from bot.domain.checklist_flow import department_matches
from bot.domain.models import EntityStatus, InspectorKind
from bot.domain.periods import Period
from bot.services.plan import read_item_list
from storage.entities import entity_ids
from storage.inspections import create_inspection
from storage.inspectors import list_inspectors

ITEM = "site-check"
MEMBER = 40002  # the visit's second inspector (the demo's first is 40001)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")  # a tiny JPEG
WAIT = 30.0


def _pick(zh: bool, chinese: str, english: str) -> str:
    return chinese if zh else english


async def _visit(story) -> int:  # noqa: ANN001
    """A visit to an operating entity with coordinates: the demo's inspector leads, another
    inspector of the same standing towards the item's department is the member."""
    lb = story.lb
    entity = next(
        e for e in story.entities if e.latitude is not None and e.status is EntityStatus.OPERATING
    )
    department = read_item_list(lb.settings.items_file).item(ITEM).department
    async with lb.db.tx() as conn:
        rows = await list_inspectors(conn, lb.bureau_id)
        lead_id, lead = next((i, p) for i, p in rows if p.name == story.inspector.first_name)
        same = department_matches(department, lead.department)
        member_id, member = next(
            (i, p)
            for i, p in rows
            if i != lead_id
            and p.kind is InspectorKind.STAFF
            and p.active
            and department_matches(department, p.department) == same
        )
        period = Period.containing("quarter", date.today())
        iid = await create_inspection(
            conn,
            lb.bureau_id,
            period=period.label,
            entity_id=(await entity_ids(conn, lb.bureau_id))[entity.stable_id],
            items=[ITEM],
            due_on=period.end.isoformat(),
            inspectors=[(lead_id, "lead"), (member_id, "member")],
        )
    story.demo_entity, story.demo_member = entity, member
    return iid


async def _say(u, *steps) -> None:  # noqa: ANN001
    """Do each (action, expected text) in turn, waiting for the bot's message or edit."""
    for action, expect in steps:
        await action()
        await u.wait_reply(timeout=WAIT, contains=expect, wait_edit=True)


async def play(story) -> None:  # noqa: ANN001
    """Tell the scene; `story` is bot.demo.story.Story."""
    n, u, zh = story.n, story.inspector, story.lang == "zh-CN"
    iid = await _visit(story)
    e, member = story.demo_entity, story.demo_member
    story.demo_member_chat = await story.bind(
        MEMBER, member.name, f"inspector {member.name} {member.certificate_no}"
    )
    n.scene("demo_visit", entity=e.name, id=iid)
    await _say(
        u,
        (lambda: u.send(f"/tasks {iid}"), e.name),
        (lambda: u.tap(_pick(zh, "📍 签到", "📍 Check in")), "📍"),
        (lambda: u.share_location(e.latitude + 0.0004, e.longitude), "1/9"),
    )
    n.chat(u.id)
    n.scene("demo_checklist")
    await _say(
        u,
        (lambda: u.tap(_pick(zh, "是", "Yes")), "2/9"),
        (lambda: u.tap(_pick(zh, "不适用", "N/A")), "3/9"),
        (lambda: u.tap("未运行"), "4/10"),
        (lambda: u.send_photo(JPEG), "SHA-256"),
        (lambda: u.tap(_pick(zh, "下一题 ▶", "Next ▶")), "5/10"),
    )
    n.chat(u.id)
    n.scene("demo_restart")
    await story.lb.restart()  # the inspector then taps the question still on the screen
    await _say(
        u,
        (lambda: u.tap(_pick(zh, "否", "No")), "6/10"),  # the question shown before the restart
        (lambda: u.tap("非应急期间"), "7/10"),
        (lambda: u.send("三十五"), "35.2"),
        (lambda: u.send("62"), "8/10"),
        (lambda: u.share_location(e.latitude, e.longitude), "9/10"),
        (lambda: u.tap(_pick(zh, "跳过", "Skip")), "10/10"),
        (lambda: u.send("设施停运，现场责令立即恢复运行"), "📋"),
    )
    n.chat(u.id)
    await _submit(story, u, zh)
    await _after_submission(story, iid, zh)


async def _submit(story, u, zh: bool, *, with_rep: bool = True) -> None:  # noqa: ANN001
    """✅ 提交 on the summary through to the record and its printable copy."""
    rep = _pick(zh, "刘建国 副总经理", "Liu Jianguo, deputy manager")
    steps = [(lambda: u.tap(_pick(zh, "✅ 提交", "✅ Submit")), _pick(zh, "姓名", "name"))]
    if with_rep:
        steps.append((lambda: u.send(rep), _pick(zh, "结果", "result")))
    else:
        steps[0] = (steps[0][0], _pick(zh, "结果", "result"))
    rectify = _pick(zh, "发现问题已责令整改", "Problem found, ordered to rectify")
    steps += [
        (lambda: u.tap(rectify), _pick(zh, "请确认提交", "Please confirm")),
        (lambda: u.tap(_pick(zh, "✅ 确认提交", "✅ Confirm and submit")), "✅"),
    ]
    if with_rep:
        story.n.scene("demo_submit")
    await _say(u, *steps)  # the last reply is the printable record, captioned
    if with_rep:
        story.n.chat(u.id)


async def _correction(story, iid: int, zh: bool) -> None:  # noqa: ANN001
    """The member asks for a correction (申请更正), the manager approves, version 2 is written
    and version 1 kept."""
    u, m = story.demo_member_chat, story.manager
    reason = _pick(zh, "现场抽测浓度误录为 62，应为 48", "The reading was mistyped: 48, not 62")
    await _say(
        u,
        (lambda: u.send(f"/tasks {iid}"), _pick(zh, "检查对象", "Entity:")),
        (lambda: u.tap(_pick(zh, "✏️ 申请更正", "✏️ Request correction")), f"#{iid}"),
        (lambda: u.send(reason), f"#{iid}"),
    )
    await m.wait_reply(timeout=WAIT, contains=f"#{iid}")
    await m.tap(_pick(zh, "✅ 批准", "✅ Approve"))
    await m.wait_reply(timeout=WAIT, contains=f"#{iid}")
    await u.wait_reply(timeout=WAIT, contains=f"#{iid}")
    await _say(
        u,
        (lambda: u.tap(_pick(zh, "✏️ 开始更正", "✏️ Start the correction")), "📋"),
        (lambda: u.tap("✏️7"), "mg/m³"),
        (lambda: u.send("48"), "📋"),
    )
    await _submit(story, u, zh, with_rep=False)


async def _rectification(story, zh: bool) -> None:  # noqa: ANN001
    """整改: the lead uploads the evidence in chat and sends it for review; the coordinator
    closes the order (销号)."""
    u, c = story.inspector, story.coord
    await _say(
        u,
        (lambda: u.send("/rectifications"), "#"),
        (lambda: u.tap(_pick(zh, "📎 上传整改材料", "📎 Upload evidence")), "#"),
        (lambda: u.send_document(b"%PDF-1.4\n", filename="整改报告.pdf"), "SHA-256"),
        (lambda: u.tap(_pick(zh, "📤 提交审核", "📤 Submit for review")), "#"),
    )
    await c.wait_reply(timeout=WAIT, contains="📋")
    await c.tap(_pick(zh, "✅ 销号", "✅ Close"))
    await c.wait_reply(timeout=WAIT, contains="#")
    await u.wait_reply(timeout=WAIT, contains="✅")


async def _after_submission(story, iid: int, zh: bool) -> None:  # noqa: ANN001
    """Correction (the member's chat) and rectification (the lead's) go on side by side."""
    n = story.n
    n.scene("demo_correction")
    n.scene("demo_rectification")
    await asyncio.gather(_correction(story, iid, zh), _rectification(story, zh))
    for chat in (story.demo_member_chat, story.manager, story.inspector, story.coord):
        n.chat(chat.id)
