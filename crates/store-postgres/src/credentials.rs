//! Credentials and sessions in the log's database (ADR 0015), so that a login through one
//! dutytrace process is a login through all of them. The rules (hashing, lock-out, session
//! lifetimes) stay in `auth::CredentialStore`; this keeps its rows.
//!
//! `auth` is synchronous (Argon2 is slow on purpose, and callers run it on blocking
//! threads), so each method runs its statements on the store's pool and blocks on them:
//! call them from a blocking thread (`tokio::task::spawn_blocking`), never from a task.

use crate::errors;
use auth::AuthError;
use auth::rows::{
    CredentialDump, CredentialRow, CredentialRows, Failures, StoredSession, failures_from,
    from_millis, millis,
};
use chrono::{DateTime, Utc};
use deadpool_postgres::{Object, Pool};
use event_store::StoreError;
use std::fmt;
use std::future::Future;
use tokio::runtime::Handle;
use tokio_postgres::error::SqlState;
use uuid::Uuid;

const DEPLOYMENT_INIT: &str =
    "INSERT INTO auth_deployment (deployment_id) VALUES ($1) ON CONFLICT DO NOTHING";
const DEPLOYMENT_GET: &str = "SELECT deployment_id FROM auth_deployment";
const DEPLOYMENT_REPLACE: &str = "UPDATE auth_deployment SET deployment_id = $1";
/// Many users, one hash: one statement (the demo's 262 logins at every start).
const CREDENTIALS_UPSERT: &str = "INSERT INTO auth_credentials (user_id, username, phc) \
     SELECT u, n, $3 FROM unnest($1::uuid[], $2::text[]) AS t(u, n) \
     ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, phc = excluded.phc";
const CREDENTIAL_INSERT: &str =
    "INSERT INTO auth_credentials (user_id, username, phc) VALUES ($1, $2, $3)";
const CREDENTIAL_BY_USERNAME: &str =
    "SELECT user_id, phc FROM auth_credentials WHERE username = $1";
const CREDENTIAL_BY_USER_ID: &str = "SELECT username, phc FROM auth_credentials WHERE user_id = $1";
const CREDENTIAL_SET_PHC: &str = "UPDATE auth_credentials SET phc = $2 WHERE user_id = $1";
const CREDENTIALS_ALL: &str =
    "SELECT user_id, username, phc FROM auth_credentials ORDER BY user_id";
const FAILURES_GET: &str =
    "SELECT consecutive, locked_until FROM auth_login_failures WHERE username = $1";
/// The row to count on, created if need be; then locked by [`FAILURES_LOCK`].
const FAILURES_ENSURE: &str = "INSERT INTO auth_login_failures (username, consecutive) \
     VALUES ($1, 0) ON CONFLICT DO NOTHING";
const FAILURES_LOCK: &str = "SELECT consecutive, locked_until FROM auth_login_failures \
     WHERE username = $1 FOR UPDATE";
const FAILURES_SET: &str = "UPDATE auth_login_failures SET consecutive = $2, locked_until = $3 \
     WHERE username = $1";
const FAILURES_INSERT: &str = "INSERT INTO auth_login_failures (username, consecutive, \
     locked_until) VALUES ($1, $2, $3)";
const FAILURES_CLEAR: &str = "DELETE FROM auth_login_failures WHERE username = $1";
const FAILURES_ALL: &str = "SELECT username, consecutive, locked_until FROM auth_login_failures \
     ORDER BY username";
const SESSION_INSERT: &str = "INSERT INTO auth_sessions (token_sha256, user_id, created_at, \
     last_seen_at) VALUES ($1, $2, $3, $4)";
const SESSION_GET: &str =
    "SELECT user_id, created_at, last_seen_at FROM auth_sessions WHERE token_sha256 = $1";
const SESSION_TOUCH: &str = "UPDATE auth_sessions SET last_seen_at = greatest(last_seen_at, $2) \
     WHERE token_sha256 = $1";
const SESSION_DELETE: &str = "DELETE FROM auth_sessions WHERE token_sha256 = $1";
const SESSION_DELETE_USER: &str = "DELETE FROM auth_sessions WHERE user_id = $1";
const SESSION_PURGE: &str =
    "DELETE FROM auth_sessions WHERE created_at <= $1 OR last_seen_at <= $2";
const SESSIONS_ALL: &str = "SELECT token_sha256, user_id, created_at, last_seen_at \
     FROM auth_sessions ORDER BY token_sha256";
const IS_EMPTY: &str = "SELECT NOT EXISTS (SELECT 1 FROM auth_credentials) \
     AND NOT EXISTS (SELECT 1 FROM auth_sessions)";
/// A copy goes in alone: no login or session may slip in between the check and the copy.
const LOCK_FOR_IMPORT: &str = "LOCK TABLE auth_deployment, auth_credentials, auth_login_failures, auth_sessions \
     IN EXCLUSIVE MODE";

/// The credential rows of a [`PostgresStore`](crate::PostgresStore)'s database.
#[derive(Clone)]
pub struct PostgresCredentials {
    pool: Pool,
    runtime: Handle,
}

