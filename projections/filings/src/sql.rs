//! Every statement of the filings register (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");

pub(crate) const NAME_UPSERT: &str = "\
INSERT INTO filings_names (id, name) VALUES (?1, ?2) \
ON CONFLICT (id) DO UPDATE SET name = excluded.name";

/// `?1` id, `?2` position, `?3` cadre, `?4` unit, `?5` group, `?6`–`?9` purpose,
/// destination, leave_on, return_on, `?10` required, `?11` due_by, `?12` days_late,
/// `?13` filed_on, `?14` filed_at.
pub(crate) const TRAVEL_INSERT: &str = "\
INSERT OR IGNORE INTO filings (filing_id, position, kind, cadre_id, unit_id, group_id, \
    purpose, destination, leave_on, return_on, starts_on, ends_on, \
    required, due_by, days_late, status, revisions, filed_on, filed_at, updated_at, late_at) \
VALUES (?1, ?2, 'travel', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, \
    ?10, ?11, ?12, 'filed', 0, ?13, ?14, ?14, CASE WHEN ?12 > 0 THEN ?14 END)";

/// `?1` id, `?2` position, `?3` cadre, `?4` unit, `?5` group, `?6`–`?9` kind, date, scale,
/// venue, `?10` required, `?11` due_by, `?12` days_late, `?13` filed_on, `?14` filed_at.
pub(crate) const FAMILY_EVENT_INSERT: &str = "\
INSERT OR IGNORE INTO filings (filing_id, position, kind, cadre_id, unit_id, group_id, \
    event_kind, event_date, scale, venue, starts_on, ends_on, \
    required, due_by, days_late, status, revisions, filed_on, filed_at, updated_at, late_at) \
VALUES (?1, ?2, 'family_event', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?7, ?7, \
    ?10, ?11, ?12, 'filed', 0, ?13, ?14, ?14, CASE WHEN ?12 > 0 THEN ?14 END)";

/// `?1` id, `?2`–`?5` purpose, destination, leave_on, return_on, `?6` required, `?7`
/// due_by, `?8` days_late, `?9` at.
pub(crate) const TRAVEL_REVISE: &str = "\
UPDATE filings SET purpose = ?2, destination = ?3, leave_on = ?4, return_on = ?5, \
    starts_on = ?4, ends_on = ?5, required = ?6, due_by = ?7, days_late = ?8, \
    late_at = CASE WHEN ?8 > 0 THEN coalesce(late_at, ?9) END, \
    status = 'revised', revisions = revisions + 1, updated_at = ?9 \
WHERE filing_id = ?1";

/// `?1` id, `?2`–`?5` kind, date, scale, venue, `?6` required, `?7` due_by, `?8`
/// days_late, `?9` at.
pub(crate) const FAMILY_EVENT_REVISE: &str = "\
UPDATE filings SET event_kind = ?2, event_date = ?3, scale = ?4, venue = ?5, \
    starts_on = ?3, ends_on = ?3, required = ?6, due_by = ?7, days_late = ?8, \
    late_at = CASE WHEN ?8 > 0 THEN coalesce(late_at, ?9) END, \
    status = 'revised', revisions = revisions + 1, updated_at = ?9 \
WHERE filing_id = ?1";

pub(crate) const CANCEL: &str = "\
UPDATE filings SET status = 'cancelled', cancellation_reason = ?2, updated_at = ?3, \
    cancelled_at = ?3 \
WHERE filing_id = ?1";

/// `?1` id, `?2` returned_on, `?3` required, `?4` due_by, `?5` days_late, `?6` at.
pub(crate) const RETURN: &str = "\
UPDATE filings SET status = 'returned', returned_on = ?2, required = ?3, due_by = ?4, \
    days_late = ?5, late_at = CASE WHEN ?5 > 0 THEN coalesce(late_at, ?6) END, updated_at = ?6 \
WHERE filing_id = ?1";

pub(crate) const ACKNOWLEDGE: &str = "\
INSERT OR IGNORE INTO filings_acknowledgements \
    (filing_id, user_id, role, acknowledged_at, position) \
VALUES (?1, ?2, ?3, ?4, ?5)";

macro_rules! filing_columns {
    () => {
        "f.filing_id, f.position, f.kind, f.cadre_id, c.name, f.unit_id, u.name, f.group_id, \
         g.name, f.purpose, f.destination, f.leave_on, f.return_on, f.event_kind, \
         f.event_date, f.scale, f.venue, f.required, f.due_by, f.days_late, f.status, \
         f.revisions, f.returned_on, f.cancellation_reason, f.filed_on, f.filed_at, \
         f.updated_at \
         FROM filings f \
         LEFT JOIN filings_names c ON c.id = f.cadre_id \
         LEFT JOIN filings_names u ON u.id = f.unit_id \
         LEFT JOIN filings_names g ON g.id = f.group_id"
    };
}

pub(crate) const FILING: &str = concat!("SELECT ", filing_columns!(), " WHERE f.filing_id = ?1");

/// Newest first. `?1` cadre, `?2` unit (each NULL for any), `?3` from, `?4` to (the days
/// concerned overlap them; NULL for open), `?5` late only, `?6` positions below, `?7` the
/// visible cadres as a JSON array (NULL: everyone), `?8` how many.
pub(crate) const FILINGS: &str = concat!(
    "SELECT ",
    filing_columns!(),
    " WHERE (?1 IS NULL OR f.cadre_id = ?1) AND (?2 IS NULL OR f.unit_id = ?2) \
     AND (?3 IS NULL OR f.ends_on >= ?3) AND (?4 IS NULL OR f.starts_on <= ?4) \
     AND (?5 = 0 OR f.days_late > 0) AND f.position < ?6 \
     AND (?7 IS NULL OR f.cadre_id IN (SELECT value FROM json_each(?7))) \
     ORDER BY f.position DESC LIMIT ?8"
);

/// The filings of cadre `?1`, oldest first (one range of `filings_by_cadre`).
pub(crate) const FILING_IDS_OF_CADRE: &str =
    "SELECT filing_id FROM filings WHERE cadre_id = ?1 ORDER BY position";

/// The filings counted under unit `?1`, oldest first (one range of `filings_by_unit`).
pub(crate) const FILING_IDS_OF_UNIT: &str =
    "SELECT filing_id FROM filings WHERE unit_id = ?1 ORDER BY position";

pub(crate) const ACKNOWLEDGEMENTS: &str = "\
SELECT user_id, role, acknowledged_at FROM filings_acknowledgements \
WHERE filing_id = ?1 ORDER BY position";

// ---- statistics ----

/// Statistics: the filings filed (by the filer's local date) in `?2..=?3` and recorded by
/// `?1` (micros): kind, the filer's unit, whether late by `?1`, whether cancelled by `?1`.
pub(crate) const STATS_FILINGS: &str = "\
SELECT kind, unit_id, filed_on, late_at IS NOT NULL AND late_at <= ?1, \
    cancelled_at IS NOT NULL AND cancelled_at <= ?1, cadre_id \
FROM filings INDEXED BY filings_by_filed_on \
WHERE filed_on BETWEEN ?2 AND ?3 AND filed_at <= ?1";
