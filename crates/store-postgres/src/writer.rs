//! The writer of one process, with group commit.
//!
//! Appends queue up in a channel; the writer task takes every request waiting (up to a
//! batch limit) and commits them in one transaction: it locks the head row, reads the
//! versions of the streams it does not know and looks up every event id of the batch in
//! one round trip each, checks each request in memory, then inserts all accepted events,
//! moves the head and notifies the listeners in one statement, and commits — one WAL
//! flush for the batch. Across processes, the head lock makes commits follow one another
//! in position order. A request that fails its own checks (wrong expected version,
//! idempotency conflict) is simply not written; a failure of the transaction answers
//! every request of the batch with it, so nothing unacknowledged is half there.

use crate::errors::map;
use crate::queries;
use crate::row::{self, Columns, client, decode_copied, int, micros};
use deadpool_postgres::{Pool, Transaction};
use event_store::queue::{AppendRequest, Request, advance, gather};
use event_store::{
    AppendResult, Clock, CopiedEvent, RecordedEvent, StoreError, StoredMatch, StreamName,
    judge_retry, validate_import,
};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio_postgres::types::ToSql;
use uuid::Uuid;

type Answer = Result<AppendResult, StoreError>;

/// Most stream versions kept in memory before the cache starts afresh.
const VERSION_CACHE: usize = 100_000;

#[derive(Debug)]
pub(crate) struct Writer {
    pub(crate) pool: Pool,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_batch_events: usize,
    /// The notification channel of this log's schema.
    pub(crate) channel: String,
    /// Stream versions as of `known_head`: saves a lookup per append. Dropped whenever the
    /// head moved under us (another process appended) or a commit failed.
    pub(crate) versions: HashMap<StreamName, u64>,
    pub(crate) known_head: u64,
}

/// Stored events by id, each with the first position of its append.
type Known = HashMap<Uuid, (RecordedEvent, u64)>;

