//! The board under concurrent HTTP load, on the demo district.

use super::report::{self, header_of};
use super::{BoardArgs, load, scratch};
use crate::demo::{plan, seed};
use crate::{serve, stores};
use event_store::{Clock, ManualClock};
use std::sync::Arc;

/// Which path request `i` asks for.
type Paths = Box<dyn Fn(usize) -> String + Send + Sync>;

pub(crate) async fn run(args: BoardArgs) -> anyhow::Result<()> {
    let dir = scratch(args.dir)?;
    let url = format!("sqlite://{}", dir.path().join("board.db").display());
    let now = plan::now();
    let clock = Arc::new(ManualClock::new(now));
    let opened = stores::open(&url, clock.clone())?;
    seed::prepare(opened.log.clone(), clock.clone(), &plan::Plan::build()).await?;
    clock.set(now);
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
    }
    let clock: Arc<dyn Clock> = clock;
    let running = serve::start(opened, clock, "127.0.0.1:0".parse()?).await?;
    let address = running.address;
    let unit = first_unit(address).await?;
    println!(
        "The demo district (52 units, 20 groups, 261 cadres, 8,316 events) over HTTP on \
         loopback, {} keep-alive clients",
        args.clients
    );
    println!();
    header_of("requests");
    let fixed = |p: String| move |_: usize| p.clone();
    let unit_path = format!("/api/v1/units/{unit}/obligations");
    let scenarios: Vec<(&str, usize, Paths)> = vec![
        (
            "GET /api/v1/board (now)",
            args.requests,
            Box::new(fixed("/api/v1/board".into())),
        ),
        (
            "GET /api/v1/board?as_of=30 June (a past instant: computed once, then immutable)",
            args.requests,
            Box::new(fixed(
                "/api/v1/board?as_of=2026-06-30T23:59:59%2B08:00".into(),
            )),
        ),
        (
            "GET /api/v1/board?as_of= a new past instant every request (computed each time)",
            args.requests / 10,
            Box::new(|i| {
                // One second apart from 1 June on: never the same instant twice.
                let t = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00+08:00")
                    .expect("a valid instant")
                    + chrono::TimeDelta::seconds(i as i64);
                format!("/api/v1/board?as_of={}", t.to_rfc3339().replace('+', "%2B"))
            }),
        ),
        (
            "GET /api/v1/units/{id}/obligations (now)",
            args.requests,
            Box::new(fixed(unit_path)),
        ),
    ];
    for (name, requests, path) in scenarios {
        let path: Arc<dyn Fn(usize) -> String + Send + Sync> = Arc::from(path);
        // Warm up: the first request of each fills caches.
        let warm = path.clone();
        load::get(address, move |i| warm(i + 1_000_000), 1, 10, String::new()).await?;
        let m = load::get(
            address,
            move |i| path(i),
            args.clients,
            requests,
            name.to_owned(),
        )
        .await?;
        report::row(&m);
    }
    running.stop().await
}

/// The id of the first unit on the board.
async fn first_unit(address: std::net::SocketAddr) -> anyhow::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(address).await?;
    s.write_all(b"GET /api/v1/units HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let mut body = String::new();
    s.read_to_string(&mut body).await?;
    let json = body.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let start = json
        .find("\"unit_id\":\"")
        .ok_or_else(|| anyhow::anyhow!("no unit in {json:.200}"))?
        + 11;
    Ok(json[start..start + 36].to_owned())
}
