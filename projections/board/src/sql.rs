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

/// The open versions of a source's obligations, with what a re-derivation may change.
pub(crate) const OPEN_OBLIGATIONS_OF_SOURCE: &str = "SELECT o.version, k.obligation_id, \
     o.deadline_day, o.required_count, o.item_key, o.valid_from \
     FROM board_items i \
     JOIN board_obligations o INDEXED BY board_obligations_open_by_item \
       ON o.item_key = i.item_key AND o.valid_to IS NULL \
     JOIN board_obligation_keys k ON k.obligation_key = o.obligation_key \
     WHERE i.source_id = ?1";

pub(crate) const CLOSE_OBLIGATION: &str =
    "UPDATE board_obligations SET valid_to = ?2 WHERE version = ?1";

pub(crate) const DROP_OBLIGATION_VERSION: &str = "DELETE FROM board_obligations WHERE version = ?1";

pub(crate) const OPEN_OBLIGATION: &str = "INSERT INTO board_obligations \
     (obligation_key, subject_key, item_key, period, deadline_day, required_count, valid_from, \
      obligation_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The items of a source, oldest first: the last of each item id is its current one.
pub(crate) const ITEMS_OF_SOURCE: &str = "SELECT item_key, item_id, responsibility, category, \
     content FROM board_items WHERE source_id = ?1 ORDER BY item_key";

pub(crate) const ADD_ITEM: &str = "INSERT INTO board_items \
     (source_kind, source_id, item_id, responsibility, category, content) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Only after [`SUBJECT_KEY`] found none: its key is the new rowid.
pub(crate) const ADD_SUBJECT: &str = "INSERT INTO board_subjects (subject_id, subject_kind, owner_kind) \
     VALUES (?1, ?2, ?3)";

pub(crate) const SUBJECT_KEY: &str = "SELECT subject_key FROM board_subjects WHERE subject_id = ?1";

/// How many integers from an obligation's candidate key may hold it (see `keys`).
pub(crate) const KEY_PROBES: i64 = 16;

/// The keys an obligation may hold (its candidate ?1 to ?2), with the ids holding them.
pub(crate) const OBLIGATION_KEYS_FROM: &str = "SELECT obligation_key, obligation_id \
     FROM board_obligation_keys WHERE obligation_key BETWEEN ?1 AND ?2 \
     ORDER BY obligation_key";

/// The key of obligation ?3, whose candidate is ?1 and last possible key ?2.
pub(crate) const OBLIGATION_KEY: &str = "SELECT obligation_key FROM board_obligation_keys \
     WHERE obligation_key BETWEEN ?1 AND ?2 AND obligation_id = ?3";

/// Takes key ?1 for obligation ?2 if it is free.
pub(crate) const TAKE_OBLIGATION_KEY: &str = "INSERT INTO board_obligation_keys \
     (obligation_key, obligation_id) VALUES (?1, ?2) ON CONFLICT (obligation_key) DO NOTHING";

// ---- the fold: entries ----

pub(crate) const INSERT_ENTRY: &str = "INSERT INTO board_entries \
     (obligation_key, entry_id, backfill, recorded_at, performed_on, content, recorded_by) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (obligation_key, entry_id) DO NOTHING";

pub(crate) const CORRECT_ENTRY: &str = "INSERT INTO board_entry_corrections \
     (obligation_key, entry_id, recorded_at, seq, performed_on, content) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";

pub(crate) const WITHDRAW_ENTRY: &str = "UPDATE board_entries SET withdrawn_at = ?3 \
     WHERE obligation_key = ?1 AND entry_id = ?2 AND withdrawn_at IS NULL";

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
        "o.obligation_id, i.source_kind, i.source_id, i.item_id, b.subject_kind, b.subject_id, \
         o.period, o.deadline_day, o.required_count, i.responsibility, i.category, i.content, \
         s.name, o.obligation_key"
    };
}

/// `columns` of the obligation versions visible at ?1 of the subjects in `subj` (subject_id,
/// owner_kind, name), `s` being the subject, `b` its key row and `o` the version, with
/// `join` after them.
macro_rules! versions_of {
    ($subjects:expr, $columns:expr, $join:expr) => {
        concat!(
            "WITH subj (subject_id, owner_kind, name) AS (",
            $subjects,
            ") SELECT ",
            $columns,
            " FROM subj s \
               JOIN board_subjects b ON b.subject_id = s.subject_id AND b.owner_kind = s.owner_kind \
               JOIN board_obligations o INDEXED BY board_obligations_by_subject_key \
                 ON o.subject_key = b.subject_key ",
            $join,
            " WHERE ",
            valid_at!("o")
        )
    };
}

/// A subject's obligations with their items and ids, and (one statement for all of them)
/// the entries recorded by ?1, withdrawn or not, by obligation key.
macro_rules! obligations_and_entries_of {
    ($subjects:expr) => {
        (
            versions_of!(
                $subjects,
                obligation_columns!(),
                "JOIN board_items i ON i.item_key = o.item_key"
            ),
            versions_of!(
                $subjects,
                "o.obligation_key, e.recorded_at, e.backfill, e.withdrawn_at",
                "JOIN board_entries e INDEXED BY board_entries_by_key \
                   ON e.obligation_key = o.obligation_key AND e.recorded_at <= ?1"
            ),
        )
    };
}

