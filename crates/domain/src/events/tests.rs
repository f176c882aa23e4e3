//! Decoding stored events: each version up to the current one, older ones upcast.

use super::legacy::HistoryReadV1;
use super::*;

fn v1_read() -> HistoryReadV1 {
    HistoryReadV1 {
        reader: UserId::new(),
        cadre_id: CadreId::new(),
        as_of: Some(DateTime::from_timestamp(1_782_835_199, 0).unwrap()),
    }
}

#[test]
fn history_read_is_written_as_v2_and_every_other_type_as_v1() {
    for &(event_type, version) in Event::VERSIONS {
        let expected = if event_type == "HistoryRead" { 2 } else { 1 };
        assert_eq!(version, expected, "{event_type}");
        assert_eq!(Event::current_version(event_type), Some(version));
    }
    assert_eq!(Event::VERSIONS.len(), Event::TYPES.len());
    let read = HistoryRead {
        reader: UserId::new(),
        cadre_id: CadreId::new(),
        as_of: None,
        purpose: "年度考核".into(),
    };
    assert_eq!(Event::from(read).schema_version(), 2);
}

#[test]
fn a_v1_history_read_reads_as_v2_with_no_purpose_stated() {
    let old = v1_read();
    let json = serde_json::to_string(&old).unwrap();
    assert!(!json.contains("purpose"), "{json}");
    let e = Event::decode("HistoryRead", 1, &json).unwrap();
    assert_eq!(
        e,
        Event::HistoryRead(HistoryRead {
            reader: old.reader,
            cadre_id: old.cadre_id,
            as_of: old.as_of,
            purpose: String::new(),
        })
    );
}

#[test]
fn a_v2_history_read_reads_as_written_and_requires_its_purpose() {
    let old = v1_read();
    let e = Event::from(HistoryRead {
        reader: old.reader,
        cadre_id: old.cadre_id,
        as_of: old.as_of,
        purpose: "线索核查".into(),
    });
    let json = e.payload().to_string();
    assert_eq!(Event::decode("HistoryRead", 2, &json).unwrap(), e);
    // Only v1 payloads are upcast: a v2 payload without a purpose is refused.
    let v1 = serde_json::to_string(&old).unwrap();
    assert!(matches!(
        Event::decode("HistoryRead", 2, &v1),
        Err(DecodeError::Payload { .. })
    ));
}

#[test]
fn versions_above_the_current_one_or_zero_are_refused() {
    let json = Event::from(HistoryRead {
        reader: UserId::new(),
        cadre_id: CadreId::new(),
        as_of: None,
        purpose: String::new(),
    })
    .payload()
    .to_string();
    for version in [0, 3] {
        assert_eq!(
            Event::decode("HistoryRead", version, &json),
            Err(DecodeError::UnknownVersion {
                event_type: "HistoryRead".into(),
                version,
            })
        );
    }
    let unit =
        r#"{"unit_id":"0190a0a0-0000-7000-8000-000000000001","name":"x","kind":"party_group"}"#;
    assert!(Event::decode("UnitRegistered", 1, unit).is_ok());
    assert_eq!(
        Event::decode("UnitRegistered", 2, unit),
        Err(DecodeError::UnknownVersion {
            event_type: "UnitRegistered".into(),
            version: 2,
        })
    );
    assert_eq!(
        Event::decode("UnitDissolved", 1, unit),
        Err(DecodeError::UnknownType("UnitDissolved".into()))
    );
}

#[test]
fn a_step_with_no_upcaster_is_an_unknown_version() {
    assert_eq!(
        upcast("UnitRegistered", 1, serde_json::json!({})),
        Err(DecodeError::UnknownVersion {
            event_type: "UnitRegistered".into(),
            version: 1,
        })
    );
}

#[test]
fn a_stated_purpose_is_trimmed_and_at_most_200_characters() {
    assert_eq!(HistoryRead::purpose("  年度考核 ").unwrap(), "年度考核");
    assert!(HistoryRead::purpose(" ").is_err());
    assert!(HistoryRead::purpose(&"查".repeat(200)).is_ok());
    assert!(HistoryRead::purpose(&"查".repeat(201)).is_err());
}
