//! Shared state of the handlers: cheap to clone, all `Arc`s.

use event_store::EventStore;
use projector::{ProjectorHandle, ProjectorState};
use std::sync::Arc;
use tokio::sync::Mutex;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    projectors: Arc<Mutex<Vec<ProjectorHandle>>>,
}

impl AppState {
    /// State over a store and its running projectors.
    pub fn new(store: Arc<dyn EventStore>, projectors: Vec<ProjectorHandle>) -> Self {
        Self {
            store,
            projectors: Arc::new(Mutex::new(projectors)),
        }
    }

    /// Name, position and lag of each projector.
    pub async fn projector_status(&self) -> Vec<ProjectorStatus> {
        let projectors = self.projectors.lock().await;
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

    /// Stops every projector (after the HTTP server has stopped).
    pub async fn shutdown(&self) {
        let projectors = std::mem::take(&mut *self.projectors.lock().await);
        for p in projectors {
            p.shutdown().await;
        }
    }
}

/// How far one projector has got.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectorStatus {
    pub name: String,
    pub position: u64,
    /// Events behind the head of the log; `None` when the store could not be asked.
    pub lag: Option<u64>,
    /// `starting`, `rebuilding`, `running`, `failed` or `stopped`.
    pub state: &'static str,
}

impl ProjectorStatus {
    /// Running (or rebuilding, which keeps the old model served) and close to the head.
    pub fn is_ready(&self, max_lag: u64) -> bool {
        matches!(self.state, "running" | "rebuilding") && self.lag.is_some_and(|l| l <= max_lag)
    }
}
