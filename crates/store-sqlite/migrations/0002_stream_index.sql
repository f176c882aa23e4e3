-- Stream reads and stream versions through an index the writer folds in behind its commits
-- (ADR 0023), instead of an index on `events` kept up to date by every append.
--
-- A group commit of appends to many streams touched one leaf page of `(stream, version)` per
-- stream, so each event cost about a 4 KiB page of WAL. The writer now inserts the events
-- alone and, once enough have gathered after the last fold (or a bulk load ends), folds them
-- into `stream_index` in the same transaction as the batch that passes the mark: one sorted
-- insert per stream for many events. Events after `stream_index_head.position` (at most a
-- few thousand) are found by reading the end of the log; every query below the mark and
-- above it is one statement, so it sees one snapshot.
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
