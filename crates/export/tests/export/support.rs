//! A log per test: a SQLite store with a manual clock, its read-model file with the Merkle
//! tree caught up, and a signing key.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, ManualClock, NewEvent, Payload, StreamName,
};
use evidence::{Checkpoint, PublicKey, SignedCheckpoint, Signer};
use export::{ExportRequest, VerifyReport};
use merkle::Merkle;
use projector::ReadModels;
use store_sqlite::{SqliteOptions, SqliteStore};
use tempfile::TempDir;

pub const ORIGIN: &str = "dutytrace/test";

pub struct Log {
    _dir: TempDir,
    pub store: Arc<dyn EventStore>,
    pub models: ReadModels,
    clock: Arc<ManualClock>,
    pub signer: Signer,
}

/// When the `i`-th event (from 0) is recorded: a minute apart, from 5 January 2026.
pub fn recorded(i: u64) -> DateTime<Utc> {
    "2026-01-05T01:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(i as i64)
}

/// The stream of the `i`-th event: 4 categories, 3 to 5 streams each.
pub fn stream_of(i: u64) -> String {
    match i % 4 {
        0 => format!("unit-{}", i % 3),
        1 => format!("obligation-{}", i % 5),
        2 => format!("problem-{}", i % 4),
        _ => format!("cadre-{}", i % 3),
    }
}

/// The `i`-th event: its type and schema version follow its category.
pub fn event(i: u64) -> NewEvent {
    let (event_type, version, payload) = match i % 4 {
        0 => (
            "UnitRegistered",
            1,
            format!(r#"{{"name":"海曙区第{i}单位","kind":"党委","n":{i}}}"#),
        ),
        1 => (
            "DutyRecorded",
            1,
            format!(
                r#"{{"summary":"召开党风廉政建设专题会议，分析苗头性倾向性问题","period":"2026-H1","n":{i}}}"#
            ),
        ),
        2 => (
            "ProblemRegistered",
            1,
            format!(r#"{{"title":"整改台账问题{i}","source":"巡察","n":{i}}}"#),
        ),
        _ => (
            "HistoryRead",
            2,
            format!(r#"{{"purpose":"审计查阅","n":{i}}}"#),
        ),
    };
    NewEvent::new(
        EventType::new(event_type).unwrap(),
        Payload::from_json(payload).unwrap(),
        Actor::new("user:管理员").unwrap(),
        recorded(i),
    )
    .with_id(uuid::Uuid::from_u128(
        0x0190_c6a2_0000_7000_8000_0000_0000_0000 | u128::from(i),
    ))
    .with_schema_version(version)
}

impl Log {
    pub fn new() -> Self {
        Self::with_signer(Signer::generate())
    }

    pub fn with_signer(signer: Signer) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(recorded(0)));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        Self {
            _dir: dir,
            store: Arc::new(store),
            models,
            clock,
            signer,
        }
    }

    /// Appends events `from .. to` (see [`event`]), one append each, and catches the tree up.
    pub async fn fill(&self, from: u64, to: u64) {
        self.fill_with(from, to, event).await;
    }

    pub async fn fill_with(&self, from: u64, to: u64, make: impl Fn(u64) -> NewEvent) {
        for i in from..to {
            self.clock.set(recorded(i));
            let stream = StreamName::new(stream_of(i)).unwrap();
            self.store
                .append(&stream, ExpectedVersion::Any, vec![make(i)])
                .await
                .unwrap();
        }
        self.catch_up().await;
    }

    pub async fn catch_up(&self) {
        projector::catch_up(self.store.clone(), &self.models, Arc::new(Merkle))
            .await
            .unwrap();
    }

    /// A checkpoint of the first `size` events, signed now.
    pub fn checkpoint_at(&self, size: u64) -> SignedCheckpoint {
        let conn = self.models.reader().unwrap();
        self.signer.sign(Checkpoint {
            origin: ORIGIN.into(),
            tree_size: size,
            root: merkle::root(&conn, size).unwrap(),
            time: recorded(size),
        })
    }

    /// A checkpoint of the whole tree.
    pub fn checkpoint(&self) -> SignedCheckpoint {
        let size = merkle::size(&self.models.reader().unwrap()).unwrap();
        self.checkpoint_at(size)
    }

    pub fn key(&self) -> PublicKey {
        self.signer.public_key()
    }

    /// The export of `request` against `checkpoint`, as bytes.
    pub async fn export_against(
        &self,
        request: ExportRequest,
        checkpoint: SignedCheckpoint,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let written = export::write_to(
            self.store.clone(),
            self.models.clone(),
            request,
            checkpoint,
            self.key(),
            &mut out,
        )
        .await
        .unwrap();
        assert_eq!(written, out.len() as u64);
        out
    }

    /// The export of `request` against a checkpoint of the whole tree.
    pub async fn export(&self, request: ExportRequest) -> Vec<u8> {
        self.export_against(request, self.checkpoint()).await
    }

    /// Verifies with this log's key, no published checkpoints.
    pub fn verify(&self, file: &[u8]) -> VerifyReport {
        match export::verify(file, Some(&self.key()), &[]) {
            Ok(report) => report,
            Err(e) => panic!("verify failed: {e:?}"),
        }
    }
}

/// The lines of a plain export.
pub fn lines(file: &[u8]) -> Vec<String> {
    std::str::from_utf8(file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Lines back into a file, each with its newline.
pub fn join(lines: &[String]) -> Vec<u8> {
    let mut file = lines.join("\n").into_bytes();
    file.push(b'\n');
    file
}

/// The header as JSON.
pub fn header(file: &[u8]) -> serde_json::Value {
    serde_json::from_str(&lines(file)[0]).unwrap()
}

/// The positions of the event lines.
pub fn positions(file: &[u8]) -> Vec<u64> {
    lines(file)[1..]
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["event"]["position"].as_u64().unwrap()
        })
        .collect()
}

/// The index in `lines` of the line holding `position`.
pub fn line_of(lines: &[String], position: u64) -> usize {
    let needle = format!("\"event\":{{\"position\":{position},");
    lines.iter().position(|l| l.contains(&needle)).unwrap()
}
