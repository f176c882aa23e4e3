//! Every statement of the search model (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");
pub(crate) const QUERY_INDEXES: &str = include_str!("../indexes.sql");

/// `?1` cadre, `?2` their unit (NULL for a discipline group member).
pub(crate) const CADRE_UPSERT: &str = "\
INSERT INTO search_cadres (cadre_id, unit_id) VALUES (?1, ?2) \
ON CONFLICT (cadre_id) DO UPDATE SET unit_id = excluded.unit_id";

pub(crate) const CADRE_UNIT: &str = "SELECT unit_id FROM search_cadres WHERE cadre_id = ?1";

/// `?1` doc (position), `?2` kind, `?3` id, `?4` obligation, `?5` subject (JSON), `?6` unit,
/// `?7` cadre, `?8` date, `?9` field, `?10` text.
pub(crate) const INSERT_DOC: &str = "\
INSERT INTO search_docs (doc, kind, id, obligation_id, subject, unit_id, cadre_id, date, field, text) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// A corrected entry's new text, with everything else taken from its current row. `?1` doc,
/// `?2` entry, `?3` date, `?4` text.
pub(crate) const CORRECT_ENTRY: &str = "\
INSERT INTO search_docs (doc, kind, id, obligation_id, subject, unit_id, cadre_id, date, field, text) \
SELECT ?1, kind, id, obligation_id, subject, unit_id, cadre_id, ?3, field, ?4 \
FROM search_docs WHERE id = ?2 AND kind = 'entry' ORDER BY doc DESC LIMIT 1";

/// Drops an entry's rows older than `?2` (every one of them for a withdrawal).
pub(crate) const DROP_ENTRY: &str =
    "DELETE FROM search_docs WHERE id = ?1 AND kind = 'entry' AND doc < ?2";

/// A problem's step, pointing where its registration points. `?1` doc, `?2` problem, `?3`
/// date, `?4` field, `?5` text.
pub(crate) const PROBLEM_STEP: &str = "\
INSERT INTO search_docs (doc, kind, id, obligation_id, subject, unit_id, cadre_id, date, field, text) \
SELECT ?1, 'problem', id, NULL, NULL, unit_id, cadre_id, ?3, ?4, ?5 \
FROM search_docs WHERE id = ?2 AND kind = 'problem' AND field = 'description'";

/// `?1` doc, `?2` its terms (`text::bigrams`).
pub(crate) const INSERT_TERMS: &str = "INSERT INTO search_fts (doc, terms) VALUES (?1, ?2)";

macro_rules! hit_columns {
    () => {
        "d.doc, d.kind, d.id, d.obligation_id, d.subject, d.unit_id, d.cadre_id, d.date, \
         d.field, d.text"
    };
}

/// The rows whose terms match `?1` (an FTS5 expression of quoted phrases), dated from `?2`
/// to `?3` (each end included, NULL for open), of kind `?4` (NULL for any), newest first.
/// Terms of texts no longer in `search_docs` find nothing.
pub(crate) const MATCHING: &str = concat!(
    "SELECT ",
    hit_columns!(),
    " FROM search_fts JOIN search_docs d ON d.doc = search_fts.doc \
     WHERE search_fts MATCH ?1 \
     AND (?2 IS NULL OR d.date >= ?2) AND (?3 IS NULL OR d.date <= ?3) \
     AND (?4 IS NULL OR d.kind = ?4) \
     ORDER BY d.date DESC, d.doc DESC"
);

/// Every row dated from `?1` to `?2` of kind `?3`, newest first: for keywords the index
/// cannot narrow (a lone CJK character), which are then checked as substrings.
pub(crate) const SCANNING: &str = concat!(
    "SELECT ",
    hit_columns!(),
    " FROM search_docs d \
     WHERE (?1 IS NULL OR d.date >= ?1) AND (?2 IS NULL OR d.date <= ?2) \
     AND (?3 IS NULL OR d.kind = ?3) \
     ORDER BY d.date DESC, d.doc DESC"
);
