//! Size limits enforced on every append, by every backend.
//!
//! An event is a record of something a person did or the platform noticed; attachments are
//! referenced by content hash, never embedded. A megabyte of JSON is far beyond any real
//! event, and the limit keeps one bad client from filling the log or the memory of a reader.

/// Longest stream name, event type, category or actor, in bytes.
pub const MAX_NAME_LEN: usize = 200;
/// Largest payload of one event, in bytes of JSON text (1 MiB).
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;
/// Most events in one append call.
pub const MAX_EVENTS_PER_APPEND: usize = 10_000;
/// Largest total payload of one append call, in bytes (32 MiB).
pub const MAX_APPEND_BYTES: usize = 32 * 1024 * 1024;
