//! Errors as RFC 9457 problem details (`application/problem+json`), each with a stable
//! `code` that clients and scripts can rely on, and the offending `field` where there is
//! one. 5xx bodies say nothing internal; the failure is logged once, here.

use app::AppError;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::error::DomainError;
use domain::oversight::import::RowError;
use event_store::StoreError;
use serde::Serialize;

/// The stable error codes, their statuses and titles.
pub const CODES: &[(&str, u16, &str)] = &[
    (
        "malformed_request",
        400,
        "The request body or query is malformed",
    ),
    ("unauthenticated", 401, "Sign in first"),
    ("invalid_credentials", 401, "Invalid username or password"),
    ("invalid_token", 401, "Invalid or expired token"),
    ("forbidden", 403, "Not allowed"),
    (
        "csrf_failed",
        403,
        "A change signed in by cookie needs its X-CSRF-Token",
    ),
    ("not_found", 404, "Not found"),
    ("method_not_allowed", 405, "Method not allowed"),
    ("already_exists", 409, "Already exists"),
    (
        "conflict",
        409,
        "The data changed while the command ran; try again",
    ),
    (
        "payload_too_large",
        413,
        "The request body is larger than the service accepts",
    ),
    (
        "unsupported_media_type",
        415,
        "Send JSON (Content-Type: application/json)",
    ),
    ("invalid_field", 422, "A field is invalid"),
    (
        "unreadable_file",
        422,
        "The file cannot be read as a CSV or XLSX table",
    ),
    (
        "import_rejected",
        422,
        "Some rows of the file are invalid; nothing was stored",
    ),
    (
        "idempotency_key_reused",
        422,
        "The Idempotency-Key was used for another request",
    ),
    (
        "locked_out",
        429,
        "Too many failed sign-ins; try again later",
    ),
    (
        "rate_limited",
        429,
        "Too many requests from this user; wait as Retry-After says",
    ),
    ("internal", 500, "Internal error"),
    (
        "unavailable",
        503,
        "The service cannot answer right now; try again shortly",
    ),
    (
        "timed_out",
        503,
        "The request took too long and was stopped",
    ),
    ("storage_full", 507, "The service has no storage left"),
];

/// How long a client is told to wait (`Retry-After`) when the store cannot be reached: the
/// service reconnects by itself meanwhile.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

/// An error answered as problem+json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: &'static str,
    pub detail: String,
    pub field: Option<String>,
    /// Seconds to wait, sent as `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
    /// The bad rows of a refused import (`import_rejected`).
    pub rows: Option<Box<RowReport>>,
}

/// The rows of a refused import: every bad row counted, the first 1,000 bad cells listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    pub bad_rows: usize,
    pub rows: usize,
    pub errors: Vec<RowError>,
}

/// An RFC 9457 problem detail, as every error is answered (`application/problem+json`).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub(crate) struct Body<'a> {
    /// `urn:dutytrace:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(
        pattern = "^urn:dutytrace:problem:[a-z_]+$",
        examples("urn:dutytrace:problem:invalid_field")
    )]
    kind: String,
    /// The code's title; the same for every problem of one code.
    #[schema(examples("A field is invalid"))]
    title: &'a str,
    /// The HTTP status.
    #[schema(minimum = 400, maximum = 599, examples(422))]
    status: u16,
    /// What went wrong with this request (for 5xx, just the title: nothing internal).
    detail: &'a str,
    #[schema(schema_with = code_schema)]
    code: &'a str,
    /// The offending field, header or query parameter, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, examples("performed_on"))]
    field: Option<&'a str>,
    /// `import_rejected` only: how many rows are bad.
    #[serde(skip_serializing_if = "Option::is_none")]
    bad_rows: Option<usize>,
    /// `import_rejected` only: how many rows the file has.
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<usize>,
    /// `import_rejected` only: the bad cells by line (the header is line 1) and column,
    /// at most 1,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [RowError]>,
}

/// The `code` of a problem: one of [`CODES`].
fn code_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(CODES.iter().map(|(c, _, _)| *c)))
        .description(Some(
            "The stable error code that clients and scripts rely on.",
        ))
        .build()
}

