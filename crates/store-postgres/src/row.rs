//! Decoding rows into [`RecordedEvent`]s, encoding them column by column for the batch
//! insert, and the read queries.

use crate::errors::{map, pool};
use crate::queries;
use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use event_store::{
    Actor, CopiedEvent, Direction, EventType, Filter, Payload, ReadAllPage, RecordedEvent,
    StoreError, StreamName,
};
use std::collections::HashMap;
use tokio_postgres::Row;
use uuid::Uuid;

/// Most rows one filtered `read_all` examines, so a selective filter over a large log
/// answers in bounded time (the caller reads on from `next`).
const MAX_SCAN: u64 = 65_536;

/// Clamps a count or position into PostgreSQL's `bigint`.
pub(crate) fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn instant(us: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Internal(format!("a stored instant is out of range: {us}")))
}

/// Decodes a row selected with `columns!()`.
pub(crate) fn decode(row: &Row) -> Result<RecordedEvent, StoreError> {
    let get = |e: tokio_postgres::Error| map(e);
    Ok(RecordedEvent {
        position: row.try_get::<_, i64>(0).map_err(get)? as u64,
        event_id: row.try_get(1).map_err(get)?,
        stream: StreamName::from_stored(row.try_get(2).map_err(get)?),
        version: row.try_get::<_, i64>(3).map_err(get)? as u64,
        event_type: EventType::from_stored(row.try_get(4).map_err(get)?),
        schema_version: row.try_get::<_, i32>(5).map_err(get)? as u32,
        occurred_at: instant(row.try_get(6).map_err(get)?)?,
        recorded_at: instant(row.try_get(7).map_err(get)?)?,
        actor: Actor::from_stored(row.try_get(8).map_err(get)?),
        correlation_id: row.try_get::<_, Option<Uuid>>(9).map_err(get)?,
        causation_id: row.try_get::<_, Option<Uuid>>(10).map_err(get)?,
        payload: Payload::from_stored(row.try_get(11).map_err(get)?),
    })
}

/// A row selected with `columns!()` and `append_start` after them.
pub(crate) fn decode_copied(row: &Row) -> Result<CopiedEvent, StoreError> {
    Ok(CopiedEvent {
        event: decode(row)?,
        append_start: row.try_get::<_, i64>(12).map_err(map)? as u64,
    })
}

/// Rows to insert, column by column (the arrays `queries::WRITE` unnests), borrowed from
/// the events.
#[derive(Debug, Default)]
pub(crate) struct Columns<'a> {
    position: Vec<i64>,
    event_id: Vec<Uuid>,
    stream: Vec<&'a str>,
    version: Vec<i64>,
    event_type: Vec<&'a str>,
    schema_version: Vec<i32>,
    occurred_at: Vec<i64>,
    recorded_at: Vec<i64>,
    actor: Vec<&'a str>,
    correlation_id: Vec<Option<Uuid>>,
    causation_id: Vec<Option<Uuid>>,
    payload: Vec<&'a str>,
    append_start: Vec<i64>,
}

impl<'a> Columns<'a> {
    /// The columns of these events, each with the first position of its append.
    pub(crate) fn of(rows: impl ExactSizeIterator<Item = (&'a RecordedEvent, u64)>) -> Self {
        let n = rows.len();
        let mut c = Self {
            position: Vec::with_capacity(n),
            event_id: Vec::with_capacity(n),
            stream: Vec::with_capacity(n),
            version: Vec::with_capacity(n),
            event_type: Vec::with_capacity(n),
            schema_version: Vec::with_capacity(n),
            occurred_at: Vec::with_capacity(n),
            recorded_at: Vec::with_capacity(n),
            actor: Vec::with_capacity(n),
            correlation_id: Vec::with_capacity(n),
            causation_id: Vec::with_capacity(n),
            payload: Vec::with_capacity(n),
            append_start: Vec::with_capacity(n),
        };
        for (e, append_start) in rows {
            c.position.push(int(e.position));
            c.event_id.push(e.event_id);
            c.stream.push(e.stream.as_str());
            c.version.push(int(e.version));
            c.event_type.push(e.event_type.as_str());
            c.schema_version
                .push(i32::try_from(e.schema_version).unwrap_or(i32::MAX));
            c.occurred_at.push(micros(e.occurred_at));
            c.recorded_at.push(micros(e.recorded_at));
            c.actor.push(e.actor.as_str());
            c.correlation_id.push(e.correlation_id);
            c.causation_id.push(e.causation_id);
            c.payload.push(e.payload.as_str());
            c.append_start.push(int(append_start));
        }
        c
    }

    /// The parameters of `queries::WRITE`: the columns, then the new head, its
    /// `recorded_at` and the notification channel.
    pub(crate) fn params<'b>(
        &'b self,
        head: &'b i64,
        recorded_at: &'b i64,
        channel: &'b String,
    ) -> [&'b (dyn tokio_postgres::types::ToSql + Sync); 16] {
        [
            &self.position,
            &self.event_id,
            &self.stream,
            &self.version,
            &self.event_type,
            &self.schema_version,
            &self.occurred_at,
            &self.recorded_at,
            &self.actor,
            &self.correlation_id,
            &self.causation_id,
            &self.payload,
            &self.append_start,
            head,
            recorded_at,
            channel,
        ]
    }
}

/// A pooled connection, or why there is none.
pub(crate) async fn client(p: &Pool) -> Result<deadpool_postgres::Client, StoreError> {
    p.get().await.map_err(pool)
}

