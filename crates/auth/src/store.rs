//! The credential store: the rules of passwords, lock-out and sessions over the rows of a
//! [`CredentialRows`] (an SQLite file beside the log, or the log's PostgreSQL database).

mod cache;
mod login;
mod tokens;

#[cfg(test)]
mod tests;

use crate::AuthError;
use crate::lockout::LockoutPolicy;
use crate::passwords::{HashCost, Hasher};
use crate::rows::{CredentialDump, CredentialRows, SqliteRows};
use crate::sessions::{DeploymentId, SessionPolicy};
use std::fmt;
use std::path::{Path, PathBuf};

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
    rows: Box<dyn CredentialRows>,
    hasher: Hasher,
    deployment: DeploymentId,
    config: AuthConfig,
    sessions: cache::SessionCache,
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialStore")
            .field("rows", &self.rows)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl CredentialStore {
    /// Opens (creating if need be) an auth file with the production configuration.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuthError> {
        Self::open_with(path, AuthConfig::default())
    }

    /// Opens (creating if need be) an auth file.
    pub fn open_with(path: impl AsRef<Path>, config: AuthConfig) -> Result<Self, AuthError> {
        Self::over(Box::new(SqliteRows::open(path)?), config)
    }

    /// A store over `rows`. A new store gets a random deployment id, which every token it
    /// issues carries.
    pub fn over(rows: Box<dyn CredentialRows>, config: AuthConfig) -> Result<Self, AuthError> {
        let deployment = DeploymentId(rows.deployment(DeploymentId::random().0)?);
        Ok(Self {
            rows,
            hasher: Hasher::new(config.hash_cost)?,
            deployment,
            config,
            sessions: cache::SessionCache::default(),
        })
    }

    /// Everything this store holds, to copy it to another (`dutytrace migrate-store`).
    pub fn export(&self) -> Result<CredentialDump, AuthError> {
        self.rows.export()
    }

    /// Whether this store holds no credential and no session yet.
    pub fn is_empty(&self) -> Result<bool, AuthError> {
        self.rows.is_empty()
    }

    /// Takes a copy of another store into this empty one, all or nothing; its tokens stay
    /// valid here. Reopen the store afterwards: this one still carries its old deployment id.
    pub fn import(&self, dump: &CredentialDump) -> Result<(), AuthError> {
        self.rows.import(dump)?;
        self.sessions.forget_all();
        Ok(())
    }
}
