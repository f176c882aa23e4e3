//! Limits on what one client may ask of the service (issue 11): how large a body may be,
//! how often one user may sign in or send commands, how long one request may take, and the
//! headers every answer carries.
//!
//! - **Bodies**: a JSON command is at most [`LimitConfig::body_bytes`] (1 MiB); an oversight
//!   import file has its own, larger limit on its route. Larger: `413 payload_too_large`.
//! - **Rates, per user**: commands (`POST`, `PUT`, `DELETE`) per signed-in user, and sign-in
//!   attempts per username (beside the lock-out after failed passwords, which counts only
//!   failures): `429 rate_limited` with `Retry-After`. GCRA through `governor`, keyed, so one
//!   user's burst never slows another's. Queries are not rate limited: they change nothing
//!   and are cached.
//! - **Time**: a connection must send a request's head within
//!   [`LimitConfig::header_read_timeout`] or is closed (`crate::serve`); a request that has
//!   not produced its answer in [`LimitConfig::request_timeout`] is answered `503 timed_out`
//!   (what it was doing is dropped: a command either committed whole before, or not at all).
//!   A streamed answer (the export) is timed to its first byte.
//! - **Headers**: every answer says `X-Content-Type-Options: nosniff`; answers of the API are
//!   `Cache-Control: no-store` (they are someone's data) unless a handler says otherwise. The
//!   pages set their own Content-Security-Policy (crate `web`).

use crate::problem::ApiError;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The limits of one service; [`Default`] is what `dutytrace serve` uses unless told
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    /// The largest JSON body of a command, in bytes.
    pub body_bytes: usize,
    /// Commands one user may send per second, sustained.
    pub commands_per_second: u32,
    /// Commands one user may send at once before the rate applies.
    pub command_burst: u32,
    /// Sign-in attempts per username per minute, sustained.
    pub logins_per_minute: u32,
    /// Sign-in attempts per username at once before the rate applies.
    pub login_burst: u32,
    /// How long a request may take to produce its answer.
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's head (method, path, headers).
    pub header_read_timeout: Duration,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            body_bytes: 1 << 20,
            // A person records a few entries a minute; a script that registers a district's
            // 5,200 units one by one is slowed to under two minutes, and a runaway client
            // cannot take the writer from everyone else.
            commands_per_second: 50,
            command_burst: 200,
            logins_per_minute: 10,
            login_burst: 10,
            request_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

impl LimitConfig {
    /// Checks the numbers: every rate and burst at least 1, a body of at least 1 KiB and a
    /// timeout of at least 10 ms.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("commands per second", self.commands_per_second),
            ("command burst", self.command_burst),
            ("logins per minute", self.logins_per_minute),
            ("login burst", self.login_burst),
        ];
        for (name, n) in positive {
            if n == 0 {
                return Err(format!("the {name} must be at least 1"));
            }
        }
        if self.body_bytes < 1024 {
            return Err(format!(
                "the body limit must be at least 1024 bytes, not {}",
                self.body_bytes
            ));
        }
        if self.header_read_timeout < Duration::from_millis(10) {
            return Err(format!(
                "the header read timeout must be at least 10 ms, not {:?}",
                self.header_read_timeout
            ));
        }
        if self.request_timeout < Duration::from_millis(10) {
            return Err(format!(
                "the request timeout must be at least 10 ms, not {:?}",
                self.request_timeout
            ));
        }
        Ok(())
    }
}

/// The rate limiters of one service, shared by its requests.
#[derive(Debug)]
pub struct Limits {
    config: LimitConfig,
    commands: DefaultKeyedRateLimiter<String>,
    logins: DefaultKeyedRateLimiter<String>,
    /// Checks since the idle keys were last dropped.
    checks: AtomicU64,
}