impl fmt::Debug for PostgresCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PostgresCredentials")
    }
}

impl PostgresCredentials {
    pub(crate) fn new(pool: Pool, runtime: Handle) -> Self {
        Self { pool, runtime }
    }

    /// Runs `f` with a pooled connection, blocking this (blocking) thread until it ends.
    fn run<T, F>(&self, f: impl FnOnce(Object) -> F) -> Result<T, AuthError>
    where
        F: Future<Output = Result<T, AuthError>>,
    {
        self.runtime.block_on(async {
            let client = self
                .pool
                .get()
                .await
                .map_err(|e| auth_error(errors::pool(e)))?;
            f(client).await
        })
    }
}

fn auth_error(e: StoreError) -> AuthError {
    match e {
        StoreError::Unavailable(m) => AuthError::Unavailable(m),
        StoreError::Closed => AuthError::Unavailable("the store is closed".into()),
        other => AuthError::Storage(other.to_string()),
    }
}

fn db(e: tokio_postgres::Error) -> AuthError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        // The only unique key a change can break is the username (the others are ours).
        return AuthError::UsernameTaken;
    }
    auth_error(errors::map(e))
}

fn digest_of(bytes: Vec<u8>) -> Result<[u8; 32], AuthError> {
    bytes
        .try_into()
        .map_err(|_| AuthError::Storage("malformed session digest".into()))
}

fn deployment_of(bytes: Vec<u8>) -> Result<[u8; 16], AuthError> {
    bytes
        .try_into()
        .map_err(|_| AuthError::Storage("malformed deployment id".into()))
}

fn session_of(row: &tokio_postgres::Row, at: usize) -> Result<StoredSession, AuthError> {
    Ok(StoredSession {
        user_id: row.get(at),
        created_at: from_millis(row.get(at + 1))?,
        last_seen_at: from_millis(row.get(at + 2))?,
    })
}

fn failures_of(row: Option<tokio_postgres::Row>) -> Result<Failures, AuthError> {
    match row {
        Some(r) => failures_from(i64::from(r.get::<_, i32>(0)), r.get(1)),
        None => Ok(Failures::default()),
    }
}

fn count(f: &Failures) -> i32 {
    i32::try_from(f.consecutive).unwrap_or(i32::MAX)
}

impl CredentialRows for PostgresCredentials {
    fn deployment(&self, candidate: [u8; 16]) -> Result<[u8; 16], AuthError> {
        self.run(|c| async move {
            c.execute(DEPLOYMENT_INIT, &[&candidate.as_slice()])
                .await
                .map_err(db)?;
            let row = c.query_one(DEPLOYMENT_GET, &[]).await.map_err(db)?;
            deployment_of(row.get(0))
        })
    }

