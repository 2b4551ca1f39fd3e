"""Demo scene (演示): one public (一公开) — the coordinator publishes the results due to the public
channel and the static site, the manager looks at the progress chart and takes the quarterly
report; the demo ends by saying where the site and the reports are.

The demo's settings name no public channel nor site folder, so this scene gives the running bot
both (a copy of its settings in bot_data; the rest of the story is untouched): the site goes to
OUT/site with --out, else to var/demo/site, so it is still there when the demo ends.
"""

from __future__ import annotations

from pathlib import Path

from bot.domain.periods import Period, PeriodKind
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services.publication import env_for
from bot.services.reports import file_name, write_report

CHANNEL = -1001000000001
WAIT = 30.0


async def play(story) -> None:  # noqa: ANN001 (bot.demo.story.Story)
    """Publish, show the progress chart, write the reports, say where everything is."""
    lb, n, lang = story.lb, story.n, story.lang
    root = story.opts.out or Path("var/demo")
    site = (root / "site").resolve()
    settings = lb.settings.model_copy(update={"site_dir": site, "public_channel_id": CHANNEL})
    lb.app.bot_data["settings"] = settings
    env = env_for(settings, lb.app.bot_data["deadlines"], now_of(lb.app), "demo")
    channel = lb.emu.channel(CHANNEL, t(lang, "demo_public_channel"))
    n.scene("demo_publish")
    await story.coord.send("/publish")
    await story.coord.wait_reply(contains=str(site), timeout=WAIT)
    n.chat(story.coord.id)
    try:
        await channel.wait_post(timeout=5.0)
        n.chat(CHANNEL)
    except TimeoutError:
        pass  # nothing was due: the reply above says so
    n.scene("demo_progress")
    await story.manager.send("/progress")
    await story.manager.wait_reply(timeout=WAIT)  # the chart
    await story.manager.wait_reply(timeout=WAIT)  # the figures
    quarter = Period.containing(PeriodKind.QUARTER, env.today)
    await story.manager.send(f"/reports {quarter.label}")
    await story.manager.wait_reply(timeout=WAIT)
    n.chat(story.manager.id)
    folder = (root / "reports").resolve()
    for kind, word in ((PeriodKind.MONTH, "monthly"), (PeriodKind.QUARTER, "quarterly"),
                       (PeriodKind.YEAR, "annual")):  # fmt: skip
        period = Period.containing(kind, env.today)
        made = await write_report(lb.db, lb.bureau_id, period, env, folder / file_name(period))
        n.say(f"    $ shuangsuiji report {word} {period.label} {made.path.name}")
    n.say("")
    for line in t(lang, "demo_where", site=site / "index.html", reports=folder).splitlines():
        n.say(f"▶ {line}")
