-- Oversight records (廉情数据): every record, entered by hand or imported, one row per
-- import, and the units and cadres as known now (to check an import's rows against).
-- Built by projections/oversight; rebuilt from zero when its version changes.
-- Dates are local dates of Asia/Shanghai as ISO text (YYYY-MM-DD, so they sort as dates);
-- instants are INTEGER microseconds since the Unix epoch, UTC; ids are UUIDs as text.

CREATE TABLE IF NOT EXISTS oversight_records (
    record_id   TEXT    PRIMARY KEY,
    -- The order of the records, newest last, and the paging cursor: the global position of
    -- the record's event × 65536 + its place in that event (0 for a record by hand). The
    -- records of one import part share a position, so the position alone cannot page them.
    cursor      INTEGER NOT NULL UNIQUE,
    import_id   TEXT,                      -- NULL for a record entered by hand
    line        INTEGER,                   -- its line in the imported file (header = 1)
    kind        TEXT    NOT NULL,          -- OversightKind's wire name
    unit_id     TEXT    NOT NULL,
    cadre_id    TEXT,
    occurred_on TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    reference   TEXT,
    recorded_at INTEGER NOT NULL,          -- the event's
    actor       TEXT    NOT NULL,          -- the event's, e.g. user:jiwei
    position    INTEGER NOT NULL           -- of its event
) STRICT, WITHOUT ROWID;

-- Listing newest first, by one filter each.
CREATE INDEX IF NOT EXISTS oversight_by_unit ON oversight_records (unit_id, cursor);
CREATE INDEX IF NOT EXISTS oversight_by_cadre ON oversight_records (cadre_id, cursor)
    WHERE cadre_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS oversight_by_kind ON oversight_records (kind, cursor);
CREATE INDEX IF NOT EXISTS oversight_by_import ON oversight_records (import_id, cursor)
    WHERE import_id IS NOT NULL;
-- Statistics by date range (covering: per unit, kind and month).
CREATE INDEX IF NOT EXISTS oversight_by_date ON oversight_records (occurred_on, unit_id, kind);

-- One row per import, written with its first part.
CREATE TABLE IF NOT EXISTS oversight_imports (
    import_id   TEXT    PRIMARY KEY,
    file_name   TEXT    NOT NULL,
    encoding    TEXT    NOT NULL,          -- xlsx | utf-8 | gb18030
    rows        INTEGER NOT NULL,          -- records in the whole import
    recorded_at INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    position    INTEGER NOT NULL UNIQUE    -- of its first part's event
) STRICT, WITHOUT ROWID;

-- The units as known now.
CREATE TABLE IF NOT EXISTS oversight_units (
    unit_id TEXT PRIMARY KEY,
    name    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The cadres as known now, with the unit of their current duty (NULL for a discipline
-- group's cadre).
CREATE TABLE IF NOT EXISTS oversight_cadres (
    cadre_id TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    unit_id  TEXT
) STRICT, WITHOUT ROWID;
