//! Every statement of the accountability read model (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");

pub(crate) const NAME_UPSERT: &str = "\
INSERT INTO accountability_names (id, name) VALUES (?1, ?2) \
ON CONFLICT (id) DO UPDATE SET name = excluded.name";

/// `?1` id, `?2` position, `?3` kind, `?4` target kind, `?5` unit, `?6` cadre, `?7`
/// measure, `?8` text, `?9` held by, `?10` basis (JSON), `?11` dated, `?12` proposed, `?13`
/// recorded_at, `?14` actor.
pub(crate) const RECORD_INSERT: &str = "\
INSERT OR IGNORE INTO accountability_records (record_id, position, kind, target_kind, unit_id, \
    cadre_id, measure, text, held_by, basis, dated, proposed, recorded_at, actor) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// `?1` id, `?2` position, `?3` from, `?4` to, `?5` title, `?6` body, `?7` items (JSON),
/// `?8` drafted_at.
pub(crate) const CIRCULAR_DRAFT: &str = "\
INSERT OR IGNORE INTO accountability_circulars (circular_id, position, period_from, period_to, \
    title, body, items, status, drafted_at, revisions, updated_at) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, 0, ?8)";

/// `?1` id, `?2` title, `?3` body, `?4` items (JSON), `?5` at.
pub(crate) const CIRCULAR_REVISE: &str = "\
UPDATE accountability_circulars SET title = ?2, body = ?3, items = ?4, \
    revisions = revisions + 1, updated_at = ?5 \
WHERE circular_id = ?1";

/// `?1` id, `?2` published_on, `?3` at.
pub(crate) const CIRCULAR_PUBLISH: &str = "\
UPDATE accountability_circulars SET status = 'published', published_on = ?2, \
    published_at = ?3, updated_at = ?3 \
WHERE circular_id = ?1";

/// `?1` year, `?2` rules (JSON), `?3` finalised_on, `?4` scores (JSON), `?5` recorded_at.
pub(crate) const FINALISED_INSERT: &str = "\
INSERT OR IGNORE INTO accountability_assessments (year, rules, finalised_on, scores, recorded_at) \
VALUES (?1, ?2, ?3, ?4, ?5)";

/// The columns a record is read from, in the order `queries::record_row` reads them; unit
/// and cadre first so a scope can be checked before the rest is parsed.
macro_rules! record_columns {
    () => {
        "r.unit_id, r.cadre_id, r.record_id, r.kind, r.target_kind, COALESCE(u.name, ''), \
         c.name, r.measure, r.text, r.held_by, r.basis, r.dated, r.proposed, r.recorded_at, \
         r.actor, r.position \
         FROM accountability_records r \
         LEFT JOIN accountability_names u ON u.id = r.unit_id \
         LEFT JOIN accountability_names c ON c.id = r.cadre_id"
    };
}

pub(crate) const RECORD: &str = concat!("SELECT ", record_columns!(), " WHERE r.record_id = ?1");

/// The records below position `?`, to which the filters below are added with `AND`, then
/// [`RECORDS_ORDER`]. Only the filters asked for are added, so SQLite can walk the index of
/// the one it picks in position order.
pub(crate) const RECORDS: &str = concat!("SELECT ", record_columns!(), " WHERE r.position < ?");
pub(crate) const AND_KIND: &str = " AND r.kind = ?";
pub(crate) const AND_UNIT: &str = " AND r.unit_id = ?";
pub(crate) const AND_CADRE: &str = " AND r.cadre_id = ?";
pub(crate) const AND_FROM: &str = " AND r.dated >= ?";
pub(crate) const AND_TO: &str = " AND r.dated <= ?";
/// Newest first.
pub(crate) const RECORDS_ORDER: &str = " ORDER BY r.position DESC";

/// Per unit, the decisions (not talks) dated `?1` to `?2` (both included) and recorded by
/// `?3` (micros), against the unit or one of its cadres.
pub(crate) const MEASURES_BY_UNIT: &str = "\
SELECT unit_id, COUNT(*) FROM accountability_records \
WHERE kind = 'decision' AND dated >= ?1 AND dated <= ?2 AND recorded_at <= ?3 \
GROUP BY unit_id ORDER BY unit_id";

/// The decisions and talks dated `?1` to `?2` (both included), in the order of the log.
pub(crate) const DECIDED_TARGETS: &str = "\
SELECT unit_id, cadre_id, measure FROM accountability_records \
WHERE dated >= ?1 AND dated <= ?2 ORDER BY position";

macro_rules! circular_columns {
    () => {
        "circular_id, title, body, period_from, period_to, items, status, published_on, \
         drafted_at, revisions, updated_at FROM accountability_circulars"
    };
}

pub(crate) const CIRCULAR: &str =
    concat!("SELECT ", circular_columns!(), " WHERE circular_id = ?1");

/// Published ones (`?1` = 1) or all, newest first: by published-on date (drafts, which have
/// none, after the published), then drafted at, then the log's order.
pub(crate) const CIRCULARS: &str = concat!(
    "SELECT ",
    circular_columns!(),
    " WHERE (?1 = 0 OR status = 'published') \
     ORDER BY published_on DESC NULLS LAST, drafted_at DESC, position DESC"
);

/// 1 if circular `?1` was published by `?2` (micros).
pub(crate) const CIRCULAR_PUBLISHED_AT: &str = "\
SELECT EXISTS (SELECT 1 FROM accountability_circulars \
WHERE circular_id = ?1 AND published_at IS NOT NULL AND published_at <= ?2)";

pub(crate) const FINALISED: &str = "\
SELECT year, rules, finalised_on, scores, recorded_at FROM accountability_assessments \
WHERE year = ?1";
