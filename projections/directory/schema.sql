-- The directory read model: who each login is, the organisation as it stands now (not as
-- versions: scope follows today's relations, ADR 0008), and the record of history reads.
-- Built by projections/directory; rebuilt from zero when its version changes. Instants are
-- INTEGER microseconds since the Unix epoch, UTC; ids are UUIDs as text.

CREATE TABLE IF NOT EXISTS directory_users (
    user_id       TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    account_kind  TEXT    NOT NULL,  -- cadre | leader | commission | auditor | regulator
    link_id       TEXT,              -- the cadre or leader, for those kinds
    active        INTEGER NOT NULL,
    registered_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS directory_users_by_link ON directory_users (link_id)
    WHERE link_id IS NOT NULL;

-- Each cadre's current duty: owner_id is the unit (principal_leader, team_member) or the
-- discipline group (discipline_group).
CREATE TABLE IF NOT EXISTS directory_cadres (
    cadre_id      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    duty          TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    direct_leader TEXT
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS directory_cadres_by_owner ON directory_cadres (owner_id);

CREATE TABLE IF NOT EXISTS directory_stationing (
    group_id TEXT NOT NULL,
    unit_id  TEXT NOT NULL,
    PRIMARY KEY (group_id, unit_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS directory_leader_units (
    leader_id TEXT NOT NULL,
    unit_id   TEXT NOT NULL,
    PRIMARY KEY (leader_id, unit_id)
) STRICT, WITHOUT ROWID;

-- 查阅记录: one row per HistoryRead event.
CREATE TABLE IF NOT EXISTS directory_access (
    position INTEGER PRIMARY KEY,
    reader   TEXT    NOT NULL,
    cadre_id TEXT    NOT NULL,
    as_of    INTEGER,
    read_at  INTEGER NOT NULL,
    -- 查阅事由; '' when not stated.
    purpose  TEXT    NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS directory_access_by_cadre ON directory_access (cadre_id, position);
CREATE INDEX IF NOT EXISTS directory_access_by_reader ON directory_access (reader, position);