/// ?2 = the unit or the group (`$table`, keyed by `$id`): itself and the cadres it owns at ?1.
macro_rules! owner_subjects {
    ($table:literal, $id:literal, $kind:literal) => {
        concat!(
            "SELECT ",
            $id,
            ", '",
            $kind,
            "', name FROM ",
            $table,
            " WHERE ",
            $id,
            " = ?2 AND registered_at <= ?1 \
             UNION ALL SELECT c.cadre_id, 'cadre', c.name FROM board_cadres c \
             WHERE c.owner_kind = '",
            $kind,
            "' AND c.owner_id = ?2 AND ",
            valid_at!("c")
        )
    };
}

/// ?2 = the cadre, if known at ?1.
macro_rules! cadre_subjects {
    () => {
        concat!(
            "SELECT c.cadre_id, 'cadre', c.name FROM board_cadres c WHERE c.cadre_id = ?2 AND ",
            valid_at!("c")
        )
    };
}

/// A unit's, a group's or a cadre's obligations, and their entries' facts.
pub(crate) const UNIT_OBLIGATIONS: (&str, &str) =
    obligations_and_entries_of!(owner_subjects!("board_units", "unit_id", "unit"));
pub(crate) const GROUP_OBLIGATIONS: (&str, &str) =
    obligations_and_entries_of!(owner_subjects!("board_groups", "group_id", "group"));
pub(crate) const CADRE_OBLIGATIONS: (&str, &str) = obligations_and_entries_of!(cadre_subjects!());

pub(crate) const CADRE_KNOWN: &str = concat!(
    "SELECT 1 FROM board_cadres c WHERE c.cadre_id = ?2 AND ",
    valid_at!("c")
);

/// The entries of obligation ?2 recorded by ?1, with their content as last corrected by ?1.
pub(crate) const ENTRIES: &str = "SELECT e.entry_id, e.backfill, e.recorded_at, e.withdrawn_at, \
     coalesce(k.performed_on, e.performed_on), coalesce(k.content, e.content), e.recorded_by, \
     k.recorded_at \
     FROM board_entries e LEFT JOIN board_entry_corrections k \
       ON k.obligation_key = e.obligation_key AND k.entry_id = e.entry_id AND k.seq = \
       (SELECT max(seq) FROM board_entry_corrections \
        WHERE obligation_key = e.obligation_key AND entry_id = e.entry_id AND recorded_at <= ?1) \
     WHERE e.obligation_key = ?2 AND e.recorded_at <= ?1 \
     ORDER BY e.recorded_at, e.entry_id";

/// What names an obligation: source, subject and period (of its latest version).
pub(crate) const OBLIGATION_REF: &str = "SELECT i.source_kind, i.source_id, i.item_id, \
     b.subject_kind, b.subject_id, o.period \
     FROM board_obligations o INDEXED BY board_obligations_by_key \
     JOIN board_items i ON i.item_key = o.item_key \
     JOIN board_subjects b ON b.subject_key = o.subject_key \
     WHERE o.obligation_key = ?1 ORDER BY o.valid_from DESC LIMIT 1";

/// The cadres known at an instant (?1), by name.
pub(crate) const CADRES_AT: &str = "SELECT cadre_id, name, post, duty, owner_id, direct_leader FROM board_cadres \
     WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) ORDER BY name, cadre_id";

// ---- the deadline watcher ----

pub(crate) const INSERT_REMINDER: &str = "INSERT INTO board_reminders (obligation_key, kind, recorded_at) \
     VALUES (?1, ?2, ?3) ON CONFLICT (obligation_key, kind) DO NOTHING";

/// The reminders of one kind due and not yet in the log: obligations whose deadline day is
/// in `?1..=?2`, taken as the board showed them at the kind's boundary instant — the start
/// (00:00 +08:00) of the deadline day minus `?3` days — with fewer entries counting then
/// than required. `?4` is the kind. Days are counted from 0001-01-01 (CE); 719,163 of them
/// reach 1970-01-01, and Shanghai is 8 hours (28,800 s) ahead of UTC.
pub(crate) const DUE_REMINDERS: &str = "\
SELECT k.obligation_id, b.subject_kind, b.subject_id, d.deadline_day, d.required_count, d.n FROM ( \
    SELECT o.obligation_key, o.subject_key, o.deadline_day, o.required_count, \
        (SELECT COUNT(*) FROM board_entries e INDEXED BY board_entries_by_key \
          WHERE e.obligation_key = o.obligation_key AND e.recorded_at <= o.b \
            AND (e.withdrawn_at IS NULL OR e.withdrawn_at > o.b)) AS n \
    FROM (SELECT *, (deadline_day - ?3 - 719163) * 86400000000 - 28800000000 AS b \
            FROM board_obligations WHERE deadline_day BETWEEN ?1 AND ?2) o \
    WHERE o.valid_from <= o.b AND (o.valid_to IS NULL OR o.valid_to > o.b) \
      AND NOT EXISTS (SELECT 1 FROM board_reminders r \
                       WHERE r.obligation_key = o.obligation_key AND r.kind = ?4)) d \
JOIN board_obligation_keys k ON k.obligation_key = d.obligation_key \
JOIN board_subjects b ON b.subject_key = d.subject_key \
WHERE d.n < d.required_count \
ORDER BY d.deadline_day, k.obligation_id";
