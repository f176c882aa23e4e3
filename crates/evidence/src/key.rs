//! Ed25519 keys: the [`Signer`] that signs checkpoints and the [`PublicKey`] that checks them.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::error::KeyError;
use crate::hex;

/// The checkpoint signing key. Its `Debug` shows the public key id, never the secret.
#[derive(Clone)]
pub struct Signer {
    key: SigningKey,
}

impl Signer {
    /// A new key from the operating system's random source.
    ///
    /// # Panics
    /// If the operating system cannot provide random bytes, where no key could be made safely.
    pub fn generate() -> Self {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source failed");
        Self::from_secret_bytes(&secret)
    }

    /// The key with this 32-byte secret (the Ed25519 seed), as saved by [`Self::secret_bytes`].
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(secret),
        }
    }

    /// The 32-byte secret, for saving the key. Keep it out of logs and exports.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The public half, to publish.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }

    /// Signs the checkpoint's [`body`](Checkpoint::body). The time is cut to whole seconds
    /// first, as the body carries it, so that the signed checkpoint round-trips exactly.
    pub fn sign(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
        let checkpoint = checkpoint.truncated_to_seconds();
        let signature = self.key.sign(checkpoint.body().as_bytes()).to_bytes();
        SignedCheckpoint {
            checkpoint,
            key_id: self.public_key().key_id(),
            signature,
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.public_key().key_id())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// An Ed25519 public key that checkpoints are checked against. `Display` and `Debug` show it
/// as hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// The key from its 32 bytes; refuses bytes that are no curve point or a weak
    /// (small-order) one, which would let anyone forge signatures.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotAKey {
            reason: "they do not encode a point of the curve".into(),
        })?;
        if key.is_weak() {
            return Err(KeyError::NotAKey {
                reason: "the point has small order, so it would accept forged signatures".into(),
            });
        }
        Ok(Self(key))
    }

    /// The 32 bytes of the key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Standard base64 with padding, 44 characters.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// Reads a key written as hex (64 characters, either case) or base64 (44 characters with
    /// padding, 43 without; standard or URL-safe alphabet). Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = match text.len() {
            0 => return Err(KeyError::Empty),
            64 => hex::decode::<32>(text).ok_or_else(|| KeyError::InvalidHex {
                reason: match text.chars().find(|c| !c.is_ascii_hexdigit()) {
                    Some(c) => format!("{c:?} is not a hex digit"),
                    None => "it is not valid hex".into(),
                },
            })?,
            43 | 44 => decode_base64(text)?,
            _ => {
                return Err(KeyError::WrongLength {
                    chars: text.chars().count(),
                });
            }
        };
        Self::from_bytes(&bytes)
    }

    /// The key id that checkpoints name: hex of the first 4 bytes of SHA-256 of the key.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        hex::encode(&digest[..4])
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

fn decode_base64(text: &str) -> Result<[u8; 32], KeyError> {
    let url_safe = text.contains(['-', '_']);
    let padded = text.ends_with('=');
    let engine = match (url_safe, padded) {
        (false, true) => &STANDARD,
        (false, false) => &STANDARD_NO_PAD,
        (true, true) => &URL_SAFE,
        (true, false) => &URL_SAFE_NO_PAD,
    };
    let bytes = engine
        .decode(text)
        .map_err(|error| KeyError::InvalidBase64 {
            reason: error.to_string(),
        })?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::InvalidBase64 {
        reason: format!("it decodes to {} bytes, not 32", bytes.len()),
    })
}

impl FromStr for PublicKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        Self::parse(text)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}
