-- The problem ledger (问题台账): one row per problem with its state as it stands now, every
-- step of its rectification (销号整改) in order, and the names of the units and cadres it
-- names. Built by projections/ledger; rebuilt from zero when its version changes.
-- Dates are local dates of Asia/Shanghai as ISO text (YYYY-MM-DD, so they sort as dates);
-- instants are INTEGER microseconds since the Unix epoch, UTC; ids are UUIDs as text.
-- Lights and "overdue" are not stored: they depend on the instant asked about.

CREATE TABLE IF NOT EXISTS ledger_problems (
    problem_id    TEXT    PRIMARY KEY,
    position      INTEGER NOT NULL UNIQUE, -- of the ProblemRegistered event: the ledger's order
    unit_id       TEXT    NOT NULL,
    cadre_id      TEXT,
    source        TEXT    NOT NULL,        -- audit | inspection | supervision | platform | other
    type_key      TEXT    NOT NULL,
    type_label    TEXT    NOT NULL,
    severity      TEXT    NOT NULL,        -- minor | moderate | serious
    description   TEXT    NOT NULL,
    found_on      TEXT    NOT NULL,
    rectify_by    TEXT    NOT NULL,
    status        TEXT    NOT NULL,        -- registered | planned | rectifying | submitted | closed
    plan          TEXT,
    progress_entries INTEGER NOT NULL,
    rejections    INTEGER NOT NULL,
    last_rejection_reason TEXT,
    closed_on     TEXT,
    closed_at     INTEGER,
    registered_on TEXT    NOT NULL,
    registered_at INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    -- 1 once the deadline watcher's RectificationOverdue (整改逾期提醒) is in the log.
    overdue_reminded INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ledger_by_unit ON ledger_problems (unit_id, position);
-- A cadre's history asks for the problems naming them.
CREATE INDEX IF NOT EXISTS ledger_by_cadre ON ledger_problems (cadre_id, registered_at)
    WHERE cadre_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ledger_open_by_due ON ledger_problems (rectify_by) WHERE closed_at IS NULL;

-- Every step of a problem, in the order of the log.
CREATE TABLE IF NOT EXISTS ledger_timeline (
    problem_id  TEXT    NOT NULL,
    position    INTEGER NOT NULL,          -- of the step's event
    step        TEXT    NOT NULL,          -- registered | planned | progressed | closing_requested | closing_rejected | closed
    actor       TEXT    NOT NULL,          -- the envelope's actor, e.g. user:jiwei
    relation    TEXT    NOT NULL,          -- the actor's relation to the problem
    at          INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,          -- JSON array of {sha256, file_name}
    PRIMARY KEY (problem_id, position)
) STRICT, WITHOUT ROWID;

-- The names of units and cadres, by id.
CREATE TABLE IF NOT EXISTS ledger_names (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT, WITHOUT ROWID;
