//! The credential store: one SQLite file next to the event log, behind one connection.

mod cache;
mod login;
mod tokens;

#[cfg(test)]
mod tests;

use crate::lockout::LockoutPolicy;
use crate::passwords::{HashCost, Hasher};
use crate::sessions::{DeploymentId, SessionPolicy};
use crate::{AuthError, migrate, queries};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

/// Where the auth file of an event log lives: beside it, `x.db` → `x.auth.db` (as the read
/// models are `x.views.db`).
pub fn auth_path_for(log: &Path) -> PathBuf {
    let mut name = log.with_extension("").into_os_string();
    name.push(".auth.db");
    PathBuf::from(name)
}

/// Costs and lifetimes; the defaults are the production ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// Argon2id parameters for new hashes.
    pub hash_cost: HashCost,
    /// Lock-out after failed logins.
    pub lockout: LockoutPolicy,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
}

/// Password hashes, failed-login counters and sessions. Synchronous and slow on purpose
/// (Argon2): call it from a blocking thread. Share it behind an `Arc`.
pub struct CredentialStore {
    conn: Mutex<Connection>,
    hasher: Hasher,
    deployment: DeploymentId,
    config: AuthConfig,
    sessions: cache::SessionCache,
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl CredentialStore {
    /// Opens (creating if need be) an auth file with the production configuration.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuthError> {
        Self::open_with(path, AuthConfig::default())
    }

    /// Opens (creating if need be) an auth file. A new file gets a random deployment id,
    /// which every token it issues carries.
    pub fn open_with(path: impl AsRef<Path>, config: AuthConfig) -> Result<Self, AuthError> {
        let path = path.as_ref();
        let mut conn = Connection::open(path)?;
        restrict_permissions(path)?;
        // Deleted rows (old hashes, ended sessions) are overwritten, not left in free pages.
        conn.pragma_update(None, "secure_delete", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate::migrate(&mut conn)?;
        conn.execute(queries::DEPLOYMENT_INIT, [DeploymentId::random().0])?;
        let stored: Vec<u8> = conn.query_row(queries::DEPLOYMENT_GET, [], |r| r.get(0))?;
        let deployment = DeploymentId::from_slice(&stored)
            .ok_or_else(|| AuthError::Storage("malformed deployment id".into()))?;
        Ok(Self {
            conn: Mutex::new(conn),
            hasher: Hasher::new(config.hash_cost)?,
            deployment,
            config,
            sessions: cache::SessionCache::default(),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-done state: every change is one
        // statement or one transaction.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Only the server's own user may read the file.
fn restrict_permissions(path: &Path) -> Result<(), AuthError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| AuthError::Storage(format!("cannot restrict the auth file: {e}")))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_millis(ms: i64) -> Result<DateTime<Utc>, AuthError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| AuthError::Storage(format!("timestamp out of range: {ms}")))
}

fn parse_user_id(text: &str) -> Result<Uuid, AuthError> {
    Uuid::parse_str(text).map_err(|_| AuthError::Storage("malformed user id".into()))
}

/// Reads one optional row.
fn optional<T>(result: rusqlite::Result<T>) -> Result<Option<T>, AuthError> {
    Ok(result.optional()?)
}
