//! A small HTTP/1.1 load generator with no dependency beyond tokio: `clients` connections
//! kept alive, each with one request in flight, signed in with bearer tokens; latency per
//! request. Two shapes:
//!
//! - closed loop ([`closed`], [`get`]): each client sends its next request as soon as the
//!   last is answered, until `requests` have been answered between them (or, given a
//!   deadline, none is sent after it) — the most the service answers, and its latency
//!   when it is saturated;
//! - open loop ([`open`]): requests are due on a fixed schedule (`rate` a second, spread
//!   evenly over the clients) whether or not the earlier ones were answered, and each
//!   latency runs from the instant the request was *due*, so a slow answer that holds back
//!   the requests behind it counts against them too (no coordinated omission).
//!
//! Every answer is checked: a GET must be 200, anything else 2xx; the first that is not
//! fails the run with its status and the start of its body, so no figure ever measures
//! errors.

use super::report::{Measured, histogram};
use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One request: what to ask, as whom.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: &'static str,
    pub path: String,
    /// Sent as `Authorization: Bearer <token>`; none for signing in.
    pub token: Option<Arc<str>>,
    /// A JSON body, for a POST.
    pub body: Option<String>,
    /// Sent with `Accept-Encoding: gzip`, as a browser asks: an answer may then come
    /// compressed, and is timed and read as it came, not decoded.
    pub gzip: bool,
}

impl Request {
    /// A GET of `path`.
    pub(crate) fn get(path: String, token: Arc<str>) -> Self {
        Self {
            method: "GET",
            path,
            token: Some(token),
            body: None,
            gzip: false,
        }
    }

    /// The same request, accepting a gzip answer as a browser does.
    pub(crate) fn gzipped(self) -> Self {
        Self { gzip: true, ..self }
    }

    /// A POST of the JSON `body` to `path`, with `token` if there is one.
    pub(crate) fn post(path: String, token: Option<Arc<str>>, body: String) -> Self {
        Self {
            method: "POST",
            path,
            token,
            body: Some(body),
            gzip: false,
        }
    }

    fn bytes(&self, address: SocketAddr) -> Vec<u8> {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n",
            self.method, self.path
        );
        if let Some(token) = &self.token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if self.gzip {
            head.push_str("Accept-Encoding: gzip\r\n");
        }
        if let Some(body) = &self.body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            head.push_str("\r\n");
        }
        head.into_bytes()
    }

    /// Whether `status` is the answer this request must get.
    fn succeeded(&self, status: u16) -> bool {
        match self.method {
            "GET" => status == 200,
            _ => (200..300).contains(&status),
        }
    }
}

/// Which request client `c` sends as request `i` of the run.
pub(crate) type Requests = Arc<dyn Fn(usize, usize) -> Request + Send + Sync>;

/// A closed-loop run of GETs of `path(i)` with one `token`: the board benchmark's shape.
pub(crate) async fn get(
    address: SocketAddr,
    token: &str,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
    clients: usize,
    requests: usize,
    scenario: String,
) -> anyhow::Result<Measured> {
    let token: Arc<str> = Arc::from(token);
    let requests_of: Requests = Arc::new(move |_, i| Request::get(path(i), token.clone()));
    closed(address, requests_of, clients, requests, None, scenario).await
}

/// Closed loop: `clients` connections send `requests` between them, each its next as soon
/// as its last is answered; request `i` (whichever client takes it) is `request(c, i)`.
/// Past `deadline`, if one is given, no client sends another: those in flight are
/// answered and counted, and the row counts the requests answered.
pub(crate) async fn closed(
    address: SocketAddr,
    request: Requests,
    clients: usize,
    requests: usize,
    deadline: Option<Instant>,
    scenario: String,
) -> anyhow::Result<Measured> {
    let counter = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients.max(1) {
        let (counter, request) = (counter.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(address).await?;
            let mut latency = histogram();
            loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
                let i = counter.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let r = request(c, i);
                let t = Instant::now();
                connection.send(&r).await?;
                latency.saturating_record(micros(t.elapsed()));
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
        events: latency.len(),
        elapsed: start.elapsed(),
        latency,
    })
}

/// An open-loop run: its row, and where the time went.
#[derive(Debug)]
pub(crate) struct OpenMeasured {
    /// Requests answered, and the latency of every request due from the instant it was
    /// due to its answer (or, unsent when the run stopped, to the stop).
    pub measured: Measured,
    /// Latency from the instant each request was actually written to its answer.
    pub service: Histogram<u64>,
    /// How late each request was written after it was due (the client's timer, or the
    /// connection still waiting for an earlier answer).
    pub behind: Histogram<u64>,
    /// The rate asked for.
    pub rate: f64,
    /// Requests answered; the others were still unsent when the run stopped.
    pub answered: u64,
}

