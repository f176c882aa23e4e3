//! What a regulator asks to export: which events, and from where on.

use chrono::{DateTime, Utc};
use event_store::{Category, EventType, RecordedEvent, StreamName};
use serde::{Deserialize, Serialize};

/// An export request, as parsed at the edge (query string, command line).
///
/// With no filter the export is *complete*: every event after `after` up to the checkpoint,
/// checked by recomputing the tree. Any filter makes it *filtered*: the matching events, each
/// with its inclusion proof.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportRequest {
    /// Only the events of this stream.
    pub stream: Option<StreamName>,
    /// Only the events of streams of this category (the part of the name before the `-`).
    pub category: Option<Category>,
    /// Only the events of this type.
    pub event_type: Option<EventType>,
    /// Only events recorded at or after this instant.
    pub recorded_from: Option<DateTime<Utc>>,
    /// Only events recorded at or before this instant ("recorded by then", like `as_of`).
    pub recorded_to: Option<DateTime<Utc>>,
    /// The last position already received: the export goes on from the next one. 0 = from
    /// the start.
    pub after: u64,
    /// Gzip the export (one gzip member).
    pub gzip: bool,
}

/// A request that cannot be served as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The time range ends before it starts.
    #[error("recorded_to ({to}) is before recorded_from ({from})")]
    TimeRange {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    /// The stream is not in the category: nothing could match both.
    #[error("stream {stream} is not in category {category}, so nothing could match both")]
    StreamOutsideCategory { stream: String, category: String },
    /// `after` is past the end of the checkpoint's tree.
    #[error("after = {after} is beyond the checkpoint, which covers {tree_size} events")]
    AfterBeyondCheckpoint { after: u64, tree_size: u64 },
}

impl ExportRequest {
    /// Refuses a request that makes no sense whatever the log holds.
    pub fn validate(&self) -> Result<(), RequestError> {
        if let (Some(from), Some(to)) = (self.recorded_from, self.recorded_to)
            && to < from
        {
            return Err(RequestError::TimeRange { from, to });
        }
        if let (Some(stream), Some(category)) = (&self.stream, &self.category)
            && stream.category() != category.as_str()
        {
            return Err(RequestError::StreamOutsideCategory {
                stream: stream.as_str().to_owned(),
                category: category.as_str().to_owned(),
            });
        }
        Ok(())
    }

    /// The filter part of the request.
    pub fn filter(&self) -> ExportFilter {
        ExportFilter {
            stream: self.stream.clone(),
            category: self.category.clone(),
            event_type: self.event_type.clone(),
            recorded_from: self.recorded_from,
            recorded_to: self.recorded_to,
        }
    }
}

/// Which events a filtered export holds, as its header states it (every field, `null` when
/// not filtered on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportFilter {
    pub stream: Option<StreamName>,
    pub category: Option<Category>,
    pub event_type: Option<EventType>,
    pub recorded_from: Option<DateTime<Utc>>,
    pub recorded_to: Option<DateTime<Utc>>,
}

impl ExportFilter {
    /// Whether nothing is filtered out (the export is complete).
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Whether the event passes every part of the filter.
    pub fn matches(&self, e: &RecordedEvent) -> bool {
        self.stream.as_ref().is_none_or(|s| s == &e.stream)
            && (self.category.as_ref()).is_none_or(|c| c.as_str() == e.stream.category())
            && (self.event_type.as_ref()).is_none_or(|t| t == &e.event_type)
            && self.recorded_from.is_none_or(|t| e.recorded_at >= t)
            && self.recorded_to.is_none_or(|t| e.recorded_at <= t)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn nonsense_requests_are_refused() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let backwards = ExportRequest {
            recorded_from: Some(t("2026-07-01T00:00:00Z")),
            recorded_to: Some(t("2026-06-30T00:00:00Z")),
            ..Default::default()
        };
        assert!(matches!(
            backwards.validate(),
            Err(RequestError::TimeRange { .. })
        ));
        let outside = ExportRequest {
            stream: Some(StreamName::new("unit-1").unwrap()),
            category: Some(Category::new("cadre").unwrap()),
            ..Default::default()
        };
        assert!(matches!(
            outside.validate(),
            Err(RequestError::StreamOutsideCategory { .. })
        ));
        let fine = ExportRequest {
            stream: Some(StreamName::new("unit-1").unwrap()),
            category: Some(Category::new("unit").unwrap()),
            recorded_from: Some(t("2026-07-01T00:00:00Z")),
            recorded_to: Some(t("2026-07-01T00:00:00Z")),
            ..Default::default()
        };
        assert_eq!(fine.validate(), Ok(()));
        assert!(!fine.filter().is_empty());
        assert!(ExportRequest::default().filter().is_empty());
    }
}
