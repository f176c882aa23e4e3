//! Reading a stored event's envelope back from its canonical line
//! (`event_store::canonical::parse`, what the export verifier and inclusion proofs read),
//! then its payload as a domain event.
//!
//! Input: one canonical line (see `corpus/canonical_line/`).
//!
//! Properties, beyond "no panic":
//! - a line that parses is exactly the canonical line of the event it parses to, and that
//!   line parses to the same event (the bytes the Merkle tree hashes have one reading);
//! - every name in it passes the validation an append applies, and its payload is one JSON
//!   object kept byte for byte (`Payload::from_json`);
//! - any bytes taken as a payload alone are accepted by `Payload::from_slice` when they are
//!   one JSON object (as serde_json reads it), and only when they are one JSON text starting
//!   with `{`, then kept byte for byte;
//! - the payload then decodes as a domain event (or is refused) without panicking, and a
//!   decoded event re-encodes to one that decodes equal.

#![no_main]

use domain::events::Event;
use event_store::canonical::{canonical_json, parse};
use event_store::{Actor, EventType, Payload, StreamName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Any bytes as a payload on their own.
    payload_alone(data);
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(event) = parse(line) else {
        return;
    };
    assert_eq!(
        canonical_json(&event),
        line,
        "parse accepted a non-canonical line"
    );
    assert_eq!(parse(&canonical_json(&event)).as_ref(), Ok(&event));
    assert!(StreamName::new(event.stream.as_str()).is_ok());
    assert!(EventType::new(event.event_type.as_str()).is_ok());
    assert!(Actor::new(event.actor.as_str()).is_ok());
    let payload = Payload::from_json(event.payload.as_str()).expect("a parsed payload validates");
    assert_eq!(payload, event.payload);

    if let Ok(domain) = Event::decode(
        event.event_type.as_str(),
        event.schema_version,
        event.payload.as_str(),
    ) {
        let text = domain.payload().to_string();
        let again = Event::decode(domain.event_type(), domain.schema_version(), &text);
        assert_eq!(again.as_ref(), Ok(&domain), "re-encoded as {text}");
    }
});

fn payload_alone(data: &[u8]) {
    let accepted = Payload::from_slice(data);
    // What serde_json reads as an object. Not the whole of what `from_json` accepts: it
    // only checks the JSON's syntax, so a number beyond f64 or nesting deeper than
    // serde_json's recursion limit is valid JSON it keeps but `Value` refuses.
    let object = std::str::from_utf8(data).is_ok_and(|text| {
        text.len() <= event_store::MAX_PAYLOAD_BYTES
            && serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object())
    });
    match accepted {
        Ok(payload) => {
            assert_eq!(payload.as_str().as_bytes(), data, "not kept byte for byte");
            assert!(payload.as_str().trim_start().starts_with('{'));
            assert!(
                serde_json::from_str::<&serde_json::value::RawValue>(payload.as_str()).is_ok(),
                "accepted a payload that is not JSON"
            );
        }
        Err(e) => assert!(!object, "refused a JSON object: {e}"),
    }
}
