//! What the HTTP benchmark asks of a store's read models before the load: every cadre with
//! the events of their history (the busiest first), the logins to sign in with.
//!
//! These read the read models' tables directly, in one statement each, rather than through
//! the API: ranking 26,100 cadres of a province by asking for each history would take
//! minutes and append a `HistoryRead` per cadre. The test `tests/tests/bench_http.rs`
//! checks the ranking against the histories the API serves, so a change to these tables
//! that breaks it fails there.

use domain::ids::CadreId;
use rusqlite::Connection;
use uuid::Uuid;

/// A cadre and how many events their history (履责档案) holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CadreEvents {
    pub cadre_id: CadreId,
    pub events: u64,
}

/// Every stream of each cadre's history as `GET /api/v1/cadres/{id}/history` reads it
/// (see `api::v1::history::cadre_streams`): the cadre's own, their personal obligations'
/// entries and reminders, their filings, the problems naming them with their overdue
/// reminders, the accountability decisions and talks about them — each stream's events
/// counted once by the catalog read model. One pass over those tables, no pass over the
/// log.
const HISTORIES: &str = "\
WITH history (cadre_id, stream) AS (
    SELECT cadre_id, 'cadre-' || cadre_id FROM directory_cadres
    UNION ALL
    SELECT o.subject_id, k.prefix || o.obligation_id
      FROM (SELECT DISTINCT b.subject_id, k.obligation_id
              FROM board_obligations o
              JOIN board_subjects b ON b.subject_key = o.subject_key
              JOIN board_obligation_keys k ON k.obligation_key = o.obligation_key
             WHERE b.owner_kind = 'cadre' AND o.valid_to IS NULL) o,
           (SELECT 'obligation-' AS prefix UNION ALL SELECT 'reminder-') k
    UNION ALL
    SELECT cadre_id, 'filing-' || filing_id FROM filings
    UNION ALL
    SELECT p.cadre_id, k.prefix || p.problem_id
      FROM ledger_problems p, (SELECT 'problem-' AS prefix UNION ALL SELECT 'reminder-') k
     WHERE p.cadre_id IS NOT NULL
    UNION ALL
    SELECT cadre_id, 'accountability-' || record_id FROM accountability_records
     WHERE cadre_id IS NOT NULL
)
SELECT h.cadre_id, coalesce(sum(c.events), 0) AS events
  FROM history h LEFT JOIN catalog_streams c ON c.stream = h.stream
 GROUP BY h.cadre_id
 ORDER BY events DESC, h.cadre_id";

/// Every cadre with the events of their history now, most first (ties by id).
pub fn histories(c: &Connection) -> anyhow::Result<Vec<CadreEvents>> {
    let mut statement = c.prepare(HISTORIES)?;
    let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut cadres = Vec::new();
    for row in rows {
        let (id, events) = row?;
        cadres.push(CadreEvents {
            cadre_id: CadreId(Uuid::parse_str(&id)?),
            events: u64::try_from(events)?,
        });
    }
    Ok(cadres)
}

/// The active leader in charge (分管领导) of the most units: a scoped login.
const SCOPED_LEADER: &str = "\
SELECT u.username, count(*) AS units
  FROM directory_users u JOIN directory_leader_units l ON l.leader_id = u.link_id
 WHERE u.account_kind = 'leader' AND u.active = 1
 GROUP BY u.username
 ORDER BY units DESC, u.username
 LIMIT 1";

/// The login of the leader in charge of the most units, with how many; none if the store
/// has no leader with a login.
pub fn scoped_leader(c: &Connection) -> anyhow::Result<Option<(String, u64)>> {
    use rusqlite::OptionalExtension as _;
    Ok(c.query_row(SCOPED_LEADER, [], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })
    .optional()?
    .map(|(name, units)| (name, u64::try_from(units).unwrap_or(0))))
}

/// Active logins of principal leaders and team members (those with personal obligations),
/// by username.
const WRITERS: &str = "\
SELECT u.username, u.link_id
  FROM directory_users u JOIN directory_cadres c ON c.cadre_id = u.link_id
 WHERE u.account_kind = 'cadre' AND u.active = 1
   AND c.duty IN ('principal_leader', 'team_member')
 ORDER BY u.username";

/// The logins of cadres who may record their own duty entries, with their cadre ids.
pub fn writers(c: &Connection) -> anyhow::Result<Vec<(String, CadreId)>> {
    let mut statement = c.prepare(WRITERS)?;
    let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (username, id) = row?;
        found.push((username, CadreId(Uuid::parse_str(&id)?)));
    }
    Ok(found)
}

/// The active login of cadre `?1`.
const LOGIN_OF: &str = "\
SELECT username FROM directory_users
 WHERE link_id = ?1 AND account_kind = 'cadre' AND active = 1
 ORDER BY username LIMIT 1";

/// The login of `cadre`, if they have one.
pub fn login_of(c: &Connection, cadre: CadreId) -> anyhow::Result<Option<String>> {
    use rusqlite::OptionalExtension as _;
    Ok(c.query_row(LOGIN_OF, [cadre.to_string()], |r| r.get(0))
        .optional()?)
}
