//! What a user read of their notifications (通知已读).

use crate::commands::Meta;
use crate::error::AppError;
use crate::execute::App;
use domain::error::DomainError;
use domain::events::{Event, NotificationsRead};
use domain::ids::UserId;
use uuid::Uuid;

/// Most notifications marked read at once.
pub const MAX_READ_AT_ONCE: usize = 1_000;

impl App {
    /// Records that `user` read the notifications `keys` (already checked to be theirs);
    /// returns the event's position.
    pub async fn mark_notifications_read(
        &self,
        user: UserId,
        keys: Vec<Uuid>,
        meta: &Meta,
    ) -> Result<u64, AppError> {
        if keys.is_empty() || keys.len() > MAX_READ_AT_ONCE {
            return Err(DomainError::invalid(
                "keys",
                format!(
                    "name 1 to {MAX_READ_AT_ONCE} notifications, not {}",
                    keys.len()
                ),
            )
            .into());
        }
        let e = Event::from(NotificationsRead {
            user_id: user,
            keys,
        });
        // A retry with the same Idempotency-Key stores it once.
        let id = meta.key.as_ref().map(|k| k.event_id(0));
        self.append_fact(&e, id, meta).await
    }
}
