-- Accountability (问责): every decision and every admonishment talk (约谈), every circular
-- (通报) as it stands now, each finalised year of the assessment (考核), and the names of
-- the units and cadres they name. Built by projections/accountability; rebuilt from zero
-- when its version changes.
-- Dates are local dates of Asia/Shanghai as ISO text (YYYY-MM-DD, so they sort as dates);
-- instants are INTEGER microseconds since the Unix epoch, UTC; ids are UUIDs as text.
-- Structured values (basis, items, rules, scores) are JSON text, read back whole.

-- Decisions (AccountabilityDecided) and talks held (AdmonishmentTalkHeld).
CREATE TABLE IF NOT EXISTS accountability_records (
    record_id   TEXT    PRIMARY KEY,       -- the decision id or the talk id
    position    INTEGER NOT NULL UNIQUE,   -- of its event: the order, and the paging cursor
    kind        TEXT    NOT NULL,          -- decision | talk
    target_kind TEXT    NOT NULL,          -- unit | cadre (a talk's is cadre)
    unit_id     TEXT    NOT NULL,          -- the unit, or the cadre's unit then
    cadre_id    TEXT,
    measure     TEXT    NOT NULL,          -- Measure's wire name (a talk's is talk)
    text        TEXT    NOT NULL,          -- the reason, or the talk's summary
    held_by     TEXT,                      -- a talk's
    basis       TEXT    NOT NULL,          -- JSON {obligations, problems, filings}
    dated       TEXT    NOT NULL,          -- decided_on, or held_on
    proposed    TEXT,                      -- what the platform had proposed (decisions)
    recorded_at INTEGER NOT NULL,          -- the event's
    actor       TEXT    NOT NULL           -- the event's, e.g. user:jiwei
) STRICT, WITHOUT ROWID;

-- Listing newest first, by one filter each; counting by date range.
CREATE INDEX IF NOT EXISTS accountability_by_unit ON accountability_records (unit_id, position);
CREATE INDEX IF NOT EXISTS accountability_by_cadre ON accountability_records (cadre_id, position)
    WHERE cadre_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS accountability_by_date ON accountability_records (dated, kind, unit_id);

-- Circulars, as they stand now: the latest text of a draft, or the published text.
CREATE TABLE IF NOT EXISTS accountability_circulars (
    circular_id  TEXT    PRIMARY KEY,
    position     INTEGER NOT NULL UNIQUE,  -- of CircularDrafted
    period_from  TEXT    NOT NULL,
    period_to    TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    items        TEXT    NOT NULL,         -- JSON array of CircularItem
    status       TEXT    NOT NULL,         -- draft | published
    published_on TEXT,
    published_at INTEGER,
    drafted_at   INTEGER NOT NULL,
    revisions    INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Finalised years of the assessment (AssessmentFinalised), one row each.
CREATE TABLE IF NOT EXISTS accountability_assessments (
    year         INTEGER PRIMARY KEY,
    rules        TEXT    NOT NULL,         -- JSON AssessmentRules
    finalised_on TEXT    NOT NULL,
    scores       TEXT    NOT NULL,         -- JSON array of UnitScore
    recorded_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The names of units and cadres, by id, as known now.
CREATE TABLE IF NOT EXISTS accountability_names (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT, WITHOUT ROWID;
