//! Read connections to the read-model file, pooled, used off the async threads.

use crate::problem::ApiError;
use projector::ReadModels;
use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// Most idle connections kept.
const KEEP: usize = 16;

#[derive(Debug, Clone)]
pub struct Views {
    models: ReadModels,
    idle: Arc<Mutex<Vec<Connection>>>,
}

impl Views {
    pub fn new(models: ReadModels) -> Self {
        Self {
            models,
            idle: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The read-model file itself (for readers that open their own connections).
    pub fn models(&self) -> &ReadModels {
        &self.models
    }

    /// Runs a query on a pooled read connection.
    pub async fn query<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = this.idle.lock().ok().and_then(|mut v| v.pop());
            let conn = match pooled {
                Some(c) => c,
                None => this
                    .models
                    .reader()
                    .map_err(|e| ApiError::new("unavailable", e.to_string()))?,
            };
            let result = f(&conn).map_err(|e| ApiError::new("internal", e.to_string()));
            if let Ok(mut idle) = this.idle.lock()
                && idle.len() < KEEP
            {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(|e| ApiError::new("internal", e.to_string()))?
    }
}
