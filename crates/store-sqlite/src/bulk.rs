//! Loading a whole log into a new file at once (`dutytrace seed`): the fast way in for
//! generated logs of a province's size, not a way to append to a log in use.
//!
//! The log must not exist or hold no events. The rows go into a file of their own beside
//! it (`x.db.loading`), checked as an import is ([`validate_import`]: positions from 1
//! without holes, each stream's versions from 1, `recorded_at` never decreasing, appends
//! holding together), with no journal and no sync, and the log's indexes dropped while
//! the rows go in and built again, from the same SQL, at the end — a sort instead of a
//! million random B-tree inserts; a duplicate event id fails that build. The stream index
//! (ADR 0023) is filled at the end the same way, by a sort; a stream version twice fails
//! there. Pages are checked on the caller's thread and inserted on the loader's own, so the
//! caller's next page is made while this one goes in. [`BulkLoad::finish`] turns on
//! write-ahead logging, syncs the file once and renames it over the log; a load
//! that fails or is dropped removes its file and leaves the log as it was.

use crate::errors::map;
use crate::migrate;
use crate::queries;
use crate::row;
use chrono::{DateTime, Utc};
use event_store::{CopiedEvent, StoreError, StreamName, validate_import};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// A load in progress: rows go in by [`BulkLoad::push`], are kept by [`BulkLoad::finish`].
#[derive(Debug)]
pub struct BulkLoad {
    /// The thread inserting the checked pages; `None` once finished or stopped.
    writer: Option<Inserter>,
    path: PathBuf,
    /// The file being filled: `path.loading`.
    loading: PathBuf,
    /// `CREATE INDEX` statements of the log, to build again at the end.
    indexes: Vec<String>,
    head: u64,
    last_recorded: Option<DateTime<Utc>>,
    /// Every stream's version so far.
    versions: HashMap<StreamName, u64>,
}

/// The thread that owns the connection and inserts the pages [`BulkLoad::push`] checked,
/// so checking the next page overlaps inserting this one; it hands the connection back
/// when the pages end.
#[derive(Debug)]
struct Inserter {
    pages: SyncSender<Vec<CopiedEvent>>,
    thread: JoinHandle<Result<Connection, StoreError>>,
}

impl Inserter {
    fn start(conn: Connection) -> Result<Self, StoreError> {
        // One page being inserted, one waiting: a bounded amount of memory.
        let (pages, next_page) = sync_channel::<Vec<CopiedEvent>>(1);
        let thread = std::thread::Builder::new()
            .name("bulk-load".into())
            .spawn(move || insert_pages(conn, next_page))
            .map_err(|e| StoreError::Internal(format!("cannot start the loading thread: {e}")))?;
        Ok(Self { pages, thread })
    }

    /// Waits for the pages sent to be inserted; the connection, or why it stopped.
    fn stop(self) -> Result<Connection, StoreError> {
        drop(self.pages);
        self.thread
            .join()
            .unwrap_or_else(|_| Err(StoreError::Internal("the loading thread panicked".into())))
    }
}

/// Inserts every page received, in order, with one statement; the connection once the
/// sender is gone.
fn insert_pages(
    conn: Connection,
    pages: Receiver<Vec<CopiedEvent>>,
) -> Result<Connection, StoreError> {
    {
        let mut insert = conn.prepare_cached(queries::INSERT).map_err(map)?;
        for page in pages {
            for c in &page {
                row::insert_copied(&mut insert, c).map_err(map)?;
            }
        }
    }
    Ok(conn)
}

