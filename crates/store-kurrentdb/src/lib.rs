//! The KurrentDB (EventStoreDB) event store (ADR 0016), through the `kurrentdb` client.
//!
//! - **Streams map one to one**: our version n is KurrentDB's revision n − 1, and an append
//!   states the revision it expects, so KurrentDB checks optimistic concurrency itself.
//! - **Dense global positions** are ordinals over `$all`, filtered to dutytrace's events
//!   (system events excluded): see [`index`](crate::index). `$all` is in commit order and
//!   never grows behind its tail, so the late-commit gap of SQL event stores cannot occur.
//!   Each process counts them once at open (reading `$all` from the start) and keeps up by a
//!   filtered `subscribe_to_all`; `head` reads on from its last counted position first, so
//!   it sees appends of other processes at once.
//! - **Idempotency**: event ids are ours; an append whose ids are already counted is judged
//!   by [`event_store::judge_retry`], as on every backend (the same append again is its
//!   original result, anything else a conflict). KurrentDB's own id check stays beneath.
//! - **The envelope** KurrentDB lacks travels in each event's metadata ([`codec`]); the
//!   payload is stored byte for byte as JSON.
//! - **Appends of one process are serialised** (read on, check ids, append, read on): each
//!   is three round trips. Appends of several processes are checked by KurrentDB's
//!   expected revisions; the same event id appended to two different streams by two
//!   processes at the same instant is the one case only a single writer could refuse.
//!
//! URLs are KurrentDB's connection strings, `kurrentdb://admin:changeit@host:2113?tls=false`,
//! `kurrentdb+discover://…` for a cluster, `esdb://…` alike; one parameter is ours:
//! `prefix=NAME` keeps the log to streams `NAME…` (counted apart from any other), for
//! tests and for a server shared with another application.

mod codec;
mod index;
mod url;

pub use url::{is_kurrentdb_url, redact, split_prefix};

use async_trait::async_trait;
use event_store::{
    AppendResult, Clock, CopiedEvent, Direction, EventStore, ExpectedVersion, Filter, NewEvent,
    ReadAllPage, RecordedEvent, StoreError, StoredMatch, StreamName, SystemClock, judge_retry,
    validate_append, validate_import,
};
use index::Index;
use kurrentdb::{
    AppendToStreamOptions, Client, ClientSettings, CurrentRevision, Position, ReadAllOptions,
    ReadStreamOptions, StreamPosition, StreamState, SubscribeToAllOptions, SubscriptionFilter,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

/// Events read from `$all` per request while counting or reading.
const PAGE: usize = 1024;

/// Settings of a [`KurrentStore`].
#[derive(Debug, Clone)]
pub struct KurrentOptions {
    /// Where `recorded_at` comes from: as on every backend, the instant the process
    /// appended (so a demo's fixed clock holds here too), made never to decrease along
    /// `$all`. KurrentDB's own `created` reaches the client in whole seconds only.
    pub clock: Arc<dyn Clock>,
}

impl Default for KurrentOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
        }
    }
}

/// The KurrentDB event store. Cheap to clone; [`KurrentStore::close`] stops its follower.
#[derive(Debug, Clone)]
pub struct KurrentStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    /// Where the log is, for messages (no password).
    target: String,
    /// Every stream of this log is `prefix` + its name.
    prefix: String,
    clock: Arc<dyn Clock>,
    index: RwLock<Index>,
    /// Held while reading `$all` on into the index, so that one reader counts at a time.
    counting: Mutex<()>,
    /// Held for the whole of an append or an import of this process.
    writing: Mutex<()>,
    head: watch::Sender<u64>,
    follower: std::sync::Mutex<Option<JoinHandle<()>>>,
    closed: AtomicBool,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KurrentStore")
            .field("target", &self.target)
            .field("prefix", &self.prefix)
            .field("head", &*self.head.borrow())
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(f) = lock(&self.follower).take() {
            f.abort();
        }
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a client error means to the port.
fn map(target: &str, e: kurrentdb::Error) -> StoreError {
    use kurrentdb::Error as E;
    match e {
        E::ServerError(_)
        | E::NotLeaderException(_)
        | E::ConnectionClosed
        | E::GrpcConnectionError(_)
        | E::DeadlineExceeded
        | E::Grpc { .. } => StoreError::Unavailable(format!("KurrentDB at {target}: {e}")),
        E::AccessDenied => StoreError::Unavailable(format!(
            "KurrentDB at {target} denied access: check the user and password in the URL"
        )),
        other => StoreError::Internal(format!("KurrentDB at {target}: {other}")),
    }
}

