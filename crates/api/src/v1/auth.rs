//! Sign-in (登录), sign-out, who am I, and changing one's own password.
//!
//! Sign-in answers a bearer token for the API and sets the same token as an `HttpOnly`,
//! `SameSite=Strict` cookie for the web pages; a page then sends the `csrf_token` it was
//! given in `X-CSRF-Token` with every change. Nothing in an answer says whether a username
//! exists (ADR 0007).

use crate::acting::{Acting, SESSION_COOKIE, principal_of};
use crate::extract::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use auth::{AuthError, Secret};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use directory::UserView;
use domain::ids::{CadreId, GroupId, UnitId, UserId};
use domain::user::{Role, Scope};
use serde::{Deserialize, Serialize};

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Case does not matter.
    #[schema(examples("c0001"))]
    pub username: String,
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
}

/// A new session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    /// Send it as `Authorization: Bearer <token>`. 64 characters; keep it secret.
    pub token: String,
    /// For pages signed in by cookie: send it as `X-CSRF-Token` with every change.
    pub csrf_token: String,
    /// When the session ends unless used again (at most 12 hours after sign-in; 2 hours
    /// after its last use).
    pub expires_at: DateTime<Utc>,
    pub user: Me,
}

/// The signed-in user: who, in what role, seeing what.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: UserView,
    pub role: Role,
    /// The role in Chinese, for display.
    pub role_label: &'static str,
    /// The cadre the user is, for a cadre's login.
    pub cadre_id: Option<CadreId>,
    pub scope: ScopeView,
}

/// What the user may see, as of now (ADR 0008).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScopeView {
    /// True for the commission and auditors; the lists below are then empty.
    pub everything: bool,
    pub units: Vec<UnitId>,
    pub groups: Vec<GroupId>,
    pub cadres: Vec<CadreId>,
}

fn me(p: &directory::Principal) -> Me {
    let scope = match &p.scope {
        Scope::Everything => ScopeView {
            everything: true,
            units: vec![],
            groups: vec![],
            cadres: vec![],
        },
        Scope::Only(v) => ScopeView {
            everything: false,
            units: v.units.iter().copied().collect(),
            groups: v.groups.iter().copied().collect(),
            cadres: v.cadres.iter().copied().collect(),
        },
    };
    Me {
        user: p.user.clone(),
        role: p.role,
        role_label: p.role.label_zh(),
        cadre_id: p.cadre(),
        scope,
    }
}

fn session_cookie(token: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}"
    ))
    .map_err(|e| ApiError::new("internal", e.to_string()))
}

/// Issues a session for `user` and answers it (and its cookie).
async fn signed_in(s: &AppState, principal: &directory::Principal) -> Result<Response, ApiError> {
    let now = s.app.clock().now();
    let user = principal.user.user_id.uuid();
    // One statement: the new token, and when its session ends.
    let (token, session) = s
        .credentials(move |auth| auth.issue_session(user, now))
        .await?;
    let body = SignedIn {
        csrf_token: auth::csrf_token(&token),
        token: token.expose().to_owned(),
        expires_at: session.expires_at,
        user: me(principal),
    };
    let max_age = (session.expires_at - now).num_seconds().max(0);
    let mut response = (StatusCode::OK, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(token.expose(), max_age)?);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Signs in (登录). A wrong password and an unknown username are the same 401; after five
/// failures in a row the username is locked for a growing time (429 `locked_out` with
/// `Retry-After`); attempts for one username beyond ten a minute are 429 `rate_limited`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    operation_id = "login",
    tag = "auth",
    security(()),
    request_body = Login,
    responses(
        (status = 200, description = "Signed in; the token is also set as the `dutytrace_session` cookie.", body = SignedIn),
        (status = 401, description = "Invalid username or password (the same whether or not the user exists).", body = crate::problem::Body),
        (status = 429, description = "Locked after repeated failures, or too many attempts for this username; see `Retry-After`.", body = crate::problem::Body),
    )
)]
pub async fn login(
    State(s): State<AppState>,
    Body(req): Body<Login>,
) -> Result<Response, ApiError> {
    let username = req.username.trim().to_ascii_lowercase();
    // Every attempt counts, right or wrong: guessing is slow even before the lock-out.
    s.limits.login(&username)?;
    let now = s.app.clock().now();
    let password = req.password;
    let user = s
        .credentials(move |auth| auth.verify(&username, &password, now))
        .await?;
    // A deactivated user's password may still be right: the answer must not say so.
    let principal = principal_of(&s, UserId(user))
        .await?
        .ok_or_else(|| ApiError::from(AuthError::InvalidCredentials))?;
    signed_in(&s, &principal).await
}

/// Signs out: the token (or cookie) stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    operation_id = "logout",
    tag = "auth",
    responses((status = 204, description = "Signed out; the cookie is cleared."))
)]
pub async fn logout(State(s): State<AppState>, acting: Acting) -> Result<Response, ApiError> {
    let token = acting.token.clone();
    s.credentials(move |auth| auth.revoke(&token)).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0)?);
    Ok(response)
}

/// The signed-in user, role and scope; for a page signed in by cookie, also its CSRF token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeAnswer {
    #[serde(flatten)]
    pub me: Me,
    /// The `X-CSRF-Token` that goes with this session.
    pub csrf_token: String,
}

/// Who am I: the user, the role and what it may see now.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    operation_id = "me",
    tag = "auth",
    responses((status = 200, description = "The signed-in user.", body = MeAnswer))
)]
pub async fn whoami(acting: Acting) -> Json<MeAnswer> {
    Json(MeAnswer {
        me: me(&acting.principal),
        csrf_token: auth::csrf_token(&acting.token),
    })
}

/// A change of one's own password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(value_type = String, format = Password)]
    pub old_password: Secret,
    /// 10 to 1,024 characters, not the username.
    #[schema(value_type = String, format = Password)]
    pub new_password: Secret,
}

/// Changes one's own password (修改密码): every session of the user ends, and a new one is
/// answered.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    operation_id = "change_password",
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; all other sessions ended; here is a new one.", body = SignedIn),
        (status = 401, description = "The old password is wrong.", body = crate::problem::Body),
        (status = 422, description = "The new password breaks a rule (`field`: `new_password`).", body = crate::problem::Body),
    )
)]
pub async fn change_password(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<PasswordChange>,
) -> Result<Response, ApiError> {
    let now = s.app.clock().now();
    let user = acting.user_id().uuid();
    s.credentials(move |auth| {
        auth.change_password(user, &req.old_password, &req.new_password, now)
    })
    .await
    .map_err(|e| match e.field.as_deref() {
        Some("password") => ApiError {
            field: Some("new_password".into()),
            ..e
        },
        _ => e,
    })?;
    signed_in(&s, &acting.principal).await
}
