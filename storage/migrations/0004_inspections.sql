-- 0004 draws (摇号) and inspections (检查任务): one visit to one entity in one period, covering one or
-- more check items, staffed by two or more inspectors. "Who drew the entity" is a property of the
-- visit (drawn_by), so visits handed over by another department fit without a draw of ours.
CREATE TABLE draws (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  period TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('committed', 'drawn', 'revealed', 'cancelled')),
  algorithm_version TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  secret TEXT,
  public_sources_json TEXT NOT NULL DEFAULT '[]',
  transcript_json TEXT,
  committed_by TEXT NOT NULL,
  committed_at TEXT NOT NULL,
  drawn_at TEXT,
  revealed_at TEXT,
  cancelled_at TEXT,
  cancel_reason TEXT,
  cancel_approved_by TEXT
);
CREATE UNIQUE INDEX draws_one_per_period ON draws(bureau_id, period) WHERE status != 'cancelled';

CREATE TABLE inspections (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  draw_id INTEGER REFERENCES draws(id),
  drawn_by TEXT NOT NULL DEFAULT 'self',
  period TEXT NOT NULL,
  entity_id INTEGER NOT NULL REFERENCES entities(id),
  items_json TEXT NOT NULL,
  mode TEXT NOT NULL DEFAULT 'site' CHECK (mode IN ('site', 'offsite')),
  status TEXT NOT NULL DEFAULT 'assigned'
    CHECK (status IN ('assigned', 'in_progress', 'submitted', 'cancelled')),
  due_on TEXT NOT NULL,
  confidential INTEGER NOT NULL DEFAULT 0,
  confidential_reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (draw_id, entity_id)
);
CREATE INDEX inspections_period ON inspections(bureau_id, period);
CREATE INDEX inspections_entity ON inspections(entity_id);

CREATE TABLE inspection_inspectors (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  inspector_id INTEGER NOT NULL REFERENCES inspectors(id),
  role TEXT NOT NULL CHECK (role IN ('lead', 'member', 'expert')),
  active INTEGER NOT NULL DEFAULT 1,
  replaced_by INTEGER REFERENCES inspectors(id),
  PRIMARY KEY (inspection_id, inspector_id)
);
CREATE INDEX inspection_inspectors_by_inspector ON inspection_inspectors(inspector_id, active);
