//! Sessions: issue a token at login, authenticate it on each request, revoke it at logout.

use super::CredentialStore;
use crate::sessions::{Session, TOUCH_EVERY, digest_of, new_token};
use crate::{AuthError, Secret};
use chrono::{DateTime, Utc};
use uuid::Uuid;

impl CredentialStore {
    /// Starts a session and returns its token, to be shown to the user once. Only the
    /// token's SHA-256 is stored.
    pub fn issue(&self, user_id: Uuid, now: DateTime<Utc>) -> Result<Secret, AuthError> {
        self.issue_session(user_id, now).map(|(token, _)| token)
    }

    /// [`issue`](Self::issue), also answering when the new session ends: one statement.
    /// The session is not remembered until it is first used, so that a logout through
    /// another process sharing the store ends it here at once.
    pub fn issue_session(
        &self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(Secret, Session), AuthError> {
        let (token, digest) = new_token(self.deployment);
        self.rows.insert_session(&digest, user_id, now)?;
        let session = Session {
            user_id,
            expires_at: self.config.sessions.expires_at(now, now),
        };
        Ok((token, session))
    }

    /// The session of a token, if it is one this store checked within the last few seconds
    /// and still live at `now`: no storage access, no blocking, for the async request path.
    /// `None` means "ask [`authenticate`](Self::authenticate)", not "invalid".
    pub fn remembered(&self, token: &Secret, now: DateTime<Utc>) -> Option<Session> {
        let digest = digest_of(self.deployment, token)?;
        self.sessions.get(&digest, &self.config.sessions, now)
    }

    /// The session of a presented token. Unknown, forged, truncated, expired, revoked and
    /// other deployments' tokens all give the one [`AuthError::InvalidToken`].
    pub fn authenticate(&self, token: &Secret, now: DateTime<Utc>) -> Result<Session, AuthError> {
        let digest = digest_of(self.deployment, token).ok_or(AuthError::InvalidToken)?;
        let policy = self.config.sessions;
        if let Some(session) = self.sessions.get(&digest, &policy, now) {
            return Ok(session);
        }
        let stored = self.rows.session(&digest)?.ok_or(AuthError::InvalidToken)?;
        let (created, mut last_seen) = (stored.created_at, stored.last_seen_at);
        if now >= policy.expires_at(created, last_seen) {
            self.rows.delete_session(&digest)?;
            self.sessions.forget(&digest);
            return Err(AuthError::InvalidToken);
        }
        if now - last_seen >= TOUCH_EVERY {
            self.rows.touch_session(&digest, now)?;
            last_seen = now;
        }
        self.sessions
            .put(digest, stored.user_id, created, last_seen);
        Ok(Session {
            user_id: stored.user_id,
            expires_at: policy.expires_at(created, last_seen),
        })
    }

    /// Logout: ends the token's session. A token that is not a live session is ignored.
    pub fn revoke(&self, token: &Secret) -> Result<(), AuthError> {
        if let Some(digest) = digest_of(self.deployment, token) {
            self.rows.delete_session(&digest)?;
            self.sessions.forget(&digest);
        }
        Ok(())
    }

    /// Ends every session of a user; returns how many there were.
    pub fn revoke_all(&self, user_id: Uuid) -> Result<usize, AuthError> {
        let n = self.rows.delete_sessions_of(user_id)?;
        self.sessions.forget_user(user_id);
        Ok(n)
    }

    /// Deletes the rows of sessions that have ended by `now`; returns how many.
    pub fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, AuthError> {
        let policy = self.config.sessions;
        let n = self
            .rows
            .purge_sessions(now - policy.absolute, now - policy.idle)?;
        self.sessions.forget_all();
        Ok(n)
    }
}
