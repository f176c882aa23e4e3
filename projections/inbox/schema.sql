-- The notifications read model (通知提醒): what can be told to someone — a reminder of the
-- deadline watcher, a filing awaiting a leader's acknowledgement — and what each user has
-- read. Who is told what is decided when asked, by the asker's role and scope now (ADR
-- 0008), so a transfer re-addresses the inbox at once. Built by projections/inbox.
-- Instants are INTEGER microseconds since the Unix epoch, UTC; ids are UUIDs as text.

CREATE TABLE IF NOT EXISTS inbox_items (
    key           TEXT    PRIMARY KEY,   -- the id of the event it tells of: stable everywhere
    position      INTEGER NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,      -- yellow_week | admonishment | filing | rectification_overdue
    subject_kind  TEXT,                  -- reminders: leadership_team | principal_leader | team_member | discipline_group | problem_unit
    subject_id    TEXT,                  -- reminders: the unit, cadre or group (a problem's: its unit)
    cadre_id      TEXT,                  -- the personal subject's cadre, or the filer
    obligation_id TEXT,
    filing_id     TEXT,
    problem_id    TEXT,
    deadline      TEXT,                  -- reminders: the obligation's deadline or the problem's rectify-by date
    title         TEXT    NOT NULL,      -- zh-CN
    occurred_at   INTEGER NOT NULL,
    closed        INTEGER NOT NULL DEFAULT 0  -- a cancelled filing: nothing left to do
) STRICT;

CREATE INDEX IF NOT EXISTS inbox_items_by_filing ON inbox_items (filing_id);

-- Who acknowledged which filing (its item leaves their inbox).
CREATE TABLE IF NOT EXISTS inbox_acks (
    filing_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (filing_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS inbox_reads (
    user_id TEXT    NOT NULL,
    key     TEXT    NOT NULL,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

-- Each marking of notifications read (a NotificationsRead event): what it answered, so
-- that a retry of the request with the same Idempotency-Key gets the same answer back even
-- after more notifications arrived (the event's id comes from the key; `request` is the
-- fingerprint of the request, its correlation id).
CREATE TABLE IF NOT EXISTS inbox_markings (
    event_id TEXT    PRIMARY KEY,
    user_id  TEXT    NOT NULL,
    request  TEXT,
    marked   INTEGER NOT NULL,
    position INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The indexes only its queries use are in indexes.sql.