/// Open loop: `rate` requests a second for `duration`, request `i` due at `i / rate`
/// seconds after the start, sent by client `i mod clients` on its own keep-alive
/// connection; each client ticks a tokio interval at `clients / rate` seconds, offset by
/// its number, and catches up at once (`MissedTickBehavior::Burst`) when an answer kept it
/// past its next due instant.
///
/// A service slower than the rate falls further behind with every request; so that such a
/// run ends, nothing is sent once `stop` has passed since the start: each request still
/// unsent then is counted with the time it had waited by then — less than it would have
/// waited, so the percentiles stay lower bounds rather than flattering figures.
pub(crate) async fn open(
    address: SocketAddr,
    request: Requests,
    clients: usize,
    rate: f64,
    duration: Duration,
    stop: Duration,
    scenario: String,
) -> anyhow::Result<OpenMeasured> {
    if !(rate > 0.0 && rate.is_finite()) {
        bail!("--rate {rate}: say how many requests a second, more than 0");
    }
    let clients = clients.max(1);
    let total = (rate * duration.as_secs_f64()).round().max(1.0) as usize;
    let gap = Duration::from_secs_f64(1.0 / rate);
    let period = gap * clients as u32;
    let mut connections = Vec::with_capacity(clients);
    for _ in 0..clients {
        connections.push(Connection::open(address).await?);
    }
    // Every connection is open before the first request is due.
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let stop_at = start.into_std() + stop.max(duration);
    let mut tasks = Vec::new();
    for (c, mut connection) in connections.into_iter().enumerate() {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(start + gap * c as u32, period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let (mut latency, mut service, mut behind) = (histogram(), histogram(), histogram());
            for i in (c..total).step_by(clients) {
                let due = ticks.tick().await.into_std();
                if Instant::now() >= stop_at {
                    // This one and those after it: waiting since they were due.
                    for j in (i..total).step_by(clients) {
                        let due = start.into_std() + gap * j as u32;
                        latency.saturating_record(micros(stop_at.saturating_duration_since(due)));
                    }
                    break;
                }
                let r = request(c, i);
                let sent = Instant::now();
                connection.send(&r).await?;
                let done = Instant::now();
                latency.saturating_record(micros(done - due));
                service.saturating_record(micros(done - sent));
                behind.saturating_record(micros(sent.saturating_duration_since(due)));
            }
            anyhow::Ok((latency, service, behind, Instant::now()))
        }));
    }
    let (mut latency, mut service, mut behind) = (histogram(), histogram(), histogram());
    let mut last = start.into_std();
    for t in tasks {
        let (l, s, b, done) = t.await??;
        latency.add(l)?;
        service.add(s)?;
        behind.add(b)?;
        last = last.max(done);
    }
    let answered = service.len();
    Ok(OpenMeasured {
        measured: Measured {
            scenario,
            events: answered,
            elapsed: last - start.into_std(),
            latency,
        },
        service,
        behind,
        rate,
        answered,
    })
}

/// Sends one request on a connection of its own; the body of its answer, which must be
/// the status the request must get (see [`Request`]).
pub(crate) async fn once(address: SocketAddr, request: &Request) -> anyhow::Result<String> {
    let mut connection = Connection::open(address).await?;
    connection.send(request).await?;
    Ok(String::from_utf8(std::mem::take(&mut connection.body))?)
}

