//! Exports of every kind verify, and hold exactly the events they say.

use std::io::Read as _;

use event_store::{Category, EventType, Filter, StreamName, canonical_json};
use export::ExportRequest;
use serde_json::json;

use crate::support::{Log, header, join, lines, positions, recorded};

#[tokio::test]
async fn a_complete_export_verifies_and_holds_every_event_once_in_order() {
    let log = Log::new();
    log.fill(0, 300).await;
    let file = log.export(ExportRequest::default()).await;

    let report = log.verify(&file);
    assert!(report.complete && report.key_given && !report.gzip);
    assert_eq!(
        (report.events, report.from_position, report.to_position),
        (300, 1, 300)
    );
    assert_eq!(report.bytes, file.len() as u64);
    assert_eq!(positions(&file), (1..=300).collect::<Vec<_>>());

    let h = header(&file);
    assert_eq!(h["format"], "dutytrace-export/1");
    assert_eq!(h["public_key"], log.key().to_hex());
    assert_eq!(h["checkpoint"]["tree_size"], 300);
    assert_eq!(h["events"], 300);
    assert_eq!(h["complete"], true);
    assert!(h.get("frontier").is_none());
    assert_eq!(
        h["filter"],
        json!({"stream": null, "category": null, "event_type": null,
               "recorded_from": null, "recorded_to": null})
    );
    assert_eq!(
        h["schemas"],
        json!([
            "urn:dutytrace:event:DutyRecorded:v1",
            "urn:dutytrace:event:HistoryRead:v2",
            "urn:dutytrace:event:ProblemRegistered:v1",
            "urn:dutytrace:event:UnitRegistered:v1"
        ])
    );

    // Each line carries the stored event's canonical line, byte for byte (Chinese and all).
    let stored = log.store.read_all(1, &Filter::all(), 1000).await.unwrap();
    for (line, e) in lines(&file)[1..].iter().zip(&stored.events) {
        assert!(line.starts_with("{\"leaf\":\""));
        assert!(line.ends_with(&format!(",\"event\":{}}}", canonical_json(e))));
    }
    assert!(String::from_utf8(file).unwrap().contains("海曙区第4单位"));
}

#[tokio::test]
async fn a_gzipped_export_is_one_gzip_member_of_the_same_bytes() {
    let log = Log::new();
    log.fill(0, 300).await;
    let plain = log.export(ExportRequest::default()).await;
    let gz = log
        .export(ExportRequest {
            gzip: true,
            ..Default::default()
        })
        .await;
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    assert!(
        gz.len() * 3 < plain.len(),
        "{} vs {}",
        gz.len(),
        plain.len()
    );

    // A single-member decoder reads it all and leaves nothing behind.
    let mut decoder = flate2::read::GzDecoder::new(gz.as_slice());
    let mut unpacked = Vec::new();
    decoder.read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    assert!(decoder.into_inner().is_empty());

    let report = log.verify(&gz);
    assert!(report.gzip && report.complete);
    assert_eq!(report.events, 300);
    assert_eq!(report.bytes, plain.len() as u64);
}

/// Which events (by index from 0) a filtered export must hold.
type Wanted = Box<dyn Fn(u64) -> bool>;

#[tokio::test]
async fn filtered_exports_hold_exactly_the_matching_events_each_with_its_proof() {
    let log = Log::new();
    log.fill(0, 300).await;
    // Event i is at position i + 1 (see `support::event`).
    let cases: Vec<(ExportRequest, Wanted)> = vec![
        (
            ExportRequest {
                stream: Some(StreamName::new("obligation-2").unwrap()),
                ..Default::default()
            },
            Box::new(|i| i % 4 == 1 && i % 5 == 2),
        ),
        (
            ExportRequest {
                category: Some(Category::new("problem").unwrap()),
                ..Default::default()
            },
            Box::new(|i| i % 4 == 2),
        ),
        (
            ExportRequest {
                event_type: Some(EventType::new("HistoryRead").unwrap()),
                gzip: true,
                ..Default::default()
            },
            Box::new(|i| i % 4 == 3),
        ),
        (
            ExportRequest {
                recorded_from: Some(recorded(100)),
                recorded_to: Some(recorded(149)),
                ..Default::default()
            },
            Box::new(|i| (100..=149).contains(&i)),
        ),
        (
            ExportRequest {
                category: Some(Category::new("unit").unwrap()),
                recorded_from: Some(recorded(50) + chrono::TimeDelta::seconds(1)),
                ..Default::default()
            },
            Box::new(|i| i % 4 == 0 && i > 50),
        ),
        (
            ExportRequest {
                stream: Some(StreamName::new("cadre-0").unwrap()),
                category: Some(Category::new("cadre").unwrap()),
                event_type: Some(EventType::new("HistoryRead").unwrap()),
                recorded_to: Some(recorded(200)),
                ..Default::default()
            },
            Box::new(|i| i % 4 == 3 && i % 3 == 0 && i <= 200),
        ),
    ];
    for (request, wanted) in cases {
        let gzip = request.gzip;
        let file = log.export(request.clone()).await;
        let report = log.verify(&file);
        let expected: Vec<u64> = (0..300).filter(|&i| wanted(i)).map(|i| i + 1).collect();
        assert!(!report.complete, "{request:?}");
        assert_eq!(report.gzip, gzip);
        assert_eq!(report.events, expected.len() as u64, "{request:?}");
        assert!(report.events > 5, "{request:?}");
        assert_eq!(report.filter, request.filter());
        if !gzip {
            assert_eq!(positions(&file), expected, "{request:?}");
            assert!(
                lines(&file)[1..]
                    .iter()
                    .all(|l| l.contains("\"proof\":[\""))
            );
        }
    }
}

