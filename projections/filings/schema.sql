-- The filings register (事项报备): one row per filing with its state as it stands now, the
-- acknowledgements of those it was shown to, and the names of the cadres, units and groups
-- it names. Built by projections/filings; rebuilt from zero when its version changes.
-- Dates are local dates of Asia/Shanghai as ISO text (YYYY-MM-DD, so they sort as dates);
-- instants are INTEGER microseconds since the Unix epoch, UTC; ids are UUIDs as text.

CREATE TABLE IF NOT EXISTS filings (
    filing_id     TEXT    PRIMARY KEY,
    position      INTEGER NOT NULL UNIQUE, -- of the filing's first event: the order of the register
    kind          TEXT    NOT NULL,        -- travel | family_event
    cadre_id      TEXT    NOT NULL,        -- the filer
    unit_id       TEXT,                    -- the filer's unit when filing
    group_id      TEXT,                    -- or discipline group
    -- a travel
    purpose       TEXT,                    -- on_duty | private
    destination   TEXT,
    leave_on      TEXT,
    return_on     TEXT,
    -- a family event
    event_kind    TEXT,                    -- wedding | child_wedding | funeral
    event_date    TEXT,
    scale         TEXT,
    venue         TEXT,
    -- the days it concerns (leave to planned return, or the event's date), for ranges
    starts_on     TEXT    NOT NULL,
    ends_on       TEXT    NOT NULL,
    required      INTEGER NOT NULL,
    due_by        TEXT,
    days_late     INTEGER NOT NULL,
    status        TEXT    NOT NULL,        -- filed | revised | cancelled | returned
    revisions     INTEGER NOT NULL,
    returned_on   TEXT,
    cancellation_reason TEXT,
    filed_on      TEXT    NOT NULL,
    filed_at      INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    -- when it became late (days_late > 0: at its filing, or at the revision or reported
    -- return that made a travel need filing), and when it was cancelled: the statistics
    -- ask "late / cancelled as of an instant"
    late_at       INTEGER,
    cancelled_at  INTEGER
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS filings_by_cadre ON filings (cadre_id, position);
CREATE INDEX IF NOT EXISTS filings_by_unit ON filings (unit_id, position) WHERE unit_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS filings_late ON filings (position) WHERE days_late > 0;
-- The statistics count filings by the date they were filed on.
CREATE INDEX IF NOT EXISTS filings_by_filed_on ON filings (filed_on);

-- 已阅: one row per user who acknowledged a filing.
CREATE TABLE IF NOT EXISTS filings_acknowledgements (
    filing_id       TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    acknowledged_at INTEGER NOT NULL,
    position        INTEGER NOT NULL,       -- of the FilingAcknowledged event: their order
    PRIMARY KEY (filing_id, user_id)
) STRICT, WITHOUT ROWID;

-- The names of cadres, units and discipline groups, by id.
CREATE TABLE IF NOT EXISTS filings_names (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT, WITHOUT ROWID;
