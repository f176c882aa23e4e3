//! Every statement of the directory (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");

pub(crate) const USER_INSERT: &str = "\
INSERT INTO directory_users \
    (user_id, username, display_name, account_kind, link_id, active, registered_at) \
VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6) \
ON CONFLICT (user_id) DO NOTHING";

pub(crate) const USER_SET_ACTIVE: &str =
    "UPDATE directory_users SET active = ?2 WHERE user_id = ?1";

pub(crate) const CADRE_UPSERT: &str = "\
INSERT INTO directory_cadres (cadre_id, name, duty, owner_id, direct_leader) \
VALUES (?1, ?2, ?3, ?4, ?5) \
ON CONFLICT (cadre_id) DO UPDATE SET \
    duty = excluded.duty, owner_id = excluded.owner_id, direct_leader = excluded.direct_leader";

/// A transfer keeps the name the cadre was registered with.
pub(crate) const CADRE_TRANSFER: &str = "\
UPDATE directory_cadres SET duty = ?2, owner_id = ?3, direct_leader = ?4 WHERE cadre_id = ?1";

pub(crate) const STATIONING_CLEAR: &str = "DELETE FROM directory_stationing WHERE group_id = ?1";
pub(crate) const STATIONING_ADD: &str =
    "INSERT OR IGNORE INTO directory_stationing (group_id, unit_id) VALUES (?1, ?2)";

pub(crate) const LEADER_UNITS_CLEAR: &str =
    "DELETE FROM directory_leader_units WHERE leader_id = ?1";
pub(crate) const LEADER_UNITS_ADD: &str =
    "INSERT OR IGNORE INTO directory_leader_units (leader_id, unit_id) VALUES (?1, ?2)";

pub(crate) const ACCESS_INSERT: &str = "\
INSERT OR IGNORE INTO directory_access (position, reader, cadre_id, as_of, read_at, purpose) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

macro_rules! user_columns {
    () => {
        "user_id, username, display_name, account_kind, link_id, active"
    };
}

pub(crate) const USER_BY_ID: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM directory_users WHERE user_id = ?1"
);

pub(crate) const USER_BY_LINK: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM directory_users WHERE link_id = ?1 AND active = 1 ORDER BY username LIMIT 1"
);

pub(crate) const USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM directory_users ORDER BY username"
);

pub(crate) const CADRE_DUTY: &str =
    "SELECT duty, owner_id FROM directory_cadres WHERE cadre_id = ?1";

pub(crate) const CADRES_OF_OWNER: &str =
    "SELECT cadre_id FROM directory_cadres WHERE owner_id = ?1";

pub(crate) const STATIONED_UNITS: &str =
    "SELECT unit_id FROM directory_stationing WHERE group_id = ?1";

pub(crate) const LEADER_UNITS: &str =
    "SELECT unit_id FROM directory_leader_units WHERE leader_id = ?1";

/// Newest first; `?1` cadre, `?2` reader (each NULL for any), `?3` positions below,
/// `?4` how many.
pub(crate) const ACCESS_READS: &str = "\
SELECT a.position, a.reader, u.username, a.cadre_id, c.name, a.as_of, a.read_at, a.purpose \
FROM directory_access a \
LEFT JOIN directory_users u ON u.user_id = a.reader \
LEFT JOIN directory_cadres c ON c.cadre_id = a.cadre_id \
WHERE (?1 IS NULL OR a.cadre_id = ?1) AND (?2 IS NULL OR a.reader = ?2) AND a.position < ?3 \
ORDER BY a.position DESC LIMIT ?4";