impl KurrentStore {
    /// Connects to the server named by `url` and counts the log (reading `$all` once from
    /// the start), then follows it. Fails with [`StoreError::Unavailable`] naming the server
    /// if it cannot be reached. Must be called within a Tokio runtime.
    pub async fn connect(url: &str, options: KurrentOptions) -> Result<Self, StoreError> {
        let (client_url, prefix) = split_prefix(url)?;
        let target = redact(&client_url);
        let settings: ClientSettings = client_url.parse().map_err(|e| {
            StoreError::Unavailable(format!("the store URL {target} is not valid: {e}"))
        })?;
        let client = Client::new(settings).map_err(|e| {
            StoreError::Unavailable(format!("cannot make a KurrentDB client for {target}: {e}"))
        })?;
        let (head, _) = watch::channel(0);
        let store = Self {
            inner: Arc::new(Inner {
                client,
                target,
                prefix,
                clock: options.clock,
                index: RwLock::new(Index::default()),
                counting: Mutex::new(()),
                writing: Mutex::new(()),
                head,
                follower: std::sync::Mutex::new(None),
                closed: AtomicBool::new(false),
            }),
        };
        store.inner.count_on().await.map_err(|e| match e {
            StoreError::Unavailable(m) => {
                StoreError::Unavailable(format!("cannot read the log: {m}"))
            }
            other => other,
        })?;
        tracing::info!(
            store = %store.inner.target,
            prefix = %store.inner.prefix,
            head = store.index().len(),
            "KurrentDB event log opened"
        );
        let follower = tokio::spawn(follow(Arc::downgrade(&store.inner)));
        *lock(&store.inner.follower) = Some(follower);
        Ok(store)
    }

