-- Stream reads and stream versions through an index the writer folds in behind its commits
-- (ADR 0023), instead of an index on `events` kept up to date by every append.
--
-- A group commit of appends to many streams touched one leaf page of `(stream, version)` per
-- stream, so each event cost about a 4 KiB page of WAL. The writer now inserts the events
-- alone and, once enough events or commits have gathered after the last fold (or a bulk
-- load ends), folds them into `stream_index` in the transaction of the commit that passes
-- the mark: sorted by stream, many events to each stream's page. Events after
-- `stream_index_head.position` (a few dozen commits' worth, at most a few thousand) are
-- found by reading the end of the log; each query joins the two in one statement, so it
-- sees one snapshot.
CREATE TABLE stream_index (
    stream   TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (stream, version)
) STRICT, WITHOUT ROWID;

-- The last position folded into `stream_index`.
CREATE TABLE stream_index_head (
    only     INTEGER PRIMARY KEY CHECK (only = 1),
    position INTEGER NOT NULL
) STRICT;

INSERT INTO stream_index (stream, version, position)
    SELECT stream, version, position FROM events ORDER BY stream, version;
INSERT INTO stream_index_head (only, position)
    VALUES (1, coalesce((SELECT max(position) FROM events), 0));
DROP INDEX events_stream_version;