impl BulkLoad {
    /// Starts loading the log file at `path`, which must not exist or hold no events. The
    /// rows go into `path.loading` beside it, which replaces it when the load finishes.
    pub fn begin(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            let mut existing = Connection::open(&path).map_err(|e| {
                StoreError::Unavailable(format!("cannot open {}: {e}", path.display()))
            })?;
            migrate::migrate(&mut existing)?;
            let head: i64 = existing
                .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
                .map_err(map)?;
            if head > 0 {
                return Err(StoreError::Unavailable(format!(
                    "{} already holds events ({head}): a bulk load only fills an empty log",
                    path.display()
                )));
            }
        }
        let loading = loading_path(&path);
        remove_with_sidecars(&loading)?;
        let mut conn = Connection::open(&loading).map_err(|e| {
            StoreError::Unavailable(format!("cannot create {}: {e}", loading.display()))
        })?;
        // A file of its own, nobody else's to read: no journal (a failed load is deleted,
        // not rolled back), no syncs until the end, one lock held throughout. Each page is
        // written once (no journal), so a small page cache holds all that is worth holding.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; \
             PRAGMA cache_size = -8192;",
        )
        .map_err(map)?;
        migrate::migrate(&mut conn)?;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(map)?;
        let indexes = {
            let mut stmt = conn
                .prepare(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
                     AND tbl_name = 'events' AND sql IS NOT NULL",
                )
                .map_err(map)?;
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(map)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(map)?
        };
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
                .map_err(map)?;
        }
        let writer = Inserter::start(conn).inspect_err(|_| {
            let _ = remove_with_sidecars(&loading);
        })?;
        Ok(Self {
            writer: Some(writer),
            path,
            loading,
            indexes: indexes.into_iter().map(|(_, sql)| sql).collect(),
            head: 0,
            last_recorded: None,
            versions: HashMap::new(),
        })
    }

    /// Says how many streams the load will hold, when the caller knows: the map of their
    /// versions is then made that large at once rather than grown (and rehashed) along
    /// the way.
    pub fn expect_streams(&mut self, streams: usize) {
        self.versions
            .reserve(streams.saturating_sub(self.versions.len()));
    }

    /// The events loaded so far.
    pub fn head(&self) -> u64 {
        self.head
    }

    /// Adds the next events of the log (positions from the head + 1): checked here, then
    /// inserted by the loader's own thread while the caller makes the next page. A page
    /// that breaks a rule of the log is refused whole and the load goes on as before it;
    /// an error of the inserting thread ends the load.
    pub fn push(&mut self, events: Vec<CopiedEvent>) -> Result<(), StoreError> {
        if self.writer.is_none() {
            return Err(StoreError::Closed);
        }
        validate_import(&events, self.head, self.last_recorded, &self.versions)?;
        for c in &events {
            let e = &c.event;
            match self.versions.get_mut(&e.stream) {
                Some(version) => *version = e.version,
                None => {
                    self.versions.insert(e.stream.clone(), e.version);
                }
            }
        }
        if let Some(last) = events.last() {
            self.head = last.event.position;
            self.last_recorded = Some(last.event.recorded_at);
        }
        let writer = self.writer.as_ref().ok_or(StoreError::Closed)?;
        if writer.pages.send(events).is_err() {
            // The thread stopped on an error: that is the answer, and the load's end.
            let stopped = self.writer.take().map(Inserter::stop);
            let _ = remove_with_sidecars(&self.loading);
            return Err(match stopped {
                Some(Err(e)) => e,
                _ => StoreError::Internal("the loading thread stopped".into()),
            });
        }
        Ok(())
    }

    /// Builds the indexes again, commits, turns on write-ahead logging as the store has it,
    /// syncs the file and puts it in place of the log; the log's head.
    pub fn finish(mut self) -> Result<u64, StoreError> {
        let writer = self.writer.take().ok_or(StoreError::Closed)?;
        // Every stream's name is freed with the map (the pages are gone): on a thread of its
        // own, while this one builds the indexes.
        let versions = std::mem::take(&mut self.versions);
        let freeing = std::thread::Builder::new()
            .name("bulk-load-free".into())
            .spawn(move || drop(versions));
        let mut syncing = None;
        let result = writer.stop().and_then(|conn| {
            syncing = self.sync_rows_meanwhile();
            self.complete(conn)
        });
        if let Some(syncing) = syncing {
            let _ = syncing.join();
        }
        if let Ok(freeing) = freeing {
            let _ = freeing.join();
        }
        if result.is_err() {
            let _ = remove_with_sidecars(&self.loading);
        }
        result
    }

    /// Starts writing the rows to the disk on a thread of its own while the indexes are
    /// built: the sync at the end then has only the indexes' pages left to write (for a
    /// province 0.05 s instead of 0.3 s, the index builds sharing the disk a little slower:
    /// about 0.15 s less in all). Its outcome does not matter; the sync at the end is the
    /// one that is checked.
    fn sync_rows_meanwhile(&self) -> Option<JoinHandle<()>> {
        let loading = self.loading.clone();
        std::thread::Builder::new()
            .name("bulk-load-sync".into())
            .spawn(move || {
                let _ = std::fs::File::open(&loading).and_then(|f| f.sync_data());
            })
            .ok()
    }

    fn complete(&self, conn: Connection) -> Result<u64, StoreError> {
        // The sort behind each `CREATE INDEX`: with a small page cache SQLite's sorter sorts
        // runs that fit the processor's caches, on helper threads, into temporary files and
        // merges them, rather than sorting the whole index in memory on one thread. For a
        // province on two cores: 1.2 s instead of 4.1 s (BENCHMARKS.md).
        let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        conn.execute_batch(&format!(
            "PRAGMA cache_size = -4096; PRAGMA temp_store = FILE; PRAGMA threads = {helpers};"
        ))
        .map_err(map)?;
        let broken = |e: rusqlite::Error| {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                StoreError::Internal(format!(
                    "the loaded events break a rule of the log ({e}): an event id or a stream \
                     version twice"
                ))
            } else {
                map(e)
            }
        };
        for sql in &self.indexes {
            conn.execute_batch(sql).map_err(broken)?;
        }
        // Every stream's events into the stream index at once, by the same sorter.
        row::fold(&conn, 0, self.head).map_err(broken)?;
        conn.execute_batch("COMMIT; PRAGMA locking_mode = NORMAL;")
            .map_err(map)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(map)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable(format!(
                "{} cannot use write-ahead logging (journal mode {mode})",
                self.loading.display()
            )));
        }
        conn.close().map_err(|(_, e)| map(e))?;
        let io = |what: &str, e: std::io::Error| {
            StoreError::Unavailable(format!("{what} {}: {e}", self.loading.display()))
        };
        std::fs::File::open(&self.loading)
            .and_then(|f| f.sync_all())
            .map_err(|e| io("cannot sync", e))?;
        remove_with_sidecars(&self.path)?;
        std::fs::rename(&self.loading, &self.path).map_err(|e| io("cannot rename", e))?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io("cannot sync the directory of", e))?;
        }
        Ok(self.head)
    }
}

