//! The administrator `admin`, opened at start from `DUTYTRACE_ADMIN_PASSWORD`.

use crate::problem::ApiError;
use crate::state::AppState;
use app::{Meta, fingerprint};
use auth::Secret;
use domain::ids::UserId;
use domain::user::{Account, RegisterUser, user_id_for};
use event_store::Actor;

/// The administrator's username.
pub const ADMIN: &str = "admin";

/// Makes sure the commission administrator `admin` exists (registering it, as the actor
/// `system:bootstrap`, the first time) and that `password` is its password, so the
/// environment's `DUTYTRACE_ADMIN_PASSWORD` always signs in. The password itself goes only
/// to the credential file.
pub async fn ensure_admin(state: &AppState, password: &Secret) -> Result<UserId, ApiError> {
    auth::check_password(ADMIN, password).map_err(|e| {
        let mut e = ApiError::from(e);
        e.field = Some("DUTYTRACE_ADMIN_PASSWORD".into());
        e
    })?;
    let id = user_id_for(ADMIN);
    if state.app.user(id).await?.is_none() {
        let meta = Meta {
            actor: Actor::new("system:bootstrap").map_err(ApiError::internal)?,
            key: None,
            fingerprint: fingerprint("bootstrap admin"),
        };
        let c = RegisterUser {
            username: ADMIN.into(),
            display_name: "系统管理员".into(),
            account: Account::Commission,
        };
        match state.app.register_user(c, None, &meta).await {
            // Another process registered it first: just as good.
            Ok(_)
            | Err(app::AppError::Domain(domain::error::DomainError::AlreadyExists { .. })) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let password = password.clone();
    state
        .credentials(move |auth| auth.set_password(id.uuid(), ADMIN, &password))
        .await?;
    Ok(id)
}
