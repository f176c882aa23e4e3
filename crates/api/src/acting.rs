//! Who is acting: the signed-in user behind a request, with their role and scope, and the
//! request's idempotency key.
//!
//! A request proves who it is with `Authorization: Bearer <token>` (scripts, the API) or
//! the `dutytrace_session` cookie (the web pages); a change made by cookie must also carry
//! `X-CSRF-Token`. The token's user is looked up in the directory read model, whose role and
//! scope follow the organisation as it stands now (ADR 0008).

use crate::problem::ApiError;
use crate::state::AppState;
use app::{IdempotencyKey, Meta, fingerprint};
use auth::{AuthError, Secret};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use directory::Principal;
use domain::ids::{CadreId, UserId};
use domain::user::{Role, Scope};
use event_store::Actor;
use serde::Serialize;
use std::sync::Arc;
use uuid::Uuid;

/// The idempotency header.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The session cookie of the web pages.
pub const SESSION_COOKIE: &str = "dutytrace_session";
/// The header a cookie-signed change must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The read model that knows users and scopes.
pub const DIRECTORY: &str = "directory";

/// How the token came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Bearer,
    Cookie,
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Acting {
    pub principal: Arc<Principal>,
    /// `user:<username>`, as recorded on every event the request appends.
    pub actor: Actor,
    pub(crate) token: Secret,
    key: Option<IdempotencyKey>,
}

fn header<'a>(parts: &'a Parts, name: &str) -> Result<Option<&'a str>, ApiError> {
    parts
        .headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::invalid(name, "the header is not ASCII text"))
        })
        .transpose()
}

/// The `Idempotency-Key` a request sends, if any, scoped to `actor`; 422 naming it unless
/// it is 1 to 200 visible ASCII characters, as the description says.
fn idempotency_key(headers: &HeaderMap, actor: &Actor) -> Result<Option<IdempotencyKey>, ApiError> {
    let invalid = |why| ApiError::invalid("Idempotency-Key", why);
    headers
        .get(IDEMPOTENCY_HEADER)
        .map(|v| {
            let key = v
                .to_str()
                .map_err(|_| invalid("an Idempotency-Key has only visible ASCII characters"))?;
            IdempotencyKey::new(actor, key).map_err(invalid)
        })
        .transpose()
}

/// The token a request presents, and how.
fn presented(parts: &Parts) -> Result<Option<(Secret, Via)>, ApiError> {
    if let Some(v) = header(parts, header::AUTHORIZATION.as_str())? {
        let (scheme, token) = v.trim().split_once(' ').unwrap_or((v, ""));
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::unauthenticated(
                "the Authorization header must be `Bearer <token>`",
            ));
        }
        return Ok(Some((Secret::new(token.trim()), Via::Bearer)));
    }
    for v in parts.headers.get_all(header::COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        for pair in v.split(';') {
            if let Some((k, token)) = pair.trim().split_once('=')
                && k == SESSION_COOKIE
                && !token.is_empty()
            {
                return Ok(Some((Secret::new(token), Via::Cookie)));
            }
        }
    }
    Ok(None)
}

/// The user a token belongs to (401 for any token that is not a live session).
pub(crate) async fn session_user(s: &AppState, token: &Secret) -> Result<UserId, ApiError> {
    let now = s.app.clock().now();
    // A session checked in the last few seconds needs no file and no blocking thread.
    if let Some(session) = s.auth.remembered(token, now) {
        return Ok(UserId(session.user_id));
    }
    let token = token.clone();
    let session = s
        .credentials(move |auth| auth.authenticate(&token, now))
        .await?;
    Ok(UserId(session.user_id))
}

/// The principal of a user: from the directory, waiting for it to catch up with the log when
/// the user is not there yet. `None` for a deactivated or unknown user.
pub(crate) async fn principal_of(
    s: &AppState,
    user: UserId,
) -> Result<Option<Arc<Principal>>, ApiError> {
    let position = s.position(DIRECTORY).await?;
    if let Some(hit) = s.caches.principals.get(&(user, position)) {
        return Ok(hit);
    }
    let lookup = || s.views.query(move |c| directory::principal(c, user));
    let mut found = lookup().await?;
    if found.is_none() && s.app.user(user).await?.is_some_and(|u| u.active) {
        // Registered in the log, not yet in the directory.
        let head = s.store.head().await?;
        s.wait_for(DIRECTORY, head).await?;
        found = lookup().await?;
    }
    let found = found.map(Arc::new);
    s.caches.principals.put((user, position), found.clone());
    Ok(found)
}

impl FromRequestParts<AppState> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let Some((token, via)) = presented(parts)? else {
            return Err(ApiError::unauthenticated(
                "sign in first (POST /api/v1/auth/login), then send Authorization: Bearer <token>",
            ));
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via == Via::Cookie && !safe {
            let sent = header(parts, CSRF_HEADER)?.unwrap_or_default();
            if sent != auth::csrf_token(&token) {
                return Err(ApiError::new(
                    "csrf_failed",
                    "a change signed in by cookie must send the X-CSRF-Token it was given at sign-in",
                ));
            }
        }
        let user = session_user(s, &token).await?;
        let principal = principal_of(s, user)
            .await?
            .ok_or_else(|| ApiError::from(AuthError::InvalidToken))?;
        if !safe {
            s.limits.command(&principal.user.username)?;
        }
        let actor = Actor::new(format!("user:{}", principal.user.username))
            .map_err(|e| ApiError::new("internal", e.to_string()))?;
        let key = idempotency_key(&parts.headers, &actor)?;
        Ok(Self {
            principal,
            actor,
            token,
            key,
        })
    }
}

impl Acting {
    pub fn role(&self) -> Role {
        self.principal.role
    }

    pub fn scope(&self) -> &Scope {
        &self.principal.scope
    }

    pub fn user_id(&self) -> UserId {
        self.principal.user.user_id
    }

    /// The acting cadre, required for duty entries.
    pub fn cadre(&self) -> Result<CadreId, ApiError> {
        self.principal.cadre().ok_or_else(|| {
            ApiError::forbidden("duty entries are made by a cadre, with their own login")
        })
    }

    /// Only the commission may do this (administration: organisation, lists, users).
    pub fn commission(&self, what: &str) -> Result<(), ApiError> {
        if self.role() == Role::Commission {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "only the commission may {what}"
            )))
        }
    }

    /// The scope of a reader of duty records; regulators only export.
    pub fn reader(&self) -> Result<&Scope, ApiError> {
        if self.role().reads_records() {
            Ok(self.scope())
        } else {
            Err(ApiError::forbidden(
                "regulators export; they do not read records here",
            ))
        }
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
