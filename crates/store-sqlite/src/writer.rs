//! The single writer with group commit.
//!
//! Appends queue up in a channel; the writer thread takes every request waiting (up to a
//! batch limit), checks and inserts each inside one `BEGIN IMMEDIATE` transaction, commits
//! once — one fsync of the WAL for the whole batch — and only then answers each caller.
//! A request that fails its own checks (wrong expected version, idempotency conflict) is
//! simply not written; a storage failure rolls the whole batch back and every caller in it
//! gets the error, so nothing unacknowledged is ever half there.

use crate::checkpointer::{Nudge, WalLimits};
use crate::errors::map;
use crate::row::{self, int, micros};
use crate::{migrate, queries};
use chrono::{DateTime, Utc};
use event_store::queue::{AppendRequest, Request, advance, gather};
use event_store::{
    AppendResult, Clock, CopiedEvent, StoreError, StoredMatch, StreamName, judge_retry,
    validate_import,
};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

type Answer = Result<AppendResult, StoreError>;

#[derive(Debug)]
pub(crate) struct Writer {
    conn: Connection,
    clock: Arc<dyn Clock>,
    max_batch_events: usize,
    /// Stream versions as of `known_head`: saves a query per append. Dropped whenever the
    /// head moved under us (another process wrote to the file) or a commit failed.
    versions: HashMap<StreamName, u64>,
    known_head: u64,
    /// When a commit folds the events gathered after the stream index's last fold.
    folding: Folding,
    /// Commits of this writer since the last fold it knows of.
    commits_unfolded: u32,
}

/// Most stream versions kept in memory before the cache starts afresh.
const VERSION_CACHE: usize = 100_000;