    /// Stops following the log; appends from now on are refused with `Closed`.
    pub async fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        let _writing = self.inner.writing.lock().await;
        if let Some(f) = lock(&self.inner.follower).take() {
            f.abort();
        }
    }

    fn index(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.inner.index()
    }

    fn map(&self, e: kurrentdb::Error) -> StoreError {
        map(&self.inner.target, e)
    }

    fn name(&self, stream: &StreamName) -> String {
        format!("{}{}", self.inner.prefix, stream.as_str())
    }

    /// Up to `count` events from ordinal `from`, each with the first position of its append:
    /// only events already counted.
    async fn fetch(
        &self,
        from: u64,
        count: usize,
    ) -> Result<Vec<(RecordedEvent, u64)>, StoreError> {
        let (start, len) = {
            let index = self.index();
            (index.before(from), index.len())
        };
        if from == 0 || from > len || count == 0 {
            return Ok(Vec::new());
        }
        let want = count.min(usize::try_from(len - from + 1).unwrap_or(usize::MAX));
        let mut out = Vec::with_capacity(want);
        let mut after = start;
        while out.len() < want {
            let page = (want - out.len()).min(PAGE);
            let events = self.inner.read_all_after(after, page + 1).await?;
            let mut moved = false;
            for e in events {
                if after.is_some_and(|a| e.position <= a) {
                    continue;
                }
                after = Some(e.position);
                moved = true;
                let p = from + out.len() as u64;
                let entry = self.index().get(p);
                let Some(entry) = entry.filter(|x| x.at == e.position) else {
                    return Err(StoreError::Internal(format!(
                        "$all moved under the index: event {} at {}/{} is not ordinal {p}",
                        e.id, e.position.commit, e.position.prepare
                    )));
                };
                out.push(codec::decode(
                    &e,
                    &self.inner.prefix,
                    p,
                    codec::instant(entry.recorded)?,
                )?);
                if out.len() == want {
                    break;
                }
            }
            if !moved {
                break;
            }
        }
        Ok(out)
    }

    /// The verdict on an append some of whose ids are counted already: the leading run of
    /// its stored events, read back, judged by the rule every backend shares.
    async fn judge(
        &self,
        stream: &StreamName,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        let mut stored: Vec<(usize, RecordedEvent, u64)> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let p = self.index().position_of(&e.event_id);
            match p {
                Some(p) => {
                    let (event, start) = self.fetch(p, 1).await?.pop().ok_or_else(|| {
                        StoreError::Internal(format!("the event at position {p} cannot be read"))
                    })?;
                    stored.push((i, event, start));
                }
                None if !stored.is_empty() => break,
                None => {}
            }
        }
        let next = match stored.last() {
            Some((_, last, _)) => self
                .fetch(last.position + 1, 1)
                .await?
                .pop()
                .map(|(_, s)| s),
            None => None,
        };
        let matches: Vec<StoredMatch<'_>> = stored
            .iter()
            .map(|(i, event, start)| StoredMatch {
                new: &events[*i],
                stored: event,
                append_start: *start,
            })
            .collect();
        judge_retry(stream, events, &matches, next)
    }

    async fn append_now(
        &self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        self.inner.count_on().await?;
        let before = self.index().len();
        if events
            .iter()
            .any(|e| self.index().position_of(&e.event_id).is_some())
        {
            return self.judge(stream, &events).await;
        }
        let state = match expected {
            ExpectedVersion::Any => StreamState::Any,
            ExpectedVersion::NoStream | ExpectedVersion::Exact(0) => StreamState::NoStream,
            ExpectedVersion::Exact(v) => StreamState::StreamRevision(v - 1),
        };
        let last = self.index().get(before).map_or(i64::MIN, |e| e.recorded);
        let now = codec::micros(self.inner.clock.now()).max(last);
        let data = events
            .iter()
            .enumerate()
            .map(|(i, e)| codec::to_event_data(e, i as u64, now))
            .collect::<Result<Vec<_>, _>>()?;
        let options = AppendToStreamOptions::default().stream_state(state);
        let written = self
            .inner
            .client
            .append_to_stream(self.name(stream), &options, data)
            .await;
        let written = match written {
            Ok(w) => w,
            Err(kurrentdb::Error::WrongExpectedVersion { current, .. }) => {
                return Err(StoreError::WrongExpectedVersion {
                    stream: stream.to_string(),
                    expected,
                    actual: match current {
                        CurrentRevision::Current(r) => r + 1,
                        CurrentRevision::NoStream => 0,
                    },
                });
            }
            Err(e) => return Err(self.map(e)),
        };
        self.inner.count_on().await?;
        let index = self.index();
        let mut positions = Vec::with_capacity(events.len());
        for e in &events {
            positions.push(index.position_of(&e.event_id).ok_or_else(|| {
                StoreError::Internal(format!(
                    "event {} was appended at {}/{} but is not in $all",
                    e.event_id, written.position.commit, written.position.prepare
                ))
            })?);
        }
        let last = positions.last().copied().unwrap_or(0);
        let recorded = index.get(last).map(|e| e.recorded).unwrap_or_default();
        Ok(AppendResult {
            stream_version: written.next_expected_version + 1,
            positions,
            recorded_at: codec::instant(recorded)?,
            // KurrentDB found them stored already (another process counted first).
            deduplicated: last <= before,
        })
    }

    async fn import_now(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError> {
        let head = self.inner.count_on().await?;
        let last_recorded = match self.index().get(head) {
            Some(e) => Some(codec::instant(e.recorded)?),
            None => None,
        };
        let mut versions = HashMap::new();
        for c in &events {
            if !versions.contains_key(&c.event.stream) {
                let v = self.stream_version(&c.event.stream).await?;
                versions.insert(c.event.stream.clone(), v);
            }
        }
        versions.retain(|_, v| *v > 0);
        validate_import(&events, head, last_recorded, &versions)?;
        if let Some(c) = events
            .iter()
            .find(|c| self.index().position_of(&c.event.event_id).is_some())
        {
            return Err(StoreError::IdempotencyConflict {
                event_id: c.event.event_id,
            });
        }
        // One KurrentDB append per source append (or the part of it on this page).
        let mut rest = events.as_slice();
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .take_while(|c| {
                    c.append_start == first.append_start && c.event.stream == first.event.stream
                })
                .count();
            let (group, tail) = rest.split_at(n);
            rest = tail;
            let data = group
                .iter()
                .map(|c| {
                    codec::to_event_data(
                        &codec::to_new_event(&c.event),
                        c.event.position - c.append_start,
                        codec::micros(c.event.recorded_at),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            let state = match first.event.version {
                1 => StreamState::NoStream,
                v => StreamState::StreamRevision(v - 2),
            };
            let options = AppendToStreamOptions::default().stream_state(state);
            self.inner
                .client
                .append_to_stream(self.name(&first.event.stream), &options, data)
                .await
                .map_err(|e| self.map(e))?;
        }
        let new_head = self.inner.count_on().await?;
        let index = self.index();
        if let Some(c) = events
            .iter()
            .find(|c| index.position_of(&c.event.event_id) != Some(c.event.position))
        {
            return Err(StoreError::Internal(format!(
                "the imported event {} did not land at position {}: another process wrote \
                 to the log during the import",
                c.event.event_id, c.event.position
            )));
        }
        Ok(new_head)
    }
}

impl Inner {
    fn index(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn index_mut(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The filter that makes `$all` this log: the prefix's streams, or every event that is
    /// not KurrentDB's own.
    fn filter(&self) -> SubscriptionFilter {
        if self.prefix.is_empty() {
            SubscriptionFilter::on_event_type().exclude_system_events()
        } else {
            SubscriptionFilter::on_stream_name().add_prefix(&self.prefix)
        }
    }

    /// Up to `count` events of the log after `after` (from the start if `None`). The server
    /// may include the event at `after` itself: callers skip what is not after it.
    async fn read_all_after(
        &self,
        after: Option<Position>,
        count: usize,
    ) -> Result<Vec<kurrentdb::RecordedEvent>, StoreError> {
        let position = match after {
            Some(p) => StreamPosition::Position(p),
            None => StreamPosition::Start,
        };
        let options = ReadAllOptions::default()
            .forwards()
            .position(position)
            .filter(self.filter())
            .max_count(count);
        let mut read = self
            .client
            .read_all(&options)
            .await
            .map_err(|e| map(&self.target, e))?;
        let mut out = Vec::with_capacity(count);
        while let Some(e) = read.next().await.map_err(|e| map(&self.target, e))? {
            if let Some(e) = e.event {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Counts one event read from `$all`; false if it was counted already.
    fn count(&self, e: &kurrentdb::RecordedEvent) -> Result<bool, StoreError> {
        let meta = codec::meta_of(e)?;
        let counted = self.index_mut().push(e.id, e.position, meta.recorded_at);
        if let Some(p) = counted {
            event_store::queue::advance(&self.head, p);
        }
        Ok(counted.is_some())
    }

    async fn count_on(&self) -> Result<u64, StoreError> {
        let _counting = self.counting.lock().await;
        loop {
            let after = self.index().last_at();
            let events = self.read_all_after(after, PAGE).await?;
            let read = events.len();
            for e in &events {
                self.count(e)?;
            }
            if read < PAGE {
                return Ok(self.index().len());
            }
        }
    }
}

/// Keeps the index up with `$all` by a filtered subscription, so that the head watch moves
/// as soon as any process appends. Resubscribes from the last counted event after an
/// error; ends when the store is dropped.
async fn follow(inner: std::sync::Weak<Inner>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let Some(store) = inner.upgrade() else {
            return;
        };
        let after = store.index().last_at();
        let options = SubscribeToAllOptions::default()
            .position(match after {
                Some(p) => StreamPosition::Position(p),
                None => StreamPosition::Start,
            })
            .filter(store.filter());
        let mut subscription = store.client.subscribe_to_all(&options).await;
        drop(store);
        loop {
            let next = subscription.next().await;
            let Some(store) = inner.upgrade() else {
                return;
            };
            match next {
                Ok(resolved) => {
                    backoff = Duration::from_millis(100);
                    if let Some(e) = resolved.event {
                        let _counting = store.counting.lock().await;
                        if let Err(err) = store.count(&e) {
                            tracing::error!(error = %err, "cannot count an event of $all");
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(store = %store.target, error = %e, "the $all subscription ended; resubscribing");
                    break;
                }
            }
        }
        // A back-off between attempts to resubscribe, not a wait for a result.
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

#[async_trait]
impl EventStore for KurrentStore {
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        validate_append(&events)?;
        let _writing = self.inner.writing.lock().await;
        if self.inner.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Closed);
        }
        self.append_now(stream, expected, events).await
    }

    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        if limit == 0 || (direction == Direction::Backward && from == 0) {
            return Ok(Vec::new());
        }
        let options = ReadStreamOptions::default().max_count(limit);
        let options = match direction {
            Direction::Forward => options
                .forwards()
                .position(StreamPosition::Position(from.max(1) - 1)),
            Direction::Backward if from == u64::MAX => {
                options.backwards().position(StreamPosition::End)
            }
            Direction::Backward => options
                .backwards()
                .position(StreamPosition::Position(from - 1)),
        };
        let mut read = match self
            .inner
            .client
            .read_stream(self.name(stream), &options)
            .await
        {
            Ok(r) => r,
            Err(kurrentdb::Error::ResourceNotFound) => return Ok(Vec::new()),
            Err(e) => return Err(self.map(e)),
        };
        let mut raw = Vec::new();
        loop {
            match read.next().await {
                Ok(Some(e)) => raw.extend(e.event),
                Ok(None) => break,
                Err(kurrentdb::Error::ResourceNotFound) => return Ok(Vec::new()),
                Err(e) => return Err(self.map(e)),
            }
        }
        if raw
            .iter()
            .any(|e| self.index().position_of(&e.id).is_none())
        {
            // Appended by another process since this one last counted.
            self.inner.count_on().await?;
        }
        let index = self.index();
        raw.iter()
            .map(|e| {
                let p = index.position_of(&e.id).ok_or_else(|| {
                    StoreError::Internal(format!(
                        "event {} of {} is not in $all",
                        e.id,
                        e.stream_id()
                    ))
                })?;
                let recorded = index.get(p).map(|x| x.recorded).unwrap_or_default();
                codec::decode(e, &self.inner.prefix, p, codec::instant(recorded)?).map(|(e, _)| e)
            })
            .collect()
    }

    async fn stream_version(&self, stream: &StreamName) -> Result<u64, StoreError> {
        let last = self
            .read_stream(stream, Direction::Backward, u64::MAX, 1)
            .await?;
        Ok(last.first().map_or(0, |e| e.version))
    }

    async fn read_all(
        &self,
        from: u64,
        filter: &Filter,
        limit: usize,
    ) -> Result<ReadAllPage, StoreError> {
        let from = from.max(1);
        if limit == 0 {
            return Ok(ReadAllPage {
                events: Vec::new(),
                next: from,
            });
        }
        if from > self.index().len() {
            self.inner.count_on().await?;
        }
        let mut events = Vec::new();
        let mut next = from;
        let len = self.index().len();
        while events.len() < limit && next <= len {
            let page = self.fetch(next, PAGE).await?;
            if page.is_empty() {
                break;
            }
            for (e, _) in page {
                next = e.position + 1;
                if filter.matches(e.stream.as_str(), e.event_type.as_str()) {
                    events.push(e);
                    if events.len() == limit {
                        break;
                    }
                }
            }
        }
        Ok(ReadAllPage { events, next })
    }

    async fn head(&self) -> Result<u64, StoreError> {
        self.inner.count_on().await
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.inner.head.subscribe()
    }

    async fn read_for_copy(&self, from: u64, limit: usize) -> Result<Vec<CopiedEvent>, StoreError> {
        if from.max(1) > self.index().len() {
            self.inner.count_on().await?;
        }
        Ok(self
            .fetch(from.max(1), limit)
            .await?
            .into_iter()
            .map(|(event, append_start)| CopiedEvent {
                event,
                append_start,
            })
            .collect())
    }

    async fn import(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError> {
        if events.is_empty() {
            return self.head().await;
        }
        let _writing = self.inner.writing.lock().await;
        if self.inner.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Closed);
        }
        self.import_now(events).await
    }
}
