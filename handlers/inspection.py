"""Every handler of the inspection in chat, in registration order (the input router first)."""

from __future__ import annotations

from handlers import checklist, corrections, rectification, tasks

HANDLERS = [*checklist.HANDLERS, *tasks.HANDLERS, *corrections.HANDLERS, *rectification.HANDLERS]
