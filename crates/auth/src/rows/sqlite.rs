//! Credentials in an SQLite file beside the event log (`x.db` → `x.auth.db`), behind one
//! connection.

use super::{
    CredentialDump, CredentialRow, CredentialRows, Failures, StoredSession, failures_from,
    from_millis, millis, parse_user_id,
};
use crate::{AuthError, migrate, queries};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension as _, TransactionBehavior, params};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

/// The rows in an SQLite file, readable by the server's user only, with deleted rows
/// overwritten (`secure_delete`).
#[derive(Debug)]
pub struct SqliteRows {
    conn: Mutex<Connection>,
}

impl SqliteRows {
    /// Opens (creating if need be) an auth file and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuthError> {
        let path = path.as_ref();
        let mut conn = Connection::open(path)?;
        restrict_permissions(path)?;
        // Deleted rows (old hashes, ended sessions) are overwritten, not left in free pages.
        conn.pragma_update(None, "secure_delete", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // No re-prepare of cached statements when a bound value changes (SQLite 3.54 reads
        // bound integers when planning unless the planner's stability guarantee is on).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        migrate::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
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

fn taken(e: rusqlite::Error) -> AuthError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation => {
            AuthError::UsernameTaken
        }
        _ => AuthError::from(e),
    }
}

fn failures_of(conn: &Connection, username: &str) -> Result<Failures, AuthError> {
    let row = conn
        .query_row(queries::FAILURES_GET, [username], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
        })
        .optional()?;
    match row {
        Some((consecutive, locked_until)) => failures_from(consecutive, locked_until),
        None => Ok(Failures::default()),
    }
}

fn put_failures(conn: &Connection, username: &str, f: Failures) -> Result<(), AuthError> {
    conn.execute(
        queries::FAILURES_PUT,
        params![
            username,
            i64::from(f.consecutive),
            f.locked_until.map(millis)
        ],
    )?;
    Ok(())
}

impl CredentialRows for SqliteRows {
    fn deployment(&self, candidate: [u8; 16]) -> Result<[u8; 16], AuthError> {
        let conn = self.conn();
        conn.execute(queries::DEPLOYMENT_INIT, [candidate])?;
        let stored: Vec<u8> = conn.query_row(queries::DEPLOYMENT_GET, [], |r| r.get(0))?;
        stored
            .try_into()
            .map_err(|_| AuthError::Storage("malformed deployment id".into()))
    }

