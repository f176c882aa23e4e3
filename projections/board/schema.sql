-- The board read model: obligations, their duty entries and the organisation that owns
-- them, kept as versions so the board can be asked "as of" any instant (DESIGN.md §3,
-- bitemporal replay). Built by projections/board; rebuilt from zero when its version
-- changes.
--
-- Every instant is an INTEGER of microseconds since the Unix epoch, UTC: the recorded_at of
-- the event that made the fact known. A version is visible at instant t when
--     valid_from <= t AND (valid_to IS NULL OR valid_to > t).
-- recorded_at never decreases along the log, so rows written later never change what an
-- earlier instant sees. Ids are UUIDs as text, held once each and joined by integer keys;
-- dates are local (Asia/Shanghai) ISO dates or days from 0001-01-01.
--
-- The indexes here are those the fold itself reads; the ones only queries use are in
-- indexes.sql.

CREATE TABLE IF NOT EXISTS board_units (
    unit_id       TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL,  -- party_committee | working_committee | party_group
    registered_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS board_groups (
    group_id      TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    registered_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Which units a discipline group is stationed in, over time.
CREATE TABLE IF NOT EXISTS board_stationing (
    group_id   TEXT    NOT NULL,
    unit_id    TEXT    NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER
) STRICT;

CREATE INDEX IF NOT EXISTS board_stationing_by_group ON board_stationing (group_id, valid_from);

-- Cadres as versions: a transfer closes one and opens the next. The owner is where the
-- cadre's personal obligations are counted: their unit, or their discipline group.
CREATE TABLE IF NOT EXISTS board_cadres (
    version       INTEGER PRIMARY KEY,
    cadre_id      TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    post          TEXT    NOT NULL,
    duty          TEXT    NOT NULL,  -- principal_leader | team_member | discipline_group
    owner_kind    TEXT    NOT NULL,  -- unit | group
    owner_id      TEXT    NOT NULL,
    direct_leader TEXT,
    valid_from    INTEGER NOT NULL,
    valid_to      INTEGER
) STRICT;

CREATE INDEX IF NOT EXISTS board_cadres_by_id ON board_cadres (cadre_id, valid_from);

-- Responsibility lists as the fold needs them: the current items (JSON array of DutyItem)
-- and the subjects they are assigned to.
CREATE TABLE IF NOT EXISTS board_lists (
    list_id      TEXT    PRIMARY KEY,
    year         INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    items        TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    revised_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS board_list_subjects (
    list_id      TEXT    NOT NULL,
    subject_kind TEXT    NOT NULL,
    subject_id   TEXT    NOT NULL,
    assigned_at  INTEGER NOT NULL,
    PRIMARY KEY (list_id, subject_kind, subject_id)
) STRICT, WITHOUT ROWID;

-- Small integer keys for subjects, so the board's scans and joins compare integers, not
-- 36-character ids.
CREATE TABLE IF NOT EXISTS board_subjects (
    subject_key  INTEGER PRIMARY KEY,
    subject_id   TEXT    NOT NULL UNIQUE,
    subject_kind TEXT    NOT NULL,
    owner_kind   TEXT    NOT NULL   -- unit | group | cadre
) STRICT;

-- An obligation's integer key is worked out from its id (`keys::candidate`): the id's
-- 128 bits mixed down to 62, then the first of the next 16 integers not taken by another
-- id (two ids of one province sharing a candidate is about a one-in-ten-million chance).
-- Finding a key is one probe of this table's integer key, and the fold keeps no index of
-- text ids.
CREATE TABLE IF NOT EXISTS board_obligation_keys (
    obligation_key INTEGER PRIMARY KEY,
    obligation_id  TEXT    NOT NULL
) STRICT;

-- What an obligation asks of its subject, stored once for every subject and period it is
-- imposed on: a list item as published or revised (a revision that changes the item adds
-- a row), or a key task as set.
CREATE TABLE IF NOT EXISTS board_items (
    item_key       INTEGER PRIMARY KEY,
    source_kind    TEXT    NOT NULL,  -- list_item | key_task
    source_id      TEXT    NOT NULL,  -- the list or the task
    item_id        TEXT,
    responsibility TEXT    NOT NULL,  -- principal | supervisory
    category       TEXT    NOT NULL,
    content        TEXT    NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS board_items_by_source ON board_items (source_id, item_id);

-- Obligations as versions: the obligation (its key), whose (the subject's key) and what
-- (the item's key), for which period and by when. Personal obligations are counted under
-- the cadre's owner at the instant asked. The id's 16 bytes are here too, so listing a
-- subject's obligations reads no row of board_obligation_keys (whose keys are scattered).
CREATE TABLE IF NOT EXISTS board_obligations (
    version        INTEGER PRIMARY KEY,
    obligation_key INTEGER NOT NULL,
    obligation_id  BLOB    NOT NULL,
    subject_key    INTEGER NOT NULL,
    item_key       INTEGER NOT NULL,
    period         TEXT    NOT NULL,  -- Period key: 2026, 2026-H1, 2026-Q3, 2026-M07, 2026-once
    deadline_day   INTEGER NOT NULL,  -- the deadline as days from 0001-01-01 (CE)
    required_count INTEGER NOT NULL,
    valid_from     INTEGER NOT NULL,
    valid_to       INTEGER
) STRICT;

-- The open versions of a source's obligations, for a revision to compare (through its items).
CREATE INDEX IF NOT EXISTS board_obligations_open_by_item
    ON board_obligations (item_key) WHERE valid_to IS NULL;

-- Duty entries, within their obligation. backfill = 1 for a late backfill (DutyBackfilled).
-- performed_on and content are as first recorded; corrections are in
-- board_entry_corrections. An entry is named within its obligation: entry ids are unique
-- per obligation stream, and nothing stops a client from reusing one in another obligation.
CREATE TABLE IF NOT EXISTS board_entries (
    obligation_key INTEGER NOT NULL,
    entry_id       TEXT    NOT NULL,
    backfill       INTEGER NOT NULL,
    recorded_at    INTEGER NOT NULL,
    withdrawn_at   INTEGER,
    performed_on   TEXT    NOT NULL,
    content        TEXT    NOT NULL,
    recorded_by    TEXT    NOT NULL,
    PRIMARY KEY (obligation_key, entry_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS board_entry_corrections (
    obligation_key INTEGER NOT NULL,
    entry_id       TEXT    NOT NULL,
    recorded_at    INTEGER NOT NULL,
    seq            INTEGER NOT NULL,  -- the event's position, to order corrections of one instant
    performed_on   TEXT    NOT NULL,
    content        TEXT    NOT NULL,
    PRIMARY KEY (obligation_key, entry_id, seq)
) STRICT, WITHOUT ROWID;

-- The deadline watcher's reminders already in the log (YellowWeekEntered, AdmonishmentDue):
-- the watcher looks for the ones due and not yet here.
CREATE TABLE IF NOT EXISTS board_reminders (
    obligation_key INTEGER NOT NULL,
    kind           TEXT    NOT NULL,  -- yellow_week | admonishment
    recorded_at    INTEGER NOT NULL,
    PRIMARY KEY (obligation_key, kind)
) STRICT, WITHOUT ROWID;
