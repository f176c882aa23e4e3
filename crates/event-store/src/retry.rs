//! Telling a retry from a conflict, once for every backend: when some event ids of an append
//! are already stored, the append either repeats one whole earlier append exactly (a retry:
//! answer the original result, write nothing) or it does not (an idempotency conflict).

use crate::envelope::{AppendResult, NewEvent, RecordedEvent};
use crate::error::StoreError;
use crate::names::StreamName;

/// An event of the request that the log already holds, as the log holds it.
#[derive(Debug, Clone, Copy)]
pub struct StoredMatch<'a> {
    /// The event as the request gives it.
    pub new: &'a NewEvent,
    /// The event as stored under the same id.
    pub stored: &'a RecordedEvent,
    /// The first position of the append that stored it.
    pub append_start: u64,
}

/// The verdict on a request to `stream` whose events `matches` are already stored: the
/// stored events of the request's leading run, in the request's order (collect them until
/// the first id not stored after one that is). `next_start` is the first position of the
/// append holding the position after the last match (`None` if nothing is stored there).
///
/// A retry repeats one whole earlier append: every event stored, in the same stream, with
/// the same content, all by the same append, which began with the first of them and ended
/// with the last.
pub fn judge_retry(
    stream: &StreamName,
    request: &[NewEvent],
    matches: &[StoredMatch<'_>],
    next_start: Option<u64>,
) -> Result<AppendResult, StoreError> {
    let (Some(first), Some(last)) = (matches.first(), matches.last()) else {
        // Nothing stored: the caller asked about a request that is not a retry at all.
        return Err(StoreError::Internal(
            "judge_retry called without stored events".into(),
        ));
    };
    if let Some(m) = matches
        .iter()
        .find(|m| !(m.stored.stream == *stream && m.new.same_content_as(m.stored)))
    {
        return Err(StoreError::IdempotencyConflict {
            event_id: m.new.event_id,
        });
    }
    let start = first.append_start;
    let whole = matches.len() == request.len()
        && first.stored.position == start
        && matches.iter().enumerate().all(|(i, m)| {
            m.append_start == start && m.stored.position == first.stored.position + i as u64
        })
        && next_start != Some(start);
    if whole {
        Ok(AppendResult {
            stream_version: last.stored.version,
            positions: matches.iter().map(|m| m.stored.position).collect(),
            recorded_at: last.stored.recorded_at,
            deduplicated: true,
        })
    } else {
        Err(StoreError::IdempotencyConflict {
            event_id: first.new.event_id,
        })
    }
}
