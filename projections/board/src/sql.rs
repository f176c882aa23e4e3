//! Every statement of the board (its DDL is in `schema.sql`). `?1` is the instant asked
//! (microseconds) in every query that takes one.

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");
pub(crate) const QUERY_INDEXES: &str = include_str!("../indexes.sql");

// ---- the fold: organisation ----

pub(crate) const INSERT_UNIT: &str = "INSERT INTO board_units (unit_id, name, kind, registered_at) \
     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (unit_id) DO NOTHING";

pub(crate) const INSERT_GROUP: &str = "INSERT INTO board_groups (group_id, name, registered_at) \
     VALUES (?1, ?2, ?3) ON CONFLICT (group_id) DO NOTHING";

pub(crate) const CLOSE_STATIONING: &str =
    "UPDATE board_stationing SET valid_to = ?2 WHERE group_id = ?1 AND valid_to IS NULL";

/// Versions closed at the instant they opened were never visible: drop them.
pub(crate) const DROP_EMPTY_STATIONING: &str =
    "DELETE FROM board_stationing WHERE group_id = ?1 AND valid_to = valid_from";

pub(crate) const OPEN_STATIONING: &str =
    "INSERT INTO board_stationing (group_id, unit_id, valid_from) VALUES (?1, ?2, ?3)";

pub(crate) const CURRENT_CADRE: &str =
    "SELECT version, name, valid_from FROM board_cadres WHERE cadre_id = ?1 AND valid_to IS NULL";

pub(crate) const CLOSE_CADRE: &str = "UPDATE board_cadres SET valid_to = ?2 WHERE version = ?1";

pub(crate) const DROP_CADRE_VERSION: &str = "DELETE FROM board_cadres WHERE version = ?1";

pub(crate) const OPEN_CADRE: &str = "INSERT INTO board_cadres \
     (cadre_id, name, post, duty, owner_kind, owner_id, direct_leader, valid_from) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

// ---- the fold: lists and obligations ----

pub(crate) const INSERT_LIST: &str = "INSERT INTO board_lists \
     (list_id, year, title, revision, items, published_at, revised_at) \
     VALUES (?1, ?2, ?3, 1, ?4, ?5, ?5) ON CONFLICT (list_id) DO NOTHING";

pub(crate) const REVISE_LIST: &str =
    "UPDATE board_lists SET revision = ?2, items = ?3, revised_at = ?4 WHERE list_id = ?1";

pub(crate) const GET_LIST: &str = "SELECT year, items FROM board_lists WHERE list_id = ?1";

pub(crate) const INSERT_LIST_SUBJECT: &str = "INSERT INTO board_list_subjects \
     (list_id, subject_kind, subject_id, assigned_at) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT DO NOTHING";

pub(crate) const LIST_SUBJECTS: &str = "SELECT subject_kind, subject_id FROM board_list_subjects \
     WHERE list_id = ?1 ORDER BY assigned_at, subject_kind, subject_id";

/// The mutable facts of an open obligation version, to tell whether a re-derivation
/// changed it.
pub(crate) const OPEN_OBLIGATIONS_OF_SOURCE: &str = "SELECT version, obligation_id, deadline, \
     required_count, responsibility, category, content, valid_from \
     FROM board_obligations WHERE source_id = ?1 AND valid_to IS NULL";

pub(crate) const OPEN_OBLIGATION_BY_ID: &str = "SELECT version, obligation_id, deadline, \
     required_count, responsibility, category, content, valid_from \
     FROM board_obligations WHERE obligation_id = ?1 AND valid_to IS NULL";

pub(crate) const CLOSE_OBLIGATION: &str =
    "UPDATE board_obligations SET valid_to = ?2 WHERE version = ?1";

pub(crate) const DROP_OBLIGATION_VERSION: &str = "DELETE FROM board_obligations WHERE version = ?1";

