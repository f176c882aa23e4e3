//! What a user read of their notifications (通知已读).

use crate::commands::Meta;
use crate::error::AppError;
use crate::execute::App;
use domain::error::DomainError;
use domain::events::{Event, NotificationsRead};
use domain::ids::UserId;
use event_store::{EventType, ExpectedVersion, NewEvent, Payload, StoreError, StreamName};
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
        let event_type = EventType::new(e.event_type()).map_err(StoreError::from)?;
        let payload = Payload::from_value(&e.payload()).map_err(StoreError::from)?;
        let mut new = NewEvent::new(event_type, payload, meta.actor.clone(), self.clock().now())
            .with_schema_version(domain::events::SCHEMA_VERSION)
            .caused_by(meta.fingerprint, None);
        if let Some(key) = &meta.key {
            new = new.with_id(key.event_id(0));
        }
        let stream = StreamName::new(e.stream()).map_err(|e| AppError::Store(e.into()))?;
        let r = self
            .store()
            .append(&stream, ExpectedVersion::Any, vec![new])
            .await?;
        Ok(r.positions.last().copied().unwrap_or_default())
    }
}
