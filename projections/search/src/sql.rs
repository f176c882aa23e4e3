//! Every statement of the search model (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");
pub(crate) const QUERY_INDEXES: &str = include_str!("../indexes.sql");
/// The index derived from `search_docs` and its triggers.
pub(crate) const DERIVED: &str = include_str!("../derived.sql");
/// The index built afresh from the rows `search_docs` holds: after a rebuild's swap, which
/// copies the rows without firing the triggers (and drops version 2's empty content view).
///
/// FTS5 gathers the terms of the rows it indexes in memory and writes them out as a segment
/// each time they reach its `hashsize` (1 MiB by default), merging segments as they pile
/// up. For the build from every row the terms may take 16 MiB before each write: a third
/// less time for a province's 808,000 rows (fewer, larger segments to merge); the default
/// is set again afterwards for the live model's batches.
pub(crate) const DERIVE: &str = concat!(
    "DROP TABLE IF EXISTS search_fts; DROP VIEW IF EXISTS search_fts_none;\n",
    include_str!("../derived.sql"),
    "\nINSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 16777216);",
    "\nINSERT INTO search_fts (search_fts) VALUES ('rebuild');",
    "\nINSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 1048576);"
);

/// `?1` cadre, `?2` their unit (NULL for a discipline group member).
pub(crate) const CADRE_UPSERT: &str = "\
INSERT INTO search_cadres (cadre_id, unit_id) VALUES (?1, ?2) \
ON CONFLICT (cadre_id) DO UPDATE SET unit_id = excluded.unit_id";

pub(crate) const CADRE_UNIT: &str = "SELECT unit_id FROM search_cadres WHERE cadre_id = ?1";

/// `?1` key, `?2` doc (position), `?3` kind, `?4` id, `?5` obligation, `?6` subject (JSON),
/// `?7` unit, `?8` cadre, `?9` date, `?10` field, `?11` text, `?12` its terms. The trigger
/// `search_docs_indexed` indexes the terms.
pub(crate) const INSERT_DOC: &str = "\
INSERT INTO search_docs (key, doc, kind, id, obligation_id, subject, unit_id, cadre_id, date, field, text, terms) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// A corrected entry's new text, with everything else taken from its current row. `?1` key,
/// `?2` doc, `?3` entry, `?4` date, `?5` text, `?6` its terms.
pub(crate) const CORRECT_ENTRY: &str = "\
INSERT INTO search_docs (key, doc, kind, id, obligation_id, subject, unit_id, cadre_id, date, field, text, terms) \
SELECT ?1, ?2, kind, id, obligation_id, subject, unit_id, cadre_id, ?4, field, ?5, ?6 \
FROM search_docs WHERE id = ?3 AND kind = 'entry' ORDER BY doc DESC LIMIT 1";

/// Drops an entry's rows older than `?2` (every one of them for a withdrawal); the trigger
/// `search_docs_unindexed` drops their terms.
pub(crate) const DROP_ENTRY: &str =
    "DELETE FROM search_docs WHERE id = ?1 AND kind = 'entry' AND doc < ?2";

/// A problem's step, pointing where its registration points. `?1` key, `?2` doc, `?3`
/// problem, `?4` date, `?5` field, `?6` text, `?7` its terms.
pub(crate) const PROBLEM_STEP: &str = "\
INSERT INTO search_docs (key, doc, kind, id, obligation_id, subject, unit_id, cadre_id, date, field, text, terms) \
SELECT ?1, ?2, 'problem', id, NULL, NULL, unit_id, cadre_id, ?4, ?5, ?6, ?7 \
FROM search_docs WHERE id = ?3 AND kind = 'problem' AND field = 'description'";

macro_rules! hit_columns {
    () => {
        "d.key, d.kind, d.id, d.obligation_id, d.subject, d.unit_id, d.cadre_id, d.date, \
         d.field, d.text"
    };
}

/// How many current rows match `?1` (an FTS5 expression, `queries::expression`) with keys
/// from `?2` to `?3`: the index alone, search_docs unread.
pub(crate) const COUNT_MATCHING: &str = "\
SELECT count(*) FROM search_fts WHERE search_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3";

/// The page of [`COUNT_MATCHING`]'s rows, newest first: `?4` rows after skipping `?5`,
/// picked by rowid in the index; only they are read from search_docs.
pub(crate) const PAGE_MATCHING: &str = concat!(
    "SELECT ",
    hit_columns!(),
    " FROM search_docs d WHERE d.key IN (\
     SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 \
     ORDER BY rowid DESC LIMIT ?4 OFFSET ?5) \
     ORDER BY d.key DESC"
);

/// Every row matching `?1` with keys from `?2` to `?3`, newest first (the index's rowid
/// order, no sort): for readers who see only some rows, and keywords that must also be
/// checked in the text.
pub(crate) const MATCHING: &str = concat!(
    "SELECT ",
    hit_columns!(),
    " FROM search_fts JOIN search_docs d ON d.key = search_fts.rowid \
     WHERE search_fts MATCH ?1 AND search_fts.rowid BETWEEN ?2 AND ?3 \
     ORDER BY search_fts.rowid DESC"
);

/// Every row with keys from `?1` to `?2` of kind `?3` (NULL for any), newest first: for
/// keywords the index cannot narrow (a lone CJK character), which are then checked as
/// substrings.
pub(crate) const SCANNING: &str = concat!(
    "SELECT ",
    hit_columns!(),
    " FROM search_docs d WHERE d.key BETWEEN ?1 AND ?2 AND (?3 IS NULL OR d.kind = ?3) \
     ORDER BY d.key DESC"
);
