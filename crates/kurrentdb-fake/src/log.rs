//! The fake's event log: one ordered list of records (`$all`) with a per-stream index, and the
//! append rules of a real KurrentDB node — the expected-revision check and idempotent retries.
//!
//! Synchronous and free of gRPC types, so the rules are tested here without a server.

use std::collections::HashMap;
use std::sync::Arc;

use prost::bytes::Bytes;
use uuid::Uuid;

/// Offset of the first record in the log. A real log begins with its own system records, so
/// no user event ever sits at position 0, which the client uses for "the start of `$all`".
const FIRST_RECORD_OFFSET: u64 = 512;

/// Bytes a record takes in the log besides its names and payloads (a stand-in for the record
/// header of a real transaction file).
const RECORD_OVERHEAD: u64 = 64;

/// Where a record lies in `$all`. Ordered as the server orders positions: commit, then prepare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPosition {
    /// The commit position.
    pub commit: u64,
    /// The prepare position.
    pub prepare: u64,
}

/// One stored event.
#[derive(Debug)]
pub struct Record {
    /// The stream the event belongs to.
    pub stream: Arc<str>,
    /// Its revision (0-based) in that stream.
    pub revision: u64,
    /// The id the client proposed.
    pub id: Uuid,
    /// The `type` metadata entry.
    pub event_type: String,
    /// Whether the `content-type` was `application/json`.
    pub is_json: bool,
    /// The other metadata entries the client sent; they are given back on reads.
    pub properties: Vec<(String, String)>,
    /// When the server wrote the event, in 100 ns ticks since the Unix epoch.
    pub created_ticks: u64,
    /// The client's own metadata bytes.
    pub custom_metadata: Bytes,
    /// The payload.
    pub data: Bytes,
    /// Its position in `$all` (commit == prepare in the fake).
    pub position: LogPosition,
}

/// What the client expects of the stream before its append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedRevision {
    /// No check.
    Any,
    /// The stream must not exist.
    NoStream,
    /// The stream must exist.
    StreamExists,
    /// The stream's last revision must be this one.
    Exact(u64),
}

/// One event of an append, already validated.
#[derive(Debug, Clone)]
pub struct ProposedEvent {
    /// The client's id for the event; it makes retries idempotent.
    pub id: Uuid,
    /// The `type` metadata entry.
    pub event_type: String,
    /// Whether the `content-type` is `application/json`.
    pub is_json: bool,
    /// Metadata entries other than `type` and a standard `content-type`.
    pub properties: Vec<(String, String)>,
    /// The client's own metadata bytes.
    pub custom_metadata: Bytes,
    /// The payload.
    pub data: Bytes,
}

/// The answer to an append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOutcome {
    /// Written, or recognised as a retry of a write already made.
    Success {
        /// The stream's revision after the append (`None`: it still does not exist, after an
        /// empty append).
        revision: Option<u64>,
        /// The position of the last event written (`None` for an empty append).
        position: Option<LogPosition>,
    },
    /// The expectation did not hold, or a retry matched only part of what was written.
    WrongExpectedRevision {
        /// The stream's last revision (`None`: no stream).
        current: Option<u64>,
    },
}

/// The log itself.
#[derive(Debug)]
pub struct Log {
    records: Vec<Arc<Record>>,
    /// Indices into `records`, one per revision.
    streams: HashMap<Arc<str>, Vec<usize>>,
    next_offset: u64,
    last_created_ticks: u64,
}

impl Default for Log {
    fn default() -> Self {
        Self {
            records: Vec::new(),
            streams: HashMap::new(),
            next_offset: FIRST_RECORD_OFFSET,
            last_created_ticks: 0,
        }
    }
}

impl Log {
    /// The number of records in `$all`.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The records of `$all` from `index` on.
    pub fn records_from(&self, index: usize) -> &[Arc<Record>] {
        self.records.get(index..).unwrap_or_default()
    }

    /// All records of `$all`, in log order.
    pub fn records(&self) -> &[Arc<Record>] {
        &self.records
    }

    /// The last record of `$all`.
    pub fn last(&self) -> Option<&Arc<Record>> {
        self.records.last()
    }

    /// The index of the first record at or after `position`.
    pub fn index_at_or_after(&self, position: LogPosition) -> usize {
        self.records.partition_point(|r| r.position < position)
    }

    /// The index of the first record strictly after `position`.
    pub fn index_after(&self, position: LogPosition) -> usize {
        self.records.partition_point(|r| r.position <= position)
    }

    /// The number of events in `stream`, or `None` if it does not exist.
    pub fn stream_len(&self, stream: &str) -> Option<u64> {
        self.streams.get(stream).map(|indices| indices.len() as u64)
    }

    /// The last revision of `stream`, or `None` if it does not exist.
    pub fn stream_revision(&self, stream: &str) -> Option<u64> {
        self.stream_len(stream).and_then(|len| len.checked_sub(1))
    }

    /// The event of `stream` at `revision`.
    pub fn at_revision(&self, stream: &str, revision: u64) -> Option<&Arc<Record>> {
        let indices = self.streams.get(stream)?;
        let index = *indices.get(usize::try_from(revision).ok()?)?;
        self.records.get(index)
    }

