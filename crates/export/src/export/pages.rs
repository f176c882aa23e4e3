//! The export's events, a page at a time, in global order.

use std::sync::Arc;

use event_store::{Direction, EventStore, Filter, RecordedEvent, StreamName};

use super::plan::Plan;
use crate::error::ExportError;
use crate::request::ExportFilter;

/// Events read per store call: what bounds the export's memory.
pub(crate) const PAGE_EVENTS: usize = 1000;

/// Reads the events of a plan: one stream by its versions when the filter names a stream,
/// otherwise the global log from the plan's first position, with the store filtering by
/// category and type.
#[derive(Debug)]
pub(crate) struct Pages {
    store: Arc<dyn EventStore>,
    source: Source,
    from: u64,
    to: u64,
    filter: ExportFilter,
    done: bool,
}

#[derive(Debug)]
enum Source {
    All {
        next: u64,
        filter: Filter,
    },
    Stream {
        stream: StreamName,
        next_version: u64,
    },
}

impl Pages {
    pub fn new(store: Arc<dyn EventStore>, plan: &Plan) -> Self {
        let filter = plan.filter.clone();
        let source = match &filter.stream {
            Some(stream) => Source::Stream {
                stream: stream.clone(),
                next_version: 1,
            },
            None => Source::All {
                next: plan.from,
                filter: Filter {
                    categories: filter.category.iter().cloned().collect(),
                    event_types: filter.event_type.iter().cloned().collect(),
                },
            },
        };
        Self {
            store,
            source,
            from: plan.from,
            to: plan.to,
            filter,
            done: plan.from > plan.to,
        }
    }

    /// The next non-empty page of events in the plan, or `None` when there are no more.
    pub async fn next(&mut self) -> Result<Option<Vec<RecordedEvent>>, ExportError> {
        while !self.done {
            let events = match &mut self.source {
                Source::All { next, filter } => {
                    let page = self.store.read_all(*next, filter, PAGE_EVENTS).await?;
                    // No event means the end of the log; `next` past the plan means the
                    // rest is beyond it.
                    self.done = page.events.is_empty() || page.next > self.to;
                    *next = page.next;
                    page.events
                }
                Source::Stream {
                    stream,
                    next_version,
                } => {
                    let events = self
                        .store
                        .read_stream(stream, Direction::Forward, *next_version, PAGE_EVENTS)
                        .await?;
                    match events.last() {
                        Some(last) => {
                            *next_version = last.version + 1;
                            self.done = last.position >= self.to;
                        }
                        None => self.done = true,
                    }
                    events
                }
            };
            let (from, to) = (self.from, self.to);
            let kept: Vec<RecordedEvent> = events
                .into_iter()
                .filter(|e| (from..=to).contains(&e.position) && self.filter.matches(e))
                .collect();
            if !kept.is_empty() {
                return Ok(Some(kept));
            }
        }
        Ok(None)
    }
}
