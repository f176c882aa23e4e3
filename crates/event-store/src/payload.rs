//! The payload of an event: a JSON object, kept as the exact text it arrived as.
//!
//! Keeping the text byte for byte means a retried append compares equal to the original,
//! an export hashes to the same bytes the store holds, and reading needs no re-encoding.

use crate::error::InvalidInput;
use crate::limits::MAX_PAYLOAD_BYTES;
use serde::de::IgnoredAny;
use std::fmt;
use std::sync::Arc;

/// A validated JSON object of at most [`MAX_PAYLOAD_BYTES`] bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Payload(Arc<str>);

impl Payload {
    /// Parses JSON text; it must be a single JSON object.
    pub fn from_json(text: impl Into<String>) -> Result<Self, InvalidInput> {
        let text: String = text.into();
        if text.len() > MAX_PAYLOAD_BYTES {
            return Err(InvalidInput::PayloadTooLarge {
                size: text.len(),
                limit: MAX_PAYLOAD_BYTES,
            });
        }
        if !text.trim_start().starts_with('{') {
            return Err(InvalidInput::Payload {
                reason: "it must be a JSON object ({…})".into(),
            });
        }
        serde_json::from_str::<IgnoredAny>(&text).map_err(|e| InvalidInput::Payload {
            reason: e.to_string(),
        })?;
        Ok(Self(text.into()))
    }

    /// Parses JSON bytes; they must be UTF-8 and a single JSON object.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, InvalidInput> {
        let text = std::str::from_utf8(bytes).map_err(|e| InvalidInput::Payload {
            reason: format!("it is not UTF-8: {e}"),
        })?;
        Self::from_json(text)
    }

    /// Serialises a value; it must serialise to a JSON object.
    pub fn from_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, InvalidInput> {
        let text = serde_json::to_string(value).map_err(|e| InvalidInput::Payload {
            reason: e.to_string(),
        })?;
        Self::from_json(text)
    }

    /// A payload read back from storage, where it was validated on the way in.
    #[doc(hidden)]
    pub fn from_stored(text: String) -> Self {
        Self(text.into())
    }

    /// The JSON text, exactly as appended.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a valid payload (`{}` is the smallest); here for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Deserialises the payload.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() <= 200 {
            f.write_str(&self.0)
        } else {
            write!(f, "<{} bytes of JSON>", self.0.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_are_kept_byte_for_byte() {
        let text = "{ \"内容\": \"每半年分析苗头性倾向性问题\", \"n\": 1 }";
        assert_eq!(Payload::from_json(text).unwrap().as_str(), text);
    }

    #[test]
    fn anything_but_one_json_object_is_refused() {
        for bad in [
            "", "null", "[1]", "\"x\"", "{", "{} {}", "{\"a\":}", "not json",
        ] {
            let err = Payload::from_json(bad).unwrap_err();
            assert!(
                matches!(err, InvalidInput::Payload { .. }),
                "{bad:?}: {err}"
            );
        }
        assert!(Payload::from_slice(b"{\"a\":\"\xff\"}").is_err());
    }

    #[test]
    fn payloads_over_the_limit_are_refused() {
        let big = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_PAYLOAD_BYTES));
        assert_eq!(
            Payload::from_json(big.clone()).unwrap_err(),
            InvalidInput::PayloadTooLarge {
                size: big.len(),
                limit: MAX_PAYLOAD_BYTES
            }
        );
        let fits = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_PAYLOAD_BYTES - 8));
        assert_eq!(fits.len(), MAX_PAYLOAD_BYTES);
        assert!(Payload::from_json(fits).is_ok());
    }
}
