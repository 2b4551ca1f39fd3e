"""Random chat input at every step of the checklist (issue 8.6), property-based: whatever an
inspector sends or taps, no handler fails (the error handler logs nothing) and the inspector can
still use the bot afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.harness import TOKEN, LocalBot
from bot.settings import load_settings
from tests.e2e_helpers import ADMIN, bind
from tests.inspection_world import ITEMS_FILE, JPEG, STAFF, make_world, new_visit

ACTIONS = st.one_of(
    st.tuples(st.just("text"), st.text(max_size=40)),
    st.tuples(
        st.just("text"),
        st.sampled_from(
            ["12.5", "-3", "1e9", "2026-02-30", "/tasks", "/help", "/whoami", "是", "否", "", " "]
        ),
    ),
    st.tuples(
        st.just("tap"),
        st.sampled_from(
            ["是", "否", "不适用", "正常运行", "未运行", "◀ 上一题", "📋 汇总", "下一题 ▶", "跳过"]
        ),
    ),
    st.tuples(
        st.just("data"),
        st.sampled_from(
            [
                "q:{v}:0:yes",
                "q:{v}:99:0",
                "qb:{v}:0",
                "qv:{v}",
                "q:{v}:x:y",
                "sb:{v}:ok",
                "go:{v}",
                "q:{v}:3:0",
                "qg:{v}:2",
                "zz",
                "q:",
                "go:abc",
            ]
        ),
    ),
    st.tuples(st.just("sticker"), st.just("")),
    st.tuples(st.just("photo"), st.just("")),
    st.tuples(st.just("location"), st.just("")),
)


async def _act(user, kind: str, arg: str, visit: int) -> None:  # noqa: ANN001
    if kind == "text":
        if arg.strip():
            await user.send(arg)
    elif kind == "tap":
        with contextlib.suppress(LookupError):  # no such button on screen now: nothing to tap
            await user.tap(arg)
    elif kind == "data":
        await user.press_data(arg.format(v=visit))
    elif kind == "sticker":
        await user.send_sticker()
    elif kind == "photo":
        await user.send_photo(JPEG)
    else:
        await user.share_location(40.19, 117.97)


async def _session(tmp_path, actions) -> list[str]:  # noqa: ANN001
    for f in tmp_path.glob("fz.db*"):
        f.unlink()
    s = load_settings(
        bot_token=TOKEN,
        database_path=tmp_path / "fz.db",
        admin_ids=[ADMIN],
        items_file=ITEMS_FILE,
        evidence_dir=tmp_path / "ev",
        quiet_hours="",
    )
    async with LocalBot(s.database_path, settings=s) as lb:
        world = await make_world(lb.db, bureau_id=lb.bureau_id, accounts=False)
        zhang = await bind(lb, 300101, "张三", f"inspector 张三 {STAFF['张三'][1]}")
        visit = await new_visit(lb.db, world)
        await zhang.send("/tasks")
        await zhang.wait_reply(timeout=30)
        await zhang.press_data(f"go:{visit}")
        await zhang.wait_reply(timeout=30, wait_edit=True)
        for kind, arg in actions:
            await _act(zhang, kind, arg, visit)
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.5)
        await zhang.send("/tasks")  # still usable afterwards
        last = await zhang.wait_reply(timeout=40, contains=f"#{visit}")
        return [m.text or "" for m in zhang.messages] + [last.text or ""]


@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(actions=st.lists(ACTIONS, min_size=5, max_size=12))
def test_random_input_never_breaks_the_checklist(tmp_path, caplog, actions):
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        texts = asyncio.run(_session(tmp_path, actions))
    errors = [r.getMessage() for r in caplog.records if "error while handling" in r.getMessage()]
    assert not errors, errors
    assert "检查" in texts[-1], texts[-1]  # the task list, as ever
