-- 0008 结果公开 (disclosure): each publication run, and per completed visit its publication
-- deadline and what became of it (published, with the row exactly as it went out, or withheld with
-- the reason). A visit gets its row when its record is first submitted (or when a publication run
-- or the tracking job finds it without one).
CREATE TABLE publications (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  rows_published INTEGER NOT NULL,
  rows_withheld INTEGER NOT NULL,
  site_dir TEXT NOT NULL DEFAULT '',
  channel_id INTEGER
);
CREATE INDEX publications_by_bureau ON publications(bureau_id, published_at);

CREATE TABLE disclosures (
  inspection_id INTEGER PRIMARY KEY REFERENCES inspections(id),
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  completed_on TEXT NOT NULL,           -- local date the record was first submitted
  due_on TEXT NOT NULL,                 -- Deadlines.publication_due(completed_on)
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'withheld')),
  publication_id INTEGER REFERENCES publications(id),
  published_at TEXT,
  published_on TEXT,                    -- local date of publication
  public_json TEXT,                     -- the published row (what went out stays as it went out)
  withheld_reason TEXT CHECK (withheld_reason IS NULL OR withheld_reason IN
    ('state_secret', 'commercial_secret', 'personal_privacy', 'other')),
  withheld_items_json TEXT NOT NULL DEFAULT '[]',  -- confidential items left out of a published row
  withheld_note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX disclosures_pending ON disclosures(bureau_id, status, due_on);
