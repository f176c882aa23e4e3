//! The `Streams` gRPC service: `Append` and `Read`. `Delete`, `Tombstone` and `BatchAppend`
//! answer `UNIMPLEMENTED`, and the other KurrentDB services are not served at all (tonic
//! answers `UNIMPLEMENTED` for them too, which the client reads as "no optional features").

use std::sync::Arc;

use tonic::{Request, Response, Status, Streaming};

use crate::proto::streams::streams_server::Streams;
use crate::proto::streams::{
    AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, DeleteReq, DeleteResp, ReadReq,
    ReadResp, TombstoneReq, TombstoneResp,
};
use crate::request::{Mode, ReadRequest, Source};
use crate::store::Store;
use crate::subscription::{ReadStream, Subscription};
use crate::{append, read};

/// The service over one store.
#[derive(Debug, Clone)]
pub struct StreamsService {
    store: Arc<Store>,
}

impl StreamsService {
    pub fn new(store: Arc<Store>) -> Self {
        Self { store }
    }
}

#[tonic::async_trait]
impl Streams for StreamsService {
    type ReadStream = ReadStream;
    type BatchAppendStream = futures::stream::Empty<Result<BatchAppendResp, Status>>;

    async fn read(&self, request: Request<ReadReq>) -> Result<Response<ReadStream>, Status> {
        let request = ReadRequest::parse(request.into_inner())?;
        tracing::debug!(?request, "read");
        let format = request.uuid_format;
        let stream: ReadStream = match (request.source, request.mode) {
            (Source::Stream { name, from }, Mode::Read { backwards, count }) => {
                let log = self.store.log();
                let messages = read::stream(
                    &log,
                    &name,
                    from,
                    backwards,
                    count,
                    format,
                    request.compatibility,
                );
                finite(messages)
            }
            (Source::All { from, filter }, Mode::Read { backwards, count }) => {
                let log = self.store.log();
                finite(read::all(
                    &log,
                    from,
                    filter.as_ref(),
                    backwards,
                    count,
                    format,
                ))
            }
            (Source::Stream { name, from }, Mode::Subscribe) => {
                Subscription::to_stream(Arc::clone(&self.store), name, from, format).into_stream()
            }
            (Source::All { from, filter }, Mode::Subscribe) => {
                Subscription::to_all(Arc::clone(&self.store), from, filter, format).into_stream()
            }
        };
        Ok(Response::new(stream))
    }

    async fn append(
        &self,
        request: Request<Streaming<AppendReq>>,
    ) -> Result<Response<AppendResp>, Status> {
        append::append(&self.store, request.into_inner())
            .await
            .map(Response::new)
    }

    async fn delete(&self, _: Request<DeleteReq>) -> Result<Response<DeleteResp>, Status> {
        Err(Status::unimplemented("the fake does not delete streams"))
    }

    async fn tombstone(&self, _: Request<TombstoneReq>) -> Result<Response<TombstoneResp>, Status> {
        Err(Status::unimplemented("the fake does not tombstone streams"))
    }

    async fn batch_append(
        &self,
        _: Request<Streaming<BatchAppendReq>>,
    ) -> Result<Response<Self::BatchAppendStream>, Status> {
        Err(Status::unimplemented("the fake serves Streams.Append only"))
    }
}

fn finite(messages: Vec<ReadResp>) -> ReadStream {
    Box::pin(futures::stream::iter(messages.into_iter().map(Ok)))
}