impl Writer {
    /// Serves appends (and imports, each on its own) until every sender is gone.
    pub(crate) async fn run(mut self, mut rx: mpsc::Receiver<Request>, head: watch::Sender<u64>) {
        let mut held = None;
        loop {
            let first = match held.take() {
                Some(r) => r,
                None => match rx.recv().await {
                    Some(r) => r,
                    None => return,
                },
            };
            let first = match first {
                Request::Append(a) => a,
                Request::Import(i) => {
                    let answer = self.import(&i.events).await;
                    match answer {
                        Ok(h) => advance(&head, h),
                        Err(_) => self.versions.clear(),
                    }
                    let _ = i.reply.send(answer);
                    continue;
                }
            };
            let (batch, next) = gather(first, &mut rx, self.max_batch_events);
            held = next;
            let answers = match self.commit(&batch).await {
                Ok((answers, new_head)) => {
                    advance(&head, new_head);
                    answers
                }
                Err(e) => {
                    self.versions.clear();
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

    /// Writes a batch in one transaction. The outer error aborts the whole batch.
    async fn commit(&mut self, batch: &[AppendRequest]) -> Result<(Vec<Answer>, u64), StoreError> {
        let mut client = client(&self.pool).await?;
        let tx = client.transaction().await.map_err(map)?;
        let (batch_head, last_recorded) = lock_head(&tx).await?;
        if batch_head != self.known_head || self.versions.len() > VERSION_CACHE {
            self.versions.clear();
        }
        // recorded_at never decreases along the log, even if the clock steps back.
        let now = micros(self.clock.now()).max(last_recorded);
        let recorded_at = row::instant(now)?;

        let mut unknown: Vec<&str> = batch
            .iter()
            .map(|r| &r.stream)
            .filter(|s| !self.versions.contains_key(*s))
            .map(StreamName::as_str)
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        let ids: Vec<Uuid> = batch
            .iter()
            .flat_map(|r| r.events.iter().map(|e| e.event_id))
            .collect();
        let versions_stmt = tx
            .prepare_cached(queries::STREAM_VERSIONS)
            .await
            .map_err(map)?;
        let find_stmt = tx.prepare_cached(queries::FIND_BY_IDS).await.map_err(map)?;
        // Both in one round trip: the driver pipelines queries polled together.
        let (version_params, find_params): ([&(dyn ToSql + Sync); 1], [&(dyn ToSql + Sync); 1]) =
            ([&unknown], [&ids]);
        let (version_rows, stored_rows) = futures::try_join!(
            tx.query(&versions_stmt, &version_params),
            tx.query(&find_stmt, &find_params)
        )
        .map_err(map)?;
        let mut db_versions = HashMap::with_capacity(version_rows.len());
        for r in &version_rows {
            let s: String = r.try_get(0).map_err(map)?;
            let v: i64 = r.try_get(1).map_err(map)?;
            db_versions.insert(s, v as u64);
        }
        let mut known: Known = HashMap::new();
        for r in &stored_rows {
            let c = decode_copied(r)?;
            known.insert(c.event.event_id, (c.event, c.append_start));
        }

        let mut head = batch_head;
        // The events this batch is about to store, and where each id stands among them.
        let mut planned: Vec<(RecordedEvent, u64)> = Vec::new();
        let mut in_batch: HashMap<Uuid, usize> = HashMap::new();
        let mut batch_versions: HashMap<StreamName, u64> = HashMap::new();
        let mut answers = Vec::with_capacity(batch.len());
        for request in batch {
            let current = batch_versions
                .get(&request.stream)
                .or_else(|| self.versions.get(&request.stream))
                .copied()
                .or_else(|| db_versions.get(request.stream.as_str()).copied())
                .unwrap_or(0);
            let find = |id: &Uuid| {
                known
                    .get(id)
                    .map(|(e, s)| (e, *s))
                    .or_else(|| in_batch.get(id).map(|&i| (&planned[i].0, planned[i].1)))
            };
            if request.events.iter().any(|e| find(&e.event_id).is_some()) {
                let next_start = |p: u64| next_start(&tx, &planned, batch_head, p);
                answers.push(replay(request, find, next_start).await?);
                continue;
            }
            if !request.expected.admits(current) {
                answers.push(Err(StoreError::WrongExpectedVersion {
                    stream: request.stream.to_string(),
                    expected: request.expected,
                    actual: current,
                }));
                continue;
            }
            let start = head + 1;
            let mut positions = Vec::with_capacity(request.events.len());
            for (i, e) in request.events.iter().enumerate() {
                let recorded = RecordedEvent {
                    position: start + i as u64,
                    stream: request.stream.clone(),
                    version: current + 1 + i as u64,
                    event_id: e.event_id,
                    event_type: e.event_type.clone(),
                    schema_version: e.schema_version,
                    occurred_at: e.occurred_at,
                    recorded_at,
                    actor: e.actor.clone(),
                    correlation_id: e.correlation_id,
                    causation_id: e.causation_id,
                    payload: e.payload.clone(),
                };
                positions.push(recorded.position);
                in_batch.insert(e.event_id, planned.len());
                planned.push((recorded, start));
            }
            let n = request.events.len() as u64;
            head += n;
            batch_versions.insert(request.stream.clone(), current + n);
            answers.push(Ok(AppendResult {
                stream_version: current + n,
                positions,
                recorded_at,
                deduplicated: false,
            }));
        }
        if !planned.is_empty() {
            let columns = Columns::of(planned.iter().map(|(e, s)| (e, *s)));
            write(&tx, &columns, head, now, &self.channel).await?;
        }
        tx.commit().await.map_err(map)?;
        self.versions.extend(batch_versions);
        self.known_head = head;
        Ok((answers, head))
    }

    /// Stores a copied page as it was recorded elsewhere, in one transaction, after
    /// checking it against the log.
    async fn import(&mut self, events: &[CopiedEvent]) -> Result<u64, StoreError> {
        let mut client = client(&self.pool).await?;
        let tx = client.transaction().await.map_err(map)?;
        let (head, last) = lock_head(&tx).await?;
        let mut streams: Vec<&str> = events.iter().map(|c| c.event.stream.as_str()).collect();
        streams.sort_unstable();
        streams.dedup();
        let stmt = tx
            .prepare_cached(queries::STREAM_VERSIONS)
            .await
            .map_err(map)?;
        let mut versions = HashMap::new();
        for r in tx.query(&stmt, &[&streams]).await.map_err(map)? {
            let s: String = r.try_get(0).map_err(map)?;
            let v: i64 = r.try_get(1).map_err(map)?;
            versions.insert(StreamName::from_stored(s), v as u64);
        }
        let last = if head > 0 {
            Some(row::instant(last)?)
        } else {
            None
        };
        validate_import(events, head, last, &versions)?;
        let ids: Vec<Uuid> = events.iter().map(|c| c.event.event_id).collect();
        let stmt = tx.prepare_cached(queries::FIND_BY_IDS).await.map_err(map)?;
        let stored = tx.query(&stmt, &[&ids]).await.map_err(map)?;
        if !stored.is_empty() {
            let found: std::collections::HashSet<Uuid> = stored
                .iter()
                .filter_map(|r| r.try_get::<_, Uuid>(1).ok())
                .collect();
            if let Some(c) = events.iter().find(|c| found.contains(&c.event.event_id)) {
                return Err(StoreError::IdempotencyConflict {
                    event_id: c.event.event_id,
                });
            }
        }
        let Some(end) = events.last() else {
            return Ok(head);
        };
        let columns = Columns::of(events.iter().map(|c| (&c.event, c.append_start)));
        let new_head = end.event.position;
        write(
            &tx,
            &columns,
            new_head,
            micros(end.event.recorded_at),
            &self.channel,
        )
        .await?;
        tx.commit().await.map_err(map)?;
        self.versions.clear();
        self.known_head = new_head;
        Ok(new_head)
    }
}

/// Locks the head row until the transaction ends; its position and `recorded_at` (µs).
async fn lock_head(tx: &Transaction<'_>) -> Result<(u64, i64), StoreError> {
    let stmt = tx.prepare_cached(queries::LOCK_HEAD).await.map_err(map)?;
    let row = tx.query_one(&stmt, &[]).await.map_err(map)?;
    let head: i64 = row.try_get(0).map_err(map)?;
    let recorded: i64 = row.try_get(1).map_err(map)?;
    Ok((head as u64, recorded))
}

/// Inserts the rows, moves the head and notifies, in one statement.
async fn write(
    tx: &Transaction<'_>,
    columns: &Columns<'_>,
    head: u64,
    recorded_at: i64,
    channel: &String,
) -> Result<(), StoreError> {
    let head = int(head);
    let stmt = tx.prepare_cached(queries::WRITE).await.map_err(map)?;
    tx.query(&stmt, &columns.params(&head, &recorded_at, channel))
        .await
        .map_err(map)?;
    Ok(())
}

/// The first position of the append holding `position`: planned by this batch, stored
/// before it, or nothing yet.
async fn next_start(
    tx: &Transaction<'_>,
    planned: &[(RecordedEvent, u64)],
    batch_head: u64,
    position: u64,
) -> Result<Option<u64>, StoreError> {
    if position > batch_head {
        let i = (position - batch_head - 1) as usize;
        return Ok(planned.get(i).map(|(_, s)| *s));
    }
    let stmt = tx
        .prepare_cached(queries::APPEND_START_AT)
        .await
        .map_err(map)?;
    let row = tx.query_opt(&stmt, &[&int(position)]).await.map_err(map)?;
    row.map(|r| r.try_get::<_, i64>(0).map(|v| v as u64))
        .transpose()
        .map_err(map)
}

/// The verdict on a request some of whose ids are stored (or planned by this batch).
async fn replay<'a, F, Fut>(
    request: &AppendRequest,
    find: impl Fn(&Uuid) -> Option<(&'a RecordedEvent, u64)>,
    next_start: F,
) -> Result<Answer, StoreError>
where
    F: FnOnce(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Option<u64>, StoreError>>,
{
    let mut matches = Vec::new();
    for e in &request.events {
        if let Some((stored, append_start)) = find(&e.event_id) {
            matches.push(StoredMatch {
                new: e,
                stored,
                append_start,
            });
        } else if !matches.is_empty() {
            break;
        }
    }
    let last = matches.last().map_or(0, |m| m.stored.position);
    let next = next_start(last + 1).await?;
    Ok(judge_retry(
        &request.stream,
        &request.events,
        &matches,
        next,
    ))
}