pub(crate) const OPEN_OBLIGATION: &str = "INSERT INTO board_obligations \
     (obligation_id, source_kind, source_id, item_id, subject_kind, subject_id, owner_kind, \
      period, deadline, required_count, responsibility, category, content, valid_from, \
      obligation_key, subject_key, deadline_day) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

/// Only after [`SUBJECT_KEY`] found none: its key is the new rowid.
pub(crate) const ADD_SUBJECT: &str = "INSERT INTO board_subjects (subject_id, subject_kind, owner_kind) \
     VALUES (?1, ?2, ?3)";

pub(crate) const SUBJECT_KEY: &str = "SELECT subject_key FROM board_subjects WHERE subject_id = ?1";

/// Only after [`OBLIGATION_KEY`] found none: its key is the new rowid.
pub(crate) const ADD_OBLIGATION_KEY: &str =
    "INSERT INTO board_obligation_keys (obligation_id) VALUES (?1)";

/// For an obligation expected to be new; the key is looked up if it exists after all.
pub(crate) const ADD_NEW_OBLIGATION_KEY: &str = "INSERT INTO board_obligation_keys (obligation_id) \
     VALUES (?1) ON CONFLICT (obligation_id) DO NOTHING";

pub(crate) const OBLIGATION_KEY: &str =
    "SELECT obligation_key FROM board_obligation_keys WHERE obligation_id = ?1";

// ---- the fold: entries ----

pub(crate) const INSERT_ENTRY: &str = "INSERT INTO board_entries \
     (entry_id, obligation_id, backfill, recorded_at, performed_on, content, recorded_by, \
      obligation_key) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (obligation_id, entry_id) DO NOTHING";

pub(crate) const CORRECT_ENTRY: &str = "INSERT INTO board_entry_corrections \
     (entry_id, recorded_at, seq, performed_on, content, obligation_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";

pub(crate) const WITHDRAW_ENTRY: &str = "UPDATE board_entries SET withdrawn_at = ?2 \
     WHERE entry_id = ?1 AND obligation_id = ?3 AND withdrawn_at IS NULL";

// ---- queries ----

/// Visible at ?1.
macro_rules! valid_at {
    ($t:literal) => {
        concat!(
            $t,
            ".valid_from <= ?1 AND (",
            $t,
            ".valid_to IS NULL OR ",
            $t,
            ".valid_to > ?1)"
        )
    };
}

pub(crate) const UNITS_AT: &str =
    "SELECT unit_id, name, kind FROM board_units WHERE registered_at <= ?1";

pub(crate) const GROUPS_AT: &str =
    "SELECT group_id, name FROM board_groups WHERE registered_at <= ?1";

pub(crate) const UNIT_KNOWN: &str =
    "SELECT 1 FROM board_units WHERE unit_id = ?2 AND registered_at <= ?1";

pub(crate) const GROUP_KNOWN: &str =
    "SELECT 1 FROM board_groups WHERE group_id = ?2 AND registered_at <= ?1";

pub(crate) const STATIONED_UNITS: &str = concat!(
    "SELECT s.unit_id FROM board_stationing s WHERE s.group_id = ?2 AND ",
    valid_at!("s"),
    " ORDER BY s.unit_id"
);

/// The board, part one: per subject, the obligations visible at ?1 by where their deadline
/// falls — before day ?2, from ?2 to before ?3, from ?3 on — and those needing no entry.
pub(crate) const OBLIGATION_COUNTS: &str = concat!(
    "SELECT o.subject_key, \
         sum(o.required_count > 0 AND o.deadline_day < ?2), \
         sum(o.required_count > 0 AND o.deadline_day >= ?2 AND o.deadline_day < ?3), \
         sum(o.required_count > 0 AND o.deadline_day >= ?3), \
         sum(o.required_count <= 0) \
     FROM board_obligations o INDEXED BY board_obligations_by_subject_key WHERE ",
    valid_at!("o"),
    " GROUP BY o.subject_key"
);

