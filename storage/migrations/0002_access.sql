-- 0002 access: strangers refused once, documents awaiting a coordinator's choice of registry.
CREATE TABLE strangers (
  telegram_id INTEGER PRIMARY KEY,
  first_seen TEXT NOT NULL,
  messages INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE uploads (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  file_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT
);
