//! Logins (账号管理), administered by the commission: open one for a cadre, a leader in
//! charge or a member of staff; list them; reset a password; deactivate and reactivate.
//! Who a user is goes into the log as events; the password only into the credential file.

use super::Written;
use crate::acting::{Acting, DIRECTORY};
use crate::extract::{Body, Ids as Path};
use crate::problem::ApiError;
use crate::state::AppState;
use auth::{AuthError, Secret};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use directory::UserView;
use domain::ids::UserId;
use domain::user::{Account, RegisterUser, UserCommand, normalise_username, user_id_for};
use serde::{Deserialize, Serialize};

/// A login to open.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3–32 of `a-z 0-9 . _ -` (a staff number or pinyin), case-insensitive.
    #[schema(examples("c0001"))]
    pub username: String,
    #[schema(examples("王建国"))]
    pub display_name: String,
    pub account: Account,
    /// The first password: 10 to 1,024 characters, not the username.
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
}

/// What of a new user goes into the command's fingerprint: never the password.
#[derive(Serialize)]
struct NewUserFingerprint<'a> {
    username: &'a str,
    display_name: &'a str,
    account: &'a Account,
}

/// Opens a login (开通账号). One person, one login: a cadre or leader with an active login
/// cannot get a second.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    operation_id = "register_user",
    tag = "users",
    request_body = NewUser,
    responses(
        (status = 201, description = "Opened; `id` is the user's.", body = Written),
        (status = 409, description = "The username is taken.", body = crate::problem::Body),
    )
)]
pub async fn register(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewUser>,
) -> Result<Response, ApiError> {
    acting.commission("open logins")?;
    let meta = acting.meta(
        "POST /users",
        &NewUserFingerprint {
            username: &req.username,
            display_name: &req.display_name,
            account: &req.account,
        },
    );
    let username = normalise_username("username", &req.username)?;
    // Check the password before anything is written.
    auth::check_password(&username, &req.password)?;
    let link = match req.account {
        Account::Cadre { cadre_id } => Some(cadre_id.to_string()),
        Account::Leader { leader_id } => Some(leader_id.to_string()),
        _ => None,
    };
    let link_taken_by = match link {
        Some(link) => {
            let head = s.store.head().await?;
            s.wait_for(DIRECTORY, head).await?;
            s.views
                .query(move |c| directory::user_for_link(c, &link))
                .await?
                .filter(|u| u.user_id != user_id_for(&username))
                .map(|u| u.username)
        }
        None => None,
    };
    let c = RegisterUser {
        username: username.clone(),
        display_name: req.display_name,
        account: req.account,
    };
    let (user_id, out) = s.app.register_user(c, link_taken_by, &meta).await?;
    let password = req.password;
    s.credentials(move |auth| auth.set_password(user_id.uuid(), &username, &password))
        .await?;
    Ok(Written::new(user_id.uuid(), &out).created())
}

/// Every login, by username.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    operation_id = "list_users",
    tag = "users",
    responses((status = 200, description = "Every login, active or not, by username.", body = Vec<UserView>))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
) -> Result<Json<Vec<UserView>>, ApiError> {
    acting.commission("list logins")?;
    let head = s.store.head().await?;
    s.wait_for(DIRECTORY, head).await?;
    Ok(Json(s.views.query(directory::users).await?))
}

/// An administrator's new password for a user.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// 10 to 1,024 characters, not the username.
    #[schema(value_type = String, format = Password)]
    pub new_password: Secret,
}

/// Resets a user's password (重置密码): the user's sessions end and any lock-out is lifted.
/// The log records that it happened and who did it, never the password.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/password",
    operation_id = "reset_password",
    tag = "users",
    params(("id" = UserId, Path, description = "The user.")),
    request_body = PasswordReset,
    responses((status = 200, description = "Reset.", body = Written))
)]
pub async fn reset_password(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<UserId>,
    Body(req): Body<PasswordReset>,
) -> Result<Response, ApiError> {
    acting.commission("reset passwords")?;
    let user = s
        .app
        .user(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id} does not exist")))?;
    auth::check_password(&user.username, &req.new_password).map_err(|e| {
        let mut e = ApiError::from(e);
        e.field = Some("new_password".into());
        e
    })?;
    let meta = acting.meta(&format!("POST /users/{id}/password"), &());
    let out = s
        .app
        .user_command(id, UserCommand::ResetPassword, &meta)
        .await?;
    let password = req.new_password;
    s.credentials(
        move |auth| match auth.reset_password(id.uuid(), &password) {
            Err(AuthError::NoCredentials) => {
                auth.set_password(id.uuid(), &user.username, &password)
            }
            other => other,
        },
    )
    .await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// Why a login is deactivated.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Deactivation {
    pub reason: String,
}

/// Deactivates a login (停用账号): it can no longer sign in, and its sessions end.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/deactivation",
    operation_id = "deactivate_user",
    tag = "users",
    params(("id" = UserId, Path, description = "The user.")),
    request_body = Deactivation,
    responses((status = 200, description = "Deactivated (or already so).", body = Written))
)]
pub async fn deactivate(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<UserId>,
    Body(req): Body<Deactivation>,
) -> Result<Response, ApiError> {
    acting.commission("deactivate logins")?;
    let meta = acting.meta(&format!("POST /users/{id}/deactivation"), &req);
    let out = s
        .app
        .user_command(id, UserCommand::Deactivate { reason: req.reason }, &meta)
        .await?;
    s.credentials(move |auth| auth.revoke_all(id.uuid()))
        .await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// Reactivates a login (恢复账号).
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/reactivation",
    operation_id = "reactivate_user",
    tag = "users",
    params(("id" = UserId, Path, description = "The user.")),
    responses((status = 200, description = "Active again (or already so).", body = Written))
)]
pub async fn reactivate(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<UserId>,
) -> Result<Response, ApiError> {
    acting.commission("reactivate logins")?;
    let meta = acting.meta(&format!("POST /users/{id}/reactivation"), &());
    let out = s
        .app
        .user_command(id, UserCommand::Reactivate, &meta)
        .await?;
    Ok(Written::new(id.uuid(), &out).ok())
}
