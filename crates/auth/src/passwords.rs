//! Password rules and Argon2id hashing into PHC strings.

use crate::{AuthError, PasswordRule, Secret};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The fewest characters a password may have.
pub(crate) const MIN_CHARS: usize = 10;
/// The most characters a password may have: bounds the work one request may cause.
pub(crate) const MAX_CHARS: usize = 1024;

/// Argon2id cost parameters. The default is the `argon2` crate's (19 MiB, 2 passes, 1 lane,
/// the OWASP recommendation); keep it in production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    /// Memory per hash, in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

impl HashCost {
    /// 8 KiB and one pass: for tests only, never for real passwords.
    pub fn insecure_fast_for_tests() -> Self {
        Self {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }
}

/// Checks a new password against the rules, before any hashing.
/// Whether `password` may be `username`'s password (length, not the username), before
/// anything is stored.
pub fn check_password(username: &str, password: &Secret) -> Result<(), AuthError> {
    check_rules(username, password).map_err(AuthError::WeakPassword)
}

pub(crate) fn check_rules(username: &str, password: &Secret) -> Result<(), PasswordRule> {
    let value = password.expose();
    let chars = value.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordRule::TooShort { min: MIN_CHARS });
    }
    if chars > MAX_CHARS {
        return Err(PasswordRule::TooLong { max: MAX_CHARS });
    }
    if value.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err(PasswordRule::SameAsUsername);
    }
    Ok(())
}

/// Hashes and verifies with one parameter set, and knows a dummy hash of the same cost.
pub(crate) struct Hasher {
    argon2: Argon2<'static>,
    /// Verified against when the username is unknown, so that "no such user" costs as much
    /// time as "wrong password".
    dummy_phc: String,
}

impl Hasher {
    pub(crate) fn new(cost: HashCost) -> Result<Self, AuthError> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| AuthError::Storage(format!("invalid Argon2 parameters: {e}")))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut hasher = Self {
            argon2,
            dummy_phc: String::new(),
        };
        let filler: [u8; 24] = rand::random();
        hasher.dummy_phc = hasher.hash(&Secret::new(format!("{filler:?}")))?;
        Ok(hasher)
    }

    /// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh random salt.
    pub(crate) fn hash(&self, password: &Secret) -> Result<String, AuthError> {
        let salt_bytes: [u8; 16] = rand::random();
        let salt = SaltString::encode_b64(&salt_bytes)
            .map_err(|e| AuthError::Storage(format!("salt: {e}")))?;
        self.argon2
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Storage(format!("hashing: {e}")))
    }

    /// Whether the password matches a stored PHC string (using the parameters written in it).
    pub(crate) fn verify(&self, phc: &str, password: &Secret) -> bool {
        PasswordHash::new(phc).is_ok_and(|hash| {
            self.argon2
                .verify_password(password.expose().as_bytes(), &hash)
                .is_ok()
        })
    }

    /// Spends the time of one verification, for a username that does not exist.
    pub(crate) fn verify_dummy(&self, password: &Secret) {
        let _ = self.verify(&self.dummy_phc, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_name_what_is_wrong() {
        assert_eq!(
            check_rules("alice", &Secret::new("short")),
            Err(PasswordRule::TooShort { min: 10 })
        );
        assert_eq!(
            check_rules("alice.wang", &Secret::new("Alice.Wang")),
            Err(PasswordRule::SameAsUsername)
        );
        assert_eq!(
            check_rules("alice", &Secret::new("x".repeat(1025))),
            Err(PasswordRule::TooLong { max: 1024 })
        );
        // Ten characters, counted as characters rather than bytes.
        assert_eq!(
            check_rules("alice", &Secret::new("责任清单责任清单责任")),
            Ok(())
        );
        assert_eq!(
            check_rules("alice", &Secret::new("责任清单责任清单责")),
            Err(PasswordRule::TooShort { min: 10 })
        );
    }

    #[test]
    fn hashes_are_salted_argon2id_and_verify() {
        let hasher = Hasher::new(HashCost::insecure_fast_for_tests()).expect("params");
        let pw = Secret::new("a long enough password");
        let a = hasher.hash(&pw).expect("hash");
        let b = hasher.hash(&pw).expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.contains(pw.expose()));
        assert!(hasher.verify(&a, &pw));
        assert!(!hasher.verify(&a, &Secret::new("a long enough passworD")));
        assert!(!hasher.verify("not a phc string", &pw));
    }

    #[test]
    fn production_default_is_the_crates_default() {
        let cost = HashCost::default();
        assert_eq!(
            (cost.memory_kib, cost.iterations, cost.parallelism),
            (19 * 1024, 2, 1)
        );
    }
}
