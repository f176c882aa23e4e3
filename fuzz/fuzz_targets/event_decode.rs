//! Decoding a stored event into a domain event, older versions upcast on the way
//! (`domain::events::Event::decode`, `domain::events::upcast`), as the application does for
//! every event it reads back from the log.
//!
//! Input: `<event type>\n<schema version>\n<payload>` (text; see `corpus/event_decode/`).
//!
//! Properties, beyond "no panic":
//! - an unknown type is `UnknownType`, a version 0 or above the current one `UnknownVersion`,
//!   whatever the payload;
//! - a decoded event has the type it was read as and its type's current version;
//! - it re-encodes to a payload that decodes, at that version, to the same event;
//! - an old version decodes to what its payload upcast step by step decodes to at the
//!   current version (the upcasters and `decode` agree);
//! - an upcaster never panics on any JSON value, and a step that has no upcaster is an
//!   unknown version.

#![no_main]

use domain::events::{DecodeError, Event, upcast};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let (Some(event_type), Some(version), Some(payload)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let Ok(version) = version.parse::<u32>() else {
        return;
    };
    check(event_type, version, payload);
});

fn check(event_type: &str, version: u32, payload: &str) {
    let decoded = Event::decode(event_type, version, payload);
    let Some(current) = Event::current_version(event_type) else {
        assert_eq!(
            decoded,
            Err(DecodeError::UnknownType(event_type.to_owned())),
            "an unknown type"
        );
        return;
    };
    if version == 0 || version > current {
        assert_eq!(
            decoded,
            Err(DecodeError::UnknownVersion {
                event_type: event_type.to_owned(),
                version,
            }),
            "version {version} of {event_type} (current {current})"
        );
        return;
    }

    // The upcasters on their own, on whatever JSON the payload is.
    let upcast_value = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .map(|mut value| {
            for from in version..current {
                value = match upcast(event_type, from, value) {
                    Ok(v) => v,
                    Err(e) => {
                        panic!("{event_type} v{from} has no upcaster but decode reads it: {e}")
                    }
                };
            }
            value
        });
    for from in [current, current + 1] {
        // No step beyond the current version.
        assert!(
            matches!(
                upcast(event_type, from, serde_json::json!({})),
                Err(DecodeError::UnknownVersion { .. })
            ),
            "{event_type} has an upcaster from v{from}, at or past its current version"
        );
    }

    let Ok(event) = decoded else {
        // A payload refused at an old version must be refused once upcast too.
        if version < current
            && let Some(value) = upcast_value
        {
            assert!(
                Event::decode(event_type, current, &value.to_string()).is_err(),
                "{event_type} v{version} refused, but its upcast payload decodes"
            );
        }
        return;
    };
    assert_eq!(event.event_type(), event_type);
    assert_eq!(event.schema_version(), current);

    let written = event.payload();
    assert!(
        written.is_object(),
        "{event_type} writes a non-object payload"
    );
    let text = written.to_string();
    match Event::decode(event_type, current, &text) {
        Ok(again) => assert_eq!(again, event, "{event_type} re-encoded as {text}"),
        Err(e) => panic!("{event_type} re-encoded as {text} does not decode: {e}"),
    }

    if version < current {
        let value = upcast_value.unwrap_or_else(|| panic!("{event_type}: decoded from non-JSON"));
        match Event::decode(event_type, current, &value.to_string()) {
            Ok(again) => assert_eq!(again, event, "{event_type} v{version} upcast by hand"),
            Err(e) => panic!("{event_type} v{version} decodes, its upcast payload not: {e}"),
        }
    }
}
