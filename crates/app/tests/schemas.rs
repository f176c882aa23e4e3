//! The event schemas kept in `schemas/events/`: one file per event type and version, each
//! the schema derived from its payload struct (`domain`'s `schema` feature), each a valid
//! JSON Schema (draft 2020-12), none left over; and the app refuses a payload that fails
//! its schema before anything is appended.
//!
//! After an intended change to a payload, regenerate the files with
//! `DUTYTRACE_BLESS=1 cargo test -p app --test schemas` and review the diff. A change to
//! a version already written is a new version instead (see `schemas/README.md`).

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use app::{App, AppError, Meta, fingerprint};
use chrono::NaiveDate;
use domain::events::legacy::HistoryReadV1;
use domain::events::{Event, HistoryRead, TravelFiled, schema, schema_file, stream};
use domain::filing::{Timeliness, Travel, TravelPurpose};
use domain::ids::{CadreId, FilingId, UnitId, UserId};
use domain::org::CadreDuty;
use event_store::{Actor, Direction, EventStore, StreamName, SystemClock};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use store_sqlite::{SqliteOptions, SqliteStore};

/// Set to `1` to rewrite `schemas/events/` from the payload structs.
const BLESS: &str = "DUTYTRACE_BLESS";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/events")
}

/// Every (type, version) that must have a file: each type from 1 up to its current version.
fn expected() -> Vec<(&'static str, u32)> {
    Event::VERSIONS
        .iter()
        .flat_map(|&(t, current)| (1..=current).map(move |v| (t, v)))
        .collect()
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    s
}

#[test]
fn the_kept_schemas_are_the_derived_ones() {
    let dir = dir();
    let bless = std::env::var(BLESS).is_ok_and(|v| v == "1");
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for (event_type, version) in expected() {
        let derived = schema::payload_schema(event_type, version).unwrap();
        let path = dir.join(schema_file(event_type, version));
        if bless {
            std::fs::write(&path, pretty(&derived)).unwrap();
            continue;
        }
        let kept = std::fs::read_to_string(&path).ok();
        // Compared as JSON values, so the order of keys (serde_json's `preserve_order`,
        // which other crates may turn on) does not matter.
        let kept: Option<Value> = kept.map(|k| serde_json::from_str(&k).unwrap());
        if kept.as_ref() != Some(&derived) {
            stale.push(schema_file(event_type, version));
        }
    }
    if bless {
        eprintln!("{BLESS}=1: wrote {}", dir.display());
    }
    assert!(
        stale.is_empty(),
        "schemas/events/ is not what the payload structs derive: {stale:?}.\n\
         If the change is intended (and no event of that version was ever written — else \
         add a version), regenerate the files with\n\n    \
         {BLESS}=1 cargo test -p app --test schemas\n\nand review the diff."
    );
}

#[test]
fn there_is_one_file_per_type_and_version_and_none_left_over() {
    let expected: BTreeSet<String> = expected()
        .into_iter()
        .map(|(t, v)| schema_file(t, v))
        .collect();
    let kept: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let missing: Vec<_> = expected.difference(&kept).collect();
    let left_over: Vec<_> = kept.difference(&expected).collect();
    assert!(missing.is_empty(), "no schema file for {missing:?}");
    assert!(
        left_over.is_empty(),
        "schema files of no event type or version: {left_over:?}"
    );
    let embedded: BTreeSet<String> = app::schemas::embedded()
        .map(|(t, v)| schema_file(t, v))
        .collect();
    assert_eq!(
        embedded, expected,
        "the app embeds every file, and only those"
    );
}

#[test]
fn every_kept_schema_is_a_draft_2020_12_schema_with_its_id() {
    for (event_type, version) in expected() {
        let path = dir().join(schema_file(event_type, version));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{} is not a JSON Schema (2020-12): {e}", path.display());
        }
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(
            schema["$id"],
            format!("urn:dutytrace:event:{event_type}:v{version}")
        );
        assert_eq!(schema["title"], event_type);
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{event_type} v{version}: the payload struct's doc comment"
        );
    }
}

fn history_read(purpose: &str) -> HistoryRead {
    HistoryRead {
        reader: UserId::new(),
        cadre_id: CadreId::new(),
        as_of: None,
        purpose: purpose.to_owned(),
    }
}

