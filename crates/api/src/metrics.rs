//! `/metrics` in the OpenMetrics text format (which Prometheus reads), through the Prometheus
//! project's own client, `prometheus-client`:
//!
//! - `dutytrace_http_requests_total{method,route,status}` and
//!   `dutytrace_http_request_duration_seconds{method,route}` (to the answer's head; a route
//!   is its template, `/api/v1/units/{id}/obligations`, so the labels stay few);
//! - `dutytrace_events_appended_total{event_type}` and
//!   `dutytrace_append_failures_total{error}`: appends by this process, counted by the store
//!   it writes through ([`Metrics::counting`]);
//! - `dutytrace_reminders_sent_total{kind}`: the deadline watcher's reminders (履责提醒,
//!   约谈提醒, overdue rectifications) appended by this process;
//! - `dutytrace_store_up`, `dutytrace_log_head_position`, and per read model
//!   `dutytrace_projector_position` and `dutytrace_projector_lag_events`, read when scraped.

use crate::state::AppState;
use async_trait::async_trait;
use axum::extract::State;
use axum::http::{Method, header};
use axum::response::IntoResponse;
use event_store::{
    AppendResult, CopiedEvent, Direction, EventStore, EventType, ExpectedVersion, Filter, NewEvent,
    ReadAllPage, RecordedEvent, StoreError, StreamName,
};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// The media type of the answer.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventTypeLabels {
    event_type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    error: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProjectionLabels {
    projection: String,
}

type Latencies = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s, doubling.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

/// What this process counts, shared by its requests and the store it writes through.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latencies: Latencies,
    appended: Family<EventTypeLabels, Counter>,
    append_failures: Family<ErrorLabels, Counter>,
    reminders: Family<KindLabels, Counter>,
    store_up: Gauge,
    head: Gauge,
    positions: Family<ProjectionLabels, Gauge>,
    lags: Family<ProjectionLabels, Gauge>,
    /// The request counters resolved so far, by route template and method.
    routes: RwLock<HashMap<Box<str>, Vec<Arc<Handles>>>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "dutytrace_http_requests",
            "Requests answered, by method, route and status",
            requests.clone(),
        );
        let latencies = Latencies::new_with_constructor(latency_histogram);
        registry.register(
            "dutytrace_http_request_duration_seconds",
            "Time to the head of each answer, by method and route",
            latencies.clone(),
        );
        let appended = Family::<EventTypeLabels, Counter>::default();
        registry.register(
            "dutytrace_events_appended",
            "Events this process appended to the log, by type",
            appended.clone(),
        );
        let append_failures = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "dutytrace_append_failures",
            "Appends by this process that the store refused or could not make, by error",
            append_failures.clone(),
        );
        let reminders = Family::<KindLabels, Counter>::default();
        registry.register(
            "dutytrace_reminders_sent",
            "Reminders the deadline watcher of this process appended, by kind",
            reminders.clone(),
        );
        let store_up = Gauge::default();
        registry.register(
            "dutytrace_store_up",
            "Whether the event store answers (1) or not (0)",
            store_up.clone(),
        );
        let head = Gauge::default();
        registry.register(
            "dutytrace_log_head_position",
            "Global position of the last event in the log",
            head.clone(),
        );
        let positions = Family::<ProjectionLabels, Gauge>::default();
        registry.register(
            "dutytrace_projector_position",
            "Checkpoint of each read model",
            positions.clone(),
        );
        let lags = Family::<ProjectionLabels, Gauge>::default();
        registry.register(
            "dutytrace_projector_lag_events",
            "Events between the head of the log and each read model",
            lags.clone(),
        );
        Self {
            registry,
            requests,
            latencies,
            appended,
            append_failures,
            reminders,
            store_up,
            head,
            positions,
            lags,
            routes: RwLock::default(),
        }
    }
}

impl Metrics {
    /// `store`, with every append made through it counted here.
    pub fn counting(self: &Arc<Self>, store: Arc<dyn EventStore>) -> Arc<dyn EventStore> {
        Arc::new(Counted {
            inner: store,
            metrics: self.clone(),
        })
    }

    fn appended(&self, types: &[EventType]) {
        for t in types {
            let event_type = t.as_str();
            self.appended
                .get_or_create(&EventTypeLabels {
                    event_type: event_type.to_owned(),
                })
                .inc();
            let kind = match event_type {
                "YellowWeekEntered" => "yellow_week",
                "AdmonishmentDue" => "admonishment",
                "RectificationOverdue" => "rectification_overdue",
                _ => continue,
            };
            self.reminders.get_or_create(&KindLabels { kind }).inc();
        }
    }

    fn failed(&self, e: &StoreError) {
        let error = match e {
            StoreError::WrongExpectedVersion { .. } => "wrong_expected_version",
            StoreError::IdempotencyConflict { .. } => "idempotency_conflict",
            StoreError::Invalid(_) => "invalid",
            StoreError::StorageFull(_) => "storage_full",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Closed => "closed",
            _ => "internal",
        };
        self.append_failures
            .get_or_create(&ErrorLabels { error })
            .inc();
    }

