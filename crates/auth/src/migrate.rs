//! Schema migrations of the auth file, embedded and applied when it is opened.

use crate::AuthError;
use rusqlite::{Connection, TransactionBehavior};

/// Marks a file as a dutytrace auth file (`PRAGMA application_id`, "DTAU").
const APPLICATION_ID: i64 = 0x4454_4155;

/// The migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[(&str, &str)] = &[("0001_auth", include_str!("../migrations/0001_auth.sql"))];

/// Brings the schema up to date in one transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), AuthError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let app: i64 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let applied: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if app != 0 && app != APPLICATION_ID {
        return Err(AuthError::Storage(
            "this SQLite file is not a dutytrace auth file".into(),
        ));
    }
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if applied > known {
        return Err(AuthError::Storage(format!(
            "the auth file has schema version {applied}, newer than this build knows ({known})"
        )));
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        tx.execute_batch(sql)
            .map_err(|e| AuthError::Storage(format!("migration {name} failed: {e}")))?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}
