//! The one error type of this crate. Variants that reach an unauthenticated caller say nothing
//! that helps an attacker: no "unknown user", no "expired" versus "forged".

use chrono::TimeDelta;
use std::fmt;

/// What went wrong. No variant ever carries a password or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// Wrong password, or no such user: deliberately the same (HTTP 401).
    #[error("invalid username or password")]
    InvalidCredentials,
    /// Too many consecutive failures for this username; try again after `retry_after`
    /// (HTTP 429 with `Retry-After`). Unknown usernames lock the same way.
    #[error("too many failed attempts; retry in {} s", ceil_seconds(*retry_after))]
    LockedOut {
        /// How long until the next attempt is accepted.
        retry_after: TimeDelta,
    },
    /// Unknown, forged, truncated, expired, revoked or another deployment's token (HTTP 401).
    #[error("invalid or expired token")]
    InvalidToken,
    /// A new password breaks a rule (HTTP 422).
    #[error("password rejected: {0}")]
    WeakPassword(PasswordRule),
    /// Another user already has this username.
    #[error("username is already taken")]
    UsernameTaken,
    /// The user has no password set (an administrator must set one first).
    #[error("no credentials for this user")]
    NoCredentials,
    /// The credential store failed (HTTP 5xx; log it, say nothing more to the client).
    #[error("credential store: {0}")]
    Storage(String),
    /// The credential store cannot be reached now (its database is down or restarting):
    /// worth trying again shortly (HTTP 503 with `Retry-After`).
    #[error("credential store unavailable: {0}")]
    Unavailable(String),
}

/// The rule a rejected password broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRule {
    /// Fewer characters than `min`.
    TooShort {
        /// The least number of characters accepted.
        min: usize,
    },
    /// More characters than `max` (a bound on the work one login may ask for).
    TooLong {
        /// The most characters accepted.
        max: usize,
    },
    /// The password is the username (compared without regard to case).
    SameAsUsername,
}

impl fmt::Display for PasswordRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordRule::TooShort { min } => write!(f, "must be at least {min} characters"),
            PasswordRule::TooLong { max } => write!(f, "must be at most {max} characters"),
            PasswordRule::SameAsUsername => f.write_str("must not be the username"),
        }
    }
}

fn ceil_seconds(d: TimeDelta) -> i64 {
    let s = d.num_seconds();
    if d > TimeDelta::seconds(s) { s + 1 } else { s }
}

impl From<rusqlite::Error> for AuthError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        // Statements take secrets only as bound parameters, which SQLite errors never quote.
        match e.sqlite_error_code() {
            // The disk, not the data: full, read-only or failing (SQLITE_FULL, _READONLY,
            // _IOERR_*, _CANTOPEN) — worth trying again once the storage is back (503).
            Some(
                ErrorCode::DiskFull
                | ErrorCode::ReadOnly
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen,
            ) => AuthError::Unavailable(e.to_string()),
            _ => AuthError::Storage(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_out_message_rounds_up() {
        let e = AuthError::LockedOut {
            retry_after: TimeDelta::milliseconds(59_001),
        };
        assert_eq!(e.to_string(), "too many failed attempts; retry in 60 s");
    }

    #[test]
    fn a_disk_that_refuses_writes_is_unavailable_not_a_failure() {
        let sqlite = |code| {
            AuthError::from(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
        };
        for code in [
            rusqlite::ffi::SQLITE_FULL,
            rusqlite::ffi::SQLITE_READONLY,
            rusqlite::ffi::SQLITE_IOERR_WRITE,
        ] {
            assert!(matches!(sqlite(code), AuthError::Unavailable(_)), "{code}");
        }
        assert!(matches!(
            sqlite(rusqlite::ffi::SQLITE_CORRUPT),
            AuthError::Storage(_)
        ));
    }
}
