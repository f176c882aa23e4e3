//! Who is acting, and the request's idempotency key.
//!
//! Until sign-in lands (issue 4), the acting cadre is named by the `X-Dutytrace-Cadre`
//! header and every other command acts as the commission administrator `user:admin`.

use crate::problem::ApiError;
use app::{IdempotencyKey, Meta, fingerprint};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::ids::CadreId;
use event_store::Actor;
use serde::Serialize;
use uuid::Uuid;

/// The header naming the acting cadre.
pub const CADRE_HEADER: &str = "x-dutytrace-cadre";
/// The idempotency header.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

#[derive(Debug, Clone)]
pub struct Acting {
    pub actor: Actor,
    pub cadre: Option<CadreId>,
    key: Option<IdempotencyKey>,
}

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| -> Result<Option<&str>, ApiError> {
            parts
                .headers
                .get(name)
                .map(|v| {
                    v.to_str()
                        .map_err(|_| ApiError::invalid(name, "the header is not ASCII text"))
                })
                .transpose()
        };
        let cadre = header(CADRE_HEADER)?
            .map(|v| {
                v.trim().parse::<CadreId>().map_err(|_| {
                    ApiError::invalid(CADRE_HEADER, format!("{v:?} is not a cadre id (a UUID)"))
                })
            })
            .transpose()?;
        let actor = match cadre {
            Some(c) => format!("cadre:{c}"),
            None => "user:admin".to_owned(),
        };
        let actor = Actor::new(actor).map_err(|e| ApiError::new("internal", e.to_string()))?;
        let key = header(IDEMPOTENCY_HEADER)?
            .map(|k| {
                IdempotencyKey::new(&actor, k).map_err(|e| ApiError::invalid("Idempotency-Key", e))
            })
            .transpose()?;
        Ok(Self { actor, cadre, key })
    }
}

impl Acting {
    /// The acting cadre, required for duty entries.
    pub fn cadre(&self) -> Result<CadreId, ApiError> {
        self.cadre.ok_or_else(|| {
            ApiError::new(
                "missing_actor",
                "duty entries are made by a cadre: send the X-Dutytrace-Cadre header",
            )
        })
    }

    /// The id of something this request creates: the client's, else one derived from the
    /// idempotency key (so a retry creates the same thing), else a fresh one.
    pub fn new_id(&self, given: Option<Uuid>, label: &str) -> Uuid {
        given.unwrap_or_else(|| match &self.key {
            Some(k) => k.derive(label),
            None => Uuid::now_v7(),
        })
    }

    /// The command's metadata; the fingerprint covers the route and the whole request.
    pub fn meta(&self, route: &str, request: &impl Serialize) -> Meta {
        let body = serde_json::to_string(request).unwrap_or_default();
        Meta {
            actor: self.actor.clone(),
            key: self.key.clone(),
            fingerprint: fingerprint(&format!("{route}\n{body}")),
        }
    }
}
