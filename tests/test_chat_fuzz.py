"""Random chat input at every step of the checklist (issue 8.6), property-based: whatever an
inspector sends or taps (the kit's garbage, any text as an answer, the checklist's own buttons
by label, forged and stale ones), no handler fails (the error handler logs nothing), the outbox
and the audit chain stay sound, and the inspector can still use the bot afterwards."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.harness import LocalBot
from tests.chat_fuzz_kit import (
    FUZZ,
    TEXT,
    WAIT,
    Person,
    check_session,
    fuzz_settings,
    garbage,
    sound,
    sweep,
)
from tests.e2e_helpers import bind
from tests.inspection_world import ITEMS_FILE, STAFF, make_world, new_visit

TAPS = ["是", "否", "不适用", "正常运行", "未运行", "◀ 上一题", "📋 汇总", "下一题 ▶", "跳过"]
DATA = [
    "q:{v}:0:yes", "q:{v}:99:0", "qb:{v}:0", "qv:{v}", "q:{v}:x:y", "sb:{v}:ok", "go:{v}",
    "q:{v}:3:0", "qg:{v}:2", "q:{v}:0:t²", "q:{v}:0:o99", "sb:{v}:r²", "sb:{v}:go", "ci:{v}",
    "go:abc", "q:", "zz",
]  # fmt: skip
ACTIONS = st.one_of(
    garbage(DATA),
    st.tuples(st.just("text"), TEXT),  # at a question any text is an answer, or a re-ask
    st.tuples(st.just("tap"), st.sampled_from(TAPS)),
)


async def _session(tmp_path, actions) -> list[str]:  # noqa: ANN001
    s = fuzz_settings(tmp_path, "fz", admin_ids=[100001], items_file=ITEMS_FILE)
    async with LocalBot(s.database_path, settings=s, paced=False) as lb:
        world = await make_world(lb.db, bureau_id=lb.bureau_id, accounts=False)
        zhang = Person(await bind(lb, 300101, "张三", f"inspector 张三 {STAFF['张三'][1]}"))
        visit = await new_visit(lb.db, world)
        zhang.fill = {"v": visit}
        await zhang.say("/tasks", f"#{visit}")
        await zhang.user.press_data(f"go:{visit}")
        await zhang.user.wait_reply(timeout=WAIT, wait_edit=True)
        await zhang.mess(actions)
        last = await zhang.say("/tasks", f"#{visit}")  # still usable afterwards
        problems = await sound(lb)
        return problems + ([] if "检查" in (last.text or "") else [f"tasks: {last.text}"])


@FUZZ
@example(actions=sweep(1, DATA)[0] + [("tap", t) for t in TAPS])
@given(actions=st.lists(ACTIONS, min_size=5, max_size=30))
def test_random_input_never_breaks_the_checklist(tmp_path, caplog, actions):
    check_session(caplog, _session(tmp_path, actions))
