//! The board under concurrent HTTP load, on the demo district.

use super::report::{self, header_of};
use super::{BoardArgs, load, scratch};
use crate::demo::{plan, seed};
use crate::{serve, stores};
use event_store::{Clock, ManualClock};
use std::sync::Arc;

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
    let scenarios = [
        ("GET /api/v1/board (now)", "/api/v1/board".to_owned()),
        (
            "GET /api/v1/board?as_of=30 June (computed per request)",
            "/api/v1/board?as_of=2026-06-30T23:59:59%2B08:00".to_owned(),
        ),
        (
            "GET /api/v1/units/{id}/obligations (now)",
            format!("/api/v1/units/{unit}/obligations"),
        ),
    ];
    for (name, path) in scenarios {
        // Warm up: the first request of each fills caches.
        load::get(address, &path, 1, 10, String::new()).await?;
        let m = load::get(address, &path, args.clients, args.requests, name.to_owned()).await?;
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