    fn upsert_credentials(&self, users: &[(Uuid, &str)], phc: &str) -> Result<(), AuthError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for (user_id, username) in users {
            tx.execute(
                queries::CREDENTIAL_UPSERT,
                params![user_id.to_string(), username, phc],
            )
            .map_err(taken)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn credential_by_username(&self, username: &str) -> Result<Option<(Uuid, String)>, AuthError> {
        let row = self
            .conn()
            .query_row(queries::CREDENTIAL_BY_USERNAME, [username], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        row.map(|(id, phc)| Ok((parse_user_id(&id)?, phc)))
            .transpose()
    }

    fn credential_by_user_id(&self, user_id: Uuid) -> Result<Option<(String, String)>, AuthError> {
        Ok(self
            .conn()
            .query_row(queries::CREDENTIAL_BY_USER_ID, [user_id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn replace_hash(&self, user_id: Uuid, username: &str, phc: &str) -> Result<(), AuthError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            queries::CREDENTIAL_SET_PHC,
            params![user_id.to_string(), phc],
        )?;
        tx.execute(queries::SESSION_DELETE_USER, [user_id.to_string()])?;
        tx.execute(queries::FAILURES_CLEAR, [username])?;
        tx.commit()?;
        Ok(())
    }

    fn failures(&self, username: &str) -> Result<Failures, AuthError> {
        failures_of(&self.conn(), username)
    }

    fn record_failure(
        &self,
        username: &str,
        next: &dyn Fn(Failures) -> Failures,
    ) -> Result<(), AuthError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = failures_of(&tx, username)?;
        put_failures(&tx, username, next(now))?;
        tx.commit()?;
        Ok(())
    }

    fn clear_failures(&self, username: &str) -> Result<(), AuthError> {
        self.conn().execute(queries::FAILURES_CLEAR, [username])?;
        Ok(())
    }

    fn insert_session(
        &self,
        digest: &[u8; 32],
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        self.conn().execute(
            queries::SESSION_INSERT,
            params![digest, user_id.to_string(), millis(now)],
        )?;
        Ok(())
    }

    fn session(&self, digest: &[u8; 32]) -> Result<Option<StoredSession>, AuthError> {
        let row = self
            .conn()
            .query_row(queries::SESSION_GET, [digest], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .optional()?;
        row.map(|(user_id, created, seen)| {
            Ok(StoredSession {
                user_id: parse_user_id(&user_id)?,
                created_at: from_millis(created)?,
                last_seen_at: from_millis(seen)?,
            })
        })
        .transpose()
    }

    fn touch_session(&self, digest: &[u8; 32], now: DateTime<Utc>) -> Result<(), AuthError> {
        self.conn()
            .execute(queries::SESSION_TOUCH, params![digest, millis(now)])?;
        Ok(())
    }

    fn delete_session(&self, digest: &[u8; 32]) -> Result<(), AuthError> {
        self.conn().execute(queries::SESSION_DELETE, [digest])?;
        Ok(())
    }

    fn delete_sessions_of(&self, user_id: Uuid) -> Result<usize, AuthError> {
        Ok(self
            .conn()
            .execute(queries::SESSION_DELETE_USER, [user_id.to_string()])?)
    }

    fn purge_sessions(
        &self,
        created_by: DateTime<Utc>,
        seen_by: DateTime<Utc>,
    ) -> Result<usize, AuthError> {
        Ok(self.conn().execute(
            queries::SESSION_PURGE,
            params![millis(created_by), millis(seen_by)],
        )?)
    }

    fn export(&self) -> Result<CredentialDump, AuthError> {
        let mut conn = self.conn();
        // One read transaction: a consistent copy.
        let tx = conn.transaction()?;
        let deployment: Vec<u8> = tx.query_row(queries::DEPLOYMENT_GET, [], |r| r.get(0))?;
        let deployment = deployment
            .try_into()
            .map_err(|_| AuthError::Storage("malformed deployment id".into()))?;
        let mut credentials = Vec::new();
        {
            let mut stmt = tx.prepare(queries::CREDENTIALS_ALL)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                credentials.push(CredentialRow {
                    user_id: parse_user_id(&r.get::<_, String>(0)?)?,
                    username: r.get(1)?,
                    phc: r.get(2)?,
                });
            }
        }
        let mut failures = Vec::new();
        {
            let mut stmt = tx.prepare(queries::FAILURES_ALL)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                failures.push((r.get(0)?, failures_from(r.get(1)?, r.get(2)?)?));
            }
        }
        let mut sessions = Vec::new();
        {
            let mut stmt = tx.prepare(queries::SESSIONS_ALL)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let digest: Vec<u8> = r.get(0)?;
                let digest = digest
                    .try_into()
                    .map_err(|_| AuthError::Storage("malformed session digest".into()))?;
                sessions.push((
                    digest,
                    StoredSession {
                        user_id: parse_user_id(&r.get::<_, String>(1)?)?,
                        created_at: from_millis(r.get(2)?)?,
                        last_seen_at: from_millis(r.get(3)?)?,
                    },
                ));
            }
        }
        Ok(CredentialDump {
            deployment,
            credentials,
            failures,
            sessions,
        })
    }

    fn is_empty(&self) -> Result<bool, AuthError> {
        Ok(self.conn().query_row(queries::IS_EMPTY, [], |r| r.get(0))?)
    }

    fn import(&self, dump: &CredentialDump) -> Result<(), AuthError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !tx.query_row(queries::IS_EMPTY, [], |r| r.get::<_, bool>(0))? {
            return Err(AuthError::Storage(
                "the target already holds credentials; nothing was copied".into(),
            ));
        }
        tx.execute(queries::DEPLOYMENT_INIT, [dump.deployment])?;
        tx.execute(queries::DEPLOYMENT_REPLACE, [dump.deployment])?;
        for c in &dump.credentials {
            tx.execute(
                queries::CREDENTIAL_UPSERT,
                params![c.user_id.to_string(), c.username, c.phc],
            )
            .map_err(taken)?;
        }
        for (username, f) in &dump.failures {
            put_failures(&tx, username, *f)?;
        }
        for (digest, s) in &dump.sessions {
            tx.execute(
                queries::SESSION_IMPORT,
                params![
                    digest,
                    s.user_id.to_string(),
                    millis(s.created_at),
                    millis(s.last_seen_at)
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
