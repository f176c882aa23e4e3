//! The JSON Schemas (draft 2020-12) of the event payloads, derived from their structs: every
//! type at every version it has had, as kept in `schemas/events/` (see
//! `schemas/README.md`; the `app` crate's tests compare the two, and the app validates every
//! payload against the kept files before appending it).

use super::legacy;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::Value;

/// The dialect of every schema.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of `event_type`'s payload at `version`, with its `$id`; `None` if the type
/// never had that version.
pub fn payload_schema(event_type: &str, version: u32) -> Option<Value> {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let schema = super::current_schema(event_type, version, &mut generator)
        .or_else(|| legacy_schema(event_type, version, &mut generator))?;
    let mut value = schema.to_value();
    finish(&mut value, "");
    let root = value.as_object_mut()?;
    root.insert("$schema".into(), DIALECT.into());
    root.insert("$id".into(), super::schema_id(event_type, version).into());
    root.insert("title".into(), event_type.into());
    Some(value)
}

/// Closes every object: a field the struct does not have fails validation
/// (`additionalProperties: false`). Only we write payloads, so a stray field is a bug;
/// reading (`Event::decode`) ignores unknown fields, as serde does, so a payload once
/// stored still reads. And joins the lines of a doc comment's paragraph.
fn finish(schema: &mut Value, at: &str) {
    match schema {
        Value::Object(fields) => {
            let object = fields.get("type").and_then(Value::as_str) == Some("object");
            if object && fields.contains_key("properties") {
                // A flattened enum would put `oneOf` beside the fields; its variants' fields
                // would then be refused here. None is, today: decide when one is.
                for k in ["allOf", "anyOf", "oneOf", "if", "$ref"] {
                    assert!(!fields.contains_key(k), "{at}: fields beside {k}");
                }
                fields
                    .entry("additionalProperties")
                    .or_insert(Value::Bool(false));
            }
            if let Some(Value::String(d)) = fields.get_mut("description") {
                *d = d
                    .split("\n\n")
                    .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join("\n\n");
            }
            for (k, v) in fields.iter_mut() {
                finish(v, &format!("{at}/{k}"));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                finish(v, &format!("{at}/{i}"));
            }
        }
        _ => {}
    }
}

/// Versions no longer written: one arm per `legacy` payload.
fn legacy_schema(
    event_type: &str,
    version: u32,
    generator: &mut SchemaGenerator,
) -> Option<schemars::Schema> {
    fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Option<schemars::Schema> {
        Some(generator.root_schema_for::<T>())
    }
    match (event_type, version) {
        ("HistoryRead", 1) => of::<legacy::HistoryReadV1>(generator),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Event;

    #[test]
    fn every_type_has_a_schema_at_every_version() {
        for &(event_type, current) in Event::VERSIONS {
            for version in 1..=current {
                assert!(
                    payload_schema(event_type, version).is_some(),
                    "{event_type} v{version}"
                );
            }
            assert!(payload_schema(event_type, current + 1).is_none());
        }
    }
}