/// The board, part two: the obligations visible at ?1 that have entries counting at ?1
/// (recorded by then, not withdrawn by then), with how many and how many on time.
pub(crate) const OBLIGATIONS_WITH_ENTRIES: &str = concat!(
    "SELECT o.subject_key, o.deadline_day, o.required_count, sum(e.backfill = 0), count(*) \
     FROM board_entries e INDEXED BY board_entries_by_key \
     JOIN board_obligations o INDEXED BY board_obligations_by_key \
       ON o.obligation_key = e.obligation_key AND ",
    valid_at!("o"),
    " WHERE e.recorded_at <= ?1 AND (e.withdrawn_at IS NULL OR e.withdrawn_at > ?1) \
     GROUP BY e.obligation_key"
);

/// Every subject: its key, id and where its obligations are counted.
pub(crate) const SUBJECTS: &str = "SELECT subject_key, subject_id, owner_kind FROM board_subjects";

/// Where each cadre's personal obligations are counted at ?1.
pub(crate) const CADRE_OWNERS: &str = concat!(
    "SELECT c.cadre_id, c.owner_kind, c.owner_id FROM board_cadres c WHERE ",
    valid_at!("c")
);

/// Statistics: the obligations visible at ?1 whose deadline day (days from CE) is in
/// `?2..=?3`, each with the entries recorded for it by ?1 (withdrawn or not; none: one row
/// of NULLs), by obligation. The light is worked out from these by `domain::light`.
pub(crate) const STATS_OBLIGATIONS: &str = concat!(
    "SELECT o.obligation_key, o.subject_key, o.deadline_day, o.required_count, \
         e.recorded_at, e.backfill, e.withdrawn_at \
     FROM board_obligations o INDEXED BY board_obligations_by_deadline \
     LEFT JOIN board_entries e INDEXED BY board_entries_by_key \
       ON e.obligation_key = o.obligation_key AND e.recorded_at <= ?1 \
     WHERE o.deadline_day BETWEEN ?2 AND ?3 AND ",
    valid_at!("o"),
    " ORDER BY o.obligation_key"
);

macro_rules! obligation_columns {
    () => {
        "o.obligation_id, o.source_kind, o.source_id, o.item_id, o.subject_kind, o.subject_id, \
         o.period, o.deadline, o.required_count, o.responsibility, o.category, o.content, s.name"
    };
}

/// Obligations visible at ?1 of the subjects in `subj` (subject_id, owner_kind, name).
macro_rules! obligations_of {
    ($subjects:expr) => {
        concat!(
            "WITH subj (subject_id, owner_kind, name) AS (",
            $subjects,
            ") SELECT ",
            obligation_columns!(),
            " FROM subj s JOIN board_obligations o \
               ON o.subject_id = s.subject_id AND o.owner_kind = s.owner_kind WHERE ",
            valid_at!("o")
        )
    };
}

/// ?2 = the unit: its team and the cadres it owns at ?1.
pub(crate) const UNIT_OBLIGATIONS: &str = obligations_of!(concat!(
    "SELECT unit_id, 'unit', name FROM board_units WHERE unit_id = ?2 AND registered_at <= ?1 \
     UNION ALL SELECT c.cadre_id, 'cadre', c.name FROM board_cadres c \
     WHERE c.owner_kind = 'unit' AND c.owner_id = ?2 AND ",
    valid_at!("c")
));

/// ?2 = the group: itself and the cadres it owns at ?1.
pub(crate) const GROUP_OBLIGATIONS: &str = obligations_of!(concat!(
    "SELECT group_id, 'group', name FROM board_groups WHERE group_id = ?2 AND registered_at <= ?1 \
     UNION ALL SELECT c.cadre_id, 'cadre', c.name FROM board_cadres c \
     WHERE c.owner_kind = 'group' AND c.owner_id = ?2 AND ",
    valid_at!("c")
));

