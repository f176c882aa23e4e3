-- The board's query indexes: those only its queries (and the deadline watcher) use, not
-- its fold. The live model always has them; a rebuild creates them after its fold, one
-- sort each, instead of inserting into each for every row (Projection::query_indexes).

CREATE INDEX IF NOT EXISTS board_cadres_by_owner ON board_cadres (owner_id, valid_from);

-- The board counts the versions valid at an instant per subject and deadline, and looks
-- up those with entries: these covering indexes keep both off the wide rows.
CREATE INDEX IF NOT EXISTS board_obligations_by_subject_key
    ON board_obligations (subject_key, valid_from, valid_to, deadline_day, required_count);
CREATE INDEX IF NOT EXISTS board_obligations_by_key
    ON board_obligations (obligation_key, valid_from, valid_to, subject_key, deadline_day, required_count);

CREATE INDEX IF NOT EXISTS board_entries_by_key
    ON board_entries (obligation_key, recorded_at, backfill, withdrawn_at);

-- The watcher scans obligations by deadline.
CREATE INDEX IF NOT EXISTS board_obligations_by_deadline
    ON board_obligations (deadline_day, valid_from, valid_to);
