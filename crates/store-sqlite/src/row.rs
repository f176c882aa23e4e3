//! Decoding rows into [`RecordedEvent`]s, and the read queries (run on reader connections).

use crate::errors::map;
use crate::queries;
use chrono::{DateTime, Utc};
use event_store::{
    Actor, CopiedEvent, Direction, EventType, Filter, Payload, ReadAllPage, RecordedEvent,
    StoreError, StreamName,
};
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::HashMap;
use uuid::Uuid;

/// Most rows one filtered `read_all` examines, so a selective filter over a large log
/// answers in bounded time (the caller reads on from `next`).
const MAX_SCAN: usize = 65_536;

/// Clamps a count or position into SQLite's integer range.
pub(crate) fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Inserts an event as another log recorded it (an import, a bulk load) with `insert`, a
/// statement prepared from `queries::INSERT`.
pub(crate) fn insert_copied(
    insert: &mut rusqlite::CachedStatement<'_>,
    c: &CopiedEvent,
) -> rusqlite::Result<()> {
    let e = &c.event;
    insert.execute(rusqlite::params![
        int(e.position),
        e.event_id.as_bytes().as_slice(),
        e.stream.as_str(),
        int(e.version),
        e.event_type.as_str(),
        i64::from(e.schema_version),
        micros(e.occurred_at),
        micros(e.recorded_at),
        e.actor.as_str(),
        e.correlation_id.as_ref().map(|u| u.as_bytes().as_slice()),
        e.causation_id.as_ref().map(|u| u.as_bytes().as_slice()),
        e.payload.as_str(),
        int(c.append_start),
    ])?;
    Ok(())
}

fn instant(us: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, us))
}

fn uuid(bytes: &[u8]) -> rusqlite::Result<Uuid> {
    Uuid::from_slice(bytes).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(16, rusqlite::types::Type::Blob, Box::new(e))
    })
}

fn opt_uuid(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<Uuid>> {
    row.get_ref(i)?.as_blob_or_null()?.map(uuid).transpose()
}

/// Decodes a row selected with `queries::COLUMNS`.
pub(crate) fn decode(row: &Row<'_>) -> rusqlite::Result<RecordedEvent> {
    Ok(RecordedEvent {
        position: row.get::<_, i64>(0)? as u64,
        event_id: uuid(row.get_ref(1)?.as_blob()?)?,
        stream: StreamName::from_stored(row.get(2)?),
        version: row.get::<_, i64>(3)? as u64,
        event_type: EventType::from_stored(row.get(4)?),
        schema_version: row.get::<_, i64>(5)? as u32,
        occurred_at: instant(row.get(6)?)?,
        recorded_at: instant(row.get(7)?)?,
        actor: Actor::from_stored(row.get(8)?),
        correlation_id: opt_uuid(row, 9)?,
        causation_id: opt_uuid(row, 10)?,
        payload: Payload::from_stored(row.get(11)?),
    })
}

/// The stream's version (0 if it has no events).
pub(crate) fn stream_version(conn: &Connection, stream: &str) -> Result<u64, StoreError> {
    version_of(conn, stream).map_err(map)
}

pub(crate) fn version_of(conn: &Connection, stream: &str) -> rusqlite::Result<u64> {
    let v: Option<i64> = conn
        .prepare_cached(queries::STREAM_VERSION)?
        .query_row([stream], |r| r.get(0))?;
    Ok(v.unwrap_or(0) as u64)
}

/// The last position folded into the stream index.
pub(crate) fn folded(conn: &Connection) -> rusqlite::Result<u64> {
    let position: i64 = conn
        .prepare_cached(queries::FOLDED)?
        .query_row([], |r| r.get(0))?;
    Ok(u64::try_from(position).unwrap_or(0))
}

/// Folds the events after `folded` up to `head` into the stream index.
pub(crate) fn fold(conn: &Connection, folded: u64, head: u64) -> rusqlite::Result<()> {
    conn.prepare_cached(queries::FOLD)?.execute([int(folded)])?;
    conn.prepare_cached(queries::SET_FOLDED)?
        .execute([int(head)])?;
    Ok(())
}

/// The last position and its `recorded_at` (in µs), or zeros for an empty log.
pub(crate) fn head_and_time(conn: &Connection) -> Result<(u64, i64), rusqlite::Error> {
    let row = conn
        .prepare_cached(queries::HEAD)?
        .query_row([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)?))
        })
        .optional()?;
    Ok(row.unwrap_or((0, i64::MIN)))
}

pub(crate) fn head(conn: &Connection) -> Result<u64, StoreError> {
    head_and_time(conn).map(|(p, _)| p).map_err(map)
}

