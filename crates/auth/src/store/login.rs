//! Passwords: set, verify (with lock-out), change, and the administrator's reset.

use super::{CredentialStore, from_millis, millis, optional, parse_user_id};
use crate::lockout::Failures;
use crate::passwords::check_rules;
use crate::{AuthError, Secret, queries};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, params};
use uuid::Uuid;

impl CredentialStore {
    /// Sets a user's username and password (creating the credential if need be).
    ///
    /// Refuses a password that breaks a rule ([`AuthError::WeakPassword`]) and a username
    /// another user has ([`AuthError::UsernameTaken`]).
    pub fn set_password(
        &self,
        user_id: Uuid,
        username: &str,
        password: &Secret,
    ) -> Result<(), AuthError> {
        check_rules(username, password).map_err(AuthError::WeakPassword)?;
        let phc = self.hasher.hash(password)?;
        let result = self.conn().execute(
            queries::CREDENTIAL_UPSERT,
            params![user_id.to_string(), username, phc],
        );
        match result {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                Err(AuthError::UsernameTaken)
            }
            other => other.map(drop).map_err(AuthError::from),
        }
    }

    /// Gives many users one password with one hash (one salt): for demo logins only, where
    /// hashing each would take seconds and the password is printed anyway. All or nothing.
    pub fn set_same_password(
        &self,
        users: &[(Uuid, String)],
        password: &Secret,
    ) -> Result<(), AuthError> {
        for (_, username) in users {
            check_rules(username, password).map_err(AuthError::WeakPassword)?;
        }
        let phc = self.hasher.hash(password)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for (user_id, username) in users {
            let r = tx.execute(
                queries::CREDENTIAL_UPSERT,
                params![user_id.to_string(), username, phc],
            );
            if let Err(rusqlite::Error::SqliteFailure(e, _)) = &r
                && e.code == ErrorCode::ConstraintViolation
            {
                return Err(AuthError::UsernameTaken);
            }
            r?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Checks a login and returns the user's id.
    ///
    /// An unknown username and a wrong password give the same
    /// [`AuthError::InvalidCredentials`] after the same Argon2 work. After
    /// [`LockoutPolicy::threshold`](crate::LockoutPolicy) consecutive failures the username is
    /// refused with [`AuthError::LockedOut`] (without checking the password) for a period that
    /// doubles with each further failure; attempts refused so do not count. A success clears
    /// the counter.
    pub fn verify(
        &self,
        username: &str,
        password: &Secret,
        now: DateTime<Utc>,
    ) -> Result<Uuid, AuthError> {
        let credential = {
            let conn = self.conn();
            refuse_if_locked(&conn, username, now)?;
            optional(
                conn.query_row(queries::CREDENTIAL_BY_USERNAME, [username], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                }),
            )?
        };
        // Argon2 runs without the lock, so one slow login does not hold up the others.
        let matched = match &credential {
            Some((id, phc)) => self.hasher.verify(phc, password).then_some(id.as_str()),
            None => {
                self.hasher.verify_dummy(password);
                None
            }
        };
        let conn = self.conn();
        match matched {
            Some(id) => {
                conn.execute(queries::FAILURES_CLEAR, [username])?;
                parse_user_id(id)
            }
            None => {
                self.record_failure(&conn, username, now)?;
                Err(AuthError::InvalidCredentials)
            }
        }
    }

    /// Changes one's own password, given the current one. Wrong `old` counts as a failed
    /// login for the username. Ends all of the user's sessions: the caller issues a new token.
    pub fn change_password(
        &self,
        user_id: Uuid,
        old: &Secret,
        new: &Secret,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        let (username, phc) = self.credential_of(user_id)?;
        check_rules(&username, new).map_err(AuthError::WeakPassword)?;
        refuse_if_locked(&self.conn(), &username, now)?;
        if !self.hasher.verify(&phc, old) {
            self.record_failure(&self.conn(), &username, now)?;
            return Err(AuthError::InvalidCredentials);
        }
        self.replace_hash(user_id, &username, new)
    }

    /// An administrator's reset: sets a new password, ends all of the user's sessions and
    /// lifts any lock-out.
    pub fn reset_password(&self, user_id: Uuid, new: &Secret) -> Result<(), AuthError> {
        let (username, _) = self.credential_of(user_id)?;
        check_rules(&username, new).map_err(AuthError::WeakPassword)?;
        self.replace_hash(user_id, &username, new)
    }

    pub(super) fn credential_of(&self, user_id: Uuid) -> Result<(String, String), AuthError> {
        optional(self.conn().query_row(
            queries::CREDENTIAL_BY_USER_ID,
            [user_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        ))?
        .ok_or(AuthError::NoCredentials)
    }

    /// New hash, no sessions, no lock-out: one transaction.
    fn replace_hash(&self, user_id: Uuid, username: &str, new: &Secret) -> Result<(), AuthError> {
        let phc = self.hasher.hash(new)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            queries::CREDENTIAL_SET_PHC,
            params![user_id.to_string(), phc],
        )?;
        tx.execute(queries::SESSION_DELETE_USER, [user_id.to_string()])?;
        tx.execute(queries::FAILURES_CLEAR, [username])?;
        tx.commit()?;
        self.sessions.forget_user(user_id);
        Ok(())
    }

    fn record_failure(
        &self,
        conn: &Connection,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        let next = failures_of(conn, username)?.after_failure(&self.config.lockout, now);
        conn.execute(
            queries::FAILURES_PUT,
            params![
                username,
                i64::from(next.consecutive),
                next.locked_until.map(millis)
            ],
        )?;
        Ok(())
    }
}

fn refuse_if_locked(
    conn: &Connection,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    match failures_of(conn, username)?.refusal(now) {
        Some(retry_after) => Err(AuthError::LockedOut { retry_after }),
        None => Ok(()),
    }
}

fn failures_of(conn: &Connection, username: &str) -> Result<Failures, AuthError> {
    let row = optional(conn.query_row(queries::FAILURES_GET, [username], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
    }))?;
    let Some((consecutive, locked_until)) = row else {
        return Ok(Failures::default());
    };
    Ok(Failures {
        consecutive: u32::try_from(consecutive).unwrap_or(u32::MAX),
        locked_until: locked_until.map(from_millis).transpose()?,
    })
}
