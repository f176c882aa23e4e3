//! Helpers of the board tests: a real SQLite event store whose clock the test sets (so each
//! event's `recorded_at` is chosen), the live board projector on a read-model file, and
//! builders for the district's events.

use board::Board;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use domain::calendar::{Cadence, DeadlineRule, Period, start_of_day};
use domain::events::Event;
use domain::ids::{ItemId, ObligationId};
use domain::obligation::{DutyItem, Source};
use domain::org::{Responsibility, Subject, SubjectKind};
use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, ManualClock, NewEvent, Payload, StreamName,
};
use projector::{ProjectorHandle, ProjectorOptions, ReadModels};
use rusqlite::Connection;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};
use tempfile::TempDir;

pub struct World {
    pub dir: TempDir,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn EventStore>,
    pub models: ReadModels,
    pub board: Option<ProjectorHandle>,
    /// Position of the last event appended.
    pub head: u64,
}

impl World {
    /// An empty log starting on 1 January 2026, with the board projector running.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(local(2026, 1, 1, 9)));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..Default::default()
        };
        let store: Arc<dyn EventStore> =
            Arc::new(SqliteStore::open(dir.path().join("log.db"), options).unwrap());
        let models = ReadModels::open(dir.path().join("read.db")).unwrap();
        let board = projector::spawn(
            store.clone(),
            &models,
            Arc::new(Board),
            ProjectorOptions {
                batch_size: 7,
                ..Default::default()
            },
        )
        .unwrap();
        Self {
            dir,
            clock,
            store,
            models,
            board: Some(board),
            head: 0,
        }
    }

    /// Appends `event` as recorded at `at`.
    pub async fn emit(&mut self, at: DateTime<Utc>, event: impl Into<Event>) -> u64 {
        let event = event.into();
        self.clock.set(at);
        let new = NewEvent::new(
            EventType::new(event.event_type()).unwrap(),
            Payload::from_value(&event.payload()).unwrap(),
            Actor::new("user:test").unwrap(),
            at,
        );
        let stream = StreamName::new(event.stream()).unwrap();
        let r = self
            .store
            .append(&stream, ExpectedVersion::Any, vec![new])
            .await
            .unwrap();
        assert_eq!(r.recorded_at, at, "the store stamps the clock's instant");
        self.head = r.last_position();
        self.head
    }

    /// Appends an event of a type no build knows yet.
    pub async fn emit_unknown(&mut self, at: DateTime<Utc>) -> u64 {
        self.clock.set(at);
        let new = NewEvent::new(
            EventType::new("SomethingFromTheFuture").unwrap(),
            Payload::from_json("{\"x\":1}").unwrap(),
            Actor::new("user:test").unwrap(),
            at,
        );
        let r = self
            .store
            .append(
                &StreamName::new("future-1").unwrap(),
                ExpectedVersion::Any,
                vec![new],
            )
            .await
            .unwrap();
        self.head = r.last_position();
        self.head
    }

    /// Waits until the board has applied everything appended so far.
    pub async fn settle(&self) {
        self.board
            .as_ref()
            .unwrap()
            .wait_for(self.head)
            .await
            .unwrap();
    }

    pub fn reader(&self) -> Connection {
        self.models.reader().unwrap()
    }
}

/// `h` o'clock local (Asia/Shanghai) time on a date.
pub fn local(y: i32, m: u32, d: u32, h: i64) -> DateTime<Utc> {
    start_of_day(date(y, m, d)) + TimeDelta::hours(h)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn item(kind: SubjectKind, content: &str, cadence: Cadence, required: u32) -> DutyItem {
    DutyItem {
        item_id: ItemId::new(),
        subject_kind: kind,
        responsibility: if kind == SubjectKind::DisciplineGroup {
            Responsibility::Supervisory
        } else {
            Responsibility::Principal
        },
        category: "党风廉政建设".into(),
        content: content.into(),
        cadence,
        required_count: required,
        deadline: DeadlineRule::EndOfPeriod,
    }
}

/// The obligation of `subject` for `item` of `list` in the `index`-th period of 2026.
pub fn obligation(
    list: domain::ids::ListId,
    item: &DutyItem,
    subject: Subject,
    index: u8,
) -> (ObligationId, Source, Period) {
    let source = Source::ListItem {
        list_id: list,
        item_id: item.item_id,
    };
    let period = Period::new(2026, item.cadence, index).unwrap();
    (
        ObligationId::derive(&source, &subject, &period),
        source,
        period,
    )
}
