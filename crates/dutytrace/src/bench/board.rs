//! The board under concurrent HTTP load, on the demo district, signed in as the
//! administrator (who sees every unit) with a password made up for the run.

use super::report::{self, header_of};
use super::{BoardArgs, load, scratch};
use crate::demo::{plan, seed};
use crate::{serve, stores};
use anyhow::Context;
use auth::Secret;
use event_store::{Clock, ManualClock};
use std::net::SocketAddr;
use std::sync::Arc;

/// Which path request `i` asks for.
type Paths = Box<dyn Fn(usize) -> String + Send + Sync>;

pub(crate) async fn run(args: BoardArgs) -> anyhow::Result<()> {
    let dir = scratch(args.dir)?;
    let url = format!("sqlite://{}", dir.path().join("board.db").display());
    let now = plan::now();
    let clock = Arc::new(ManualClock::new(now));
    let opened = stores::open(&url, None, clock.clone()).await?;
    let plan = plan::Plan::build();
    seed::prepare(opened.log.clone(), clock.clone(), &plan).await?;
    clock.set(now);
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
    }
    let clock: Arc<dyn Clock> = clock;
    // The reminders due by now, as the service's watcher would append them at start, so
    // the load meets the district settled rather than its first seconds of catching up.
    crate::watcher::Watcher::new(opened.log.clone(), opened.models.clone(), clock.clone())
        .pass()
        .await?;
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
    }
    let events = opened.log.head().await?;
    // A password nobody knows beyond this run; the scratch store goes away with it.
    let password = Secret::new(format!("bench-{:032x}", rand::random::<u128>()));
    let running = serve::start(
        opened,
        clock,
        "127.0.0.1:0".parse()?,
        Some(password.clone()),
        None,
    )
    .await?;
    let address = running.address;
    let token = load::sign_in(address, api::ADMIN, &password).await?;
    let unit = first_unit(address, &token).await?;
    println!(
        "The demo district ({} units, {} groups, {} cadres, {} logins, {events} events) over \
         HTTP on loopback, {} keep-alive clients, each request signed in with a bearer token",
        plan.district.units.len(),
        plan.district.groups.len(),
        plan.district.cadres.len(),
        plan.logins.len(),
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
        load::get(
            address,
            &token,
            move |i| warm(i + 1_000_000),
            1,
            10,
            String::new(),
        )
        .await?;
        let m = load::get(
            address,
            &token,
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

/// The id of the first unit the administrator sees.
async fn first_unit(address: SocketAddr, token: &Arc<str>) -> anyhow::Result<String> {
    let json = load::once(
        address,
        &load::Request::get("/api/v1/units".into(), token.clone()),
    )
    .await
    .context("listing the units")?;
    let start = json
        .find("\"unit_id\":\"")
        .ok_or_else(|| anyhow::anyhow!("no unit in {json:.200}"))?
        + 11;
    Ok(json[start..start + 36].to_owned())
}
