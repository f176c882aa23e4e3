//! The outbox's SQL: the schema (`migrations/outbox.sql`) and its statements.

/// The tables, created if missing.
pub(super) const SCHEMA: &str = include_str!("../../migrations/outbox.sql");

/// The position up to which inbox items are queued.
pub(super) const CURSOR: &str = "SELECT enqueued_through FROM outbox_cursor WHERE id = 1";

pub(super) const SET_CURSOR: &str = "UPDATE outbox_cursor SET enqueued_through = ?1 WHERE id = 1";

/// Queues one delivery, due at once; a key already queued is left as it is.
pub(super) const ENQUEUE: &str = "INSERT OR IGNORE INTO outbox_deliveries \
     (key, position, body, enqueued_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?4)";

/// Pending deliveries due by ?1, the longest waiting first.
pub(super) const DUE: &str = "SELECT key, body, attempts FROM outbox_deliveries \
     WHERE delivered_at IS NULL AND next_attempt_at <= ?1 \
     ORDER BY next_attempt_at, position LIMIT ?2";

pub(super) const DELIVERED: &str = "UPDATE outbox_deliveries \
     SET attempts = attempts + 1, delivered_at = ?2, last_status = ?3, last_error = NULL \
     WHERE key = ?1 AND delivered_at IS NULL";

pub(super) const FAILED: &str = "UPDATE outbox_deliveries \
     SET attempts = attempts + 1, next_attempt_at = ?2, last_status = ?3, last_error = ?4 \
     WHERE key = ?1 AND delivered_at IS NULL";

/// (pending, delivered).
pub(super) const COUNTS: &str = "SELECT \
     coalesce(sum(delivered_at IS NULL), 0), coalesce(sum(delivered_at IS NOT NULL), 0) \
     FROM outbox_deliveries";

pub(super) const DELIVERIES: &str = "SELECT key, position, attempts, delivered_at, last_status, \
     last_error FROM outbox_deliveries ORDER BY position";
