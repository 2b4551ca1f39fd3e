-- A deadline's reminders by deadline: rescheduling a visit (a draw creates tens of thousands,
-- a replacement or submission one) looked them up through the (status, fire_at) index, scanning
-- every pending reminder of the database each time.
CREATE INDEX reminders_by_deadline ON reminders(deadline_id, status);
