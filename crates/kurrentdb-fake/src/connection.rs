//! Accepted connections, acknowledged at once.
//!
//! The `kurrentdb` client leaves Nagle's algorithm on, and sends a request's HEADERS and DATA
//! frames in separate writes: the DATA then waits until the HEADERS are acknowledged, and a
//! Linux receiver delays that acknowledgement by up to 40 ms. Every append and read would take
//! 40 ms. So after each read from a connection the fake asks the kernel for a quick ACK
//! (`TCP_QUICKACK`), which sends a delayed one right away: requests take about a millisecond.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tonic::transport::server::{Connected, TcpConnectInfo};

/// One accepted connection.
#[derive(Debug)]
pub struct Connection(TcpStream);

impl Connection {
    fn quick_ack(&self) {
        #[cfg(target_os = "linux")]
        {
            // Best effort: without it requests are only slower.
            let _ = socket2::SockRef::from(&self.0).set_tcp_quickack(true);
        }
    }
}

/// The connections `listener` accepts, for tonic.
pub fn incoming(listener: TcpListener) -> impl Stream<Item = io::Result<Connection>> {
    futures::stream::unfold(listener, |listener| async move {
        let accepted = listener.accept().await.map(|(stream, _)| {
            // Nagle off for the answers, as a real server has it.
            let _ = stream.set_nodelay(true);
            Connection(stream)
        });
        Some((accepted, listener))
    })
}

impl Connected for Connection {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.0.connect_info()
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.0).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            self.quick_ack();
        }
        polled
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
