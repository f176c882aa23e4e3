//! A small HTTP/1.1 load generator: `clients` connections kept alive, each sending GETs
//! back to back, signed in with one bearer token, until `requests` have been answered
//! between them; latency per request. Enough for the board benchmark, with no dependency
//! beyond tokio.

use super::report::{Measured, histogram};
use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Runs the load and measures it; request `i` asks for `path(i)`, with `token`.
pub(crate) async fn get(
    address: SocketAddr,
    token: &str,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
    clients: usize,
    requests: usize,
    scenario: String,
) -> anyhow::Result<Measured> {
    let counter = Arc::new(AtomicUsize::new(0));
    let path = Arc::new(path);
    let authorization: Arc<str> = Arc::from(format!("Authorization: Bearer {token}\r\n"));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (counter, path, authorization) = (counter.clone(), path.clone(), authorization.clone());
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            let mut stream = BufReader::new(stream);
            let mut latency = histogram();
            loop {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let request = format!(
                    "GET {} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n{authorization}\r\n",
                    path(i)
                );
                let t = Instant::now();
                stream.get_mut().write_all(request.as_bytes()).await?;
                read_response(&mut stream).await?;
                latency.saturating_record(t.elapsed().as_micros() as u64);
            }
            anyhow::Ok(latency)
        }));
    }
    let mut latency = histogram();
    for t in tasks {
        latency.add(t.await??)?;
    }
    Ok(Measured {
        scenario,
        events: requests as u64,
        elapsed: start.elapsed(),
        latency,
    })
}

/// Reads one response; fails unless it is a 200 with a Content-Length body.
async fn read_response(stream: &mut BufReader<TcpStream>) -> anyhow::Result<()> {
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    if !line.starts_with("HTTP/1.1 200") {
        bail!("unexpected response {line:?}");
    }
    let mut length = None;
    loop {
        line.clear();
        stream.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = Some(v.trim().parse::<usize>().context("a Content-Length")?);
        }
    }
    let mut body = vec![0; length.context("a response without Content-Length")?];
    stream.read_exact(&mut body).await?;
    Ok(())
}
