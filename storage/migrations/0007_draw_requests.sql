-- 0007 what a draw (摇号) keeps beyond 0004, and the requests a manager approves: cancelling a draw
-- (撤销摇号) and replacing an inspector (更换执法人员). A request is decided once: pending ->
-- approved or rejected, by whom and when.
ALTER TABLE draws ADD COLUMN commitment_json TEXT;
ALTER TABLE draws ADD COLUMN commitment_hash TEXT;
-- the frozen frame while the draw waits for its public sources' values; NULL once drawn (the
-- transcript holds it from then on)
ALTER TABLE draws ADD COLUMN snapshot_json TEXT;
ALTER TABLE draws ADD COLUMN target_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE draws ADD COLUMN drawn_by TEXT;
ALTER TABLE draws ADD COLUMN revealed_by TEXT;

CREATE TABLE draw_requests (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  kind TEXT NOT NULL CHECK (kind IN ('cancel', 'replace')),
  draw_id INTEGER REFERENCES draws(id),
  inspection_id INTEGER REFERENCES inspections(id),
  inspector_id INTEGER REFERENCES inspectors(id),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by INTEGER REFERENCES users(id),
  decided_at TEXT,
  replacement_id INTEGER REFERENCES inspectors(id),
  created_at TEXT NOT NULL
);
CREATE INDEX draw_requests_pending ON draw_requests(bureau_id, status);
CREATE UNIQUE INDEX draw_requests_one_pending_cancel ON draw_requests(draw_id)
  WHERE kind = 'cancel' AND status = 'pending';
CREATE UNIQUE INDEX draw_requests_one_pending_replace ON draw_requests(inspection_id, inspector_id)
  WHERE kind = 'replace' AND status = 'pending';