#[tokio::test]
async fn an_export_resumed_after_a_position_carries_on_from_the_next() {
    let log = Log::new();
    log.fill(0, 300).await;
    let full = lines(&log.export(ExportRequest::default()).await);
    for after in [1u64, 123, 128, 299, 300] {
        let file = log
            .export(ExportRequest {
                after,
                ..Default::default()
            })
            .await;
        let report = log.verify(&file);
        assert!(report.complete);
        assert_eq!(report.from_position, after + 1);
        assert_eq!(report.events, 300 - after);
        let h = header(&file);
        let frontier = h["frontier"].as_array().map_or(0, Vec::len);
        assert_eq!(frontier, after.count_ones() as usize, "after {after}");
        assert_eq!(
            lines(&file)[1..],
            full[1 + after as usize..],
            "after {after}"
        );
    }

    // A filtered export resumes too: the rest of the same lines.
    let units = ExportRequest {
        category: Some(Category::new("unit").unwrap()),
        ..Default::default()
    };
    let all_units = lines(&log.export(units.clone()).await);
    let rest = log
        .export(ExportRequest {
            after: 100,
            ..units
        })
        .await;
    log.verify(&rest);
    let rest = lines(&rest);
    assert_eq!(rest[1..], all_units[all_units.len() - (rest.len() - 1)..]);
    assert!(positions(&join(&rest)).iter().all(|&p| p > 100));
}

#[tokio::test]
async fn without_a_key_the_exports_own_key_is_used_and_the_report_says_so() {
    let log = Log::new();
    log.fill(0, 40).await;
    let file = log.export(ExportRequest::default()).await;
    let report = export::verify(file.as_slice(), None, &[]).unwrap();
    assert!(!report.key_given);
    assert_eq!(report.key_id, log.key().key_id());
    assert!(report.to_string().contains("no public key was given"));
}

#[tokio::test]
async fn an_export_agrees_with_the_checkpoints_published_before() {
    let log = Log::new();
    log.fill(0, 100).await;
    let published = [
        log.checkpoint_at(100),
        log.checkpoint_at(50),
        log.checkpoint_at(0),
    ];
    log.fill(100, 300).await;

    let file = log.export(ExportRequest::default()).await;
    let report = export::verify(file.as_slice(), Some(&log.key()), &published).unwrap();
    assert_eq!(
        (report.published_checked, report.published_unchecked),
        (3, 0)
    );

    // Resumed at 120: only what it reaches is checked (the frontier's size included).
    let later = [log.checkpoint_at(120), log.checkpoint_at(250)];
    let all: Vec<_> = published.iter().chain(&later).cloned().collect();
    let file = log
        .export(ExportRequest {
            after: 120,
            ..Default::default()
        })
        .await;
    let report = export::verify(file.as_slice(), Some(&log.key()), &all).unwrap();
    assert_eq!(
        (report.published_checked, report.published_unchecked),
        (2, 3)
    );

    // A filtered export is checked only against a checkpoint of its own size.
    let file = log
        .export(ExportRequest {
            category: Some(Category::new("unit").unwrap()),
            ..Default::default()
        })
        .await;
    let same = [log.checkpoint_at(300), log.checkpoint_at(100)];
    let report = export::verify(file.as_slice(), Some(&log.key()), &same).unwrap();
    assert_eq!(
        (report.published_checked, report.published_unchecked),
        (1, 1)
    );
}

#[tokio::test]
async fn an_export_against_an_older_checkpoint_stops_at_its_size() {
    let log = Log::new();
    log.fill(0, 120).await;
    let checkpoint = log.checkpoint_at(100);
    let file = log
        .export_against(ExportRequest::default(), checkpoint)
        .await;
    let report = log.verify(&file);
    assert_eq!((report.events, report.to_position), (100, 100));
    let stream = ExportRequest {
        stream: Some(StreamName::new("unit-0").unwrap()),
        ..Default::default()
    };
    let file = log.export_against(stream, log.checkpoint_at(100)).await;
    assert!(positions(&file).iter().all(|&p| p <= 100));
    log.verify(&file);
}
