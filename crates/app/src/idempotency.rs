//! Idempotency keys (the `Idempotency-Key` header).
//!
//! A key, with the actor who sent it, fixes the ids of everything the command creates and
//! of the events it appends (UUIDv5), and a fingerprint of the request travels as the
//! events' correlation id. A retry therefore finds its own events in the stream: with the
//! same fingerprint it gets the first answer back and writes nothing; with another, the key
//! was reused for a different request, which is refused.

use event_store::Actor;
use uuid::Uuid;

const NAMESPACE: Uuid = Uuid::from_u128(0x6475_7479_7472_6163_652d_6964_656d_7030);

/// Longest key accepted, in bytes.
pub const MAX_KEY_LEN: usize = 200;

/// A client's idempotency key, scoped to the actor who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    scope: String,
}

impl IdempotencyKey {
    /// Parses a key: 1–200 visible ASCII characters.
    pub fn new(actor: &Actor, key: &str) -> Result<Self, &'static str> {
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err("an Idempotency-Key has 1 to 200 characters");
        }
        if !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err("an Idempotency-Key has only visible ASCII characters");
        }
        Ok(Self {
            scope: format!("{}|{key}", actor.as_str()),
        })
    }

    /// The id of something the command creates, named by `label` (e.g. "entry").
    pub fn derive(&self, label: &str) -> Uuid {
        Uuid::new_v5(&NAMESPACE, format!("{}|{label}", self.scope).as_bytes())
    }

    /// The id of the command's `index`-th event.
    pub fn event_id(&self, index: usize) -> Uuid {
        self.derive(&format!("event:{index}"))
    }
}

/// The fingerprint of a request: equal requests, equal fingerprints.
pub fn fingerprint(request: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, request.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_scoped_to_the_actor() {
        let a = Actor::new("user:a").unwrap();
        let b = Actor::new("user:b").unwrap();
        let ka = IdempotencyKey::new(&a, "k-1").unwrap();
        let kb = IdempotencyKey::new(&b, "k-1").unwrap();
        assert_ne!(ka.event_id(0), kb.event_id(0));
        assert_eq!(
            ka.event_id(0),
            IdempotencyKey::new(&a, "k-1").unwrap().event_id(0)
        );
        assert_ne!(ka.event_id(0), ka.event_id(1));
        assert_ne!(ka.derive("entry"), ka.event_id(0));
    }

    #[test]
    fn bad_keys_are_refused() {
        let a = Actor::new("user:a").unwrap();
        for bad in ["", "with space", "汉字", &"x".repeat(201)] {
            assert!(IdempotencyKey::new(&a, bad).is_err(), "{bad:?}");
        }
    }
}
