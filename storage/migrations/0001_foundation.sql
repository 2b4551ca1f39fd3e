-- 0001 foundation: bureaus, departments, the two registries (两库), users and roles, invites,
-- the outbox, the hash-chained audit log, and handled update ids.
CREATE TABLE bureaus (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  name TEXT NOT NULL,
  UNIQUE (bureau_id, name)
);

CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  stable_id TEXT NOT NULL,
  credit_code TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  industry_code TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,
  permit_class TEXT,
  credit_rating TEXT NOT NULL DEFAULT '',
  positive_list INTEGER NOT NULL DEFAULT 0,
  tags_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL DEFAULT '',
  status_decided_by TEXT NOT NULL DEFAULT '',
  latitude REAL,
  longitude REAL,
  last_violation_on TEXT,
  verified_complaints INTEGER NOT NULL DEFAULT 0,
  supervised_rectification INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  UNIQUE (bureau_id, stable_id)
);
CREATE INDEX entities_credit_code ON entities(credit_code);

CREATE TABLE inspectors (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  department TEXT NOT NULL,
  certificate_no TEXT,
  expert_id TEXT,
  expertise_json TEXT NOT NULL DEFAULT '[]',
  region TEXT NOT NULL DEFAULT '',
  years_of_service INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  UNIQUE (bureau_id, key)
);

CREATE TABLE recusals (
  inspector_id INTEGER NOT NULL REFERENCES inspectors(id) ON DELETE CASCADE,
  entity_stable_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (inspector_id, entity_stable_id)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  telegram_id INTEGER NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  department TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'zh-CN',
  inspector_id INTEGER REFERENCES inspectors(id),
  created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'coordinator', 'inspector')),
  PRIMARY KEY (user_id, role)
);

CREATE TABLE invites (
  code TEXT PRIMARY KEY,
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  roles TEXT NOT NULL,
  display_name TEXT NOT NULL,
  department TEXT NOT NULL DEFAULT '',
  inspector_id INTEGER REFERENCES inspectors(id),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_by_telegram_id INTEGER,
  used_at TEXT
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER REFERENCES bureaus(id),
  chat_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  not_before TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'undeliverable')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  sent_at TEXT,
  message_id INTEGER
);
CREATE INDEX outbox_due ON outbox(status, not_before);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  bureau_id INTEGER REFERENCES bureaus(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE processed_updates (
  update_id INTEGER PRIMARY KEY,
  at TEXT NOT NULL
);
