//! Reads that end: a stream or `$all`, forwards or backwards, at most `count` events.
//!
//! The answer is built under the log lock in one go, so a read sees the log as of one instant.

use crate::convert::{self, UuidFormat};
use crate::filter::{self, EventFilter};
use crate::log::Log;
use crate::proto::streams::ReadResp;
use crate::proto::streams::read_resp::{self, StreamNotFound};
use crate::request::{AllFrom, StreamFrom};

/// Reads `stream`. A stream that does not exist answers one `stream_not_found`; with
/// `compatibility` ≥ 1 the answer ends with the stream's last revision, as the real server's.
pub fn stream(
    log: &Log,
    name: &str,
    from: StreamFrom,
    backwards: bool,
    count: u64,
    format: UuidFormat,
    compatibility: u32,
) -> Vec<ReadResp> {
    let Some(last) = log.stream_revision(name) else {
        return vec![ReadResp {
            content: Some(read_resp::Content::StreamNotFound(StreamNotFound {
                stream_identifier: Some(convert::stream_identifier(name)),
            })),
        }];
    };

    let revisions: Box<dyn Iterator<Item = u64>> = if backwards {
        let first = match from {
            StreamFrom::Start => 0,
            StreamFrom::End => last,
            StreamFrom::Revision(revision) => revision.min(last),
        };
        Box::new((0..=first).rev())
    } else {
        let first = match from {
            StreamFrom::Start => 0,
            StreamFrom::End => last + 1,
            StreamFrom::Revision(revision) => revision,
        };
        Box::new(first..=last)
    };

    let mut messages: Vec<ReadResp> = revisions
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .filter_map(|revision| log.at_revision(name, revision))
        .map(|record| convert::event_message(record, format))
        .collect();
    if compatibility >= 1 {
        messages.push(ReadResp {
            content: Some(read_resp::Content::LastStreamPosition(last)),
        });
    }
    messages
}

/// Reads `$all`. Forwards from a position includes an event exactly there; backwards from a
/// position gives the events strictly before it. `count` counts the events that pass `filter`.
/// The server's own bookkeeping streams are left out, as by the real server.
pub fn all(
    log: &Log,
    from: AllFrom,
    filter: Option<&EventFilter>,
    backwards: bool,
    count: u64,
    format: UuidFormat,
) -> Vec<ReadResp> {
    let records = log.records();
    let boundary = match from {
        AllFrom::Start => 0,
        AllFrom::End => records.len(),
        AllFrom::Position(position) => log.index_at_or_after(position),
    };
    let selected: Box<dyn Iterator<Item = _>> = if backwards {
        Box::new(records[..boundary].iter().rev())
    } else {
        Box::new(records[boundary..].iter())
    };
    selected
        .filter(|record| !filter::hidden_from_all(record))
        .filter(|record| filter.is_none_or(|f| f.matches(record)))
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .map(|record| convert::event_message(record, format))
        .collect()
}
