//! Every statement of the inbox (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");
pub(crate) const QUERY_INDEXES: &str = include_str!("../indexes.sql");

pub(crate) const INSERT_ITEM: &str = "\
INSERT INTO inbox_items \
    (key, position, kind, subject_kind, subject_id, cadre_id, obligation_id, filing_id, \
     deadline, title, occurred_at, problem_id) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
ON CONFLICT (key) DO NOTHING";

pub(crate) const CLOSE_FILING: &str = "UPDATE inbox_items SET closed = 1 WHERE filing_id = ?1";

pub(crate) const ACK: &str =
    "INSERT OR IGNORE INTO inbox_acks (filing_id, user_id) VALUES (?1, ?2)";

pub(crate) const READ: &str =
    "INSERT OR IGNORE INTO inbox_reads (user_id, key, read_at) VALUES (?1, ?2, ?3)";

pub(crate) const MARKING: &str = "INSERT OR IGNORE INTO inbox_markings \
     (event_id, user_id, request, marked, position) VALUES (?1, ?2, ?3, ?4, ?5)";

pub(crate) const MARKING_OF: &str =
    "SELECT user_id, request, marked, position FROM inbox_markings WHERE event_id = ?1";

/// The open items that may concern someone who sees everything (`?2` = 1) or the ids of
/// the JSON array `?3` (units, groups, cadres), newest first, with whether user `?1` read
/// each and acknowledged its filing.
pub(crate) const CANDIDATES: &str = "\
SELECT i.key, i.position, i.kind, i.subject_kind, i.subject_id, i.cadre_id, i.obligation_id, \
       i.filing_id, i.deadline, i.title, i.occurred_at, \
       EXISTS (SELECT 1 FROM inbox_reads r WHERE r.user_id = ?1 AND r.key = i.key), \
       EXISTS (SELECT 1 FROM inbox_acks a WHERE a.filing_id = i.filing_id AND a.user_id = ?1), \
       i.problem_id \
FROM inbox_items i \
WHERE i.closed = 0 \
  AND (?2 = 1 \
       OR i.subject_id IN (SELECT value FROM json_each(?3)) \
       OR i.cadre_id IN (SELECT value FROM json_each(?3))) \
ORDER BY i.position DESC";

/// Every item after position `?1`, oldest first, at most `?2` (for delivery).
pub(crate) const ITEMS_AFTER: &str = "\
SELECT key, position, kind, subject_kind, subject_id, cadre_id, obligation_id, filing_id, \
       deadline, title, occurred_at, 0, 0, problem_id \
FROM inbox_items WHERE position > ?1 ORDER BY position LIMIT ?2";
