//! The application service between the API and the domain: it loads an aggregate's stream,
//! asks the pure domain to decide, and appends the outcome with optimistic concurrency —
//! retrying a conflict itself — and with idempotency keys, so a client retrying after a
//! timeout gets the first answer and nothing is written twice.

mod accountability;
mod commands;
mod error;
mod execute;
mod filings;
mod idempotency;
mod inbox;
mod keys;
mod oversight;
mod problems;
pub mod schemas;
mod users;

pub use commands::Meta;
pub use error::AppError;
pub use execute::{App, Loaded, Outcome};
pub use idempotency::{IdempotencyKey, fingerprint};