impl ApiError {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            field: None,
            retry_after: None,
            rows: None,
        }
    }

    /// An invalid field (422), named.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            code: "invalid_field",
            detail: detail.into(),
            field: Some(field.into()),
            retry_after: None,
            rows: None,
        }
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new("malformed_request", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new("not_found", detail)
    }

    /// 500: something that should not fail did; the detail is logged, never answered.
    pub fn internal(e: impl ToString) -> Self {
        Self::new("internal", e.to_string())
    }

    /// 401: no credentials were sent.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new("unauthenticated", detail)
    }

    /// 403: the role may not do this at all (a target outside one's scope is a 404, as if it
    /// did not exist: ADR 0008).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new("forbidden", detail)
    }

    fn status(&self) -> StatusCode {
        let code = CODES
            .iter()
            .find(|(c, _, _)| *c == self.code)
            .map_or(500, |(_, s, _)| *s);
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn title(&self) -> &'static str {
        CODES
            .iter()
            .find(|(c, _, _)| *c == self.code)
            .map_or("Internal error", |(_, _, t)| *t)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = if status.is_server_error() {
            tracing::error!(code = self.code, detail = %self.detail, "request failed");
            self.title().to_owned()
        } else {
            self.detail.clone()
        };
        let body = Body {
            kind: format!("urn:dutytrace:problem:{}", self.code),
            title: self.title(),
            status: status.as_u16(),
            detail: &detail,
            code: self.code,
            field: self.field.as_deref(),
            bad_rows: self.rows.as_ref().map(|r| r.bad_rows),
            rows: self.rows.as_ref().map(|r| r.rows),
            errors: self.rows.as_ref().map(|r| r.errors.as_slice()),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"dutytrace\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, reason } => Self::invalid(field, reason),
            DomainError::NotFound { what, id } => {
                Self::not_found(format!("{what} {id} does not exist"))
            }
            DomainError::AlreadyExists { what, id } => {
                Self::new("already_exists", format!("{what} {id} already exists"))
            }
            DomainError::Forbidden(reason) => Self::new("forbidden", reason),
        }
    }
}

impl From<auth::AuthError> for ApiError {
    fn from(e: auth::AuthError) -> Self {
        use auth::AuthError as A;
        match e {
            A::InvalidCredentials | A::NoCredentials => {
                Self::new("invalid_credentials", "invalid username or password")
            }
            A::LockedOut { retry_after } => {
                let seconds = u64::try_from(retry_after.num_milliseconds().max(0))
                    .unwrap_or_default()
                    .div_ceil(1000)
                    .max(1);
                Self {
                    retry_after: Some(seconds),
                    ..Self::new(
                        "locked_out",
                        format!("too many failed sign-ins; try again in {seconds} s"),
                    )
                }
            }
            A::InvalidToken => {
                Self::new("invalid_token", "invalid or expired token: sign in again")
            }
            A::WeakPassword(rule) => Self::invalid("password", format!("the password {rule}")),
            A::UsernameTaken => Self::new("already_exists", "the username is taken"),
            A::Storage(m) => Self::new("internal", format!("credential store: {m}")),
            A::Unavailable(m) => Self {
                retry_after: Some(UNAVAILABLE_RETRY_SECONDS),
                ..Self::new("unavailable", format!("credential store: {m}"))
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(e) => Self::malformed(e.to_string()),
            StoreError::StorageFull(m) => Self::new("storage_full", m),
            StoreError::Unavailable(m) => Self {
                retry_after: Some(UNAVAILABLE_RETRY_SECONDS),
                ..Self::new("unavailable", m)
            },
            StoreError::Closed => Self::new("unavailable", "the service is stopping"),
            StoreError::WrongExpectedVersion { stream, .. } => {
                Self::new("conflict", format!("{stream} changed"))
            }
            // The event a key stands for is stored with other content: the key came with
            // another request, or with the same one after what it acts on changed. A
            // client's mistake, not the service's.
            StoreError::IdempotencyConflict { .. } => Self::new(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a request that wrote something \
                 else (another request, or this one before what it acts on changed): use a \
                 new key",
            ),
            other => Self::new("internal", other.to_string()),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Domain(d) => d.into(),
            AppError::Conflict { stream } => {
                Self::new("conflict", format!("{stream} kept changing"))
            }
            AppError::IdempotencyKeyReused => Self::new(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request",
            ),
            AppError::Decode(d) => Self::new("internal", d.to_string()),
            e @ AppError::InvalidPayload { .. } => Self::new("internal", e.to_string()),
            AppError::Store(s) => s.into(),
        }
    }
}
