//! Server-side filters of `$all` reads and subscriptions: on the event type or the stream name,
//! by a regular expression or a list of prefixes.

use regex::Regex;
use tonic::Status;

use crate::log::Record;
use crate::proto::streams::read_req::options::FilterOptions;
use crate::proto::streams::read_req::options::filter_options::{Expression, Filter, Window};

/// The page size of the real server's reads, its search window when the client gives none.
const DEFAULT_SEARCH_WINDOW: u32 = 32;

/// What a filter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    EventType,
    StreamName,
}

#[derive(Debug)]
enum Matcher {
    Regex(Regex),
    Prefixes(Vec<String>),
}

/// A filter, with the checkpoint interval a subscription that uses it keeps.
#[derive(Debug)]
pub struct EventFilter {
    subject: Subject,
    matcher: Matcher,
    /// Every how many examined events a filtered subscription sends a checkpoint: the search
    /// window (`max`, or 32 for `count`) times the checkpoint interval multiplier.
    pub checkpoint_interval: u64,
}

impl EventFilter {
    /// Reads the filter options. As on the real server, a non-empty regex wins over prefixes.
    pub fn from_proto(options: FilterOptions) -> Result<Self, Status> {
        let (subject, expression) = match options.filter {
            Some(Filter::EventType(expression)) => (Subject::EventType, expression),
            Some(Filter::StreamIdentifier(expression)) => (Subject::StreamName, expression),
            None => {
                return Err(Status::invalid_argument(
                    "a filter needs an event type or stream expression",
                ));
            }
        };
        let window = match options.window {
            Some(Window::Max(max)) if max > 0 => max,
            Some(Window::Max(_)) => {
                return Err(Status::invalid_argument(
                    "the filter's max window must be positive",
                ));
            }
            Some(Window::Count(())) | None => DEFAULT_SEARCH_WINDOW,
        };
        if options.checkpoint_interval_multiplier == 0 {
            return Err(Status::invalid_argument(
                "the checkpoint interval multiplier must be positive",
            ));
        }
        Ok(Self {
            subject,
            matcher: matcher(expression)?,
            checkpoint_interval: u64::from(window)
                * u64::from(options.checkpoint_interval_multiplier),
        })
    }

    /// Whether `record` passes.
    pub fn matches(&self, record: &Record) -> bool {
        let subject = match self.subject {
            Subject::EventType => record.event_type.as_str(),
            Subject::StreamName => &record.stream,
        };
        match &self.matcher {
            Matcher::Regex(regex) => regex.is_match(subject),
            Matcher::Prefixes(prefixes) => prefixes.iter().any(|p| subject.starts_with(p.as_str())),
        }
    }
}

/// Whether a `$all` read or subscription leaves `record` out whatever the filter, as the real
/// server's default `$all` filter does: its `$epoch-information` stream and the checkpoints and
/// parked messages of persistent subscriptions to `$all`. Other system events are read.
pub fn hidden_from_all(record: &Record) -> bool {
    let stream = &*record.stream;
    stream == "$epoch-information"
        || (stream.starts_with("$persistentsubscription-$all::")
            && (stream.ends_with("-checkpoint") || stream.ends_with("-parked")))
}

fn matcher(expression: Expression) -> Result<Matcher, Status> {
    if expression.regex.is_empty() {
        return Ok(Matcher::Prefixes(expression.prefix));
    }
    Regex::new(&expression.regex)
        .map(Matcher::Regex)
        .map_err(|e| Status::invalid_argument(format!("invalid filter regex: {e}")))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use prost::bytes::Bytes;
    use uuid::Uuid;

    use super::*;
    use crate::log::LogPosition;

    fn record(stream: &str, event_type: &str) -> Record {
        Record {
            stream: Arc::from(stream),
            revision: 0,
            id: Uuid::nil(),
            event_type: event_type.to_owned(),
            is_json: true,
            properties: Vec::new(),
            created_ticks: 0,
            custom_metadata: Bytes::new(),
            data: Bytes::new(),
            position: LogPosition {
                commit: 1,
                prepare: 1,
            },
        }
    }

    fn filter(
        filter: Filter,
        window: Option<Window>,
        multiplier: u32,
    ) -> Result<EventFilter, Status> {
        EventFilter::from_proto(FilterOptions {
            filter: Some(filter),
            window,
            checkpoint_interval_multiplier: multiplier,
        })
    }

    fn expression(regex: &str, prefixes: &[&str]) -> Expression {
        Expression {
            regex: regex.to_owned(),
            prefix: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn the_exclude_system_events_regex_skips_dollar_types() -> Result<(), Status> {
        let f = filter(Filter::EventType(expression("^[^\\$].*", &[])), None, 1)?;
        assert!(f.matches(&record("unit-1", "UnitCreated")));
        assert!(!f.matches(&record("$stats-127.0.0.1:2113", "$statsCollected")));
        Ok(())
    }

    #[test]
    fn prefixes_match_the_stream_name() -> Result<(), Status> {
        let f = filter(
            Filter::StreamIdentifier(expression("", &["unit-", "cadre-"])),
            None,
            1,
        )?;
        assert!(f.matches(&record("unit-1", "X")));
        assert!(f.matches(&record("cadre-9", "X")));
        assert!(!f.matches(&record("duty-1", "unit-")));
        Ok(())
    }

    #[test]
    fn the_server_s_own_bookkeeping_streams_are_hidden_from_all() {
        assert!(hidden_from_all(&record("$epoch-information", "$epoch")));
        assert!(hidden_from_all(&record(
            "$persistentsubscription-$all::g-checkpoint",
            "$SubscriptionCheckpoint"
        )));
        assert!(!hidden_from_all(&record(
            "$stats-127.0.0.1:2113",
            "$statsCollected"
        )));
        assert!(!hidden_from_all(&record("unit-1", "UnitCreated")));
    }

    #[test]
    fn the_checkpoint_interval_is_window_times_multiplier() -> Result<(), Status> {
        let by_max = filter(
            Filter::EventType(expression("a", &[])),
            Some(Window::Max(5)),
            3,
        )?;
        assert_eq!(by_max.checkpoint_interval, 15);
        let by_count = filter(
            Filter::EventType(expression("a", &[])),
            Some(Window::Count(())),
            2,
        )?;
        assert_eq!(by_count.checkpoint_interval, 64);
        assert!(filter(Filter::EventType(expression("a", &[])), None, 0).is_err());
        assert!(filter(Filter::EventType(expression("(", &[])), None, 1).is_err());
        Ok(())
    }
}
