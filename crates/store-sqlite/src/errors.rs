//! Mapping SQLite's errors onto the port's.

use event_store::StoreError;
use rusqlite::ErrorCode;

/// Turns a SQLite error into the store error a caller can act on.
pub(crate) fn map(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::StorageFull(e.to_string()),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::Unavailable(e.to_string())
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(format!("the database is busy: {e}"))
        }
        _ => StoreError::Internal(e.to_string()),
    }
}