    /// Appends `events` to `stream` if `expected` holds, all of them contiguous in `$all`.
    ///
    /// A retry is recognised as the real server does: when the proposed ids are exactly the
    /// events already stored where the expectation puts them, the original result is given
    /// back and nothing is written; when only some match, the append is refused.
    pub fn append(
        &mut self,
        stream: &str,
        expected: ExpectedRevision,
        events: Vec<ProposedEvent>,
        now_ticks: u64,
    ) -> AppendOutcome {
        let current = self.stream_revision(stream);
        let refused = AppendOutcome::WrongExpectedRevision { current };

        let Some(first) = events.first() else {
            let holds = match expected {
                ExpectedRevision::Any => true,
                ExpectedRevision::NoStream => current.is_none(),
                ExpectedRevision::StreamExists => current.is_some(),
                ExpectedRevision::Exact(revision) => current == Some(revision),
            };
            return if holds {
                AppendOutcome::Success {
                    revision: current,
                    position: None,
                }
            } else {
                refused
            };
        };

        // Where a retry of this append would have put its first event, if it can be one.
        let retry_from = match (expected, current) {
            (ExpectedRevision::StreamExists, None) => return refused,
            (ExpectedRevision::Any | ExpectedRevision::StreamExists, _) => {
                self.revision_of(stream, first.id)
            }
            (ExpectedRevision::NoStream, None) => None,
            (ExpectedRevision::NoStream, Some(_)) => Some(0),
            (ExpectedRevision::Exact(expected), Some(current)) if expected == current => None,
            (ExpectedRevision::Exact(expected), Some(current)) if expected < current => {
                Some(expected + 1)
            }
            (ExpectedRevision::Exact(_), _) => return refused,
        };

        match retry_from {
            Some(start) => self.retry_result(stream, start, &events).unwrap_or(refused),
            None => self.write(stream, events, now_ticks),
        }
    }

    /// The revision of the event with `id` in `stream`, searching from the newest.
    fn revision_of(&self, stream: &str, id: Uuid) -> Option<u64> {
        let indices = self.streams.get(stream)?;
        indices
            .iter()
            .rev()
            .filter_map(|&index| self.records.get(index))
            .find(|record| record.id == id)
            .map(|record| record.revision)
    }

    /// The result of the original write if `events` are exactly the events of `stream` from
    /// revision `start` on.
    fn retry_result(
        &self,
        stream: &str,
        start: u64,
        events: &[ProposedEvent],
    ) -> Option<AppendOutcome> {
        let mut last = None;
        for (revision, event) in (start..).zip(events) {
            let record = self.at_revision(stream, revision)?;
            if record.id != event.id {
                return None;
            }
            last = Some(record);
        }
        last.map(|record| AppendOutcome::Success {
            revision: Some(record.revision),
            position: Some(record.position),
        })
    }

