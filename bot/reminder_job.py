"""The reminder sweep (提醒扫描) as a repeating job, and the bureau's deadline rules from settings.

`install(app)` runs from `bot.app.startup`: it loads the working-day calendar (with the override
file), the `SHUANGSUIJI_DEADLINES_FILE` rules, the quiet hours and the time zone into one
`BureauDeadlines`, keeps it in ``bot_data["deadlines"]`` for handlers and services, and sweeps
every `SWEEP_INTERVAL` seconds. The job is only a trigger: every reminder is a database row, so a
restart loses none and the first sweep after it catches up.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.domain.reminders import BureauDeadlines, DeadlineConfig, QuietHours, parse_config
from bot.domain.workdays import load_calendar
from bot.services.reminders import sweep
from bot.settings import Settings

log = logging.getLogger(__name__)
SWEEP_INTERVAL = 60.0  # seconds between sweeps
SWEEP_FIRST = 5.0  # first sweep after start-up: catch up on what fell due while down


def load_policy(settings: Settings) -> BureauDeadlines:
    """The bureau's deadlines: calendar + override file, rules file, quiet hours, time zone."""
    path = settings.deadlines_file
    config = parse_config(path.read_text(encoding="utf-8"), str(path)) if path else DeadlineConfig()
    return BureauDeadlines(
        load_calendar(settings.workdays_override),
        config.deadlines,
        reminder_rules=config.reminders,
        quiet=QuietHours.parse(settings.quiet_hours),
        tz=ZoneInfo(settings.timezone),
    )


def now_of(app: Application) -> datetime:
    """The application's clock: ``bot_data["clock"]`` when a test set one, else UTC now."""
    clock = app.bot_data.get("clock")
    return clock() if clock else datetime.now(UTC)


def install(app: Application) -> BureauDeadlines:
    """Keep the bureau's deadlines in bot_data and start the repeating sweep."""
    policy = load_policy(app.bot_data["settings"])
    app.bot_data["deadlines"] = policy
    db = app.bot_data["db"]

    async def reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
        queued = await sweep(db, now_of(app), policy)
        if queued:
            log.info("reminder sweep queued %d messages", queued)

    app.job_queue.run_repeating(
        reminders, interval=SWEEP_INTERVAL, first=SWEEP_FIRST, name="reminders"
    )
    return policy