    fn upsert_credentials(&self, users: &[(Uuid, &str)], phc: &str) -> Result<(), AuthError> {
        let ids: Vec<Uuid> = users.iter().map(|(id, _)| *id).collect();
        let names: Vec<&str> = users.iter().map(|(_, n)| *n).collect();
        self.run(|c| async move {
            c.execute(CREDENTIALS_UPSERT, &[&ids, &names, &phc])
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn credential_by_username(&self, username: &str) -> Result<Option<(Uuid, String)>, AuthError> {
        self.run(|c| async move {
            let row = c
                .query_opt(CREDENTIAL_BY_USERNAME, &[&username])
                .await
                .map_err(db)?;
            Ok(row.map(|r| (r.get(0), r.get(1))))
        })
    }

    fn credential_by_user_id(&self, user_id: Uuid) -> Result<Option<(String, String)>, AuthError> {
        self.run(|c| async move {
            let row = c
                .query_opt(CREDENTIAL_BY_USER_ID, &[&user_id])
                .await
                .map_err(db)?;
            Ok(row.map(|r| (r.get(0), r.get(1))))
        })
    }

    fn replace_hash(&self, user_id: Uuid, username: &str, phc: &str) -> Result<(), AuthError> {
        self.run(|mut c| async move {
            let tx = c.transaction().await.map_err(db)?;
            tx.execute(CREDENTIAL_SET_PHC, &[&user_id, &phc])
                .await
                .map_err(db)?;
            tx.execute(SESSION_DELETE_USER, &[&user_id])
                .await
                .map_err(db)?;
            tx.execute(FAILURES_CLEAR, &[&username]).await.map_err(db)?;
            tx.commit().await.map_err(db)
        })
    }

    fn failures(&self, username: &str) -> Result<Failures, AuthError> {
        self.run(|c| async move {
            failures_of(c.query_opt(FAILURES_GET, &[&username]).await.map_err(db)?)
        })
    }

    fn record_failure(
        &self,
        username: &str,
        next: &dyn Fn(Failures) -> Failures,
    ) -> Result<(), AuthError> {
        self.run(|mut c| async move {
            let tx = c.transaction().await.map_err(db)?;
            tx.execute(FAILURES_ENSURE, &[&username])
                .await
                .map_err(db)?;
            let now = failures_of(
                tx.query_opt(FAILURES_LOCK, &[&username])
                    .await
                    .map_err(db)?,
            )?;
            let after = next(now);
            tx.execute(
                FAILURES_SET,
                &[&username, &count(&after), &after.locked_until.map(millis)],
            )
            .await
            .map_err(db)?;
            tx.commit().await.map_err(db)
        })
    }

    fn clear_failures(&self, username: &str) -> Result<(), AuthError> {
        self.run(|c| async move {
            c.execute(FAILURES_CLEAR, &[&username]).await.map_err(db)?;
            Ok(())
        })
    }

    fn insert_session(
        &self,
        digest: &[u8; 32],
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        let now = millis(now);
        self.run(|c| async move {
            c.execute(SESSION_INSERT, &[&digest.as_slice(), &user_id, &now, &now])
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn session(&self, digest: &[u8; 32]) -> Result<Option<StoredSession>, AuthError> {
        self.run(|c| async move {
            let row = c
                .query_opt(SESSION_GET, &[&digest.as_slice()])
                .await
                .map_err(db)?;
            row.map(|r| session_of(&r, 0)).transpose()
        })
    }

    fn touch_session(&self, digest: &[u8; 32], now: DateTime<Utc>) -> Result<(), AuthError> {
        let now = millis(now);
        self.run(|c| async move {
            c.execute(SESSION_TOUCH, &[&digest.as_slice(), &now])
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn delete_session(&self, digest: &[u8; 32]) -> Result<(), AuthError> {
        self.run(|c| async move {
            c.execute(SESSION_DELETE, &[&digest.as_slice()])
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn delete_sessions_of(&self, user_id: Uuid) -> Result<usize, AuthError> {
        self.run(|c| async move {
            let n = c
                .execute(SESSION_DELETE_USER, &[&user_id])
                .await
                .map_err(db)?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        })
    }

    fn purge_sessions(
        &self,
        created_by: DateTime<Utc>,
        seen_by: DateTime<Utc>,
    ) -> Result<usize, AuthError> {
        let (created_by, seen_by) = (millis(created_by), millis(seen_by));
        self.run(|c| async move {
            let n = c
                .execute(SESSION_PURGE, &[&created_by, &seen_by])
                .await
                .map_err(db)?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        })
    }

    fn export(&self) -> Result<CredentialDump, AuthError> {
        self.run(|mut c| async move {
            // One snapshot: a consistent copy.
            let tx = c
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await
                .map_err(db)?;
            let deployment =
                deployment_of(tx.query_one(DEPLOYMENT_GET, &[]).await.map_err(db)?.get(0))?;
            let credentials = tx
                .query(CREDENTIALS_ALL, &[])
                .await
                .map_err(db)?
                .iter()
                .map(|r| CredentialRow {
                    user_id: r.get(0),
                    username: r.get(1),
                    phc: r.get(2),
                })
                .collect();
            let mut failures = Vec::new();
            for r in tx.query(FAILURES_ALL, &[]).await.map_err(db)? {
                let f = failures_from(i64::from(r.get::<_, i32>(1)), r.get(2))?;
                failures.push((r.get(0), f));
            }
            let mut sessions = Vec::new();
            for r in tx.query(SESSIONS_ALL, &[]).await.map_err(db)? {
                sessions.push((digest_of(r.get(0))?, session_of(&r, 1)?));
            }
            tx.commit().await.map_err(db)?;
            Ok(CredentialDump {
                deployment,
                credentials,
                failures,
                sessions,
            })
        })
    }

    fn is_empty(&self) -> Result<bool, AuthError> {
        self.run(|c| async move { Ok(c.query_one(IS_EMPTY, &[]).await.map_err(db)?.get(0)) })
    }

    fn import(&self, dump: &CredentialDump) -> Result<(), AuthError> {
        self.run(|mut c| async move {
            let tx = c.transaction().await.map_err(db)?;
            tx.batch_execute(LOCK_FOR_IMPORT).await.map_err(db)?;
            if !tx
                .query_one(IS_EMPTY, &[])
                .await
                .map_err(db)?
                .get::<_, bool>(0)
            {
                return Err(AuthError::Storage(
                    "the target already holds credentials; nothing was copied".into(),
                ));
            }
            let deployment = dump.deployment.as_slice();
            tx.execute(DEPLOYMENT_INIT, &[&deployment])
                .await
                .map_err(db)?;
            tx.execute(DEPLOYMENT_REPLACE, &[&deployment])
                .await
                .map_err(db)?;
            for r in &dump.credentials {
                tx.execute(CREDENTIAL_INSERT, &[&r.user_id, &r.username, &r.phc])
                    .await
                    .map_err(db)?;
            }
            for (username, f) in &dump.failures {
                tx.execute(
                    FAILURES_INSERT,
                    &[username, &count(f), &f.locked_until.map(millis)],
                )
                .await
                .map_err(db)?;
            }
            for (digest, s) in &dump.sessions {
                tx.execute(
                    SESSION_INSERT,
                    &[
                        &digest.as_slice(),
                        &s.user_id,
                        &millis(s.created_at),
                        &millis(s.last_seen_at),
                    ],
                )
                .await
                .map_err(db)?;
            }
            tx.commit().await.map_err(db)
        })
    }
}