    fn write(&mut self, stream: &str, events: Vec<ProposedEvent>, now_ticks: u64) -> AppendOutcome {
        let key = self
            .streams
            .get_key_value(stream)
            .map_or_else(|| Arc::from(stream), |(key, _)| Arc::clone(key));
        let first_revision = self.stream_len(stream).unwrap_or(0);
        let created_ticks = now_ticks.max(self.last_created_ticks);
        self.last_created_ticks = created_ticks;

        let mut last = None;
        for (revision, event) in (first_revision..).zip(events) {
            let offset = self.next_offset;
            let size = RECORD_OVERHEAD
                + (key.len()
                    + event.event_type.len()
                    + event.data.len()
                    + event.custom_metadata.len()) as u64;
            self.next_offset = offset + size;
            let position = LogPosition {
                commit: offset,
                prepare: offset,
            };
            let index = self.records.len();
            self.records.push(Arc::new(Record {
                stream: Arc::clone(&key),
                revision,
                id: event.id,
                event_type: event.event_type,
                is_json: event.is_json,
                properties: event.properties,
                created_ticks,
                custom_metadata: event.custom_metadata,
                data: event.data,
                position,
            }));
            self.streams
                .entry(Arc::clone(&key))
                .or_default()
                .push(index);
            last = Some((revision, position));
        }

        AppendOutcome::Success {
            revision: last.map(|(revision, _)| revision),
            position: last.map(|(_, position)| position),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: u128) -> ProposedEvent {
        ProposedEvent {
            id: Uuid::from_u128(id),
            event_type: "Happened".to_owned(),
            is_json: true,
            properties: Vec::new(),
            custom_metadata: Bytes::new(),
            data: Bytes::from_static(b"{}"),
        }
    }

    fn written(
        log: &mut Log,
        stream: &str,
        expected: ExpectedRevision,
        ids: &[u128],
    ) -> AppendOutcome {
        log.append(
            stream,
            expected,
            ids.iter().map(|&id| event(id)).collect(),
            1_000,
        )
    }

    fn success_revision(outcome: AppendOutcome) -> Option<u64> {
        match outcome {
            AppendOutcome::Success { revision, .. } => revision,
            AppendOutcome::WrongExpectedRevision { current } => {
                panic!("expected success, got wrong expected revision (current {current:?})")
            }
        }
    }

    #[test]
    fn a_multi_event_append_is_contiguous_with_increasing_positions() {
        let mut log = Log::default();
        written(&mut log, "other", ExpectedRevision::Any, &[9]);
        let outcome = written(&mut log, "a", ExpectedRevision::NoStream, &[1, 2, 3]);

        let records = log.records();
        assert_eq!(records.len(), 4);
        assert!(records.windows(2).all(|w| w[0].position < w[1].position));
        assert!(
            records
                .iter()
                .all(|r| r.position.commit == r.position.prepare)
        );
        assert!(records[0].position.commit > 0);
        let revisions: Vec<_> = records[1..]
            .iter()
            .map(|r| (&*r.stream, r.revision))
            .collect();
        assert_eq!(revisions, [("a", 0), ("a", 1), ("a", 2)]);
        assert_eq!(
            outcome,
            AppendOutcome::Success {
                revision: Some(2),
                position: Some(records[3].position)
            }
        );
    }

    #[test]
    fn expectations_are_checked_against_the_current_revision() {
        let mut log = Log::default();
        let refused = |current| AppendOutcome::WrongExpectedRevision { current };
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::StreamExists, &[1]),
            refused(None)
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::Exact(0), &[1]),
            refused(None)
        );
        assert_eq!(
            success_revision(written(&mut log, "a", ExpectedRevision::NoStream, &[1])),
            Some(0)
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::Exact(3), &[2]),
            refused(Some(0))
        );
        assert_eq!(
            success_revision(written(&mut log, "a", ExpectedRevision::Exact(0), &[2])),
            Some(1)
        );
        assert_eq!(
            success_revision(written(&mut log, "a", ExpectedRevision::StreamExists, &[3])),
            Some(2)
        );
        assert_eq!(
            success_revision(written(&mut log, "a", ExpectedRevision::Any, &[4])),
            Some(3)
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::NoStream, &[5]),
            refused(Some(3))
        );
        assert_eq!(log.len(), 4);
    }

    #[test]
    fn an_identical_retry_answers_the_original_result_and_writes_nothing() {
        let mut log = Log::default();
        let first = written(&mut log, "a", ExpectedRevision::NoStream, &[1, 2]);
        let second = written(&mut log, "a", ExpectedRevision::Exact(1), &[3]);

        assert_eq!(
            written(&mut log, "a", ExpectedRevision::NoStream, &[1, 2]),
            first
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::Exact(1), &[3]),
            second
        );
        assert_eq!(written(&mut log, "a", ExpectedRevision::Any, &[3]), second);
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::StreamExists, &[1, 2]),
            first
        );
        assert_eq!(log.len(), 3);
    }

    #[test]
    fn a_partly_matching_retry_is_refused() {
        let mut log = Log::default();
        written(&mut log, "a", ExpectedRevision::NoStream, &[1, 2]);
        let refused = AppendOutcome::WrongExpectedRevision { current: Some(1) };

        assert_eq!(
            written(&mut log, "a", ExpectedRevision::NoStream, &[1, 7]),
            refused
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::NoStream, &[1, 2, 3]),
            refused
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::Any, &[2, 3]),
            refused
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::Exact(0), &[7]),
            refused
        );
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn an_id_seen_in_another_stream_does_not_make_an_append_a_retry() {
        let mut log = Log::default();
        written(&mut log, "a", ExpectedRevision::Any, &[1]);
        assert_eq!(
            success_revision(written(&mut log, "b", ExpectedRevision::Any, &[1])),
            Some(0)
        );
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn an_empty_append_checks_the_expectation_and_writes_nothing() {
        let mut log = Log::default();
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::NoStream, &[]),
            AppendOutcome::Success {
                revision: None,
                position: None
            }
        );
        assert_eq!(
            written(&mut log, "a", ExpectedRevision::StreamExists, &[]),
            AppendOutcome::WrongExpectedRevision { current: None }
        );
        assert_eq!(log.len(), 0);
    }

    #[test]
    fn created_never_goes_back() {
        let mut log = Log::default();
        log.append("a", ExpectedRevision::Any, vec![event(1)], 2_000);
        log.append("a", ExpectedRevision::Any, vec![event(2)], 1_000);
        let created: Vec<_> = log.records().iter().map(|r| r.created_ticks).collect();
        assert_eq!(created, [2_000, 2_000]);
    }

    #[test]
    fn positions_find_the_record_at_or_after_them() {
        let mut log = Log::default();
        written(&mut log, "a", ExpectedRevision::Any, &[1, 2, 3]);
        let second = log.records()[1].position;
        let between = LogPosition {
            commit: second.commit - 1,
            prepare: second.prepare - 1,
        };
        assert_eq!(log.index_at_or_after(second), 1);
        assert_eq!(log.index_after(second), 2);
        assert_eq!(log.index_at_or_after(between), 1);
        assert_eq!(log.index_after(between), 1);
    }
}
