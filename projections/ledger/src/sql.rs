//! Every statement of the problem ledger (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");

pub(crate) const NAME_UPSERT: &str = "\
INSERT INTO ledger_names (id, name) VALUES (?1, ?2) \
ON CONFLICT (id) DO UPDATE SET name = excluded.name";

/// `?1` id, `?2` position, `?3` unit, `?4` cadre, `?5` source, `?6` type key, `?7` type
/// label, `?8` severity, `?9` description, `?10` found_on, `?11` rectify_by, `?12`
/// registered_on, `?13` at.
pub(crate) const REGISTER: &str = "\
INSERT OR IGNORE INTO ledger_problems (problem_id, position, unit_id, cadre_id, source, \
    type_key, type_label, severity, description, found_on, rectify_by, status, \
    progress_entries, rejections, registered_on, registered_at, updated_at) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'registered', 0, 0, ?12, ?13, ?13)";

pub(crate) const PLAN: &str = "\
UPDATE ledger_problems SET status = 'planned', plan = ?2, updated_at = ?3 WHERE problem_id = ?1";

pub(crate) const PROGRESS: &str = "\
UPDATE ledger_problems SET status = 'rectifying', progress_entries = progress_entries + 1, \
    updated_at = ?2 WHERE problem_id = ?1";

pub(crate) const SUBMIT: &str = "\
UPDATE ledger_problems SET status = 'submitted', updated_at = ?2 WHERE problem_id = ?1";

pub(crate) const REJECT: &str = "\
UPDATE ledger_problems SET status = 'rectifying', rejections = rejections + 1, \
    last_rejection_reason = ?2, updated_at = ?3 WHERE problem_id = ?1";

pub(crate) const CLOSE: &str = "\
UPDATE ledger_problems SET status = 'closed', closed_on = ?2, closed_at = ?3, updated_at = ?3 \
WHERE problem_id = ?1";

/// `?1` problem, `?2` position, `?3` step, `?4` actor, `?5` relation, `?6` at, `?7` text,
/// `?8` evidence (JSON).
pub(crate) const STEP: &str = "\
INSERT OR IGNORE INTO ledger_timeline (problem_id, position, step, actor, relation, at, text, evidence) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

macro_rules! problem_columns {
    () => {
        "p.problem_id, p.position, p.unit_id, u.name, p.cadre_id, c.name, p.source, \
         p.type_key, p.type_label, p.severity, p.description, p.found_on, p.rectify_by, \
         p.status, p.plan, p.progress_entries, p.rejections, p.last_rejection_reason, \
         p.closed_on, p.closed_at, p.registered_on, p.registered_at, p.updated_at \
         FROM ledger_problems p \
         LEFT JOIN ledger_names u ON u.id = p.unit_id \
         LEFT JOIN ledger_names c ON c.id = p.cadre_id"
    };
}

pub(crate) const PROBLEM: &str = concat!("SELECT ", problem_columns!(), " WHERE p.problem_id = ?1");

/// Newest first. `?1` unit, `?2` status, `?3` type key, `?4` source (each NULL for any),
/// `?5` from, `?6` to (found_on, each end included, NULL for open), `?7` overdue only,
/// `?8` as_of (micros: registered by then; closed by then counts as closed), `?9` today at
/// as_of (local date), `?10` positions below, `?11` visible units and `?12` visible cadres
/// as JSON arrays (NULL: everything), `?13` how many.
pub(crate) const PROBLEMS: &str = concat!(
    "SELECT ",
    problem_columns!(),
    " WHERE (?1 IS NULL OR p.unit_id = ?1) AND (?2 IS NULL OR p.status = ?2) \
     AND (?3 IS NULL OR p.type_key = ?3) AND (?4 IS NULL OR p.source = ?4) \
     AND (?5 IS NULL OR p.found_on >= ?5) AND (?6 IS NULL OR p.found_on <= ?6) \
     AND (?7 = 0 OR ((p.closed_at IS NULL OR p.closed_at > ?8) AND p.rectify_by < ?9)) \
     AND p.registered_at <= ?8 AND p.position < ?10 \
     AND (?11 IS NULL OR p.unit_id IN (SELECT value FROM json_each(?11)) \
          OR p.cadre_id IN (SELECT value FROM json_each(?12))) \
     ORDER BY p.position DESC LIMIT ?13"
);

/// The problems naming cadre `?1` registered by `?2`, oldest first.
pub(crate) const PROBLEMS_NAMING: &str = "SELECT problem_id FROM ledger_problems \
     WHERE cadre_id = ?1 AND registered_at <= ?2 ORDER BY position";

/// The problems of unit `?1` registered by `?2`, oldest first.
pub(crate) const PROBLEMS_OF_UNIT: &str = "SELECT problem_id FROM ledger_problems \
     WHERE unit_id = ?1 AND registered_at <= ?2 ORDER BY position";

pub(crate) const TIMELINE: &str = "\
SELECT position, step, actor, relation, at, text, evidence FROM ledger_timeline \
WHERE problem_id = ?1 ORDER BY position";

pub(crate) const OVERDUE_REMINDED: &str =
    "UPDATE ledger_problems SET overdue_reminded = 1 WHERE problem_id = ?1";

/// Problems past their rectify-by date (before `?1`, today) and not closed by it, whose
/// overdue reminder is not in the log yet (for the deadline watcher).
pub(crate) const OVERDUE_DUE: &str = "\
SELECT problem_id, unit_id, cadre_id, rectify_by, closed_on FROM ledger_problems \
WHERE overdue_reminded = 0 AND rectify_by < ?1 AND (closed_on IS NULL OR closed_on > rectify_by) \
ORDER BY rectify_by, problem_id";

/// Per unit, the problems overdue at instant `?1` (microseconds): registered by then, not
/// closed by then, past their rectify-by date (before `?2`, the local date then).
pub(crate) const OVERDUE_BY_UNIT: &str = "\
SELECT unit_id, COUNT(*) FROM ledger_problems \
WHERE registered_at <= ?1 AND (closed_at IS NULL OR closed_at > ?1) AND rectify_by < ?2 \
GROUP BY unit_id";

// ---- statistics ----

macro_rules! stats_columns {
    () => {
        "SELECT p.unit_id, u.name, p.source, p.type_key, p.type_label, p.severity, p.found_on, \
         p.rectify_by, p.closed_at, p.cadre_id \
         FROM ledger_problems p LEFT JOIN ledger_names u ON u.id = p.unit_id \
         WHERE p.registered_at <= ?1 AND "
    };
}

/// Statistics: the problems registered by `?1` (micros) found on a local date in
/// `?2..=?3`, in the ledger's order.
pub(crate) const STATS_BY_FOUND_ON: &str = concat!(
    stats_columns!(),
    "p.found_on BETWEEN ?2 AND ?3 ORDER BY p.position"
);

/// Statistics: the problems registered by `?1` (micros) due (rectify-by) on a local date
/// in `?2..=?3`, in the ledger's order.
pub(crate) const STATS_BY_RECTIFY_BY: &str = concat!(
    stats_columns!(),
    "p.rectify_by BETWEEN ?2 AND ?3 ORDER BY p.position"
);
