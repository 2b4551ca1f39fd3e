-- 0005 deadlines (时限) and reminders (提醒/督办). A deadline is one due date of one subject
-- (a visit, a rectification, a report, a draw). Each reminder is one step for one recipient with a
-- UTC fire time; the sweep reads `status = 'pending' AND fire_at <= now` through reminders_due, an
-- index range scan, so its cost follows the due rows, not the table.
CREATE TABLE deadlines (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  created_at TEXT NOT NULL,
  closed_at TEXT,
  UNIQUE (bureau_id, subject_kind, subject_id, kind)
);
CREATE INDEX deadlines_subject ON deadlines(subject_kind, subject_id);
CREATE INDEX deadlines_open_due ON deadlines(bureau_id, status, due_on);

-- recipient: 'inspector:<id>' for one inspector, 'coordinator' / 'manager' for everyone holding
-- that role when the reminder fires (so a coordinator who joins later is told too).
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY,
  deadline_id INTEGER NOT NULL REFERENCES deadlines(id),
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  audience TEXT NOT NULL CHECK (audience IN ('inspector', 'coordinator', 'manager')),
  step TEXT NOT NULL CHECK (step IN ('before', 'on', 'overdue', 'escalated')),
  recipient TEXT NOT NULL,
  inspector_id INTEGER REFERENCES inspectors(id),
  fire_at TEXT NOT NULL,
  missing_year INTEGER,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'queued', 'cancelled', 'skipped')),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  done_at TEXT,
  UNIQUE (deadline_id, step, recipient)
);
CREATE INDEX reminders_due ON reminders(status, fire_at);
CREATE INDEX reminders_escalated ON reminders(bureau_id, step, status);

-- One managers' digest (督办日报) per bureau per local day.
CREATE TABLE reminder_digests (
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  day TEXT NOT NULL,
  escalations INTEGER NOT NULL,
  managers INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (bureau_id, day)
);
