//! The options of a `Streams.Read` request, checked once and turned into plain types. The
//! combinations the real server refuses (a filter on a stream read, a backwards subscription)
//! are refused here too.

use tonic::Status;

use crate::convert::{self, UuidFormat};
use crate::filter::EventFilter;
use crate::log::LogPosition;
use crate::proto::streams::ReadReq;
use crate::proto::streams::read_req::options::{
    CountOption, FilterOption, ReadDirection, StreamOption, all_options::AllOption,
    stream_options::RevisionOption,
};

/// Where a stream read or subscription begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFrom {
    Start,
    End,
    Revision(u64),
}

/// Where a `$all` read or subscription begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllFrom {
    Start,
    End,
    Position(LogPosition),
}

/// What is read.
#[derive(Debug)]
pub enum Source {
    Stream {
        name: String,
        from: StreamFrom,
    },
    All {
        from: AllFrom,
        filter: Option<EventFilter>,
    },
}

/// Whether the read ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// At most this many events, in the given direction.
    Read { backwards: bool, count: u64 },
    /// Forwards, then live, until the client leaves.
    Subscribe,
}

/// A checked read request.
#[derive(Debug)]
pub struct ReadRequest {
    pub source: Source,
    pub mode: Mode,
    pub uuid_format: UuidFormat,
    /// `control_option.compatibility`: from 1 on, stream reads end with the last revision.
    pub compatibility: u32,
}

impl ReadRequest {
    /// Checks `request`.
    pub fn parse(request: ReadReq) -> Result<Self, Status> {
        let options = request
            .options
            .ok_or_else(|| Status::invalid_argument("read options are required"))?;
        let uuid_format = UuidFormat::from_proto(options.uuid_option)?;
        let backwards = match ReadDirection::try_from(options.read_direction) {
            Ok(ReadDirection::Forwards) => false,
            Ok(ReadDirection::Backwards) => true,
            Err(_) => return Err(Status::invalid_argument("unknown read direction")),
        };
        let mode = match options.count_option {
            Some(CountOption::Count(count)) => Mode::Read { backwards, count },
            Some(CountOption::Subscription(_)) if backwards => {
                return Err(Status::invalid_argument(
                    "a subscription reads forwards only",
                ));
            }
            Some(CountOption::Subscription(_)) => Mode::Subscribe,
            None => {
                return Err(Status::invalid_argument(
                    "a count or a subscription is required",
                ));
            }
        };
        let filter = match options.filter_option {
            Some(FilterOption::Filter(filter)) => Some(EventFilter::from_proto(filter)?),
            Some(FilterOption::NoFilter(())) | None => None,
        };

        let source = match options.stream_option {
            Some(StreamOption::Stream(stream)) => {
                if filter.is_some() {
                    return Err(Status::invalid_argument("filters apply to $all only"));
                }
                let from = match stream.revision_option {
                    Some(RevisionOption::Start(())) | None => StreamFrom::Start,
                    Some(RevisionOption::End(())) => StreamFrom::End,
                    Some(RevisionOption::Revision(revision)) => StreamFrom::Revision(revision),
                };
                Source::Stream {
                    name: convert::stream_name(stream.stream_identifier)?,
                    from,
                }
            }
            Some(StreamOption::All(all)) => {
                let from = match all.all_option {
                    Some(AllOption::Start(())) | None => AllFrom::Start,
                    Some(AllOption::End(())) => AllFrom::End,
                    Some(AllOption::Position(p)) => AllFrom::Position(LogPosition {
                        commit: p.commit_position,
                        prepare: p.prepare_position,
                    }),
                };
                Source::All { from, filter }
            }
            None => return Err(Status::invalid_argument("a stream or $all is required")),
        };

        Ok(Self {
            source,
            mode,
            uuid_format,
            compatibility: options.control_option.map_or(0, |c| c.compatibility),
        })
    }
}
