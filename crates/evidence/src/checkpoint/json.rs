//! The JSON form the API serves:
//! `{"origin","tree_size","root" (hex),"time","key_id","signature" (base64)}`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::{Checkpoint, SignedCheckpoint, format_time, parse_key_id, parse_origin, parse_time};
use crate::error::CheckpointError;
use crate::hex;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    origin: String,
    tree_size: u64,
    /// Lower-case hex of the 32-byte root.
    root: String,
    /// RFC 3339 UTC in whole seconds.
    time: String,
    key_id: String,
    /// Standard base64 of the 64-byte Ed25519 signature.
    signature: String,
}

impl Serialize for SignedCheckpoint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            origin: self.checkpoint.origin.clone(),
            tree_size: self.checkpoint.tree_size,
            root: hex::encode(&self.checkpoint.root),
            time: format_time(&self.checkpoint.time),
            key_id: self.key_id.clone(),
            signature: STANDARD.encode(self.signature),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SignedCheckpoint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Self::try_from(wire).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Wire> for SignedCheckpoint {
    type Error = CheckpointError;

    fn try_from(wire: Wire) -> Result<Self, CheckpointError> {
        let invalid = |field| move |reason| CheckpointError::InvalidField { field, reason };
        let root = hex::decode_hash(&wire.root)
            .ok_or_else(|| invalid("root")(format!("{:?} is not 64 hex digits", wire.root)))?;
        let signature = STANDARD
            .decode(&wire.signature)
            .map_err(|error| format!("not standard padded base64: {error}"))
            .and_then(|bytes| {
                <[u8; 64]>::try_from(bytes.as_slice())
                    .map_err(|_| format!("{} bytes, not 64", bytes.len()))
            })
            .map_err(invalid("signature"))?;
        Ok(Self {
            checkpoint: Checkpoint {
                origin: parse_origin(&wire.origin).map_err(invalid("origin"))?,
                tree_size: wire.tree_size,
                root,
                time: parse_time(&wire.time).map_err(invalid("time"))?,
            },
            key_id: parse_key_id(&wire.key_id).map_err(invalid("key_id"))?,
            signature,
        })
    }
}
