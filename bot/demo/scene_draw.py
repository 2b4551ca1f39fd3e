"""Demo scene (演示): the draw — preview, commitment, each inspector's own visits — then, with the
clock moved past the quarter's end, the reveal and a successful `shuangsuiji verify`.

Everything goes through the real bot and the real services; only the application's clock is
moved forward for the reveal (the hook tests use), and put back right after.
"""

from __future__ import annotations

import contextlib
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.cli import main as cli
from bot.domain.periods import Period, PeriodKind
from bot.i18n import t
from bot.reminder_job import now_of
from bot.services.draw_reveal import export_transcript
from bot.services.draw_texts import period_name
from storage.draws import live_draw

WAIT = 30.0


async def play(story) -> None:  # noqa: ANN001 (bot.demo.story.Story)
    """The draw of the next quarter, told scene by scene; then its reveal and verification."""
    lb, n, lang = story.lb, story.n, story.lang
    tz = ZoneInfo(lb.settings.timezone)
    period = Period.containing(PeriodKind.QUARTER, now_of(lb.app).astimezone(tz).date()).next()
    n.scene("demo_draw_preview")
    await story.coord.send("/draw")
    await story.coord.wait_reply(contains="🎲", timeout=WAIT)
    n.chat(story.coord.id)
    n.scene("demo_draw_commit")
    await story.coord.tap(t(lang, "btn_draw_confirm"))
    await story.coord.wait_reply(contains="✅", timeout=WAIT)
    listing = t(lang, "draw_list_caption", period=period_name(period.label, lang))
    await story.coord.wait_reply(contains=listing, timeout=WAIT)  # the list, via the outbox
    n.chat(story.coord.id)
    n.scene("demo_draw_inspector")
    try:
        await story.inspector.wait_reply(contains="📌", timeout=5.0)
        n.chat(story.inspector.id)
    except TimeoutError:
        n.say(f"    {t(lang, 'demo_draw_not_drawn')}")
    await _reveal_and_verify(story, period, tz)


async def _reveal_and_verify(story, period: Period, tz: ZoneInfo) -> None:  # noqa: ANN001
    lb, n = story.lb, story.n
    after = datetime.combine(period.end + timedelta(days=1), time(9, 0), tzinfo=tz)
    n.scene("demo_draw_reveal", date=after.date().isoformat())
    lb.app.bot_data["clock"] = lambda: after
    try:
        await story.coord.send(f"/reveal {period.label}")
        await story.coord.wait_reply(contains="🔓", timeout=WAIT)
    finally:
        lb.app.bot_data.pop("clock", None)
    n.chat(story.coord.id)
    path = story.work / f"摇号记录-{period.label}.json"
    path.write_bytes(await export_transcript(lb.db, lb.bureau_id, period))
    async with lb.db.read() as conn:
        draw = await live_draw(conn, lb.bureau_id, period.label)
    commitment = draw.commitment_hash if draw else ""
    n.scene("demo_draw_verify")
    n.say(f"    $ shuangsuiji verify --commitment {commitment} {path.name}")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli(["verify", "--quiet", "--commitment", commitment, str(path)])
    for line in out.getvalue().splitlines():
        n.say(f"    {line}")
    n.say(f"    (exit {code})")
