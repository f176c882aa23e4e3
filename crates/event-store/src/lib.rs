//! The event log of dutytrace: every duty entry, backfill (补录), filing (报备) and
//! rectification step (整改) is an immutable event in it.
//!
//! This crate is the *port*: the event envelope, the validation every backend applies,
//! the [`EventStore`] trait and the catch-up [`Subscription`] written once on top of it.
//! Backends (SQLite, PostgreSQL, KurrentDB) live in their own adapter crates and must pass
//! the shared contract suite in `store-contract`.

pub mod canonical;
mod clock;
mod copy;
mod envelope;
mod error;
mod limits;
mod names;
mod payload;
pub mod queue;
mod retry;
mod store;
mod subscription;

pub use canonical::canonical_json;
pub use clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use copy::{CopiedEvent, validate_import};
pub use envelope::{AppendResult, ExpectedVersion, NewEvent, RecordedEvent, validate_append};
pub use error::{InvalidInput, StoreError};
pub use limits::{MAX_APPEND_BYTES, MAX_EVENTS_PER_APPEND, MAX_NAME_LEN, MAX_PAYLOAD_BYTES};
pub use names::{Actor, Category, EventType, StreamName};
pub use payload::Payload;
pub use retry::{StoredMatch, judge_retry};
pub use store::{Direction, EventStore, Filter, ReadAllPage};
pub use subscription::{Batch, Subscription};
