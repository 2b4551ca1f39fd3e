"""End to end: /deadlines, /overdue and a reminder reaching the inspector's chat through the
outbox dispatcher, with the real Application polling the emulator and a fake clock."""

from __future__ import annotations

from datetime import date

from bot.harness import LocalBot
from bot.services import reminders
from tests.test_reminders_sweep import add_visit, local, seed_world


async def test_deadlines_overdue_and_a_reminder_in_chat(tmp_path):
    clock = {"now": local(2026, 12, 7, 9, 1)}
    async with LocalBot(tmp_path / "bot.db") as lb:
        lb.app.bot_data["clock"] = lambda: clock["now"]
        policy = lb.app.bot_data["deadlines"]
        async with lb.db.tx() as conn:
            world = await seed_world(conn)
            await add_visit(
                conn,
                world,
                "甲水源地",
                date(2026, 12, 10),
                now=local(2026, 11, 23),
                deadlines=policy,
            )
        inspector = lb.emu.user(world.telegram["张三"], "张三")
        coordinator = lb.emu.user(world.telegram["王综合"], "王综合")

        await inspector.send("/deadlines")
        listed = await inspector.wait_reply(contains="你的检查任务")
        assert "2026-12-10" in listed.text and "还剩 3 个工作日" in listed.text

        # The repeating job, run now on the application's clock, queues the 'before' reminder;
        # the outbox dispatcher delivers it.
        (job,) = lb.app.job_queue.get_jobs_by_name("reminders")
        await job.run(lb.app)
        reminder = await inspector.wait_reply(contains="⏰", timeout=10)
        assert "甲水源地" in reminder.text and "2026-12-10" in reminder.text

        await coordinator.send("/overdue")
        assert "没有逾期" in (await coordinator.wait_reply()).text

        clock["now"] = local(2026, 12, 11, 9, 1)
        assert await reminders.sweep(lb.db, clock["now"], policy) == 3  # late 'on' x2 + coord.
        alert = await coordinator.wait_reply(contains="逾期", timeout=10)
        assert "甲水源地" in alert.text and "张三、李四" in alert.text
        await coordinator.send("/overdue")
        listing = await coordinator.wait_reply(contains="逾期未完成")
        assert "逾期 1 天" in listing.text and "张三、李四" in listing.text

        await inspector.send("/overdue")
        assert "没有权限" in (await inspector.wait_reply(contains="没有权限")).text
        await inspector.send("/deadlines")
        assert "已逾期 1 天" in (await inspector.wait_reply(contains="你的检查任务")).text

    async with LocalBot(tmp_path / "bot.db") as lb:  # after a restart nothing is sent again
        lb.app.bot_data["clock"] = lambda: clock["now"]
        assert await reminders.sweep(lb.db, clock["now"], lb.app.bot_data["deadlines"]) == 0
