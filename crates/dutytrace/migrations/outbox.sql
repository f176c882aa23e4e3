-- The webhook outbox (ADR 0009): its own SQLite file beside the log (`x.db` → `x.outbox.db`),
-- never part of the log or of the read models. One row per notification to deliver, under
-- the notification's stable key (the id of the event it tells of), and the log position up
-- to which the inbox read model's items have been queued.
-- Instants are INTEGER microseconds since the Unix epoch, UTC, by the wall clock (the
-- service's clock may be fixed for a demo; back-off must still move on).

CREATE TABLE IF NOT EXISTS outbox_deliveries (
    key             TEXT    PRIMARY KEY,   -- the notification's key: the delivery's id and Idempotency-Key
    position        INTEGER NOT NULL,      -- the log position of the event it tells of
    body            TEXT    NOT NULL,      -- the JSON body, fixed when queued: every attempt sends the same bytes
    enqueued_at     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,               -- set only after a 2xx answer
    last_status     INTEGER,               -- the last HTTP status answered, if any
    last_error      TEXT                   -- why the last attempt failed (never a response body)
) STRICT;

CREATE INDEX IF NOT EXISTS outbox_due ON outbox_deliveries (next_attempt_at, position)
    WHERE delivered_at IS NULL;

-- One row: the inbox items up to this position are queued.
CREATE TABLE IF NOT EXISTS outbox_cursor (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    enqueued_through INTEGER NOT NULL
) STRICT;

INSERT OR IGNORE INTO outbox_cursor (id, enqueued_through) VALUES (1, 0);
