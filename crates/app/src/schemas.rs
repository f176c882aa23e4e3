//! Every payload is checked against its event type's JSON Schema before it is appended
//! (DESIGN.md §3): the files kept in `schemas/events/`, embedded at build time (see
//! `build.rs`), so what is enforced is what is published. Each schema is compiled once, on
//! its first use. A payload that fails is a bug of ours, never appended.

use crate::error::AppError;
use domain::events::Event;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

include!(concat!(env!("OUT_DIR"), "/event_schemas.rs"));

/// A kept schema: its text, and its validator once compiled (or why it does not compile).
type Entry = (
    &'static str,
    OnceLock<Result<jsonschema::Validator, String>>,
);

static SCHEMAS: LazyLock<HashMap<(&'static str, u32), Entry>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(event_type, version, text)| ((event_type, version), (text, OnceLock::new())))
        .collect()
});

/// Every embedded schema, as (event type, version), in order.
pub fn embedded() -> impl Iterator<Item = (&'static str, u32)> {
    FILES
        .iter()
        .map(|&(event_type, version, _)| (event_type, version))
}

/// Checks an event's payload against the schema of its type at its current version.
pub fn check(e: &Event, payload: &Value) -> Result<(), AppError> {
    validate(e.event_type(), e.schema_version(), payload)
}

/// Checks a payload against the schema of `event_type` at `version` (a stored payload
/// against the version it was stored with).
pub fn validate(event_type: &str, version: u32, payload: &Value) -> Result<(), AppError> {
    let fail = |pointer: String, reason: String| AppError::InvalidPayload {
        event_type: event_type.to_owned(),
        version,
        pointer,
        reason,
    };
    let Some((text, validator)) = SCHEMAS.get(&(event_type, version)) else {
        return Err(fail(
            String::new(),
            "no schema in schemas/events".to_owned(),
        ));
    };
    let validator = validator.get_or_init(|| compile(text)).as_ref();
    let validator = validator.map_err(|e| fail(String::new(), e.clone()))?;
    match validator.validate(payload) {
        Ok(()) => Ok(()),
        // The keyword that failed, never the value: payloads hold personal data, and this
        // message is logged.
        Err(e) => Err(fail(
            e.instance_path().to_string(),
            format!("fails {}", e.evaluation_path()),
        )),
    }
}

fn compile(text: &str) -> Result<jsonschema::Validator, String> {
    let schema: Value =
        serde_json::from_str(text).map_err(|e| format!("the schema is not JSON: {e}"))?;
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| format!("the schema does not compile: {e}"))
}