fn meta() -> Meta {
    Meta {
        actor: Actor::new("user:shenji").unwrap(),
        key: None,
        fingerprint: fingerprint("GET /cadres/x/history"),
    }
}

#[tokio::test]
async fn a_payload_that_fails_its_schema_is_refused_and_nothing_is_appended() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap());
    let app = App::new(store.clone(), Arc::new(SystemClock));
    // The schema allows at most 200 characters; the API checks that first, the schema is
    // the last line.
    let bad = history_read(&"查".repeat(201));
    let stream = StreamName::new(stream::access(bad.reader)).unwrap();
    let err = app.record_history_read(bad, &meta()).await.unwrap_err();
    match &err {
        AppError::InvalidPayload {
            event_type,
            version,
            pointer,
            reason,
        } => {
            assert_eq!((event_type.as_str(), *version), ("HistoryRead", 2));
            assert_eq!(pointer, "/purpose");
            assert!(reason.contains("maxLength"), "{reason}");
            assert!(
                !err.to_string().contains('查'),
                "the value is never in the message"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.head().await.unwrap(), 0, "nothing appended");
    assert_eq!(store.stream_version(&stream).await.unwrap(), 0);

    let good = history_read("年度考核");
    let stream = StreamName::new(stream::access(good.reader)).unwrap();
    app.record_history_read(good.clone(), &meta())
        .await
        .unwrap();
    let stored = store
        .read_stream(&stream, Direction::Forward, 1, 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].schema_version, 2);
    let e = Event::decode("HistoryRead", 2, stored[0].payload.as_str()).unwrap();
    assert_eq!(e, Event::HistoryRead(good));
}

#[test]
fn the_two_history_read_schemas_each_take_their_payload_and_refuse_the_others() {
    let v2 = history_read("线索核查");
    let v1 = HistoryReadV1 {
        reader: v2.reader,
        cadre_id: v2.cadre_id,
        as_of: None,
    };
    let (v1, v2) = (
        serde_json::to_value(&v1).unwrap(),
        Event::from(v2).payload(),
    );
    let check = |version, payload: &Value| app::schemas::validate("HistoryRead", version, payload);
    check(1, &v1).unwrap();
    check(2, &v2).unwrap();
    // v1 knows no purpose; v2 requires one.
    let AppError::InvalidPayload { pointer, .. } = check(1, &v2).unwrap_err() else {
        panic!()
    };
    assert_eq!(pointer, "");
    assert!(check(2, &v1).is_err());
    // Formats are checked: ids are UUIDs, instants RFC 3339.
    let mut bad = v2.clone();
    bad["reader"] = "user-1".into();
    let AppError::InvalidPayload { pointer, .. } = check(2, &bad).unwrap_err() else {
        panic!()
    };
    assert_eq!(pointer, "/reader");
    let mut bad = v2.clone();
    bad["as_of"] = "2026-06-30".into();
    assert!(check(2, &bad).is_err());
    let mut ok = v2;
    ok["as_of"] = "2026-06-30T15:59:59Z".into();
    check(2, &ok).unwrap();
    // No schema, no append.
    assert!(check(3, &ok).is_err());
}

/// What the check costs on every append: printed, not asserted (run with `--nocapture`,
/// and `--release` for what production pays).
#[test]
fn what_a_check_costs_per_event() {
    let read = Event::from(history_read("年度考核"));
    let travel = Event::TravelFiled(TravelFiled {
        filing_id: FilingId::new(),
        cadre_id: CadreId::new(),
        duty: CadreDuty::TeamMember {
            unit_id: UnitId::new(),
        },
        travel: Travel {
            purpose: TravelPurpose::Private,
            destination: "上海".into(),
            leave_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            return_on: NaiveDate::from_ymd_opt(2026, 7, 5).unwrap(),
        },
        filed_on: NaiveDate::from_ymd_opt(2026, 6, 20).unwrap(),
        timeliness: Timeliness {
            required: true,
            due_by: NaiveDate::from_ymd_opt(2026, 6, 30),
            days_late: 0,
        },
    });
    for e in [read, travel] {
        let payload = e.payload();
        app::schemas::check(&e, &payload).unwrap(); // compiled once, outside the timing
        let n = 20_000;
        let start = Instant::now();
        for _ in 0..n {
            app::schemas::check(&e, &payload).unwrap();
        }
        let each = start.elapsed() / n;
        eprintln!("checking a {} payload: {each:?} per event", e.event_type());
    }
}
