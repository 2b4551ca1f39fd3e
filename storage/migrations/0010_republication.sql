-- 0010 更正后重新公开: a result already published whose record is then corrected (a manager approved
-- the correction and the corrected version was submitted) is marked `republish`; the next
-- publication publishes its current version in place of the old row (public_json, saying it was
-- corrected and when), or takes it down if it must now be withheld. published_on keeps the first
-- publication, which the deadline figures count.
ALTER TABLE disclosures ADD COLUMN republish INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disclosures ADD COLUMN republished_at TEXT;  -- the latest re-publication (UTC)
ALTER TABLE publications ADD COLUMN rows_republished INTEGER NOT NULL DEFAULT 0;

-- corrections submitted before this migration, after their result was published
UPDATE disclosures SET republish = 1
WHERE status = 'published' AND EXISTS (
  SELECT 1 FROM inspection_records r
  WHERE r.inspection_id = disclosures.inspection_id AND r.version > 1
    AND julianday(r.submitted_at) > julianday(disclosures.published_at)
);
