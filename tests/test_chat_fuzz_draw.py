"""Random chat input at every step of the draw and of a replacement (issue 8.6), property-based:
the coordinator's /draw (before the preview, at the preview with forged and typed periods, after
the draw with the stale confirm button), the inspector's /replace (the visit list, the reasons,
after the request) and the manager's decision. Every input is answered, no handler fails, the
legitimate next step still works after the garbage, and nothing is half-written: no draw before
the confirm and one after a double tap, one request for two taps, one swap for two approvals."""

from __future__ import annotations

from hypothesis import example, given

from bot.domain.models import Role
from bot.harness import LocalBot
from bot.services.registry_io import import_registry
from storage.inspectors import list_inspectors
from storage.users import create_user
from tests.chat_fuzz_kit import (
    FUZZ,
    WAIT,
    Person,
    check_session,
    counts,
    drain,
    fuzz_settings,
    plan,
    sound,
    sweep,
    twice,
)
from tests.draw_helpers import EXAMPLES

TABLES = ("draws", "inspections", "inspection_inspectors", "draw_requests")
ZHONG = "13060920200001"  # an inspector of the preset with visits in every quarter
DATA = [  # forged and stale buttons of these flows; {…} filled in as the flow goes
    "drw:ok:{period}:0000000000000000", "drw:ok:{period}", "drw:ok:2027Q9:{token}",
    "drw:ok:{period}:{token}x", "drw:ok::", "drw:no:{period}", "drw:ok:²:{token}",
    "dcx:ok:1", "dcx:no:²", "dcx:ok:99999999999999999999",
    "rpl:v:{visit}", "rpl:r:{visit}:坏理由", "rpl:r:{visit}:", "rpl:r:²:健康", "rpl:v:0",
    "rpl:r:99999999999999999999:健康", "rpl:ok:{other}", "rpl:no:²", "rpl:ok:0",
]  # fmt: skip


async def _people(lb: LocalBot) -> dict[str, Person]:
    """The coordinator, the manager and every inspector, bound in the database."""
    for kind in ("entities", "inspectors"):
        path = EXAMPLES / f"xushui-2020-{kind}.csv"
        assert (await import_registry(lb.db, lb.bureau_id, kind, path)).ok
    people = {}
    async with lb.db.tx() as conn:
        await create_user(conn, lb.bureau_id, 200001, "王综合", [Role.COORDINATOR])
        await create_user(conn, lb.bureau_id, 300001, "赵局", [Role.MANAGER])
        people["coord"] = Person(lb.emu.user(200001, "王综合", started=True))
        people["manager"] = Person(lb.emu.user(300001, "赵局", started=True))
        for n, (iid, ins) in enumerate(await list_inspectors(conn, lb.bureau_id)):
            tg = 700000 + n
            await create_user(conn, lb.bureau_id, tg, ins.name, [Role.INSPECTOR], inspector_id=iid)
            user = lb.emu.user(tg, ins.name, started=True)
            if ins.key == ZHONG:
                people["zhong"] = Person(user)
    return people


async def _session(tmp_path, mess) -> list[str]:  # noqa: ANN001
    s = fuzz_settings(tmp_path, "draw", items_file=EXAMPLES / "xushui-2020.yaml")
    async with LocalBot(s.database_path, settings=s, paced=False) as lb:
        p = await _people(lb)
        coord, zhong, manager = p["coord"], p["zhong"], p["manager"]
        fill = {"period": "2027Q1", "token": "0", "visit": 0, "other": 0}
        for person in p.values():
            person.fill = fill
        empty = await counts(lb.db, TABLES)

        # the coordinator: before the preview, at the preview, a double tap, after the draw
        await coord.mess(mess[0])
        await coord.say("/draw", "摇号预览")
        ok = coord.button_data("确认摇号")
        fill.update(period=ok.split(":")[2], token=ok.split(":")[3])
        await coord.mess(mess[1])
        await coord.settle()
        assert (await counts(lb.db, ("draws",)))["draws"] == 0
        await twice(coord, await coord.tap_or("确认摇号", lambda: coord.say("/draw", "摇号预览")))
        await coord.user.wait_reply(timeout=WAIT, contains="摇号完成")
        drawn = await counts(lb.db, TABLES)
        await coord.mess([("data", ok), *mess[2]])  # the confirm again, and more garbage
        await coord.settle()
        assert await counts(lb.db, TABLES) == drawn
        assert drawn["draws"] == 1 and drawn["inspections"] > empty["inspections"]

        # the inspector: the visit list, the reasons, a double tap, after the request
        await zhong.mess(mess[3])
        await zhong.say("/replace", "请选择需要更换")
        first = zhong.user.last_message.buttons[0]
        fill.update(visit=int(zhong.button_data(first).split(":")[2]))

        async def reasons() -> None:
            await zhong.tap_or(first, lambda: zhong.say("/replace", "请选择需要更换"))
            await zhong.user.wait_reply(timeout=WAIT, contains="原因")

        await zhong.mess(mess[4])
        await reasons()
        await zhong.mess(mess[5])
        await zhong.settle()
        assert await counts(lb.db, TABLES) == drawn
        await twice(zhong, await zhong.tap_or("健康", reasons))
        await zhong.user.wait_reply(timeout=WAIT, contains="已提交更换申请")
        await zhong.mess(mess[6])
        await zhong.settle()
        asked = await counts(lb.db, TABLES)
        assert asked == {**drawn, "draw_requests": drawn["draw_requests"] + 1}

        # the manager: garbage, then approve twice
        ask = await manager.user.wait_reply(timeout=WAIT, contains="申请退出")
        approve = manager.button_data("批准")
        fill.update(other=int(approve.split(":")[2]) + 1)
        await manager.mess(mess[7])
        await manager.settle()
        assert await counts(lb.db, TABLES) == asked
        # the approval's own data on its message: a forged tap on that message may have taken
        # its buttons away, and managers have no list of replacement requests to find it again
        await twice(manager, await manager.user.press_data(approve, message_id=ask.message_id))
        await manager.user.wait_reply(timeout=WAIT, contains="已批准")
        await manager.mess([("data", approve), ("data", approve.replace(":ok:", ":no:")),
                            *mess[8]])  # fmt: skip
        for person in (coord, zhong, manager):
            await person.settle()
        after = await counts(lb.db, TABLES)
        swapped = {**asked, "inspection_inspectors": asked["inspection_inspectors"] + 1}
        assert after == swapped, (after, swapped)
        await drain(lb)
        told = [m.text for m in zhong.user.messages if "接替" in (m.text or "")]
        return await sound(lb) + ([] if len(told) == 1 else [f"told {told}"])


@FUZZ
@example(mess=sweep(9, DATA))
@given(mess=plan(9, DATA))
def test_random_input_at_every_step_of_the_draw_and_a_replacement(tmp_path, caplog, mess):
    check_session(caplog, _session(tmp_path, mess))
