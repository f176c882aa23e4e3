//! Identity's secret half: password hashes, failed-login counters and API sessions.
//!
//! Nothing here ever enters the event log (see `docs/adr/0007-credentials-outside-the-log.md`):
//! the log is exported to regulators and can never be rewritten, so no secret may enter it.
//! The rows live in an SQLite file beside the log ([`SqliteRows`]) or, with the log on
//! PostgreSQL, in its database, shared by every process ([`CredentialRows`], ADR 0015). Who a user is (username, role, linked cadre)
//! is recorded as events elsewhere; this crate keeps only what is secret or short-lived.
//!
//! The API is synchronous (Argon2 is deliberately slow): async callers run it on a blocking
//! thread.

mod error;
mod lockout;
mod migrate;
mod passwords;
mod queries;
pub mod rows;
mod secret;
mod sessions;
mod store;

pub use error::{AuthError, PasswordRule};
pub use lockout::LockoutPolicy;
pub use passwords::{HashCost, check_password};
pub use rows::{CredentialDump, CredentialRows, SqliteRows};
pub use secret::Secret;
pub use sessions::{Session, SessionPolicy, csrf_token};
pub use store::{AuthConfig, CredentialStore, auth_path_for};
