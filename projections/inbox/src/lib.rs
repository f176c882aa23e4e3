//! The notifications read model (通知提醒): the deadline watcher's reminders (履责提醒,
//! 约谈提醒) and filings awaiting a leader's acknowledgement (待阅报备), each under a stable
//! key — the id of the event it tells of — with what each user has read. Whom an item is
//! for is decided when the inbox is read, by the reader's role and scope now (ADR 0008), so
//! a transfer re-addresses it at once and nothing outside the scope is ever listed.
//!
//! Tables (`schema.sql`): `inbox_items`, `inbox_acks`, `inbox_reads`.

mod projection;
mod queries;
mod sql;

pub use projection::Inbox;
pub use queries::{
    Item, Marking, Notification, Recipient, inbox, is_addressed, items_after, marking,
};
