//! Credentials and sessions in the log's PostgreSQL database (ADR 0015): two credential
//! stores over one schema stand for two dutytrace processes sharing a log. A login through
//! one is a login through the other, a logout or a password change through one ends the
//! session for the other, failed logins count together, and a copy of an SQLite auth file
//! keeps every token valid.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth::{AuthConfig, AuthError, CredentialRows, CredentialStore, HashCost, Secret};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use dutytrace_tests::postgres::TestSchema;
use std::sync::Arc;
use store_postgres::credentials::PostgresCredentials;
use store_postgres::{PostgresOptions, PostgresStore};
use uuid::Uuid;

const PASSWORD: &str = "Tall-Ledger-42!";

fn config() -> AuthConfig {
    AuthConfig {
        hash_cost: HashCost::insecure_fast_for_tests(),
        ..AuthConfig::default()
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).single().unwrap()
}

/// Two "processes": each its own connection pool and credential store on one schema.
struct Two {
    _schema: TestSchema,
    logs: [PostgresStore; 2],
    rows: PostgresCredentials,
    a: Arc<CredentialStore>,
    b: Arc<CredentialStore>,
}

impl Two {
    async fn new() -> Option<Self> {
        let schema = TestSchema::new().await?;
        let url = schema.url();
        let connect = || PostgresStore::connect(&url, PostgresOptions::default());
        let logs = [connect().await.unwrap(), connect().await.unwrap()];
        let (ra, rb) = (logs[0].credential_rows(), logs[1].credential_rows());
        let rows = ra.clone();
        let (a, b) = tokio::task::spawn_blocking(move || {
            (
                CredentialStore::over(Box::new(ra), config()).unwrap(),
                CredentialStore::over(Box::new(rb), config()).unwrap(),
            )
        })
        .await
        .unwrap();
        Some(Self {
            _schema: schema,
            logs,
            rows,
            a: Arc::new(a),
            b: Arc::new(b),
        })
    }

