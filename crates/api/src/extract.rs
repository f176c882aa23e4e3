//! Request extractors whose rejections are problem+json like every other error.

use crate::problem::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

/// A JSON body; a rejected body is answered with the same error format as everything else,
/// naming the field serde could not read where it can.
#[derive(Debug, Clone, Copy, Default)]
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            )),
            Err(JsonRejection::JsonDataError(e)) => {
                // serde's message names the path, e.g. "items[0].cadence: unknown variant".
                let detail = e.body_text();
                let field = detail
                    .split_once(": ")
                    .map(|(_, rest)| rest.split(':').next().unwrap_or("").trim().to_owned())
                    .filter(|f| !f.is_empty() && !f.contains(' '));
                Err(match field {
                    Some(f) => ApiError::invalid(f, detail),
                    None => ApiError::invalid("body", detail),
                })
            }
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new("payload_too_large", e.body_text()))
            }
            Err(e) => Err(ApiError::malformed(e.body_text())),
        }
    }
}

/// Query parameters, with problem+json rejections.
#[derive(Debug, Clone, Copy, Default)]
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Self(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(ApiError::malformed(e.body_text()))
            }
            Err(e) => Err(ApiError::malformed(e.body_text())),
        }
    }
}

/// A position parameter (`?before=`, `?after=`): a `u64` no larger than `i64::MAX`, the
/// largest position any store keeps. Larger, it names no event: refused (400) rather than
/// read as "the end of the log", so that the answer matches the description (`int64`).
pub fn position<'de, D>(d: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let p = <Option<u64> as serde::Deserialize>::deserialize(d)?;
    match p {
        Some(p) if i64::try_from(p).is_err() => Err(serde::de::Error::custom(format!(
            "{p} is beyond the largest position, {}",
            i64::MAX
        ))),
        p => Ok(p),
    }
}

/// The instant of an `?as_of=` parameter (RFC 3339), or `now` without one.
pub fn as_of(param: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    Ok(instant("as_of", param)?.unwrap_or(now))
}

/// The instant of an optional RFC 3339 parameter named `field`.
pub fn instant(field: &str, param: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    param
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    ApiError::invalid(
                        field,
                        format!(
                            "{s:?} is not an RFC 3339 instant (e.g. 2026-06-30T23:59:59+08:00): {e}"
                        ),
                    )
                })
        })
        .transpose()
}

/// Path parameters, with problem+json rejections (a malformed id is a 404: no such thing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ids<T>(pub T);

impl<S, T> FromRequestParts<S> for Ids<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(e) => Err(ApiError::not_found(format!(
                "{}: {}",
                parts.uri.path(),
                e.body_text()
            ))),
        }
    }
}