/// The stored event with this id, if any, and the first position of its append.
pub(crate) fn find_by_id(
    conn: &Connection,
    id: Uuid,
) -> rusqlite::Result<Option<(RecordedEvent, u64)>> {
    conn.prepare_cached(queries::FIND_BY_ID)?
        .query_row([id.as_bytes().as_slice()], |r| {
            Ok((decode(r)?, r.get::<_, i64>(12)? as u64))
        })
        .optional()
}

/// The first position of the append that stored `position`, if it is stored.
pub(crate) fn append_start_at(conn: &Connection, position: u64) -> rusqlite::Result<Option<u64>> {
    conn.prepare_cached(queries::APPEND_START_AT)?
        .query_row([int(position)], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v.map(|v| v as u64))
}

/// Up to `limit` events from `from` on, each with the first position of its append.
pub(crate) fn read_for_copy(
    conn: &Connection,
    from: u64,
    limit: usize,
) -> Result<Vec<CopiedEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(queries::READ_FOR_COPY).map_err(map)?;
    let rows = stmt
        .query_map(
            rusqlite::params![int(from.max(1)), int(limit.max(1) as u64)],
            |r| {
                Ok(CopiedEvent {
                    event: decode(r)?,
                    append_start: r.get::<_, i64>(12)? as u64,
                })
            },
        )
        .map_err(map)?;
    rows.collect::<Result<_, _>>().map_err(map)
}

/// Every event of each stream, in one read transaction (one snapshot): each stream's folded
/// events through the stream index, then the log's unfolded end scanned once for all of
/// them, not once per stream.
pub(crate) fn read_streams(
    conn: &Connection,
    streams: &[StreamName],
) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
    let tx = conn.unchecked_transaction().map_err(map)?;
    let mut out = Vec::with_capacity(streams.len());
    {
        let mut folded = tx.prepare_cached(queries::READ_FOLDED).map_err(map)?;
        for s in streams {
            let rows = folded.query_map([s.as_str()], decode).map_err(map)?;
            out.push(rows.collect::<Result<Vec<_>, _>>().map_err(map)?);
        }
        // Where each stream asked goes (a stream asked twice, to both places).
        let mut wanted: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in streams.iter().enumerate() {
            wanted.entry(s.as_str()).or_default().push(i);
        }
        let mut unfolded = tx.prepare_cached(queries::READ_UNFOLDED).map_err(map)?;
        let mut rows = unfolded.query([]).map_err(map)?;
        while let Some(row) = rows.next().map_err(map)? {
            let stream = row.get_ref(2).and_then(|v| Ok(v.as_str()?)).map_err(map)?;
            if let Some(at) = wanted.get(stream) {
                let e = decode(row).map_err(map)?;
                for &i in at {
                    out[i].push(e.clone());
                }
            }
        }
    }
    // Only read: ending the transaction either way releases the snapshot.
    tx.commit().map_err(map)?;
    Ok(out)
}

pub(crate) fn read_stream(
    conn: &Connection,
    stream: &StreamName,
    direction: Direction,
    from: u64,
    limit: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let sql = match direction {
        Direction::Forward => queries::READ_STREAM_FORWARD,
        Direction::Backward => queries::READ_STREAM_BACKWARD,
    };
    let mut stmt = conn.prepare_cached(sql).map_err(map)?;
    let rows = stmt
        .query_map(
            rusqlite::params![stream.as_str(), int(from), int(limit as u64)],
            decode,
        )
        .map_err(map)?;
    rows.collect::<Result<_, _>>().map_err(map)
}

pub(crate) fn read_all(
    conn: &Connection,
    from: u64,
    filter: &Filter,
    limit: usize,
) -> Result<ReadAllPage, StoreError> {
    let from = from.max(1);
    let limit = limit.max(1);
    let scan = if filter.is_all() {
        limit
    } else {
        MAX_SCAN.max(limit)
    };
    let mut stmt = conn.prepare_cached(queries::READ_ALL).map_err(map)?;
    let mut rows = stmt
        .query(rusqlite::params![int(from), int(scan as u64)])
        .map_err(map)?;
    let mut events = Vec::with_capacity(limit.min(4096));
    let mut next = from;
    while let Some(row) = rows.next().map_err(map)? {
        let position = row.get::<_, i64>(0).map_err(map)? as u64;
        next = position + 1;
        let wanted = filter.is_all() || {
            let stream = row.get_ref(2).and_then(|v| Ok(v.as_str()?)).map_err(map)?;
            let kind = row.get_ref(4).and_then(|v| Ok(v.as_str()?)).map_err(map)?;
            filter.matches(stream, kind)
        };
        if wanted {
            events.push(decode(row).map_err(map)?);
            if events.len() == limit {
                break;
            }
        }
    }
    Ok(ReadAllPage { events, next })
}
