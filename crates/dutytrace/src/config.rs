//! Settings shared by the commands: defaults that run with no file, overridden by
//! `DUTYTRACE_*` environment variables, overridden by flags (clap reads both).

use anyhow::anyhow;
use auth::Secret;
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

/// The environment variable that holds the password of `admin`, the commission
/// administrator (DESIGN.md §5).
pub const ADMIN_PASSWORD_ENV: &str = "DUTYTRACE_ADMIN_PASSWORD";

/// Checks the administrator's password before anything starts, so that a bad one stops the
/// service with an error naming the variable (never the value).
pub fn check_admin_password(password: &Secret) -> anyhow::Result<()> {
    auth::check_password(api::ADMIN, password).map_err(|e| {
        anyhow!(
            "{ADMIN_PASSWORD_ENV} (the password of `{}`): {e}",
            api::ADMIN
        )
    })
}

/// The environment variable that names the webhook notifications are delivered to
/// (optional; ADR 0009).
pub const WEBHOOK_URL_ENV: &str = "DUTYTRACE_WEBHOOK_URL";

/// Checks the webhook URL, if one is given, before anything starts: a bad one stops the
/// service with an error naming the variable (never the value, which may hold a token).
pub fn webhook(raw: Option<&str>) -> anyhow::Result<Option<crate::outbox::Webhook>> {
    raw.filter(|s| !s.trim().is_empty())
        .map(|s| {
            crate::outbox::Webhook::parse(s)
                .map_err(|e| anyhow!("{WEBHOOK_URL_ENV} (--webhook-url): {e}"))
        })
        .transpose()
}