impl Writer {
    /// Opens the file for writing, applies migrations, and reads the head position.
    pub(crate) fn open(
        path: &Path,
        clock: Arc<dyn Clock>,
        max_batch_events: usize,
        folding: Folding,
    ) -> Result<(Self, u64), StoreError> {
        let mut conn = Connection::open(path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(map)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(map)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable(format!(
                "{} cannot use write-ahead logging (journal mode {mode})",
                path.display()
            )));
        }
        // FULL: the WAL is synced at every commit, so an acknowledged append survives a
        // power cut, not only a crash of the process. The WAL is checkpointed by its own
        // thread (see `checkpointer`), nudged from the WAL hook installed below.
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;")
            .map_err(map)?;
        conn.set_prepared_statement_cache_capacity(32);
        // The query planner stability guarantee: no re-prepare when a bound value changes
        // (see `readers`).
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(map)?;
        migrate::migrate(&mut conn)?;
        let head = row::head(&conn)?;
        Ok((
            Self {
                conn,
                clock,
                max_batch_events: max_batch_events.max(1),
                versions: HashMap::new(),
                known_head: head,
                folding: Folding {
                    at: folding.at.max(1),
                    commits: folding.commits.max(1),
                },
                commits_unfolded: 0,
            },
            head,
        ))
    }

    /// Checkpoints the WAL off this thread: after each commit, the WAL hook nudges the
    /// checkpointer once the WAL is large enough (replacing SQLite's inline automatic
    /// checkpoint, which would make the callers of that commit wait for it).
    pub(crate) fn with_checkpointer(
        mut self,
        nudge: Nudge,
        limits: WalLimits,
    ) -> Result<Self, StoreError> {
        let backstop = i32::try_from(limits.backstop_pages).unwrap_or(i32::MAX);
        let nudge_at = i32::try_from(limits.nudge_pages).unwrap_or(i32::MAX);
        self.conn
            .wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages| {
                // Never return an error from here: SQLite would report the commit as failed
                // although it happened. A busy checkpoint is simply tried at the next commit.
                if pages >= backstop {
                    let _ = wal.checkpoint();
                } else if pages >= nudge_at {
                    nudge.commit_done();
                }
                Ok(())
            }))
            .map_err(map)?;
        Ok(self)
    }

    /// Serves appends (and imports, each on its own) until every sender is gone.
    pub(crate) fn run(mut self, mut rx: mpsc::Receiver<Request>, head: watch::Sender<u64>) {
        let mut held = None;
        while let Some(first) = held.take().or_else(|| rx.blocking_recv()) {
            let first = match first {
                Request::Append(a) => a,
                Request::Import(i) => {
                    let answer = self.import(&i.events).inspect(|&h| advance(&head, h));
                    let _ = i.reply.send(answer);
                    continue;
                }
            };
            let (batch, next) = gather(first, &mut rx, self.max_batch_events);
            held = next;
            let answers = match self.commit(&batch) {
                Ok((answers, new_head)) => {
                    advance(&head, new_head);
                    answers
                }
                Err(e) => {
                    self.versions.clear();
                    let e = map(e);
                    tracing::error!(error = %e, appends = batch.len(), "group commit failed");
                    batch.iter().map(|_| Err(e.clone())).collect()
                }
            };
            for (request, answer) in batch.into_iter().zip(answers) {
                // The caller may have given up waiting; its append stands either way.
                let _ = request.reply.send(answer);
            }
        }
    }

    /// Stores a copied page as it was recorded elsewhere, in one transaction, after
    /// checking it against the log.
    fn import(&mut self, events: &[CopiedEvent]) -> Result<u64, StoreError> {
        self.versions.clear();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        let (head, last) = row::head_and_time(&tx).map_err(map)?;
        let mut versions = HashMap::new();
        for c in events {
            if !versions.contains_key(&c.event.stream) {
                let v = row::version_of(&tx, c.event.stream.as_str()).map_err(map)?;
                versions.insert(c.event.stream.clone(), v);
            }
        }
        let last = (head > 0)
            .then(|| DateTime::<Utc>::from_timestamp_micros(last))
            .flatten();
        validate_import(events, head, last, &versions)?;
        for c in events {
            if row::find_by_id(&tx, c.event.event_id)
                .map_err(map)?
                .is_some()
            {
                return Err(StoreError::IdempotencyConflict {
                    event_id: c.event.event_id,
                });
            }
        }
        let mut insert = tx.prepare_cached(queries::INSERT).map_err(map)?;
        for c in events {
            row::insert_copied(&mut insert, c).map_err(map)?;
        }
        drop(insert);
        let new_head = head + events.len() as u64;
        let folds = fold_if_due(&tx, new_head, self.folding, self.commits_unfolded).map_err(map)?;
        tx.commit().map_err(map)?;
        self.counted(folds);
        self.known_head = new_head;
        Ok(new_head)
    }

    /// Writes a batch in one transaction. The outer error aborts the whole batch.
    fn commit(&mut self, batch: &[AppendRequest]) -> rusqlite::Result<(Vec<Answer>, u64)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read inside the transaction, so another process writing the same file is safe.
        let (mut head, last_recorded) = row::head_and_time(&tx)?;
        if head != self.known_head || self.versions.len() > VERSION_CACHE {
            self.versions.clear();
        }
        // recorded_at never decreases along the log, even if the clock steps back.
        let now = micros(self.clock.now()).max(last_recorded);
        let recorded_at = DateTime::<Utc>::from_timestamp_micros(now).unwrap_or_default();
        let mut batch_versions: HashMap<StreamName, u64> = HashMap::new();
        let mut answers = Vec::with_capacity(batch.len());
        for request in batch {
            let current = match batch_versions.get(&request.stream) {
                Some(v) => *v,
                None => match self.versions.get(&request.stream) {
                    Some(v) => *v,
                    None => row::version_of(&tx, request.stream.as_str())?,
                },
            };
            let answer = append_one(&tx, request, current, &mut head, recorded_at)?;
            // A deduplicated answer carries the original append's version, not the stream's.
            if let Ok(r) = &answer
                && !r.deduplicated
            {
                batch_versions.insert(request.stream.clone(), r.stream_version);
            }
            answers.push(answer);
        }
        let folds = fold_if_due(&tx, head, self.folding, self.commits_unfolded)?;
        tx.commit()?;
        self.counted(folds);
        self.versions.extend(batch_versions);
        self.known_head = head;
        Ok((answers, head))
    }
}

/// When a commit folds into the stream index what the writer appended (ADR 0023): once
/// `at` events have gathered since the last fold, or `commits` commits — so one-event commits
/// fold a few events at a time and stream reads never scan more than a few commits' worth,
/// while big group commits fold thousands of events, a few to each stream's pages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Folding {
    pub(crate) at: u64,
    pub(crate) commits: u32,
}

/// Folds the events after the stream index's last fold into it, in the transaction that
/// brings the log to `head`, when they are due after `commits` commits without a fold;
/// whether it folded.
fn fold_if_due(
    tx: &Transaction<'_>,
    head: u64,
    folding: Folding,
    commits: u32,
) -> rusqlite::Result<bool> {
    let folded = row::folded(tx)?;
    let unfolded = head.saturating_sub(folded);
    let due =
        unfolded >= folding.at || (unfolded > 0 && commits.saturating_add(1) >= folding.commits);
    if due {
        row::fold(tx, folded, head)?;
    }
    Ok(due)
}

