//! A password or token held in memory: it can be used, never printed.

use serde::Deserialize;
use std::fmt;

/// A password or an API token. `Debug` and `Display` print `[redacted]`, and there is no
/// `Serialize`, so a secret cannot slip into a log line, an error or an event by accident.
/// Read it with [`Secret::expose`] only where the value itself is needed.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for hashing or for sending to the one party that may see it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let s = Secret::new("correct horse battery staple");
        for text in [format!("{s}"), format!("{s:?}"), format!("{s:#?}")] {
            assert!(!text.contains("horse"), "{text}");
            assert!(text.contains("[redacted]"), "{text}");
        }
        assert_eq!(s.expose(), "correct horse battery staple");
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let s: Secret = serde_json::from_str("\"hunter2hunter2\"").expect("a JSON string");
        assert_eq!(s.expose(), "hunter2hunter2");
    }
}
