//! Schema migrations, embedded in the binary and applied when a store is opened.

use crate::errors::map;
use event_store::StoreError;
use rusqlite::Connection;

/// Marks a file as a dutytrace event log (`PRAGMA application_id`, "DTEL").
const APPLICATION_ID: i64 = 0x4454_454c;

/// The migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_event_log",
        include_str!("../migrations/0001_event_log.sql"),
    ),
    (
        "0002_stream_index",
        include_str!("../migrations/0002_stream_index.sql"),
    ),
];

/// Brings the schema up to date in one transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(map)?;
    let app: i64 = tx
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(map)?;
    let applied: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(map)?;
    if app != 0 && app != APPLICATION_ID {
        return Err(StoreError::Unavailable(
            "this SQLite file is not a dutytrace event log".into(),
        ));
    }
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if applied > known {
        return Err(StoreError::Unavailable(format!(
            "the event log has schema version {applied}, newer than this build knows ({known}); \
             upgrade dutytrace"
        )));
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Internal(format!("migration {name} failed: {e}")))?;
        tx.pragma_update(None, "user_version", i as i64 + 1)
            .map_err(map)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(map)?;
    tx.commit().map_err(map)
}
