-- Full-text search (ADR 0010): every searchable text of a duty entry or of a problem's
-- rectification, with what a hit points at, and an FTS5 index of its terms — CJK runs as
-- overlapping character bigrams, other words whole. Built by projections/search; rebuilt
-- from zero when its version changes.
-- Dates are local dates of Asia/Shanghai as ISO text (YYYY-MM-DD, so they sort as dates);
-- ids are UUIDs as text.

-- One row per text that can be found now. A correction replaces its entry's row, a
-- withdrawal deletes it; a problem has one row per step that carries text.
CREATE TABLE IF NOT EXISTS search_docs (
    key           INTEGER PRIMARY KEY,     -- the hit's place: days of `date` since 0001-01-01 × 2^40 + doc, so key order is (date, doc) order; also its rowid in search_fts
    doc           INTEGER NOT NULL,        -- global position of the event the text is from (< 2^40)
    kind          TEXT    NOT NULL,        -- entry | problem
    id            TEXT    NOT NULL,        -- the entry id or the problem id
    obligation_id TEXT,                    -- entries
    subject       TEXT,                    -- entries: the subject owed, as JSON (decides who sees it)
    unit_id       TEXT,                    -- the problem's unit; an entry's unit (none for a group's)
    cadre_id      TEXT,                    -- the problem's named cadre; the cadre who recorded an entry
    date          TEXT    NOT NULL,        -- the entry's performed-on date, the problem's found-on date, or the step's local date
    field         TEXT    NOT NULL,        -- entry | description | plan | progress | summary | reason | conclusion
    text          TEXT    NOT NULL,        -- as written, for display and snippets
    terms         TEXT    NOT NULL         -- text::bigrams(text): what search_fts indexes
) STRICT;

CREATE INDEX IF NOT EXISTS search_docs_by_id ON search_docs (id);

-- The index of the current rows' terms, rowid = search_docs.key: hits come newest first by
-- `ORDER BY rowid DESC` with no sort, a date range is a rowid range, a match is counted
-- without reading search_docs. `kind` holds the row's kind as a token (`kind : problem`).
--
-- Kept in step with search_docs by the triggers below, never written directly. Its content
-- is an always empty view: FTS5 stores only the index, and the projector's rebuild, which
-- copies each table with `INSERT … SELECT *` (renumbering an FTS5 table's rowids), copies
-- nothing here; the copy of search_docs fills the index through the trigger, keeping keys.
CREATE VIEW IF NOT EXISTS search_fts_none (key, terms, kind) AS SELECT NULL, NULL, NULL WHERE 0;

CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5 (
    terms,
    kind,
    content = 'search_fts_none',
    content_rowid = 'key',
    columnsize = 0,
    tokenize = 'unicode61'
);

CREATE TRIGGER IF NOT EXISTS search_docs_indexed AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, terms, kind) VALUES (new.key, new.terms, new.kind);
END;

-- FTS5 removes a row of an external-content table given the values it indexed.
CREATE TRIGGER IF NOT EXISTS search_docs_unindexed AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, terms, kind) VALUES ('delete', old.key, old.terms, old.kind);
END;

-- Each cadre's unit as of the last event applied (NULL for a discipline group member): the
-- unit of the personal entries they record.
CREATE TABLE IF NOT EXISTS search_cadres (
    cadre_id TEXT PRIMARY KEY,
    unit_id  TEXT
) STRICT, WITHOUT ROWID;

-- The indexes only its queries use are in indexes.sql.