impl Drop for BulkLoad {
    fn drop(&mut self) {
        // Not finished: the half-filled file is nobody's log.
        if let Some(writer) = self.writer.take() {
            let _ = writer.stop();
            let _ = remove_with_sidecars(&self.loading);
        }
    }
}

/// `x.db.loading` beside `x.db`.
fn loading_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".loading");
    PathBuf::from(name)
}

/// Removes a database file and its `-wal` and `-shm` files, if there.
fn remove_with_sidecars(path: &Path) -> Result<(), StoreError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::Unavailable(format!(
                    "cannot remove {}{suffix}: {e}",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SqliteOptions, SqliteStore};
    use event_store::{
        Actor, EventStore, EventType, ExpectedVersion, Filter, NewEvent, Payload, RecordedEvent,
    };

    fn copied(position: u64, stream: &str, version: u64, append_start: u64) -> CopiedEvent {
        let at = DateTime::<Utc>::from_timestamp(1_780_000_000 + position as i64, 0)
            .expect("an instant");
        CopiedEvent {
            event: RecordedEvent {
                position,
                stream: StreamName::new(stream).expect("stream"),
                version,
                event_id: uuid::Uuid::from_u128(u128::from(position) + 1_000),
                event_type: EventType::new("DutyRecorded").expect("type"),
                schema_version: 1,
                occurred_at: at,
                recorded_at: at,
                actor: Actor::new("user:test").expect("actor"),
                correlation_id: None,
                causation_id: None,
                payload: Payload::from_json(format!("{{\"n\":{position}}}")).expect("payload"),
            },
            append_start,
        }
    }

    #[tokio::test]
    async fn a_loaded_log_reads_back_exactly_and_takes_appends_after_it() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("events.db");
        let events = vec![
            copied(1, "unit-1", 1, 1),
            copied(2, "unit-1", 2, 1),
            copied(3, "cadre-1", 1, 3),
            copied(4, "unit-1", 3, 4),
        ];
        let mut load = BulkLoad::begin(&path).expect("begins");
        load.push(events[..2].to_vec()).expect("first part");
        load.push(events[2..].to_vec())
            .expect("the rest, continuing the versions");
        assert_eq!(load.finish().expect("finishes"), 4);

        let store = SqliteStore::open(&path, SqliteOptions::default()).expect("opens");
        assert_eq!(store.read_for_copy(1, 10).await.expect("read"), events);
        let next = store
            .append(
                &StreamName::new("unit-1").expect("stream"),
                ExpectedVersion::Exact(3),
                vec![NewEvent::new(
                    EventType::new("DutyRecorded").expect("type"),
                    Payload::from_json("{}").expect("payload"),
                    Actor::new("user:test").expect("actor"),
                    Utc::now(),
                )],
            )
            .await
            .expect("an append after the load");
        assert_eq!(next.positions, vec![5]);
        // The indexes are back: a stream read and an id lookup use them.
        let plan: String = rusqlite::Connection::open(&path)
            .expect("opens")
            .query_row(
                "EXPLAIN QUERY PLAN SELECT * FROM events WHERE event_id = x'00'",
                [],
                |r| r.get(3),
            )
            .expect("a plan");
        assert!(plan.contains("events_event_id"), "{plan}");
        // Every loaded event is in the stream index, not left for reads to scan for.
        let folded: (i64, i64) = rusqlite::Connection::open(&path)
            .expect("opens")
            .query_row(
                "SELECT (SELECT position FROM stream_index_head), \
                 (SELECT count(*) FROM stream_index WHERE position <= 4)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("the stream index");
        assert_eq!(folded, (4, 4));
        assert_eq!(
            store
                .read_all(1, &Filter::all(), 10)
                .await
                .expect("read")
                .events
                .len(),
            5
        );
        store.close().await;
    }

    #[test]
    fn bad_rows_and_a_log_in_use_are_refused_and_nothing_is_kept() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("events.db");
        let mut load = BulkLoad::begin(&path).expect("begins");
        let err = load
            .push(vec![copied(2, "unit-1", 1, 2)])
            .expect_err("a hole at position 1");
        assert!(err.to_string().contains("position 1"), "{err}");
        // The same id twice is found when the index is built: nothing is kept.
        let mut twice = vec![copied(1, "unit-1", 1, 1), copied(2, "unit-2", 1, 2)];
        twice[1].event.event_id = twice[0].event.event_id;
        load.push(twice).expect("checked when the index is built");
        let err = load.finish().expect_err("a duplicate id");
        assert!(err.to_string().contains("event id"), "{err}");
        assert!(!path.exists(), "nothing of a failed load is kept");
        assert!(
            !loading_path(&path).exists(),
            "the half-filled file is removed"
        );

        let mut load = BulkLoad::begin(&path).expect("an empty log again");
        load.push(vec![copied(1, "unit-1", 1, 1)])
            .expect("one event");
        load.finish().expect("kept");
        let err = BulkLoad::begin(&path).expect_err("a log with events");
        assert!(
            err.to_string().contains("already holds events (1)"),
            "{err}"
        );
    }
}
