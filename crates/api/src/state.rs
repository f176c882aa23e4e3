//! Shared state of the handlers: cheap to clone, all `Arc`s.

use crate::cache::{AsOfKey, Cache};
use crate::problem::ApiError;
use crate::views::Views;
use app::App;
use auth::CredentialStore;
use board::{LightCounts, ObligationView, OwnerLights};
use chrono::{DateTime, Utc};
use directory::Principal;
use domain::ids::{CadreId, GroupId, UnitId, UserId};
use event_store::EventStore;
use projector::{ProjectorHandle, ProjectorState};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::RwLock;

/// How long a query waits for the read models to reach a `min_position`.
pub const MIN_POSITION_WAIT: Duration = Duration::from_secs(5);

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub app: App,
    pub views: Views,
    /// Passwords and sessions (ADR 0007).
    pub auth: Arc<CredentialStore>,
    projectors: Arc<RwLock<Vec<ProjectorHandle>>>,
    pub(crate) caches: Arc<Caches>,
    /// Signs and publishes checkpoints of the log; `None` where none is configured.
    pub notary: Option<Arc<crate::notary::Notary>>,
    /// The duties that run in one process of a log at a time which this one runs now.
    pub duties: Duties,
    /// Body sizes, per-user rates and the request deadline (`limits`).
    pub(crate) limits: Arc<crate::limits::Limits>,
    /// What `/metrics` counts (`metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// The duties that run in one process of a log at a time (the deadline watcher, the webhook
/// outbox: see `store_postgres::lease`) which this process runs now; `/readyz` lists them,
/// so an operator can tell which instance does what.
#[derive(Debug, Clone, Default)]
pub struct Duties(Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>);

impl Duties {
    /// Records that this process has started (`true`) or stopped running `duty`.
    pub fn set(&self, duty: &str, running: bool) {
        let mut duties = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if running {
            duties.insert(duty.to_owned());
        } else {
            duties.remove(duty);
        }
    }

    /// The duties this process runs now, by name.
    pub fn running(&self) -> Vec<String> {
        let duties = self.0.lock().unwrap_or_else(|p| p.into_inner());
        duties.iter().cloned().collect()
    }
}

/// What a unit, group or cadre obligations query is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Unit(UnitId),
    Group(GroupId),
    Cadre(CadreId),
}

/// The district overview (totals and rows).
pub(crate) type Overview = (LightCounts, Arc<Vec<OwnerLights>>);

/// Answers that cannot change (see `cache`).
#[derive(Debug)]
pub(crate) struct Caches {
    /// The `recorded_at` of the event at a board position.
    pub(crate) recorded_at: Cache<u64, Option<DateTime<Utc>>>,
    pub(crate) board: Cache<AsOfKey, Overview>,
    /// The whole district's board as bytes after its `as_of` (`spliced`), per board
    /// instant and ledger position: about 1.5 MB of a province each, so only a few.
    pub(crate) board_tail: Cache<(AsOfKey, u64), Arc<crate::spliced::Tail>>,
    pub(crate) obligations: Cache<(Target, AsOfKey), Arc<Option<Vec<ObligationView>>>>,
    /// Overdue problems per unit, per board instant and ledger position.
    pub(crate) overdue: Cache<(AsOfKey, u64), Arc<std::collections::BTreeMap<UnitId, u32>>>,
    /// Who a user is and sees, per directory position.
    pub(crate) principals: Cache<(UserId, u64), Option<Arc<Principal>>>,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            recorded_at: Cache::new(16),
            board: Cache::new(256),
            board_tail: Cache::new(8),
            obligations: Cache::new(512),
            principals: Cache::new(1024),
            overdue: Cache::new(256),
        }
    }
}

impl AppState {
    /// State over the application service, the read models, the running projectors and the
    /// credential store.
    pub fn new(
        app: App,
        views: Views,
        projectors: Vec<ProjectorHandle>,
        auth: Arc<CredentialStore>,
    ) -> Self {
        Self {
            store: app.store().clone(),
            app,
            views,
            auth,
            projectors: Arc::new(RwLock::new(projectors)),
            caches: Arc::default(),
            notary: None,
            duties: Duties::default(),
            limits: Arc::default(),
            metrics: Arc::default(),
        }
    }

