//! Where credentials are kept: the rows behind a [`CredentialStore`](crate::CredentialStore).
//!
//! The store holds the rules (hashing, lock-out, token lifetimes, the session cache); a
//! [`CredentialRows`] keeps the rows. [`SqliteRows`] keeps them in a file beside the log;
//! the PostgreSQL backend keeps them in the log's database, so that every process sharing
//! the log shares logins and sessions (`store-postgres`).
//!
//! Every method is synchronous and may block: the store is called from blocking threads.

mod sqlite;

pub use sqlite::SqliteRows;

use crate::AuthError;
use chrono::{DateTime, Utc};
use std::fmt;
use uuid::Uuid;

/// The failed-login state of one username (known or not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Consecutive failures since the last success.
    pub consecutive: u32,
    /// Refused until then, if locked out.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A stored session: whose, since when, last used when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredSession {
    /// Whose session it is.
    pub user_id: Uuid,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was last used (written at most once a minute).
    pub last_seen_at: DateTime<Utc>,
}

/// One user's credential: username and Argon2id PHC string.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialRow {
    /// Whose it is.
    pub user_id: Uuid,
    /// The name to sign in with.
    pub username: String,
    /// The PHC string (algorithm, parameters, salt and hash).
    pub phc: String,
}

impl fmt::Debug for CredentialRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialRow")
            .field("user_id", &self.user_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Everything a credential store holds, to copy it to another backend
/// (`dutytrace migrate-store`): the same deployment id keeps issued tokens valid.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialDump {
    /// The deployment id every token starts with.
    pub deployment: [u8; 16],
    /// Credentials.
    pub credentials: Vec<CredentialRow>,
    /// Failed-login counters by username.
    pub failures: Vec<(String, Failures)>,
    /// Sessions by SHA-256 of their token.
    pub sessions: Vec<([u8; 32], StoredSession)>,
}

impl fmt::Debug for CredentialDump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialDump")
            .field("credentials", &self.credentials.len())
            .field("failures", &self.failures.len())
            .field("sessions", &self.sessions.len())
            .finish_non_exhaustive()
    }
}

/// The rows of a credential store. Each method is one statement or one transaction, so a
/// failure leaves nothing half done; implementations map a unique-username violation to
/// [`AuthError::UsernameTaken`] and any other failure to [`AuthError::Storage`].
pub trait CredentialRows: Send + Sync + fmt::Debug {
    /// The deployment id, storing `candidate` first if there is none yet.
    fn deployment(&self, candidate: [u8; 16]) -> Result<[u8; 16], AuthError>;

    /// Sets the username and hash of each user (creating credentials as needed), all or
    /// nothing.
    fn upsert_credentials(&self, users: &[(Uuid, &str)], phc: &str) -> Result<(), AuthError>;

    /// The user and hash of a username.
    fn credential_by_username(&self, username: &str) -> Result<Option<(Uuid, String)>, AuthError>;

    /// The username and hash of a user.
    fn credential_by_user_id(&self, user_id: Uuid) -> Result<Option<(String, String)>, AuthError>;

    /// A new hash for a user, none of their sessions and no lock-out of their username, in
    /// one transaction.
    fn replace_hash(&self, user_id: Uuid, username: &str, phc: &str) -> Result<(), AuthError>;

    /// The failed-login state of a username.
    fn failures(&self, username: &str) -> Result<Failures, AuthError>;

    /// Replaces the state of a username by `next` of it, atomically: two processes
    /// recording a failure at once count two.
    fn record_failure(
        &self,
        username: &str,
        next: &dyn Fn(Failures) -> Failures,
    ) -> Result<(), AuthError>;

    /// Forgets the failures of a username.
    fn clear_failures(&self, username: &str) -> Result<(), AuthError>;

    /// Stores a new session.
    fn insert_session(
        &self,
        digest: &[u8; 32],
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError>;

    /// The session of a token digest.
    fn session(&self, digest: &[u8; 32]) -> Result<Option<StoredSession>, AuthError>;

    /// Records a use of a session.
    fn touch_session(&self, digest: &[u8; 32], now: DateTime<Utc>) -> Result<(), AuthError>;

    /// Ends a session.
    fn delete_session(&self, digest: &[u8; 32]) -> Result<(), AuthError>;

    /// Ends every session of a user; returns how many there were.
    fn delete_sessions_of(&self, user_id: Uuid) -> Result<usize, AuthError>;

    /// Deletes the sessions created at or before `created_by` or last used at or before
    /// `seen_by`; returns how many.
    fn purge_sessions(
        &self,
        created_by: DateTime<Utc>,
        seen_by: DateTime<Utc>,
    ) -> Result<usize, AuthError>;

    /// Everything held, for a copy.
    fn export(&self) -> Result<CredentialDump, AuthError>;

    /// Whether no credential or session is held yet (a copy may go here).
    fn is_empty(&self) -> Result<bool, AuthError>;

    /// Takes a copy into an empty store, all or nothing, replacing its deployment id.
    fn import(&self, dump: &CredentialDump) -> Result<(), AuthError>;
}

/// Unix milliseconds, as both backends store instants.
pub fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The instant of stored unix milliseconds.
pub fn from_millis(ms: i64) -> Result<DateTime<Utc>, AuthError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| AuthError::Storage(format!("timestamp out of range: {ms}")))
}

/// A stored user id.
pub fn parse_user_id(text: &str) -> Result<Uuid, AuthError> {
    Uuid::parse_str(text).map_err(|_| AuthError::Storage("malformed user id".into()))
}

/// A stored failure count.
pub fn failures_from(consecutive: i64, locked_until: Option<i64>) -> Result<Failures, AuthError> {
    Ok(Failures {
        consecutive: u32::try_from(consecutive).unwrap_or(u32::MAX),
        locked_until: locked_until.map(from_millis).transpose()?,
    })
}