pub(crate) async fn head(pool: &Pool) -> Result<u64, StoreError> {
    let c = client(pool).await?;
    let stmt = c.prepare_cached(queries::HEAD).await.map_err(map)?;
    let row = c.query_one(&stmt, &[]).await.map_err(map)?;
    Ok(row.try_get::<_, i64>(0).map_err(map)? as u64)
}

pub(crate) async fn stream_version(pool: &Pool, stream: &StreamName) -> Result<u64, StoreError> {
    let c = client(pool).await?;
    let stmt = c
        .prepare_cached(queries::STREAM_VERSION)
        .await
        .map_err(map)?;
    let row = c.query_one(&stmt, &[&stream.as_str()]).await.map_err(map)?;
    Ok(row.try_get::<_, i64>(0).map_err(map)? as u64)
}

pub(crate) async fn read_stream(
    pool: &Pool,
    stream: &StreamName,
    direction: Direction,
    from: u64,
    limit: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let sql = match direction {
        Direction::Forward => queries::READ_STREAM_FORWARD,
        Direction::Backward => queries::READ_STREAM_BACKWARD,
    };
    let c = client(pool).await?;
    let stmt = c.prepare_cached(sql).await.map_err(map)?;
    let rows = c
        .query(&stmt, &[&stream.as_str(), &int(from), &int(limit as u64)])
        .await
        .map_err(map)?;
    rows.iter().map(decode).collect()
}

/// Every event of each stream, one list per stream in the order asked, from one statement.
pub(crate) async fn read_streams(
    pool: &Pool,
    streams: &[StreamName],
) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
    if streams.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = streams.iter().map(StreamName::as_str).collect();
    let c = client(pool).await?;
    let stmt = c.prepare_cached(queries::READ_STREAMS).await.map_err(map)?;
    let rows = c.query(&stmt, &[&names]).await.map_err(map)?;
    let mut by_stream: HashMap<String, Vec<RecordedEvent>> = HashMap::new();
    for row in &rows {
        let e = decode(row)?;
        by_stream
            .entry(e.stream.as_str().to_owned())
            .or_default()
            .push(e);
    }
    // A stream asked twice gets its events twice; the last asking takes them without a copy.
    let mut out = Vec::with_capacity(streams.len());
    for (i, s) in streams.iter().enumerate() {
        let again = streams[i + 1..].contains(s);
        out.push(match by_stream.get_mut(s.as_str()) {
            Some(events) if again => events.clone(),
            Some(events) => std::mem::take(events),
            None => Vec::new(),
        });
    }
    Ok(out)
}

/// Reads the log from `from`. Unfiltered, the next `limit` events. Filtered, the server
/// examines at most `MAX_SCAN` positions, up to the head as committed when the read
/// began: every position up to that head is committed and visible, since appends commit
/// in position order, so `next` never passes an event a later read could find.
pub(crate) async fn read_all(
    pool: &Pool,
    from: u64,
    filter: &Filter,
    limit: usize,
) -> Result<ReadAllPage, StoreError> {
    let from = from.max(1);
    let limit = limit.max(1);
    let c = client(pool).await?;
    if filter.is_all() {
        let stmt = c.prepare_cached(queries::READ_ALL).await.map_err(map)?;
        let rows = c
            .query(&stmt, &[&int(from), &int(limit as u64)])
            .await
            .map_err(map)?;
        let events: Vec<_> = rows.iter().map(decode).collect::<Result<_, _>>()?;
        let next = events.last().map_or(from, |e| e.position + 1);
        return Ok(ReadAllPage { events, next });
    }
    let head_stmt = c.prepare_cached(queries::HEAD).await.map_err(map)?;
    let head = c
        .query_one(&head_stmt, &[])
        .await
        .map_err(map)?
        .try_get::<_, i64>(0)
        .map_err(map)? as u64;
    if from > head {
        return Ok(ReadAllPage {
            events: Vec::new(),
            next: from,
        });
    }
    let until = head.min(from.saturating_add(MAX_SCAN.max(limit as u64)) - 1);
    let categories: Vec<&str> = filter.categories.iter().map(|c| c.as_str()).collect();
    let types: Vec<&str> = filter.event_types.iter().map(|t| t.as_str()).collect();
    let stmt = c
        .prepare_cached(queries::READ_ALL_FILTERED)
        .await
        .map_err(map)?;
    let rows = c
        .query(
            &stmt,
            &[
                &int(from),
                &int(until),
                &categories,
                &types,
                &int(limit as u64),
            ],
        )
        .await
        .map_err(map)?;
    let events: Vec<_> = rows.iter().map(decode).collect::<Result<_, _>>()?;
    let next = if events.len() == limit {
        events.last().map_or(from, |e| e.position + 1)
    } else {
        until + 1
    };
    Ok(ReadAllPage { events, next })
}

pub(crate) async fn read_for_copy(
    pool: &Pool,
    from: u64,
    limit: usize,
) -> Result<Vec<CopiedEvent>, StoreError> {
    let c = client(pool).await?;
    let stmt = c
        .prepare_cached(queries::READ_FOR_COPY)
        .await
        .map_err(map)?;
    let rows = c
        .query(&stmt, &[&int(from.max(1)), &int(limit.max(1) as u64)])
        .await
        .map_err(map)?;
    rows.iter().map(decode_copied).collect()
}