/// Signs in and returns the bearer token.
pub(crate) async fn sign_in(
    address: SocketAddr,
    username: &str,
    password: &auth::Secret,
) -> anyhow::Result<Arc<str>> {
    let body = serde_json::json!({"username": username, "password": password.expose()});
    let answer = once(
        address,
        &Request::post("/api/v1/auth/login".into(), None, body.to_string()),
    )
    .await
    .with_context(|| format!("signing in as {username}"))?;
    let answer: serde_json::Value = serde_json::from_str(&answer)?;
    answer["token"]
        .as_str()
        .map(Arc::from)
        .with_context(|| format!("no token in the answer to signing in as {username}"))
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// One keep-alive connection and a buffer for the bodies it reads.
struct Connection {
    address: SocketAddr,
    stream: BufReader<TcpStream>,
    body: Vec<u8>,
}

impl Connection {
    async fn open(address: SocketAddr) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(address)
            .await
            .with_context(|| format!("connecting to {address}"))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            address,
            stream: BufReader::new(stream),
            body: Vec::new(),
        })
    }

    /// Sends `r` and reads its answer; fails unless it is the status `r` must get.
    async fn send(&mut self, r: &Request) -> anyhow::Result<()> {
        self.stream
            .get_mut()
            .write_all(&r.bytes(self.address))
            .await?;
        let status = self.read_response().await?;
        if !r.succeeded(status) {
            bail!(
                "{} {} answered {status}: {:.300}",
                r.method,
                r.path,
                String::from_utf8_lossy(&self.body)
            );
        }
        Ok(())
    }

    /// Reads one response with a Content-Length body into `self.body`; its status.
    async fn read_response(&mut self) -> anyhow::Result<u16> {
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse::<u16>().ok())
            .with_context(|| format!("not an HTTP/1.1 response: {line:?}"))?;
        let mut length = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
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
        let length =
            length.with_context(|| format!("a {status} response without Content-Length"))?;
        self.body.resize(length, 0);
        self.stream.read_exact(&mut self.body).await?;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::http::StatusCode;
    use axum::routing::get as route_get;

    /// A server answering `/ok` 200, `/created` 201, `/missing` 404 with a problem body,
    /// `/slow` 200 after 20 ms.
    async fn server() -> SocketAddr {
        let created = || async { (StatusCode::CREATED, "{}") };
        let app = Router::new()
            .route("/ok", route_get(|| async { "{}" }))
            .route("/created", route_get(created).post(created))
            .route(
                "/missing",
                route_get(|| async { (StatusCode::NOT_FOUND, r#"{"title":"no such thing"}"#) }),
            )
            .route(
                "/slow",
                route_get(|| async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    "{}"
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("bound");
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }

    fn gets(path: &'static str) -> Requests {
        Arc::new(move |_, _| Request::get(path.into(), Arc::from("token")))
    }

    #[tokio::test]
    async fn a_closed_loop_counts_every_success_and_fails_at_the_first_error() {
        let a = server().await;
        let m = closed(a, gets("/ok"), 4, 50, None, "ok".into())
            .await
            .expect("every answer 200");
        assert_eq!((m.events, m.latency.len()), (50, 50));
        let posts: Requests = Arc::new(|_, i| {
            Request::post(
                "/created".into(),
                Some(Arc::from("t")),
                format!("{{\"i\":{i}}}"),
            )
        });
        let m = closed(a, posts, 2, 10, None, "post".into())
            .await
            .expect("201 is a command's success");
        assert_eq!(m.latency.len(), 10);
        let e = closed(a, gets("/missing"), 2, 10, None, String::new())
            .await
            .expect_err("a 404 fails the run");
        assert!(
            e.to_string().contains("GET /missing answered 404")
                && e.to_string().contains("no such thing"),
            "{e}"
        );
        closed(a, gets("/created"), 1, 1, None, String::new())
            .await
            .expect_err("a query must be answered 200, not 201");
    }

    #[tokio::test]
    async fn an_open_loop_keeps_its_schedule_and_counts_from_when_each_request_was_due() {
        let a = server().await;
        let half = Duration::from_millis(500);
        // 100 a second for half a second: 50 requests spread over it, not sent at once.
        let m = open(a, gets("/ok"), 2, 100.0, half, 2 * half, String::new())
            .await
            .expect("every answer 200");
        assert_eq!((m.measured.events, m.measured.latency.len()), (50, 50));
        assert_eq!(m.answered, 50);
        assert!(m.measured.elapsed >= Duration::from_millis(480), "{m:?}");
        // One connection, a request due every 10 ms, each answered in 20 ms: they queue,
        // and their latency from when they were due grows far past the 20 ms each takes.
        let m = open(a, gets("/slow"), 1, 100.0, half, 4 * half, String::new())
            .await
            .expect("every answer 200");
        assert_eq!(m.answered, 50);
        let due = m.measured.latency.value_at_quantile(0.99);
        let service = m.service.value_at_quantile(0.99);
        assert!(
            service >= 20_000 && due > 4 * service && m.behind.max() > 200_000,
            "p99 from due {due} µs, from sent {service} µs"
        );
    }

    #[tokio::test]
    async fn an_open_loop_stops_sending_at_its_stop_and_counts_what_was_left_as_waiting() {
        let a = server().await;
        // 200 due in half a second on one connection that answers 50 a second at best.
        let half = Duration::from_millis(500);
        let m = open(a, gets("/slow"), 1, 400.0, half, half, String::new())
            .await
            .expect("every answer 200");
        assert_eq!(m.measured.latency.len(), 200, "every request counted");
        assert!(m.answered < 40, "{} answered", m.answered);
        assert_eq!(m.measured.events, m.answered);
        assert!(m.measured.elapsed < 2 * half, "{:?}", m.measured.elapsed);
        // The last request was due just before the stop; the first unsent ones had waited
        // almost all of it.
        assert!(
            m.measured.latency.max() > 300_000,
            "{}",
            m.measured.latency.max()
        );
    }
}
