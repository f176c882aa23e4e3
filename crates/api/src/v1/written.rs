//! The answer to a command.

use app::Outcome;
use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

/// What a command wrote. `position` is the global position of its last event: pass it as
/// `min_position` to a query to read your own write.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Written {
    /// The id of the thing created or changed.
    pub id: Uuid,
    pub position: u64,
    /// True when this answers a retry with the same Idempotency-Key: nothing new was
    /// written.
    pub replayed: bool,
    /// For duty entries: `recorded` or `backfilled` (补录).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = entry_kind)]
    pub kind: Option<&'static str>,
}

/// The `kind` of a written duty entry.
fn entry_kind() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["recorded", "backfilled"]))
        .build()
}

impl Written {
    pub fn new(id: impl Into<Uuid>, outcome: &Outcome) -> Self {
        Self {
            id: id.into(),
            position: outcome.last_position(),
            replayed: outcome.replayed,
            kind: None,
        }
    }

    /// Answered with 201 Created (or 200 for a replayed retry).
    pub fn created(self) -> Response {
        let status = if self.replayed {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        self.with_status(status)
    }

    /// Answered with 200 OK.
    pub fn ok(self) -> Response {
        self.with_status(StatusCode::OK)
    }

    fn with_status(self, status: StatusCode) -> Response {
        let position = self.position;
        let mut r = (status, Json(self)).into_response();
        if let Ok(v) = HeaderValue::from_str(&position.to_string()) {
            r.headers_mut().insert("x-dutytrace-position", v);
        }
        r
    }
}
