//! Settings shared by the commands: defaults that run with no file, overridden by
//! `DUTYTRACE_*` environment variables, overridden by flags (clap reads both).

use chrono::{DateTime, Utc};
use event_store::{Clock, FixedClock, SystemClock};
use std::sync::Arc;

/// The default store: an SQLite file in the working directory.
pub const DEFAULT_STORE: &str = "sqlite://dutytrace.db";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The clock: fixed when `DUTYTRACE_NOW` (or `--now`) is set, for demos and tests only.
pub fn clock(now: Option<DateTime<Utc>>) -> Arc<dyn Clock> {
    match now {
        Some(t) => {
            tracing::warn!(now = %t, "the clock is fixed (DUTYTRACE_NOW); for demos and tests only");
            Arc::new(FixedClock(t))
        }
        None => Arc::new(SystemClock),
    }
}

/// Parses an RFC 3339 instant (clap value parser).
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("{s:?} is not an RFC 3339 instant (e.g. 2026-07-01T09:00:00+08:00): {e}")
        })
}
