//! Why a proof, a checkpoint or a key was refused. Plain data, so tests compare them.

/// A proof that does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof has more or fewer hashes than the sizes call for.
    #[error("the proof has {got} hashes where these sizes call for {expected}")]
    WrongLength { expected: usize, got: usize },
    /// Hashing along the proof does not lead to the given root (or roots).
    #[error("the proof does not lead to the given root: the data or the proof was altered")]
    RootMismatch,
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is outside a tree of {size} leaves")]
    IndexOutOfRange { index: u64, size: u64 },
    /// The "old" tree is larger than the "new" one.
    #[error("a tree of {old_size} leaves cannot be a prefix of one of {new_size}")]
    SizesOutOfOrder { old_size: u64, new_size: u64 },
}

/// A checkpoint that cannot be read or whose signature does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The checkpoint note is not in the expected format; `line` counts from 1.
    #[error("malformed checkpoint, line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    /// A field of the JSON form is not valid.
    #[error("malformed checkpoint, field `{field}`: {reason}")]
    InvalidField { field: &'static str, reason: String },
    /// The signature is not a valid signature of the checkpoint by the key.
    #[error(
        "the checkpoint's signature does not verify: the checkpoint was altered or signed by another key"
    )]
    BadSignature,
    /// The checkpoint names another key than the one it is checked against.
    #[error("the checkpoint was signed by key {got}, not by the expected key {expected_key_id}")]
    WrongKey {
        expected_key_id: String,
        got: String,
    },
}

/// A public key that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Nothing but whitespace was given.
    #[error("the public key is empty")]
    Empty,
    /// The text has a length that neither encoding of 32 bytes has.
    #[error(
        "an Ed25519 public key is 64 hex characters or 44 base64 characters (43 without padding), got {chars} characters"
    )]
    WrongLength { chars: usize },
    /// 64 characters, but not all hex digits.
    #[error("the public key has 64 characters but is not hex: {reason}")]
    InvalidHex { reason: String },
    /// 43 or 44 characters, but not base64 of 32 bytes.
    #[error("the public key is not base64 of 32 bytes: {reason}")]
    InvalidBase64 { reason: String },
    /// 32 bytes that are not an Ed25519 public key (no curve point, or one of small order).
    #[error("the 32 bytes are not a usable Ed25519 public key: {reason}")]
    NotAKey { reason: String },
}
