//! Helpers of the projector tests: a store and read-model file per test, and `Tally`, a
//! small projection whose tables make double counting and lost events visible.

use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, Filter, NewEvent, Payload, RecordedEvent,
    StreamName,
};
use projector::{Projection, ProjectionError, ReadModels};
use rusqlite::{Connection, Transaction, params};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use store_sqlite::{SqliteOptions, SqliteStore};
use tempfile::TempDir;

pub struct World {
    _dir: TempDir,
    pub sqlite: SqliteStore,
    pub store: Arc<dyn EventStore>,
    pub models: ReadModels,
}

impl World {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sqlite =
            SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap();
        let models = ReadModels::open(dir.path().join("read.db")).unwrap();
        Self {
            store: Arc::new(sqlite.clone()),
            sqlite,
            models,
            _dir: dir,
        }
    }

    /// Appends `n` events, one append each, cycling over `streams`. Returns the last position.
    pub async fn append(&self, streams: &[&str], n: usize) -> u64 {
        let mut last = 0;
        for i in 0..n {
            let stream = StreamName::new(streams[i % streams.len()]).unwrap();
            let r = self
                .store
                .append(&stream, ExpectedVersion::Any, vec![event(i)])
                .await
                .unwrap();
            last = r.last_position();
        }
        last
    }

    pub fn reader(&self) -> Connection {
        self.models.reader().unwrap()
    }
}

pub fn event(i: usize) -> NewEvent {
    NewEvent::new(
        EventType::new(if i.is_multiple_of(3) {
            "DutyRecorded"
        } else {
            "DutyAmended"
        })
        .unwrap(),
        Payload::from_json(format!("{{\"n\":{i}}}")).unwrap(),
        Actor::new("user:test").unwrap(),
        chrono::Utc::now(),
    )
}

/// Counts events per stream (`weight` per event, by version) and notes every position it
/// applied in `tally_seen`, without a unique key, so a double application shows.
pub struct Tally {
    pub version: u32,
    /// `apply` fails on this position.
    pub fail_at: Option<u64>,
    /// `apply` panics on this position.
    pub panic_at: Option<u64>,
    pub filter: Filter,
    /// Events `apply` was called with (including those of batches rolled back).
    pub applied: Arc<AtomicU64>,
    pub gate: Option<Gate>,
    /// Per batch applied, whether its file had the query index then.
    pub saw_query_index: Arc<Mutex<Vec<bool>>>,
    /// Per batch applied, whether its file had the derived count's trigger then.
    pub saw_derived: Arc<Mutex<Vec<bool>>>,
    /// `apply` fails on this position with SQLite's "database or disk is full" as many
    /// times as the counter says (counting down), then applies it.
    pub disk_full_at: Option<(u64, Arc<AtomicU64>)>,
}

impl Tally {
    pub fn new() -> Self {
        Self {
            version: 1,
            fail_at: None,
            panic_at: None,
            filter: Filter::all(),
            applied: Arc::new(AtomicU64::new(0)),
            gate: None,
            saw_query_index: Arc::default(),
            saw_derived: Arc::default(),
            disk_full_at: None,
        }
    }

    fn weight(&self) -> i64 {
        if self.version >= 2 { 10 } else { 1 }
    }
}

/// Holds the first batch a projection applies until the test lets it go.
pub struct Gate {
    armed: AtomicBool,
    entered: tokio::sync::mpsc::UnboundedSender<()>,
    go: Mutex<std::sync::mpsc::Receiver<()>>,
}

/// The test's side of a [`Gate`].
pub struct GateControl {
    pub entered: tokio::sync::mpsc::UnboundedReceiver<()>,
    pub go: std::sync::mpsc::Sender<()>,
}

pub fn gate() -> (Gate, GateControl) {
    let (entered_tx, entered) = tokio::sync::mpsc::unbounded_channel();
    let (go, go_rx) = std::sync::mpsc::channel();
    (
        Gate {
            armed: AtomicBool::new(true),
            entered: entered_tx,
            go: Mutex::new(go_rx),
        },
        GateControl { entered, go },
    )
}

/// The tally's derived count of `tally_seen`'s rows, kept by a trigger.
macro_rules! tally_derived {
    () => {
        "CREATE TABLE IF NOT EXISTS tally_total (n INTEGER NOT NULL) STRICT;
         INSERT INTO tally_total SELECT count(*) FROM tally_seen
           WHERE NOT EXISTS (SELECT 1 FROM tally_total);
         CREATE TRIGGER IF NOT EXISTS tally_counted AFTER INSERT ON tally_seen
           BEGIN UPDATE tally_total SET n = n + 1; END;"
    };
}
const TALLY_DERIVED: &str = tally_derived!();

