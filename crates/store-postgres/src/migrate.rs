//! Schema migrations, embedded in the binary and applied when a store is opened — by one
//! process at a time (an advisory lock), however many start together.

use crate::errors::map;
use event_store::StoreError;
use tokio_postgres::Client;

/// The migrations, in order.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_event_log",
        include_str!("../migrations/0001_event_log.sql"),
    ),
    (
        "0002_credentials",
        include_str!("../migrations/0002_credentials.sql"),
    ),
];

/// Key of the advisory lock held while migrating ("dutytrace" in ASCII, truncated).
const MIGRATION_LOCK: i64 = 0x6475_7479_7472_6163;

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS dutytrace_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

/// Brings the schema up to date in one transaction.
pub(crate) async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(map)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(map)?;
    tx.batch_execute(BOOKKEEPING).await.map_err(map)?;
    let applied: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM dutytrace_migrations",
            &[],
        )
        .await
        .map_err(map)?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if applied > known {
        return Err(StoreError::Unavailable(format!(
            "the event log has schema version {applied}, newer than this build knows ({known}); \
             upgrade dutytrace"
        )));
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        tx.batch_execute(sql)
            .await
            .map_err(|e| StoreError::Internal(format!("migration {name} failed: {}", map(e))))?;
        tx.execute(
            "INSERT INTO dutytrace_migrations (version, name) VALUES ($1, $2)",
            &[&(i as i32 + 1), name],
        )
        .await
        .map_err(map)?;
        tracing::info!(migration = name, "event log schema migrated");
    }
    tx.commit().await.map_err(map)
}
