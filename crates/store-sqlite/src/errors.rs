//! Mapping SQLite's errors onto the port's.

use event_store::StoreError;
use rusqlite::ErrorCode;

/// Turns a SQLite error into the store error a caller can act on.
///
/// The disk, not the request: SQLITE_FULL (and SQLITE_IOERR_SHMSIZE, which is how SQLite
/// says it could not grow its shared-memory file, i.e. ENOSPC on it) is "no space left";
/// SQLITE_READONLY, SQLITE_CANTOPEN and the other SQLITE_IOERR_* (a write or sync the file
/// system refused: EROFS once it turned read-only, EIO) are "unavailable" — the append
/// rolled back whole, and it may be tried again once the storage is back.
pub(crate) fn map(e: rusqlite::Error) -> StoreError {
    let extended = match &e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
        _ => None,
    };
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::StorageFull(e.to_string()),
        Some(ErrorCode::SystemIoFailure)
            if extended == Some(rusqlite::ffi::SQLITE_IOERR_SHMSIZE) =>
        {
            StoreError::StorageFull(e.to_string())
        }
        Some(
            ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::SystemIoFailure,
        ) => StoreError::Unavailable(e.to_string()),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(format!("the database is busy: {e}"))
        }
        _ => StoreError::Internal(e.to_string()),
    }
}
