//! Passwords: set, verify (with lock-out), change, and the administrator's reset.

use super::CredentialStore;
use crate::passwords::check_rules;
use crate::{AuthError, Secret};
use chrono::{DateTime, Utc};
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
        self.rows.upsert_credentials(&[(user_id, username)], &phc)
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
        let users: Vec<(Uuid, &str)> = users.iter().map(|(id, n)| (*id, n.as_str())).collect();
        self.rows.upsert_credentials(&users, &phc)
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
        self.refuse_if_locked(username, now)?;
        let credential = self.rows.credential_by_username(username)?;
        // Argon2 runs between statements, holding nothing, so one slow login does not hold
        // up the others.
        let matched = match &credential {
            Some((id, phc)) => self.hasher.verify(phc, password).then_some(*id),
            None => {
                self.hasher.verify_dummy(password);
                None
            }
        };
        match matched {
            Some(id) => {
                self.rows.clear_failures(username)?;
                Ok(id)
            }
            None => {
                self.record_failure(username, now)?;
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
        self.refuse_if_locked(&username, now)?;
        if !self.hasher.verify(&phc, old) {
            self.record_failure(&username, now)?;
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
        self.rows
            .credential_by_user_id(user_id)?
            .ok_or(AuthError::NoCredentials)
    }

    /// New hash, no sessions, no lock-out: one transaction.
    fn replace_hash(&self, user_id: Uuid, username: &str, new: &Secret) -> Result<(), AuthError> {
        let phc = self.hasher.hash(new)?;
        self.rows.replace_hash(user_id, username, &phc)?;
        self.sessions.forget_user(user_id);
        Ok(())
    }

    fn record_failure(&self, username: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
        let policy = self.config.lockout;
        self.rows
            .record_failure(username, &|f| f.after_failure(&policy, now))
    }

    fn refuse_if_locked(&self, username: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
        match self.rows.failures(username)?.refusal(now) {
            Some(retry_after) => Err(AuthError::LockedOut { retry_after }),
            None => Ok(()),
        }
    }
}
