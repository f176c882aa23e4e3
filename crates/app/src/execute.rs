//! Load → decide → append, with conflict retries and idempotency keys.

use crate::error::AppError;
use crate::idempotency::IdempotencyKey;
use domain::aggregate::Aggregate;
use domain::events::Event;
use event_store::{
    Actor, Clock, Direction, EventStore, EventType, ExpectedVersion, NewEvent, Payload,
    RecordedEvent, StoreError, StreamName,
};
use std::sync::Arc;
use uuid::Uuid;

/// How many times a command is decided again when its stream changed under it.
const RETRIES: u32 = 24;
/// The longest pause between two tries; pauses grow from 100 µs and are jittered, so
/// writers contending for one stream spread out instead of colliding again.
const MAX_PAUSE_MICROS: u64 = 20_000;
/// Events read per page when loading a stream.
const PAGE: usize = 1_000;

/// The application service.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<dyn EventStore>,
    clock: Arc<dyn Clock>,
}

/// An aggregate's state as of its stream's current version.
#[derive(Debug, Clone)]
pub struct Loaded<S> {
    pub state: S,
    /// The stream's version (its number of events).
    pub version: u64,
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The stream it wrote to.
    pub stream: String,
    /// The stream's version after it.
    pub stream_version: u64,
    /// Global positions of its events (empty if it decided nothing needed writing).
    pub positions: Vec<u64>,
    /// The events' ids.
    pub event_ids: Vec<Uuid>,
    /// The events' types, in order (e.g. `DutyBackfilled`).
    pub event_types: Vec<String>,
    /// True when this is the answer of an earlier identical request with the same
    /// idempotency key: nothing was written now.
    pub replayed: bool,
}

impl Outcome {
    /// The position of the last event written (0 if none).
    pub fn last_position(&self) -> u64 {
        self.positions.last().copied().unwrap_or(0)
    }
}

