//! How fast [`verify`] checks a complete export, without a store: for `dutytrace bench` and
//! the crate's speed test. The export is made up in memory (realistic duty entries with
//! Chinese text), signed with a throwaway key, then verified and timed.

use std::io::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use event_store::{Actor, EventType, Payload, RecordedEvent, StreamName, canonical_json};
use evidence::{Checkpoint, Hasher, PublicKey, Signer, leaf_hash};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::error::VerifyError;
use crate::format::{FORMAT, Header, schema_id, write_event_line};
use crate::request::ExportFilter;
use crate::verify::verify;

/// A timed verification.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifySpeed {
    pub events: u64,
    /// NDJSON bytes checked (unpacked).
    pub bytes: u64,
    /// Bytes of the file read (smaller when gzipped).
    pub file_bytes: u64,
    pub gzip: bool,
    pub elapsed: Duration,
    /// Unpacked megabytes (10⁶ bytes) per second.
    pub mb_per_s: f64,
}

/// Makes a complete export of `events` made-up events (about 600 bytes each), then times
/// [`verify`] over it on this thread.
pub fn verify_speed(events: u64, gzip: bool) -> Result<VerifySpeed, VerifyError> {
    let (file, key) = synthetic_export(events, gzip);
    let started = Instant::now();
    let report = verify(file.as_slice(), Some(&key), &[])?;
    let elapsed = started.elapsed();
    Ok(VerifySpeed {
        events: report.events,
        bytes: report.bytes,
        file_bytes: file.len() as u64,
        gzip,
        elapsed,
        mb_per_s: report.bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9),
    })
}

/// A complete, valid export of `events` made-up events and the key that signed it.
fn synthetic_export(events: u64, gzip: bool) -> (Vec<u8>, PublicKey) {
    let start = DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default();
    let event_type = EventType::from_stored("DutyRecorded".into());
    let actor = Actor::new("user:cadre-0042").unwrap_or_else(|_| unreachable!("a valid actor"));
    let mut body = Vec::with_capacity(events as usize * 700);
    let mut hasher = Hasher::new();
    for position in 1..=events {
        let at = start + chrono::TimeDelta::seconds(position as i64 * 7);
        let payload = format!(
            concat!(
                r#"{{"obligation_id":"0190c6a2-0000-7000-8000-{:012x}","cadre_id":"0190c6a2-1111-7000-8000-000000000042","#,
                r#""period":"2026-H1","performed_on":"2026-03-{:02}","summary":"召开党风廉政建设专题会议第{}次，"#,
                r#"分析本单位苗头性倾向性问题，部署整改措施并明确责任分工。","attachments":[]}}"#
            ),
            position,
            position % 28 + 1,
            position
        );
        let event = RecordedEvent {
            position,
            stream: StreamName::from_stored(format!("obligation-{}", position % 997)),
            version: position / 997 + 1,
            event_id: uuid_of(position),
            event_type: event_type.clone(),
            schema_version: 1,
            occurred_at: at,
            recorded_at: at,
            actor: actor.clone(),
            correlation_id: Some(uuid_of(position + (1 << 40))),
            causation_id: None,
            payload: Payload::from_stored(payload),
        };
        let line = canonical_json(&event);
        let leaf = leaf_hash(line.as_bytes());
        hasher.push(leaf);
        write_event_line(&mut body, &leaf, None, &line);
    }
    let signer = Signer::generate();
    let checkpoint = signer.sign(Checkpoint {
        origin: "dutytrace/bench".into(),
        tree_size: events,
        root: hasher.root(),
        time: start,
    });
    let header = Header {
        format: FORMAT.into(),
        origin: "dutytrace/bench".into(),
        public_key: signer.public_key().to_hex(),
        checkpoint,
        from_position: 1,
        to_position: events,
        complete: true,
        events,
        filter: ExportFilter::default(),
        frontier: Vec::new(),
        schemas: vec![schema_id("DutyRecorded", 1)],
    };
    let mut file = serde_json::to_vec(&header).unwrap_or_default();
    file.push(b'\n');
    file.extend_from_slice(&body);
    if gzip {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        // Writing to memory cannot fail.
        let _ = gz.write_all(&file);
        file = gz.finish().unwrap_or_default();
    }
    (file, signer.public_key())
}

/// A made-up UUIDv7-shaped id, as the canonical line prints it.
fn uuid_of(n: u64) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_c6a2_0000_7000_8000_0000_0000_0000 | u128::from(n))
}