impl Projection for Tally {
    fn name(&self) -> &'static str {
        "tally"
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn schema(&self) -> &'static str {
        "CREATE TABLE IF NOT EXISTS tally_streams (stream TEXT PRIMARY KEY, events INTEGER NOT NULL, weight INTEGER NOT NULL) STRICT;
         CREATE TABLE IF NOT EXISTS tally_seen (position INTEGER NOT NULL) STRICT;
         CREATE INDEX IF NOT EXISTS tally_streams_by_events ON tally_streams (events);"
    }

    fn query_indexes(&self) -> &'static str {
        "CREATE INDEX IF NOT EXISTS tally_seen_position ON tally_seen (position);"
    }

    fn derived(&self) -> &'static str {
        TALLY_DERIVED
    }

    fn derive(&self) -> &'static str {
        concat!(
            "DROP TABLE IF EXISTS tally_total; DROP TRIGGER IF EXISTS tally_counted;",
            tally_derived!()
        )
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tally_streams", "tally_seen"]
    }

    fn filter(&self) -> Filter {
        self.filter.clone()
    }

    fn apply(&self, tx: &Transaction<'_>, e: &RecordedEvent) -> Result<(), ProjectionError> {
        self.applied.fetch_add(1, Ordering::SeqCst);
        if !self
            .filter
            .matches(e.stream.as_str(), e.event_type.as_str())
        {
            return Err(ProjectionError::event(
                e,
                "handed an event its filter excludes",
            ));
        }
        if self.panic_at == Some(e.position) {
            panic!("told to panic at {}", e.position);
        }
        tx.execute(
            "INSERT INTO tally_streams (stream, events, weight) VALUES (?1, 1, ?2)
             ON CONFLICT (stream) DO UPDATE SET events = events + 1, weight = weight + excluded.weight",
            params![e.stream.as_str(), self.weight()],
        )?;
        tx.execute(
            "INSERT INTO tally_seen (position) VALUES (?1)",
            [e.position as i64],
        )?;
        if let Some((at, times)) = &self.disk_full_at
            && *at == e.position
            && times
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        {
            let full = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL);
            return Err(rusqlite::Error::SqliteFailure(full, None).into());
        }
        if self.fail_at == Some(e.position) {
            // After this batch's earlier rows were written: they must roll back too.
            return Err(ProjectionError::event(e, "told to fail here"));
        }
        Ok(())
    }

    fn apply_batch(
        &self,
        tx: &Transaction<'_>,
        events: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        if let Some(g) = &self.gate
            && g.armed.swap(false, Ordering::SeqCst)
        {
            let _ = g.entered.send(());
            let _ = g.go.lock().unwrap().recv();
        }
        let indexed: bool = tx.query_row(
            "SELECT count(*) > 0 FROM main.sqlite_schema WHERE name = 'tally_seen_position'",
            [],
            |r| r.get(0),
        )?;
        self.saw_query_index.lock().unwrap().push(indexed);
        let derived: bool = tx.query_row(
            "SELECT count(*) > 0 FROM main.sqlite_schema WHERE name = 'tally_counted'",
            [],
            |r| r.get(0),
        )?;
        self.saw_derived.lock().unwrap().push(derived);
        events.iter().try_for_each(|e| self.apply(tx, e))
    }
}

/// Every row of the tally's tables, in a stable order.
pub fn dump(conn: &Connection) -> (Vec<(String, i64, i64)>, Vec<i64>) {
    let streams = conn
        .prepare("SELECT stream, events, weight FROM tally_streams ORDER BY stream")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let seen = conn
        .prepare("SELECT position FROM tally_seen ORDER BY position")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (streams, seen)
}

/// (rows in tally_seen, distinct positions in it, sum of tally_streams.events)
pub fn counts(conn: &Connection) -> (i64, i64, i64) {
    conn.query_row(
        "SELECT (SELECT count(*) FROM tally_seen), (SELECT count(DISTINCT position) FROM tally_seen),
                (SELECT coalesce(sum(events), 0) FROM tally_streams)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

pub fn batches_of(n: usize) -> projector::ProjectorOptions {
    projector::ProjectorOptions {
        batch_size: n,
        ..Default::default()
    }
}
