//! Identity's secret half: password hashes, failed-login counters and API sessions.
//!
//! Everything here lives in its own SQLite file next to the event log (see
//! `docs/adr/0007-credentials-outside-the-log.md`): the log is exported to regulators and can
//! never be rewritten, so no secret may enter it. Who a user is (username, role, linked cadre)
//! is recorded as events elsewhere; this crate keeps only what is secret or short-lived.
//!
//! The API is synchronous (Argon2 is deliberately slow): async callers run it on a blocking
//! thread.

mod error;
mod lockout;
mod migrate;
mod passwords;
mod queries;
mod secret;
mod sessions;
mod store;

pub use error::{AuthError, PasswordRule};
pub use lockout::LockoutPolicy;
pub use passwords::{HashCost, check_password};
pub use secret::Secret;
pub use sessions::{Session, SessionPolicy, csrf_token};
pub use store::{AuthConfig, CredentialStore, auth_path_for};