impl Writer {
    /// Counts a commit that did or did not fold.
    fn counted(&mut self, folded: bool) {
        self.commits_unfolded = if folded {
            0
        } else {
            self.commits_unfolded.saturating_add(1)
        };
    }
}

/// Checks and inserts one request inside the batch's transaction; `current` is the
/// stream's version before it.
///
/// Idempotency costs nothing on the common path: the unique index on `event_id` refuses a
/// stored id, the request's inserts are rolled back (to its savepoint, when it has more
/// than one event), and only then is the log searched for the original append.
fn append_one(
    tx: &Transaction<'_>,
    request: &AppendRequest,
    current: u64,
    head: &mut u64,
    recorded_at: DateTime<Utc>,
) -> rusqlite::Result<Answer> {
    if !request.expected.admits(current) {
        // A retry of an append that succeeded finds the stream moved on by itself.
        if let Some(answer) = replay_of_earlier_append(tx, request)? {
            return Ok(answer);
        }
        return Ok(Err(StoreError::WrongExpectedVersion {
            stream: request.stream.to_string(),
            expected: request.expected,
            actual: current,
        }));
    }
    // One insert statement undoes itself when it fails; several need a savepoint to undo
    // together.
    let several = request.events.len() > 1;
    if several {
        tx.prepare_cached(queries::SAVEPOINT)?.execute([])?;
    }
    match insert_all(tx, request, current, *head, recorded_at) {
        Ok(positions) => {
            if several {
                tx.prepare_cached(queries::RELEASE)?.execute([])?;
            }
            let n = request.events.len() as u64;
            *head += n;
            Ok(Ok(AppendResult {
                stream_version: current + n,
                positions,
                recorded_at,
                deduplicated: false,
            }))
        }
        Err(e) if is_duplicate_event_id(&e) => {
            if several {
                tx.prepare_cached(queries::ROLLBACK_TO)?.execute([])?;
                tx.prepare_cached(queries::RELEASE)?.execute([])?;
            }
            match replay_of_earlier_append(tx, request)? {
                Some(answer) => Ok(answer),
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

fn insert_all(
    tx: &Transaction<'_>,
    request: &AppendRequest,
    current: u64,
    head: u64,
    recorded_at: DateTime<Utc>,
) -> rusqlite::Result<Vec<u64>> {
    let mut insert = tx.prepare_cached(queries::INSERT)?;
    let mut positions = Vec::with_capacity(request.events.len());
    let at = micros(recorded_at);
    for (i, e) in request.events.iter().enumerate() {
        let position = head + 1 + i as u64;
        insert.execute(params![
            int(position),
            e.event_id.as_bytes().as_slice(),
            request.stream.as_str(),
            int(current + 1 + i as u64),
            e.event_type.as_str(),
            i64::from(e.schema_version),
            micros(e.occurred_at),
            at,
            e.actor.as_str(),
            e.correlation_id.as_ref().map(|u| u.as_bytes().as_slice()),
            e.causation_id.as_ref().map(|u| u.as_bytes().as_slice()),
            e.payload.as_str(),
            int(head + 1),
        ])?;
        positions.push(position);
    }
    Ok(positions)
}

/// Whether an insert failed because the event id is already stored.
fn is_duplicate_event_id(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == rusqlite::ErrorCode::ConstraintViolation && msg.contains("events.event_id")
    )
}

/// If some event ids of the request are already stored: the original result when the
/// request repeats an earlier append exactly, else an idempotency conflict.
fn replay_of_earlier_append(
    tx: &Transaction<'_>,
    request: &AppendRequest,
) -> rusqlite::Result<Option<Answer>> {
    let mut stored = Vec::new();
    for e in &request.events {
        if let Some(found) = row::find_by_id(tx, e.event_id)? {
            stored.push((e, found));
        } else if !stored.is_empty() {
            break;
        }
    }
    let Some((_, (last, _))) = stored.last() else {
        return Ok(None);
    };
    let next_start = row::append_start_at(tx, last.position + 1)?;
    let matches: Vec<_> = stored
        .iter()
        .map(|(new, (stored, append_start))| StoredMatch {
            new,
            stored,
            append_start: *append_start,
        })
        .collect();
    Ok(Some(judge_retry(
        &request.stream,
        &request.events,
        &matches,
        next_start,
    )))
}