/// How many checks pass between two sweeps of idle keys (whose buckets are full again, so
/// forgetting them changes nothing).
const SWEEP_EVERY: u64 = 4096;

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    /// Limiters with these limits (a zero rate counts as 1: see [`LimitConfig::validate`]).
    pub fn new(config: LimitConfig) -> Self {
        let commands = Quota::per_second(nonzero(config.commands_per_second))
            .allow_burst(nonzero(config.command_burst));
        let logins = Quota::per_minute(nonzero(config.logins_per_minute))
            .allow_burst(nonzero(config.login_burst));
        Self {
            config,
            commands: RateLimiter::keyed(commands),
            logins: RateLimiter::keyed(logins),
            checks: AtomicU64::new(0),
        }
    }

    pub fn config(&self) -> &LimitConfig {
        &self.config
    }

    /// Counts a command of `user`; `429 rate_limited` when they have sent too many.
    pub fn command(&self, user: &str) -> Result<(), ApiError> {
        self.check(&self.commands, user, || {
            format!(
                "too many commands from this user: at most {} a second (bursts of {}); wait and \
                 send it again (with the same Idempotency-Key)",
                self.config.commands_per_second, self.config.command_burst
            )
        })
    }

    /// Counts a sign-in attempt for `username` (whatever its outcome);
    /// `429 rate_limited` when there were too many.
    pub fn login(&self, username: &str) -> Result<(), ApiError> {
        let key = username.trim().to_lowercase();
        self.check(&self.logins, &key, || {
            format!(
                "too many sign-in attempts for this username: at most {} a minute; wait and try \
                 again",
                self.config.logins_per_minute
            )
        })
    }

    fn check(
        &self,
        limiter: &DefaultKeyedRateLimiter<String>,
        key: &str,
        detail: impl FnOnce() -> String,
    ) -> Result<(), ApiError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.commands.retain_recent();
            self.logins.retain_recent();
        }
        let key = key.to_owned();
        match limiter.check_key(&key) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let mut e = ApiError::new("rate_limited", detail());
                // Whole seconds, rounded up: a client that waits that long gets in.
                e.retry_after = Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
                Err(e)
            }
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(LimitConfig::default())
    }
}

/// Middleware: answers `503 timed_out` for a request that has not produced its answer in
/// time, sets the headers every answer carries, and counts the answer (`metrics`).
/// It holds only what it needs (not the whole state, whose clone per request costs a dozen
/// reference counts).
pub(crate) async fn guard(
    timeout: Duration,
    metrics: Arc<crate::metrics::Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let api = request.uri().path().starts_with("/api/");
    let mut response = match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            "timed_out",
            format!(
                "the request took longer than {} s and was stopped; nothing it was doing was \
                 kept unless it had already been answered",
                timeout.as_secs_f64()
            ),
        )
        .into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    metrics.observe(
        &method,
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_the_burst_then_waits_and_another_user_is_not_slowed() {
        let limits = Limits::new(LimitConfig {
            commands_per_second: 1,
            command_burst: 3,
            ..LimitConfig::default()
        });
        for _ in 0..3 {
            limits.command("user:c001").unwrap();
        }
        let e = limits.command("user:c001").unwrap_err();
        assert_eq!(e.code, "rate_limited");
        assert_eq!(
            e.retry_after,
            Some(1),
            "one command a second: wait one second"
        );
        limits.command("user:c002").unwrap();
    }

    #[test]
    fn sign_ins_are_counted_per_username_whatever_its_case() {
        let limits = Limits::new(LimitConfig {
            logins_per_minute: 1,
            login_burst: 2,
            ..LimitConfig::default()
        });
        limits.login("jiwei").unwrap();
        limits.login(" JiWei ").unwrap();
        let e = limits.login("jiwei").unwrap_err();
        assert_eq!(e.code, "rate_limited");
        assert!((1..=60).contains(&e.retry_after.unwrap()), "{e:?}");
        limits.login("c001").unwrap();
    }

    #[tokio::test]
    async fn a_request_past_its_deadline_is_503_timed_out_and_counted() {
        use tower::ServiceExt as _;
        let metrics = Arc::new(crate::metrics::Metrics::default());
        let m = metrics.clone();
        // A handler that never answers (a command stuck behind a lock, a read that waits).
        let app = axum::Router::new()
            .route(
                "/stuck",
                axum::routing::get(std::future::pending::<&'static str>),
            )
            .layer(axum::middleware::from_fn(move |request, next| {
                guard(Duration::from_millis(200), m.clone(), request, next)
            }));
        let started = std::time::Instant::now();
        let response = app
            .oneshot(
                axum::http::Request::get("/stuck")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let waited = started.elapsed();
        assert_eq!(
            response.status(),
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        );
        assert!(
            (Duration::from_millis(200)..Duration::from_secs(5)).contains(&waited),
            "{waited:?}"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "timed_out");
        let text = metrics.text();
        assert!(
            text.contains(
                "dutytrace_http_requests_total{method=\"GET\",route=\"/stuck\",status=\"503\"} 1"
            ),
            "{text}"
        );
    }

    #[test]
    fn bad_limits_are_named() {
        let zero = LimitConfig {
            login_burst: 0,
            ..LimitConfig::default()
        };
        assert_eq!(
            zero.validate().unwrap_err(),
            "the login burst must be at least 1"
        );
        let small = LimitConfig {
            body_bytes: 10,
            ..LimitConfig::default()
        };
        assert!(small.validate().unwrap_err().contains("1024 bytes"));
        assert_eq!(LimitConfig::default().validate(), Ok(()));
    }
}
