//! Every statement of the oversight records (their DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");

pub(crate) const UNIT_UPSERT: &str = "\
INSERT INTO oversight_units (unit_id, name) VALUES (?1, ?2) \
ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name";

/// `?1` cadre, `?2` name, `?3` unit of the duty (NULL for a discipline group's).
pub(crate) const CADRE_UPSERT: &str = "\
INSERT INTO oversight_cadres (cadre_id, name, unit_id) VALUES (?1, ?2, ?3) \
ON CONFLICT (cadre_id) DO UPDATE SET name = excluded.name, unit_id = excluded.unit_id";

/// `?1` cadre, `?2` unit of the new duty.
pub(crate) const CADRE_MOVE: &str = "UPDATE oversight_cadres SET unit_id = ?2 WHERE cadre_id = ?1";

/// `?1` record, `?2` cursor, `?3` import, `?4` line, `?5` kind, `?6` unit, `?7` cadre,
/// `?8` occurred_on, `?9` summary, `?10` reference, `?11` recorded_at, `?12` actor,
/// `?13` position.
pub(crate) const RECORD_INSERT: &str = "\
INSERT OR IGNORE INTO oversight_records (record_id, cursor, import_id, line, kind, unit_id, \
    cadre_id, occurred_on, summary, reference, recorded_at, actor, position) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/// `?1` import, `?2` file name, `?3` encoding, `?4` rows, `?5` recorded_at, `?6` actor,
/// `?7` position. Every part tries; the first one writes.
pub(crate) const IMPORT_INSERT: &str = "\
INSERT OR IGNORE INTO oversight_imports (import_id, file_name, encoding, rows, recorded_at, \
    actor, position) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// The columns a record is read from, in the order `queries::record_row` reads them; unit
/// and cadre first so a scope can be checked before the rest is parsed.
macro_rules! record_columns {
    () => {
        "r.cursor, r.unit_id, r.cadre_id, r.record_id, r.kind, COALESCE(u.name, ''), c.name, \
         r.occurred_on, r.summary, r.reference, r.import_id, r.line, r.recorded_at \
         FROM oversight_records r \
         LEFT JOIN oversight_units u ON u.unit_id = r.unit_id \
         LEFT JOIN oversight_cadres c ON c.cadre_id = r.cadre_id"
    };
}

pub(crate) const RECORD: &str = concat!("SELECT ", record_columns!(), " WHERE r.record_id = ?1");

/// The records below cursor `?`, to which the filters below are added with `AND`, then
/// [`RECORDS_ORDER`]. Only the filters asked for are added, so SQLite can walk the index
/// of the one it picks in cursor order.
pub(crate) const RECORDS: &str = concat!("SELECT ", record_columns!(), " WHERE r.cursor < ?");
pub(crate) const AND_KIND: &str = " AND r.kind = ?";
pub(crate) const AND_UNIT: &str = " AND r.unit_id = ?";
pub(crate) const AND_CADRE: &str = " AND r.cadre_id = ?";
pub(crate) const AND_FROM: &str = " AND r.occurred_on >= ?";
pub(crate) const AND_TO: &str = " AND r.occurred_on <= ?";
pub(crate) const AND_IMPORT: &str = " AND r.import_id = ?";
/// Newest first.
pub(crate) const RECORDS_ORDER: &str = " ORDER BY r.cursor DESC";

pub(crate) const IMPORT: &str = "\
SELECT import_id, file_name, encoding, rows, recorded_at, actor FROM oversight_imports \
WHERE import_id = ?1";

/// Newest first.
pub(crate) const IMPORTS: &str = "\
SELECT import_id, file_name, encoding, rows, recorded_at, actor FROM oversight_imports \
ORDER BY position DESC";

pub(crate) const UNITS: &str = "SELECT unit_id, name FROM oversight_units";

pub(crate) const CADRES: &str = "SELECT cadre_id, name, unit_id FROM oversight_cadres";

/// Per unit, kind and month, the records that occurred on `?1` or later and before `?2`.
pub(crate) const COUNTS_BY_UNIT_KIND_MONTH: &str = "\
SELECT r.unit_id, COALESCE(u.name, ''), r.kind, CAST(substr(r.occurred_on, 6, 2) AS INTEGER) AS month, \
    COUNT(*) \
FROM oversight_records r LEFT JOIN oversight_units u ON u.unit_id = r.unit_id \
WHERE r.occurred_on >= ?1 AND r.occurred_on < ?2 \
GROUP BY r.unit_id, r.kind, month";

/// Per unit, the records of kind `?1` that occurred from `?2` to `?3`, both included.
pub(crate) const KIND_BY_UNIT: &str = "\
SELECT unit_id, COUNT(*) FROM oversight_records \
WHERE kind = ?1 AND occurred_on >= ?2 AND occurred_on <= ?3 \
GROUP BY unit_id ORDER BY unit_id";