    /// The same state, with these limits instead of the defaults.
    pub fn with_limits(mut self, config: crate::limits::LimitConfig) -> Self {
        self.limits = Arc::new(crate::limits::Limits::new(config));
        self
    }

    /// The same state, counting into `metrics` (shared with the store it counts appends of:
    /// [`crate::Metrics::counting`]).
    pub fn with_metrics(mut self, metrics: Arc<crate::metrics::Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// The same state, with checkpoints signed and published by `notary`.
    pub fn with_notary(mut self, notary: Arc<crate::notary::Notary>) -> Self {
        self.notary = Some(notary);
        self
    }

    /// Runs `f` on the credential store on a blocking thread (Argon2 is slow on purpose, and
    /// the store's file is behind a lock).
    pub(crate) async fn credentials<T: Send + 'static>(
        &self,
        f: impl FnOnce(&CredentialStore) -> Result<T, auth::AuthError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let auth = self.auth.clone();
        tokio::task::spawn_blocking(move || f(&auth))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::from)
    }

    /// Name, position and lag of each projector.
    pub async fn projector_status(&self) -> Vec<ProjectorStatus> {
        let projectors = self.projectors.read().await;
        let mut out = Vec::with_capacity(projectors.len());
        for p in projectors.iter() {
            let status = p.status();
            out.push(ProjectorStatus {
                name: p.name().to_owned(),
                position: status.position,
                lag: p.lag().await.ok(),
                state: match status.state {
                    ProjectorState::Starting => "starting",
                    ProjectorState::Rebuilding => "rebuilding",
                    ProjectorState::Running => "running",
                    ProjectorState::Failed(_) => "failed",
                    ProjectorState::Stopped => "stopped",
                },
            });
        }
        out
    }

    /// The checkpoint of the projector `name`.
    pub async fn position(&self, name: &str) -> Result<u64, ApiError> {
        self.projectors
            .read()
            .await
            .iter()
            .find(|p| p.name() == name)
            .map(ProjectorHandle::position)
            .ok_or_else(|| {
                ApiError::new(
                    "unavailable",
                    format!("the {name} read model is not running"),
                )
            })
    }

    /// Waits until the projector `name` has applied every event up to `position` (read
    /// your own writes), for at most [`MIN_POSITION_WAIT`].
    pub async fn wait_for(&self, name: &str, position: u64) -> Result<(), ApiError> {
        let projectors = self.projectors.read().await;
        let Some(p) = projectors.iter().find(|p| p.name() == name) else {
            return Err(ApiError::new(
                "unavailable",
                format!("the {name} read model is not running"),
            ));
        };
        if p.position() >= position {
            return Ok(());
        }
        match tokio::time::timeout(MIN_POSITION_WAIT, p.wait_for(position)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ApiError::new("unavailable", e.to_string())),
            Err(_) => Err(ApiError::new(
                "unavailable",
                format!("the {name} read model has not reached position {position} yet"),
            )),
        }
    }

    /// Stops every projector (after the HTTP server has stopped).
    pub async fn shutdown(&self) {
        let projectors = std::mem::take(&mut *self.projectors.write().await);
        for p in projectors {
            p.shutdown().await;
        }
    }
}

/// How far one projector has got.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProjectorStatus {
    pub name: String,
    pub position: u64,
    /// Events behind the head of the log; `None` when the store could not be asked.
    pub lag: Option<u64>,
    /// `starting`, `rebuilding`, `running`, `failed` or `stopped`.
    #[schema(schema_with = projector_state)]
    pub state: &'static str,
}

fn projector_state() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some([
            "starting",
            "rebuilding",
            "running",
            "failed",
            "stopped",
        ]))
        .build()
}

impl ProjectorStatus {
    /// Running (or rebuilding, which keeps the old model served) and close to the head.
    pub fn is_ready(&self, max_lag: u64) -> bool {
        matches!(self.state, "running" | "rebuilding") && self.lag.is_some_and(|l| l <= max_lag)
    }
}
