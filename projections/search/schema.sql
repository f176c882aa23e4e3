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
    terms         TEXT    NOT NULL         -- text::bigrams(text): what search_fts indexes (derived.sql)
) STRICT;

CREATE INDEX IF NOT EXISTS search_docs_by_id ON search_docs (id);

-- The index of these rows' terms, search_fts, is derived from them: see derived.sql.

-- Each cadre's unit as of the last event applied (NULL for a discipline group member): the
-- unit of the personal entries they record.
CREATE TABLE IF NOT EXISTS search_cadres (
    cadre_id TEXT PRIMARY KEY,
    unit_id  TEXT
) STRICT, WITHOUT ROWID;

-- The indexes only its queries use are in indexes.sql.
