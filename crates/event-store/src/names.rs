//! Validated names: stream names, categories, event types and actors.
//!
//! Each is parsed once at the edge and trusted inside. Stream names follow the
//! `category-id` convention (e.g. `cadre-0190c6a2-…`): the category is the part before the
//! first `-`, which is how regulators export "every cadre stream" at once.

use crate::error::InvalidInput;
use crate::limits::MAX_NAME_LEN;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The rules shared by stream names and categories (which may not contain `-`).
fn check_name(name: &str, dash: bool) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name.len() > MAX_NAME_LEN {
        return Err("it is longer than 200 bytes");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("it must start with an ASCII letter or digit");
    }
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':') || (dash && c == '-');
    if !name.chars().all(allowed) {
        return Err(if dash {
            "only ASCII letters, digits and - _ . : are allowed"
        } else {
            "only ASCII letters, digits and _ . : are allowed"
        });
    }
    Ok(())
}

/// The name of one stream: 1–200 bytes of ASCII letters, digits and `- _ . :`, starting
/// with a letter or digit (names starting with `$` or punctuation are reserved).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamName(Arc<str>);

impl StreamName {
    /// Parses a stream name.
    pub fn new(name: impl AsRef<str>) -> Result<Self, InvalidInput> {
        let name = name.as_ref();
        check_name(name, true).map_err(|reason| InvalidInput::StreamName {
            name: truncate(name),
            reason,
        })?;
        Ok(Self(name.into()))
    }

    /// A name read back from storage, where it was validated on the way in.
    #[doc(hidden)]
    pub fn from_stored(name: String) -> Self {
        Self(name.into())
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The category: the part before the first `-`, or the whole name if it has none.
    pub fn category(&self) -> &str {
        category_of(&self.0)
    }
}

/// The category of a stream name (the part before the first `-`).
pub fn category_of(stream: &str) -> &str {
    stream.split_once('-').map_or(stream, |(c, _)| c)
}

/// A category of streams (the part of a stream name before its first `-`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Category(Arc<str>);

impl Category {
    /// Parses a category: like a stream name, without `-`.
    pub fn new(name: impl AsRef<str>) -> Result<Self, InvalidInput> {
        let name = name.as_ref();
        check_name(name, false).map_err(|reason| InvalidInput::Category {
            name: truncate(name),
            reason,
        })?;
        Ok(Self(name.into()))
    }

    /// The category as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The type of an event: a plain identifier (`DutyRecorded`), 1–100 bytes of ASCII
/// letters, digits and `_`, starting with a letter.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventType(Arc<str>);

impl EventType {
    /// Longest event type, in bytes.
    pub const MAX_LEN: usize = 100;

    /// Parses an event type.
    pub fn new(name: impl AsRef<str>) -> Result<Self, InvalidInput> {
        let name = name.as_ref();
        let err = |reason| InvalidInput::EventType {
            name: truncate(name),
            reason,
        };
        if name.is_empty() {
            return Err(err("it is empty"));
        }
        if name.len() > Self::MAX_LEN {
            return Err(err("it is longer than 100 bytes"));
        }
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(err("it must start with an ASCII letter"));
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err(
                "it must be a plain identifier (ASCII letters, digits, _)",
            ));
        }
        Ok(Self(name.into()))
    }

    /// A type read back from storage, where it was validated on the way in.
    #[doc(hidden)]
    pub fn from_stored(name: String) -> Self {
        Self(name.into())
    }

    /// The type as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who caused an event: a user (`user:<uuid>`), a system job (`system:deadline-watcher`),
/// an import. 1–200 bytes of text without control characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Actor(Arc<str>);

impl Actor {
    /// Parses an actor.
    pub fn new(name: impl AsRef<str>) -> Result<Self, InvalidInput> {
        let name = name.as_ref();
        let err = |reason| InvalidInput::Actor {
            name: truncate(name),
            reason,
        };
        if name.trim().is_empty() {
            return Err(err("it is empty"));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(err("it is longer than 200 bytes"));
        }
        if name.chars().any(char::is_control) {
            return Err(err("it contains control characters"));
        }
        Ok(Self(name.into()))
    }

    /// An actor read back from storage, where it was validated on the way in.
    #[doc(hidden)]
    pub fn from_stored(name: String) -> Self {
        Self(name.into())
    }

    /// The actor as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps error messages short when someone sends a megabyte as a name.
fn truncate(name: &str) -> String {
    match name.char_indices().nth(64) {
        Some((i, _)) => format!("{}…", &name[..i]),
        None => name.to_owned(),
    }
}

macro_rules! text_impls {
    ($($t:ident),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&*self.0, f)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $t {
            type Error = InvalidInput;
            fn try_from(s: String) -> Result<Self, InvalidInput> {
                Self::new(s)
            }
        }
        impl TryFrom<&str> for $t {
            type Error = InvalidInput;
            fn try_from(s: &str) -> Result<Self, InvalidInput> {
                Self::new(s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0.to_string()
            }
        }
    )*};
}
text_impls!(StreamName, Category, EventType, Actor);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stream_names_follow_the_category_convention() {
        let s = StreamName::new("cadre-0190c6a2-7b1e-7000-8000-000000000001").unwrap();
        assert_eq!(s.category(), "cadre");
        assert_eq!(StreamName::new("board").unwrap().category(), "board");
    }

    #[test]
    fn bad_stream_names_are_refused_with_a_reason() {
        for bad in [
            "", " cadre-1", "$all", "-x", "cadre 1", "干部-1", "a/b", "x\n",
        ] {
            let err = StreamName::new(bad).unwrap_err();
            assert!(
                matches!(err, InvalidInput::StreamName { .. }),
                "{bad:?}: {err}"
            );
        }
        assert!(StreamName::new("a".repeat(200)).is_ok());
        assert!(StreamName::new("a".repeat(201)).is_err());
    }

    #[test]
    fn event_types_are_plain_identifiers() {
        assert!(EventType::new("DutyRecorded").is_ok());
        assert!(EventType::new("duty_recorded_v2").is_ok());
        for bad in [
            "",
            "1Duty",
            "Duty.Recorded",
            "Duty-Recorded",
            "Duty Recorded",
            "履责",
        ] {
            assert!(EventType::new(bad).is_err(), "{bad:?}");
        }
        assert!(EventType::new("A".repeat(101)).is_err());
    }

    #[test]
    fn categories_have_no_dash() {
        assert!(Category::new("cadre").is_ok());
        assert!(Category::new("cadre-1").is_err());
        assert!(Category::new("").is_err());
    }

    #[test]
    fn actors_may_be_chinese_but_not_control_characters() {
        assert!(Actor::new("user:张三").is_ok());
        assert!(Actor::new("  ").is_err());
        assert!(Actor::new("a\u{0}b").is_err());
    }

    #[test]
    fn long_names_are_truncated_in_errors() {
        let err = StreamName::new("x y".repeat(1000)).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
    }

    proptest! {
        #[test]
        fn a_valid_stream_name_round_trips_through_serde(name in "[a-z][a-z0-9_.:-]{0,60}") {
            let s = StreamName::new(&name).unwrap();
            let json = serde_json::to_string(&s).unwrap();
            let back: StreamName = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.as_str(), name.as_str());
            prop_assert!(name.starts_with(s.category()));
            prop_assert!(!s.category().contains('-'));
        }
    }
}
