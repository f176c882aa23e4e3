//! Sessions: issue a token at login, authenticate it on each request, revoke it at logout.

use super::{CredentialStore, from_millis, millis, optional, parse_user_id};
use crate::sessions::{Session, TOUCH_EVERY, digest_of, new_token};
use crate::{AuthError, Secret, queries};
use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

impl CredentialStore {
    /// Starts a session and returns its token, to be shown to the user once. Only the
    /// token's SHA-256 is stored.
    pub fn issue(&self, user_id: Uuid, now: DateTime<Utc>) -> Result<Secret, AuthError> {
        let (token, digest) = new_token(self.deployment);
        self.conn().execute(
            queries::SESSION_INSERT,
            params![digest, user_id.to_string(), millis(now)],
        )?;
        Ok(token)
    }

    /// The session of a token, if it is one this store checked within the last few seconds
    /// and still live at `now`: no file access, no blocking, for the async request path.
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
        let conn = self.conn();
        let row = optional(conn.query_row(queries::SESSION_GET, [digest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        }))?;
        let (user_id, created, last_seen) = row.ok_or(AuthError::InvalidToken)?;
        let (created, mut last_seen) = (from_millis(created)?, from_millis(last_seen)?);
        if now >= policy.expires_at(created, last_seen) {
            conn.execute(queries::SESSION_DELETE, [digest])?;
            self.sessions.forget(&digest);
            return Err(AuthError::InvalidToken);
        }
        if now - last_seen >= TOUCH_EVERY {
            conn.execute(queries::SESSION_TOUCH, params![digest, millis(now)])?;
            last_seen = now;
        }
        let user_id = parse_user_id(&user_id)?;
        self.sessions.put(digest, user_id, created, last_seen);
        Ok(Session {
            user_id,
            expires_at: policy.expires_at(created, last_seen),
        })
    }

    /// Logout: ends the token's session. A token that is not a live session is ignored.
    pub fn revoke(&self, token: &Secret) -> Result<(), AuthError> {
        if let Some(digest) = digest_of(self.deployment, token) {
            self.conn().execute(queries::SESSION_DELETE, [digest])?;
            self.sessions.forget(&digest);
        }
        Ok(())
    }

    /// Ends every session of a user; returns how many there were.
    pub fn revoke_all(&self, user_id: Uuid) -> Result<usize, AuthError> {
        let n = self
            .conn()
            .execute(queries::SESSION_DELETE_USER, [user_id.to_string()])?;
        self.sessions.forget_user(user_id);
        Ok(n)
    }

    /// Deletes the rows of sessions that have ended by `now`; returns how many.
    pub fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, AuthError> {
        let policy = self.config.sessions;
        let n = self.conn().execute(
            queries::SESSION_PURGE,
            params![millis(now - policy.absolute), millis(now - policy.idle)],
        )?;
        self.sessions.forget_all();
        Ok(n)
    }
}
