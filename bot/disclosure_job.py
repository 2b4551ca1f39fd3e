"""公开时限跟踪 as a repeating job: every submitted record gets its publication deadline.

The submission itself calls `bot.services.publication.on_record_submitted` in its transaction;
this job catches up on any record submitted without it (before the submission did so, or written
by another path), so each completed visit's deadline is scheduled and the reminder sweep alerts
coordinators and managers when a result is late. It only writes rows; nothing lives in the job
queue's memory.
"""

from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from bot.domain.reminders import bureau_deadlines
from bot.domain.yaml_source import SourceError
from bot.reminder_job import now_of
from bot.services.publication import env_for, track

log = logging.getLogger(__name__)
TRACK_INTERVAL = 300.0  # seconds between runs
TRACK_FIRST = 8.0


def install(app: Application) -> None:
    """Start the repeating job (after bot.reminder_job.install set the bureau's deadlines)."""
    db, bureau_id = app.bot_data["db"], app.bot_data["bureau_id"]

    async def tracking(context: ContextTypes.DEFAULT_TYPE) -> None:
        deadlines = bureau_deadlines(app.bot_data.get("deadlines"))
        try:
            env = env_for(app.bot_data["settings"], deadlines, now_of(app), "system")
        except SourceError as exc:
            log.error("publication deadlines not tracked: %s", exc)
            return
        async with db.tx() as conn:
            added = await track(conn, bureau_id, env)
        if added:
            log.info("publication deadlines scheduled for %d completed visits", added)

    app.job_queue.run_repeating(
        tracking, interval=TRACK_INTERVAL, first=TRACK_FIRST, name="disclosures"
    )
