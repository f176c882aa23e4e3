-- The search model's index, derived from search_docs (Projection::derived, ADR 0010): the
-- live model always has it, kept in step by the triggers below; a rebuild's scratch file
-- never has it, and the swap builds it once from the copied rows (`'rebuild'`).
--
-- The index of the current rows' terms, rowid = search_docs.key: hits come newest first by
-- `ORDER BY rowid DESC` with no sort, a date range is a rowid range, a match is counted
-- without reading search_docs. `kind` holds the row's kind as a token (`kind : problem`).
-- Its content is search_docs itself (external content): FTS5 stores only the index.
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5 (
    terms,
    kind,
    content = 'search_docs',
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