impl App {
    pub fn new(store: Arc<dyn EventStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The event store.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    /// The clock commands are decided at.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Every event of a stream, oldest first.
    pub async fn read_stream(&self, stream: &StreamName) -> Result<Vec<RecordedEvent>, AppError> {
        let mut out = Vec::new();
        loop {
            let page = self
                .store
                .read_stream(stream, Direction::Forward, out.len() as u64 + 1, PAGE)
                .await?;
            let done = page.len() < PAGE;
            out.extend(page);
            if done {
                return Ok(out);
            }
        }
    }

    /// Loads an aggregate from its stream.
    pub async fn load<A: Aggregate>(
        &self,
        stream: &StreamName,
    ) -> Result<Loaded<A::State>, AppError> {
        let raw = self.read_stream(stream).await?;
        Ok(Loaded {
            state: fold::<A>(&raw)?,
            version: raw.len() as u64,
        })
    }

    /// Decides `command` against the stream's current state and appends the outcome,
    /// expecting the version it decided on; if another writer got there first, loads and
    /// decides again (up to 24 times, with growing jittered pauses).
    ///
    /// With an idempotency `key`, event ids derive from it and `fingerprint` (of the whole
    /// request) is stored as their correlation id: a retry of the same request returns the
    /// first outcome without writing; the same key with another request is refused.
    pub async fn execute<A: Aggregate>(
        &self,
        stream: &StreamName,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        fingerprint: Uuid,
        command: impl Fn() -> A::Command,
        context: &A::Context,
    ) -> Result<Outcome, AppError> {
        for attempt in 0..RETRIES {
            if attempt > 0 {
                let cap = (100u64 << attempt.min(8)).min(MAX_PAUSE_MICROS);
                let pause = rand::random::<u64>() % cap;
                tokio::time::sleep(std::time::Duration::from_micros(pause)).await;
            }
            let raw = self.read_stream(stream).await?;
            if let Some(key) = key
                && let Some(outcome) = replayed(stream, &raw, key, fingerprint)?
            {
                return Ok(outcome);
            }
            let state = fold::<A>(&raw)?;
            let version = raw.len() as u64;
            let now = self.clock.now();
            let events = A::decide(&state, command(), context, now)?;
            if events.is_empty() {
                return Ok(Outcome {
                    stream: stream.to_string(),
                    stream_version: version,
                    positions: Vec::new(),
                    event_ids: Vec::new(),
                    event_types: Vec::new(),
                    replayed: false,
                });
            }
            let mut new = Vec::with_capacity(events.len());
            for (i, e) in events.iter().enumerate() {
                if e.stream() != stream.as_str() {
                    return Err(AppError::Store(StoreError::Internal(format!(
                        "{} belongs to {}, not {stream}",
                        e.event_type(),
                        e.stream()
                    ))));
                }
                new.push(encode(
                    e,
                    actor,
                    now,
                    key.map(|k| k.event_id(i)),
                    fingerprint,
                )?);
            }
            let event_ids = new.iter().map(|e| e.event_id).collect();
            let event_types = events.iter().map(|e| e.event_type().to_owned()).collect();
            match self
                .store
                .append(stream, ExpectedVersion::Exact(version), new)
                .await
            {
                Ok(r) => {
                    return Ok(Outcome {
                        stream: stream.to_string(),
                        stream_version: r.stream_version,
                        positions: r.positions,
                        event_ids,
                        event_types,
                        replayed: r.deduplicated,
                    });
                }
                // Someone else appended first, or an identical request raced this one:
                // load again and decide (or find the first answer) again.
                Err(
                    StoreError::WrongExpectedVersion { .. }
                    | StoreError::IdempotencyConflict { .. },
                ) => {
                    tracing::debug!(%stream, "concurrent append; deciding again");
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict {
            stream: stream.to_string(),
        })
    }
}

impl App {
    /// Appends one fact that no aggregate decides (a read recorded, notifications read) to
    /// its stream, whatever the stream's version, under `id` if given (else a fresh one).
    /// Answers its global position.
    pub(crate) async fn append_fact(
        &self,
        e: &Event,
        id: Option<Uuid>,
        meta: &crate::commands::Meta,
    ) -> Result<u64, AppError> {
        let new = encode(e, &meta.actor, self.clock.now(), id, meta.fingerprint)?;
        let stream = crate::commands::name(e.stream())?;
        let r = self
            .store
            .append(&stream, ExpectedVersion::Any, vec![new])
            .await?;
        Ok(r.positions.last().copied().unwrap_or_default())
    }
}

/// Folds stored events into an aggregate's state.
fn fold<A: Aggregate>(raw: &[RecordedEvent]) -> Result<A::State, AppError> {
    let mut state = A::State::default();
    for r in raw {
        let e = Event::decode(r.event_type.as_str(), r.schema_version, r.payload.as_str())?;
        A::evolve(&mut state, &e);
    }
    Ok(state)
}

/// The first answer, if this key's first event is already in the stream.
fn replayed(
    stream: &StreamName,
    raw: &[RecordedEvent],
    key: &IdempotencyKey,
    fingerprint: Uuid,
) -> Result<Option<Outcome>, AppError> {
    let first = key.event_id(0);
    let Some(start) = raw.iter().position(|e| e.event_id == first) else {
        return Ok(None);
    };
    if raw[start].correlation_id != Some(fingerprint) {
        return Err(AppError::IdempotencyKeyReused);
    }
    let mine: Vec<&RecordedEvent> = raw[start..]
        .iter()
        .enumerate()
        .take_while(|(i, e)| e.event_id == key.event_id(*i))
        .map(|(_, e)| e)
        .collect();
    Ok(Some(Outcome {
        stream: stream.to_string(),
        stream_version: mine.last().map_or(0, |e| e.version),
        positions: mine.iter().map(|e| e.position).collect(),
        event_ids: mine.iter().map(|e| e.event_id).collect(),
        event_types: mine.iter().map(|e| e.event_type.to_string()).collect(),
        replayed: true,
    }))
}

/// Wraps a domain event in the log's envelope, its payload checked against its schema.
fn encode(
    e: &Event,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    id: Option<Uuid>,
    fingerprint: Uuid,
) -> Result<NewEvent, AppError> {
    let event_type = EventType::new(e.event_type()).map_err(StoreError::from)?;
    let payload = e.payload();
    crate::schemas::check(e, &payload)?;
    let payload = Payload::from_value(&payload).map_err(StoreError::from)?;
    let mut new = NewEvent::new(event_type, payload, actor.clone(), now)
        .with_schema_version(e.schema_version())
        .caused_by(fingerprint, None);
    if let Some(id) = id {
        new = new.with_id(id);
    }
    Ok(new)
}