/// ?2 = the cadre, if known at ?1.
pub(crate) const CADRE_OBLIGATIONS: &str = obligations_of!(concat!(
    "SELECT c.cadre_id, 'cadre', c.name FROM board_cadres c WHERE c.cadre_id = ?2 AND ",
    valid_at!("c")
));

pub(crate) const CADRE_KNOWN: &str = concat!(
    "SELECT 1 FROM board_cadres c WHERE c.cadre_id = ?2 AND ",
    valid_at!("c")
);

/// The entries of obligation ?2 recorded by ?1 (withdrawn or not).
pub(crate) const ENTRY_FACTS: &str = "SELECT recorded_at, backfill, withdrawn_at FROM board_entries \
     WHERE obligation_id = ?2 AND recorded_at <= ?1";

/// The entries of obligation ?2 recorded by ?1, with their content as last corrected by ?1.
pub(crate) const ENTRIES: &str = "SELECT e.entry_id, e.backfill, e.recorded_at, e.withdrawn_at, \
     coalesce(k.performed_on, e.performed_on), coalesce(k.content, e.content), e.recorded_by, \
     k.recorded_at \
     FROM board_entries e LEFT JOIN board_entry_corrections k \
       ON k.obligation_id = e.obligation_id AND k.entry_id = e.entry_id AND k.seq = \
       (SELECT max(seq) FROM board_entry_corrections \
        WHERE obligation_id = e.obligation_id AND entry_id = e.entry_id AND recorded_at <= ?1) \
     WHERE e.obligation_id = ?2 AND e.recorded_at <= ?1 \
     ORDER BY e.recorded_at, e.entry_id";

/// What names an obligation: source, subject and period (of its latest version).
pub(crate) const OBLIGATION_REF: &str = "SELECT source_kind, source_id, item_id, subject_kind, subject_id, period \
     FROM board_obligations WHERE obligation_id = ?1 ORDER BY valid_from DESC LIMIT 1";

/// The cadres known at an instant (?1), by name.
pub(crate) const CADRES_AT: &str = "SELECT cadre_id, name, post, duty, owner_id, direct_leader FROM board_cadres \
     WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) ORDER BY name, cadre_id";

// ---- the deadline watcher ----

pub(crate) const INSERT_REMINDER: &str = "INSERT INTO board_reminders (obligation_id, kind, recorded_at) \
     VALUES (?1, ?2, ?3) ON CONFLICT (obligation_id, kind) DO NOTHING";

/// The reminders of one kind due and not yet in the log: obligations whose deadline day is
/// in `?1..=?2`, taken as the board showed them at the kind's boundary instant — the start
/// (00:00 +08:00) of the deadline day minus `?3` days — with fewer entries counting then
/// than required. `?4` is the kind. Days are counted from 0001-01-01 (CE); 719,163 of them
/// reach 1970-01-01, and Shanghai is 8 hours (28,800 s) ahead of UTC.
pub(crate) const DUE_REMINDERS: &str = "\
SELECT obligation_id, subject_kind, subject_id, deadline, required_count, n FROM ( \
    SELECT o.obligation_id, o.subject_kind, o.subject_id, o.deadline, o.required_count, \
        (SELECT COUNT(*) FROM board_entries e \
          WHERE e.obligation_key = o.obligation_key AND e.recorded_at <= o.b \
            AND (e.withdrawn_at IS NULL OR e.withdrawn_at > o.b)) AS n \
    FROM (SELECT *, (deadline_day - ?3 - 719163) * 86400000000 - 28800000000 AS b \
            FROM board_obligations WHERE deadline_day BETWEEN ?1 AND ?2) o \
    WHERE o.valid_from <= o.b AND (o.valid_to IS NULL OR o.valid_to > o.b) \
      AND NOT EXISTS (SELECT 1 FROM board_reminders r \
                       WHERE r.obligation_id = o.obligation_id AND r.kind = ?4)) \
WHERE n < required_count \
ORDER BY deadline, obligation_id";
