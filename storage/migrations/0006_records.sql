-- 0006 the inspection in chat: the frozen checklist of a visit, answers as they arrive (with their
-- history), check-ins, evidence files, each user's place in the flow, the submitted records
-- (现场检查记录表, immutable, versioned), correction requests and rectification orders (整改).

-- 检查表快照: the questions a visit asks, frozen when its checklist is first opened.
CREATE TABLE inspection_checklists (
  inspection_id INTEGER PRIMARY KEY REFERENCES inspections(id),
  digest TEXT NOT NULL,
  questions_json TEXT NOT NULL,
  frozen_at TEXT NOT NULL,
  frozen_by INTEGER REFERENCES users(id)
);

-- The working copy: one row per question, last writer wins; every write is in answer_history.
-- value_json 'null' = an optional question skipped.
CREATE TABLE answers (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  item_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  value_json TEXT NOT NULL,
  answered_by INTEGER NOT NULL REFERENCES users(id),
  answered_at TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (inspection_id, item_id, question_id)
);

CREATE TABLE answer_history (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  item_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  value_json TEXT NOT NULL,
  answered_by INTEGER NOT NULL REFERENCES users(id),
  answered_at TEXT NOT NULL
);
CREATE INDEX answer_history_by_question ON answer_history(inspection_id, item_id, question_id);

-- 签到: server time and position; distance from the registered position when it is known.
CREATE TABLE checkins (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  latitude REAL NOT NULL,
  longitude REAL NOT NULL,
  distance_m REAL,
  far INTEGER NOT NULL DEFAULT 0,
  at TEXT NOT NULL
);
CREATE INDEX checkins_by_inspection ON checkins(inspection_id, user_id);

-- 检查记录: version 1 is the submission, each approved correction adds the next version.
CREATE TABLE inspection_records (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  checklist_digest TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  findings_json TEXT NOT NULL,
  checkins_json TEXT NOT NULL,
  result TEXT NOT NULL
    CHECK (result IN ('no_problem', 'ordered_to_rectify', 'case_filed', 'referred')),
  representative_name TEXT NOT NULL DEFAULT '',
  representative_post TEXT NOT NULL DEFAULT '',
  representative_refused INTEGER NOT NULL DEFAULT 0,
  submitted_by INTEGER NOT NULL REFERENCES users(id),
  submitted_at TEXT NOT NULL,
  supersedes_version INTEGER,
  correction_id INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  PRIMARY KEY (inspection_id, version)
);
CREATE INDEX inspection_records_submitted ON inspection_records(submitted_at);
-- A record is never changed or removed: a correction is a new version.
CREATE TRIGGER inspection_records_immutable BEFORE UPDATE ON inspection_records
BEGIN
  SELECT RAISE(ABORT, 'inspection records are immutable: a correction writes a new version');
END;
CREATE TRIGGER inspection_records_kept BEFORE DELETE ON inspection_records
BEGIN
  SELECT RAISE(ABORT, 'inspection records are immutable: a correction writes a new version');
END;

-- 更正申请: asked with a reason, decided by a manager; new_version once re-submitted.
CREATE TABLE record_corrections (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  base_version INTEGER NOT NULL,
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by INTEGER REFERENCES users(id),
  decided_at TEXT,
  new_version INTEGER
);
CREATE UNIQUE INDEX record_corrections_one_open ON record_corrections(inspection_id)
  WHERE status = 'pending' OR (status = 'approved' AND new_version IS NULL);

-- 整改: one order per visit with findings; the entity is specially supervised until closed.
CREATE TABLE rectifications (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  entity_id INTEGER NOT NULL REFERENCES entities(id),
  entity_stable_id TEXT NOT NULL,
  inspection_id INTEGER NOT NULL UNIQUE REFERENCES inspections(id),
  record_version INTEGER NOT NULL,
  finding_text TEXT NOT NULL,
  ordered_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'closed', 'returned')),
  ordered_by INTEGER NOT NULL REFERENCES users(id),
  closed_by INTEGER REFERENCES users(id),
  closed_at TEXT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rectifications_open ON rectifications(bureau_id, status);
CREATE INDEX rectifications_entity ON rectifications(entity_id);

CREATE TABLE rectification_events (
  id INTEGER PRIMARY KEY,
  rectification_id INTEGER NOT NULL REFERENCES rectifications(id),
  action TEXT NOT NULL CHECK (action IN ('opened', 'evidence', 'submitted', 'returned', 'closed')),
  actor INTEGER NOT NULL REFERENCES users(id),
  at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rectification_events_by_order ON rectification_events(rectification_id);

-- 证据: photos and documents, kept with the Telegram file id, the downloaded copy and its hash.
CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  item_id TEXT,
  question_id TEXT,
  rectification_id INTEGER REFERENCES rectifications(id),
  kind TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
  file_id TEXT NOT NULL,
  file_unique_id TEXT NOT NULL DEFAULT '',
  filename TEXT NOT NULL DEFAULT '',
  mime_type TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  uploaded_by INTEGER NOT NULL REFERENCES users(id),
  uploaded_at TEXT NOT NULL
);
CREATE INDEX evidence_by_inspection ON evidence(inspection_id, item_id, question_id);
CREATE INDEX evidence_by_rectification ON evidence(rectification_id);

-- Where each user is in the flow (one place per user), so free text, photos and locations go to
-- the right question and a restart resumes there. subject_id: a correction or rectification.
CREATE TABLE checklist_sessions (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  step TEXT NOT NULL CHECK (step IN ('checkin', 'question', 'review', 'rep_name', 'rep_post',
    'result', 'confirm', 'correction_reason', 'rect_evidence', 'rect_return')),
  question_index INTEGER,
  seen_revision INTEGER NOT NULL DEFAULT 0,
  subject_id INTEGER,
  draft_json TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL
);
CREATE INDEX checklist_sessions_by_inspection ON checklist_sessions(inspection_id);