    /// The text of `/metrics`, the gauges read from `state` first.
    async fn render(&self, state: &AppState) -> String {
        match state.store.head().await {
            Ok(head) => {
                self.store_up.set(1);
                self.head.set(i64::try_from(head).unwrap_or(i64::MAX));
            }
            Err(_) => {
                self.store_up.set(0);
            }
        }
        for p in state.projector_status().await {
            let labels = ProjectionLabels { projection: p.name };
            self.positions
                .get_or_create(&labels)
                .set(i64::try_from(p.position).unwrap_or(i64::MAX));
            match p.lag {
                Some(lag) => {
                    self.lags
                        .get_or_create(&labels)
                        .set(i64::try_from(lag).unwrap_or(i64::MAX));
                }
                // Not known now: say nothing rather than an old figure.
                None => {
                    self.lags.remove(&labels);
                }
            }
        }
        self.text()
    }

    /// The registry's text as it stands.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The counters of one method of one route, resolved once: a request then counts without
/// building labels (a label set of owned strings, hashed, per request cost a fifth of the
/// cached board's throughput).
#[derive(Debug)]
struct Handles {
    method: Method,

    latency: Histogram,
    statuses: RwLock<Vec<(u16, Counter)>>,
}

impl Metrics {
    /// Counts one answer of `method` on `route` (its template, or "unmatched") with
    /// `status`, `elapsed` after the request came.
    pub(crate) fn observe(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        // One structured line per request (`RUST_LOG=api=debug`; JSON with --log-json); a
        // 5xx is also logged as an error where it is answered (`problem`).
        tracing::debug!(
            method = %method,
            route,
            status,
            micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            "answered"
        );
        let handles = self.handles(method, route);
        handles.latency.observe(elapsed.as_secs_f64());
        let found = read(&handles.statuses)
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, c)| c.clone());
        let counter = found.unwrap_or_else(|| {
            let counter = self
                .requests
                .get_or_create(&RequestLabels {
                    method: method.as_str().to_owned(),
                    route: route.to_owned(),
                    status,
                })
                .clone();
            let mut statuses = write(&handles.statuses);
            if !statuses.iter().any(|(s, _)| *s == status) {
                statuses.push((status, counter.clone()));
            }
            counter
        });
        counter.inc();
    }

    fn handles(&self, method: &Method, route: &str) -> Arc<Handles> {
        if let Some(h) = read(&self.routes)
            .get(route)
            .and_then(|methods| methods.iter().find(|h| h.method == *method))
        {
            return h.clone();
        }
        let latency = self
            .latencies
            .get_or_create(&RouteLabels {
                method: method.as_str().to_owned(),
                route: route.to_owned(),
            })
            .clone();
        let mut routes = write(&self.routes);
        let methods = routes.entry(route.into()).or_default();
        if let Some(h) = methods.iter().find(|h| h.method == *method) {
            return h.clone();
        }
        let h = Arc::new(Handles {
            method: method.clone(),

            latency,
            statuses: RwLock::new(Vec::new()),
        });
        methods.push(h.clone());
        h
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Metrics of the requests, the log, the appends and the projectors.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    security(()),
    responses((status = 200, description = "The OpenMetrics text format (read by Prometheus).", body = String, content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"))
)]
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let text = state.metrics.render(&state).await;
    ([(header::CONTENT_TYPE, OPENMETRICS)], text)
}

/// A store that counts the appends made through it.
#[derive(Debug)]
struct Counted {
    inner: Arc<dyn EventStore>,
    metrics: Arc<Metrics>,
}

#[async_trait]
impl EventStore for Counted {
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        // Only the types are kept for counting: the events themselves move into the store.
        let types: Vec<EventType> = events.iter().map(|e| e.event_type.clone()).collect();
        let result = self.inner.append(stream, expected, events).await;
        match &result {
            Ok(r) if !r.deduplicated => self.metrics.appended(&types),
            Ok(_) => {}
            Err(e) => self.metrics.failed(e),
        }
        result
    }

    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.read_stream(stream, direction, from, limit).await
    }

    async fn read_streams(
        &self,
        streams: &[StreamName],
    ) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
        self.inner.read_streams(streams).await
    }

    async fn stream_version(&self, stream: &StreamName) -> Result<u64, StoreError> {
        self.inner.stream_version(stream).await
    }

    async fn read_all(
        &self,
        from: u64,
        filter: &Filter,
        limit: usize,
    ) -> Result<ReadAllPage, StoreError> {
        self.inner.read_all(from, filter, limit).await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        self.inner.head().await
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.inner.watch_head()
    }

    async fn read_for_copy(&self, from: u64, limit: usize) -> Result<Vec<CopiedEvent>, StoreError> {
        self.inner.read_for_copy(from, limit).await
    }

    async fn import(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError> {
        self.inner.import(events).await
    }
}
