-- Full-text search (ADR 0010): every searchable text of a duty entry or of a problem's
-- rectification, with what a hit points at, and an FTS5 index of its terms — CJK runs as
-- overlapping character bigrams, other words whole. Built by projections/search; rebuilt
-- from zero when its version changes.
-- Dates are local dates of Asia/Shanghai as ISO text (YYYY-MM-DD, so they sort as dates);
-- ids are UUIDs as text.

-- One row per text that can be found now. A correction replaces its entry's row, a
-- withdrawal deletes it; a problem has one row per step that carries text.
CREATE TABLE IF NOT EXISTS search_docs (
    doc           INTEGER PRIMARY KEY,     -- global position of the event the text is from
    kind          TEXT    NOT NULL,        -- entry | problem
    id            TEXT    NOT NULL,        -- the entry id or the problem id
    obligation_id TEXT,                    -- entries
    subject       TEXT,                    -- entries: the subject owed, as JSON (decides who sees it)
    unit_id       TEXT,                    -- the problem's unit; an entry's unit (none for a group's)
    cadre_id      TEXT,                    -- the problem's named cadre; the cadre who recorded an entry
    date          TEXT    NOT NULL,        -- the entry's performed-on date, the problem's found-on date, or the step's local date
    field         TEXT    NOT NULL,        -- entry | description | plan | progress | summary | reason | conclusion
    text          TEXT    NOT NULL         -- as written, for display and snippets
) STRICT;

CREATE INDEX IF NOT EXISTS search_docs_by_id ON search_docs (id);

-- The terms of each text (`text::index_terms`), tokenised on spaces by unicode61. Rows are
-- only ever added: a search joins them to `search_docs` on `doc`, so the terms of a
-- corrected or withdrawn text find nothing. The key is a column, not the rowid, because a
-- rebuild copies this table with `SELECT *`, which renumbers rowids.
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5 (
    doc UNINDEXED,
    terms,
    tokenize = 'unicode61'
);

-- Each cadre's unit as of the last event applied (NULL for a discipline group member): the
-- unit of the personal entries they record.
CREATE TABLE IF NOT EXISTS search_cadres (
    cadre_id TEXT PRIMARY KEY,
    unit_id  TEXT
) STRICT, WITHOUT ROWID;

-- The indexes only its queries use are in indexes.sql.