    /// Runs `f` with both stores on a blocking thread, as the API does.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&CredentialStore, &CredentialStore) -> T + Send + 'static,
    ) -> T {
        let (a, b) = (self.a.clone(), self.b.clone());
        tokio::task::spawn_blocking(move || f(&a, &b))
            .await
            .unwrap()
    }

    async fn close(self) {
        for log in &self.logs {
            log.close().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opened_through_one_process_is_valid_through_the_other_until_revoked() {
    let Some(two) = Two::new().await else {
        return;
    };
    two.with(|a, b| {
        let alice = Uuid::now_v7();
        a.set_password(alice, "alice", &Secret::new(PASSWORD))
            .unwrap();
        assert_eq!(b.verify("alice", &Secret::new(PASSWORD), t0()), Ok(alice));
        assert_eq!(
            b.verify("alice", &Secret::new("Not-The-Password-1"), t0()),
            Err(AuthError::InvalidCredentials)
        );

        // Issued by A (and not yet looked at by it), used through B, ended through B.
        let token = a.issue(alice, t0()).unwrap();
        assert_eq!(b.authenticate(&token, t0()).map(|s| s.user_id), Ok(alice));
        b.revoke(&token).unwrap();
        assert_eq!(a.authenticate(&token, t0()), Err(AuthError::InvalidToken));

        // A password changed through B ends the sessions A issued.
        let token = a.issue(alice, t0()).unwrap();
        b.change_password(
            alice,
            &Secret::new(PASSWORD),
            &Secret::new("Another-Ledger-7"),
            t0(),
        )
        .unwrap();
        assert_eq!(a.authenticate(&token, t0()), Err(AuthError::InvalidToken));
        assert_eq!(
            a.verify("alice", &Secret::new("Another-Ledger-7"), t0()),
            Ok(alice)
        );

        // One username, one user, whichever process is asked.
        assert_eq!(
            b.set_password(Uuid::now_v7(), "alice", &Secret::new(PASSWORD)),
            Err(AuthError::UsernameTaken)
        );
        // A session used after two idle hours has ended for both.
        let token = b.issue(alice, t0()).unwrap();
        let later = t0() + TimeDelta::hours(2);
        assert_eq!(a.authenticate(&token, later), Err(AuthError::InvalidToken));
        assert_eq!(b.authenticate(&token, later), Err(AuthError::InvalidToken));
    })
    .await;
    two.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_through_both_processes_count_together_and_none_is_lost() {
    let Some(two) = Two::new().await else {
        return;
    };
    let (ra, rb) = (two.rows.clone(), two.logs[1].credential_rows());
    // 40 failures recorded at once from 8 threads through two pools: a lost update (read,
    // add one, write) would count fewer.
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let rows = if i % 2 == 0 { ra.clone() } else { rb.clone() };
            tokio::task::spawn_blocking(move || {
                for _ in 0..5 {
                    rows.record_failure("mallory", &|f| auth::rows::Failures {
                        consecutive: f.consecutive + 1,
                        locked_until: None,
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.await.unwrap();
    }
    let rows = ra.clone();
    let counted = tokio::task::spawn_blocking(move || rows.failures("mallory").unwrap())
        .await
        .unwrap();
    assert_eq!(counted.consecutive, 40);

    // Five wrong passwords, alternating between the processes, lock the name out of both.
    two.with(|a, b| {
        for i in 0..5 {
            let s = if i % 2 == 0 { a } else { b };
            assert_eq!(
                s.verify("eve", &Secret::new("Wrong-Guess-99"), t0()),
                Err(AuthError::InvalidCredentials)
            );
        }
        for s in [a, b] {
            assert_eq!(
                s.verify("eve", &Secret::new("Wrong-Guess-99"), t0()),
                Err(AuthError::LockedOut {
                    retry_after: TimeDelta::minutes(1)
                })
            );
        }
    })
    .await;
    two.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_auth_file_copied_in_keeps_its_tokens_and_a_second_copy_is_refused() {
    let Some(two) = Two::new().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.auth.db");
    let rows = two.rows.clone();
    tokio::task::spawn_blocking(move || {
        let local = CredentialStore::open_with(&file, config()).unwrap();
        let alice = Uuid::now_v7();
        local
            .set_password(alice, "alice", &Secret::new(PASSWORD))
            .unwrap();
        let token = local.issue(alice, t0()).unwrap();
        let dump = local.export().unwrap();

        let server = CredentialStore::over(Box::new(rows.clone()), config()).unwrap();
        assert_eq!(server.is_empty(), Ok(true));
        server.import(&dump).unwrap();
        // Reopened with the file's deployment id, the server takes the file's tokens.
        let server = CredentialStore::over(Box::new(rows), config()).unwrap();
        assert_eq!(server.export().unwrap(), dump);
        assert_eq!(
            server.authenticate(&token, t0()).map(|s| s.user_id),
            Ok(alice)
        );
        assert_eq!(
            server.verify("alice", &Secret::new(PASSWORD), t0()),
            Ok(alice)
        );
        let again = server.import(&dump);
        assert!(
            matches!(&again, Err(AuthError::Storage(m)) if m.contains("already holds")),
            "{again:?}"
        );
    })
    .await
    .unwrap();
    two.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_is_gone_is_unavailable_not_a_wrong_password() {
    let Some(two) = Two::new().await else {
        return;
    };
    let rows = two.rows.clone();
    two.logs[0].close().await;
    let answer = tokio::task::spawn_blocking(move || rows.credential_by_username("alice"))
        .await
        .unwrap();
    assert!(
        matches!(answer, Err(AuthError::Unavailable(_))),
        "{answer:?}"
    );
    two.close().await;
}

/// A process of an earlier version kept its credentials in its data directory (ADR 0014):
/// opening the log on PostgreSQL moves them into the database once, so the same password
/// and the same token still work, through any process; the file is left as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_file_of_an_earlier_version_is_moved_into_the_database_once() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let file = dutytrace::stores::server_base(Some(data.path()));
    let file = auth::auth_path_for(&file);
    let alice = Uuid::now_v7();
    let (token, before) = {
        let file = file.clone();
        tokio::task::spawn_blocking(move || {
            let local = CredentialStore::open(&file).unwrap();
            local
                .set_password(alice, "alice", &Secret::new(PASSWORD))
                .unwrap();
            let token = local.issue(alice, t0()).unwrap();
            (token, local.export().unwrap())
        })
        .await
        .unwrap()
    };
    let clock: Arc<dyn event_store::Clock> = Arc::new(event_store::ManualClock::new(t0()));
    let url = schema.url();
    let open = || dutytrace::stores::open(&url, Some(data.path()), clock.clone());
    let first = open().await.unwrap();
    // A second process, with no file of its own, sees the same credentials.
    let other = tempfile::tempdir().unwrap();
    let second = dutytrace::stores::open(&url, Some(other.path()), clock.clone())
        .await
        .unwrap();
    let (a, b) = (first.auth.clone(), second.auth.clone());
    tokio::task::spawn_blocking(move || {
        assert_eq!(b.authenticate(&token, t0()).map(|s| s.user_id), Ok(alice));
        assert_eq!(a.verify("alice", &Secret::new(PASSWORD), t0()), Ok(alice));
        // A password changed now is not undone by the file at the next start.
        a.reset_password(alice, &Secret::new("Another-Ledger-7"))
            .unwrap();
    })
    .await
    .unwrap();
    first.close().await;
    let again = open().await.unwrap();
    let c = again.auth.clone();
    tokio::task::spawn_blocking(move || {
        assert_eq!(
            c.verify("alice", &Secret::new("Another-Ledger-7"), t0()),
            Ok(alice)
        );
    })
    .await
    .unwrap();
    let left = tokio::task::spawn_blocking(move || CredentialStore::open(&file)?.export())
        .await
        .unwrap()
        .unwrap();
    assert!(left == before, "the file is left as it was");
    assert!(
        !other.path().join("dutytrace.auth.db").exists(),
        "no credential file is made for a log on a server"
    );
    again.close().await;
    second.close().await;
}
