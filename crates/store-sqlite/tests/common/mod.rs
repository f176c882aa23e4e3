//! What the SQLite backend's own tests share.

use chrono::Utc;
use event_store::{Actor, EventType, NewEvent, Payload};

/// A duty entry whose payload carries `n`.
pub fn event(n: u32) -> NewEvent {
    NewEvent::new(
        EventType::new("DutyRecorded").expect("a type"),
        Payload::from_json(format!("{{\"n\":{n}}}")).expect("a payload"),
        Actor::new("user:test").expect("an actor"),
        Utc::now(),
    )
}
