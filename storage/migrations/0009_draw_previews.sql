-- 0009 the target of a targeted draw (定向抽查) previewed in chat, so that its confirm button can
-- stay short (callback data is limited to 64 bytes): the button carries the period and the
-- preview token (the start of the frame's snapshot hash, which covers the target), and the
-- confirmation reads the target back by them. Rows are small and kept; the token binds each to
-- exactly one frame, so an old button still finds its own target.
CREATE TABLE draw_previews (
  bureau_id INTEGER NOT NULL REFERENCES bureaus(id),
  period TEXT NOT NULL,
  token TEXT NOT NULL,
  target_json TEXT NOT NULL,
  previewed_by TEXT NOT NULL,
  previewed_at TEXT NOT NULL,
  PRIMARY KEY (bureau_id, period, token)
);
