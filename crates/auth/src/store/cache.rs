//! Live sessions remembered in memory, so that the token check of a busy API does not take
//! the credential file's lock on every request.
//!
//! A remembered session is trusted for at most [`RECHECK`]; then the file is asked again
//! (which also writes the last use, at most once a minute). Every revocation made through
//! this store — logout, revoke all, a password change or reset, a purge — forgets the
//! sessions it ends at once, so within one process a revocation is immediate; another
//! process sharing the file sees it within [`RECHECK`].

use crate::sessions::{Session, SessionPolicy, TOUCH_EVERY};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a remembered session is trusted without asking the file.
pub(crate) const RECHECK: Duration = Duration::from_secs(5);
/// At most this many sessions are remembered; past it, the memory starts afresh.
const MAX: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Remembered {
    user_id: Uuid,
    created: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    checked: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct SessionCache(Mutex<HashMap<[u8; 32], Remembered>>);

impl SessionCache {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Remembered>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session, if it is remembered, checked recently, used within the minute and still
    /// live at `now`.
    pub(crate) fn get(
        &self,
        digest: &[u8; 32],
        policy: &SessionPolicy,
        now: DateTime<Utc>,
    ) -> Option<Session> {
        let r = *self.map().get(digest)?;
        let expires_at = policy.expires_at(r.created, r.last_seen);
        // A use a minute after the last one recorded goes to the file, which records it.
        let fresh = r.checked.elapsed() < RECHECK && now - r.last_seen < TOUCH_EVERY;
        (fresh && now < expires_at).then_some(Session {
            user_id: r.user_id,
            expires_at,
        })
    }

    pub(crate) fn put(
        &self,
        digest: [u8; 32],
        user_id: Uuid,
        created: DateTime<Utc>,
        last_seen: DateTime<Utc>,
    ) {
        let mut map = self.map();
        if map.len() >= MAX {
            map.clear();
        }
        map.insert(
            digest,
            Remembered {
                user_id,
                created,
                last_seen,
                checked: Instant::now(),
            },
        );
    }

    pub(crate) fn forget(&self, digest: &[u8; 32]) {
        self.map().remove(digest);
    }

    pub(crate) fn forget_user(&self, user_id: Uuid) {
        self.map().retain(|_, r| r.user_id != user_id);
    }

    pub(crate) fn forget_all(&self) {
        self.map().clear();
    }
}
