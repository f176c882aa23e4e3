//! API tokens and session lifetimes, as pure functions; the store keeps the rows.
//!
//! A token is base64url (no padding) of 48 bytes: the 16-byte id of the deployment that
//! issued it, then 32 random bytes. The store keeps only the SHA-256 of those bytes.

use crate::Secret;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const DEPLOYMENT_LEN: usize = 16;
const RANDOM_LEN: usize = 32;
const TOKEN_LEN: usize = DEPLOYMENT_LEN + RANDOM_LEN;

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// From login, whatever happens (a working day and a half).
    pub absolute: TimeDelta,
    /// Since the token was last used.
    pub idle: TimeDelta,
}

impl Default for SessionPolicy {
    /// 12 hours absolute, 2 hours idle.
    fn default() -> Self {
        Self {
            absolute: TimeDelta::hours(12),
            idle: TimeDelta::hours(2),
        }
    }
}

impl SessionPolicy {
    /// When a session created at `created` and last used at `last_seen` ends.
    pub(crate) fn expires_at(
        &self,
        created: DateTime<Utc>,
        last_seen: DateTime<Utc>,
    ) -> DateTime<Utc> {
        (created + self.absolute).min(last_seen + self.idle)
    }
}

/// The last-use time is written at most this often, not on every request.
pub(crate) const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// A valid token's session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user_id: Uuid,
    /// When it ends unless used again (it never outlives its absolute expiry).
    pub expires_at: DateTime<Utc>,
}

/// The random id of one auth file; every token it issues starts with it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeploymentId(pub(crate) [u8; DEPLOYMENT_LEN]);

impl DeploymentId {
    pub(crate) fn random() -> Self {
        Self(rand::random())
    }
}

/// A new token and the digest to store for it.
pub(crate) fn new_token(deployment: DeploymentId) -> (Secret, [u8; 32]) {
    let mut bytes = [0u8; TOKEN_LEN];
    bytes[..DEPLOYMENT_LEN].copy_from_slice(&deployment.0);
    let random: [u8; RANDOM_LEN] = rand::random();
    bytes[DEPLOYMENT_LEN..].copy_from_slice(&random);
    (
        Secret::new(URL_SAFE_NO_PAD.encode(bytes)),
        Sha256::digest(bytes).into(),
    )
}

/// The digest to look a presented token up by, or `None` when it cannot be one of ours
/// (not base64url, wrong length, another deployment).
pub(crate) fn digest_of(deployment: DeploymentId, token: &Secret) -> Option<[u8; 32]> {
    let bytes = URL_SAFE_NO_PAD.decode(token.expose().as_bytes()).ok()?;
    if bytes.len() != TOKEN_LEN || bytes[..DEPLOYMENT_LEN] != deployment.0 {
        return None;
    }
    Some(Sha256::digest(&bytes).into())
}

/// The anti-CSRF token that goes with a session token: a page signed in by cookie sends it
/// back in the `X-CSRF-Token` header with every change, which a page of another site cannot
/// read or forge. Derived from the session token, so it needs no storage.
pub fn csrf_token(token: &Secret) -> String {
    let mut h = Sha256::new();
    h.update(b"dutytrace-csrf\0");
    h.update(token.expose().as_bytes());
    URL_SAFE_NO_PAD.encode(&h.finalize()[..24])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_64_url_safe_characters_and_digests_back() {
        let dep = DeploymentId::random();
        let (token, digest) = new_token(dep);
        assert_eq!(token.expose().len(), 64);
        assert!(
            token
                .expose()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(digest_of(dep, &token), Some(digest));
        assert_eq!(digest_of(DeploymentId::random(), &token), None);
        assert_eq!(digest_of(dep, &Secret::new(&token.expose()[..63])), None);
        assert_eq!(digest_of(dep, &Secret::new("")), None);
    }

    #[test]
    fn expiry_is_the_earlier_of_absolute_and_idle() {
        let p = SessionPolicy::default();
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(p.expires_at(t0, t0), t0 + TimeDelta::hours(2));
        assert_eq!(
            p.expires_at(t0, t0 + TimeDelta::hours(11)),
            t0 + TimeDelta::hours(12)
        );
    }
}
