//! Mapping PostgreSQL's errors onto the port's.

use event_store::StoreError;
use tokio_postgres::error::SqlState;

/// Turns a driver error into the store error a caller can act on: a lost or refused
/// connection, a server shutting down or a read-only server is `Unavailable` (retry later);
/// a full disk is `StorageFull`.
pub(crate) fn map(e: tokio_postgres::Error) -> StoreError {
    let Some(code) = e.code() else {
        // No SQLSTATE: the connection itself failed (refused, reset, closed, timed out).
        return StoreError::Unavailable(format!("PostgreSQL: {}", describe(&e)));
    };
    let message = describe(&e);
    if *code == SqlState::DISK_FULL
        || *code == SqlState::OUT_OF_MEMORY
        || *code == SqlState::INSUFFICIENT_RESOURCES
    {
        return StoreError::StorageFull(message);
    }
    let class = &code.code()[..2];
    // 08: connection exception; 57: operator intervention (shutdown, cancel); 53: resources;
    // 25006: read-only transaction (a standby, or default_transaction_read_only).
    if matches!(class, "08" | "57" | "53")
        || *code == SqlState::READ_ONLY_SQL_TRANSACTION
        || *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::LOCK_NOT_AVAILABLE
    {
        return StoreError::Unavailable(message);
    }
    StoreError::Internal(message)
}

/// A pool error: waiting for or opening a connection failed. Whatever the server said
/// (refused, not accepting connections, too many clients), it is worth trying again later.
pub(crate) fn pool(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => {
            StoreError::Unavailable(format!("PostgreSQL: cannot connect: {}", describe(&e)))
        }
        deadpool_postgres::PoolError::Closed => StoreError::Closed,
        other => StoreError::Unavailable(format!("PostgreSQL: no connection: {other}")),
    }
}

/// The server's message with its detail, or the driver's with its source.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_owned(),
        };
    }
    match std::error::Error::source(e) {
        Some(source) => format!("{e}: {source}"),
        None => e.to_string(),
    }
}
