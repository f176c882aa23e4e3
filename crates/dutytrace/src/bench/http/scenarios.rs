//! The scenarios of the HTTP benchmark, in the order they run: the reads, then those that
//! write (the histories read by others, which record each read, and the duty entries),
//! then the board open-loop. Each prints its row as it ends.

use super::service::Service;
use super::{Measured, escape, local};
use crate::bench::HttpArgs;
use crate::bench::load::{self, Request, Requests};
use crate::bench::report::{self, fmt_us, header_of};
use domain::ids::CadreId;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long before now the as-of histories are asked for: a replay of the log up to a
/// month ago (30 June at the demo's now), not the history as it stands.
const AS_OF_AGO: chrono::TimeDelta = chrono::TimeDelta::days(31);

/// Terms searched for: words that the demo district's entries and problems use.
const TERMS: [&str; 3] = ["廉政", "整改", "谈话"];

/// Which path request `i` asks for.
type Paths = Arc<dyn Fn(usize) -> String + Send + Sync>;

/// Runs every scenario; the rows, and how many requests of the open-loop run were
/// answered.
pub(super) async fn run(s: &Service, args: &HttpArgs) -> anyhow::Result<(Vec<Measured>, u64)> {
    println!();
    println!(
        "{} events, {} units, {} cadres, over HTTP on loopback, {} keep-alive clients, each \
         request signed in with a bearer token; every answer checked (200, a command 201); \
         the per-user command limit lifted for the run",
        s.events,
        s.units.len(),
        s.cadres.len(),
        args.clients
    );
    println!();
    header_of("requests");
    let mut rows = Vec::new();
    for (name, requests) in reads(s) {
        rows.push(
            closed(
                s.address,
                requests,
                args.clients,
                args.requests,
                args.budget,
                name,
            )
            .await?,
        );
    }
    // The board at a fixed rate before the commands: thousands of new entries move the
    // board's position, and each new position computes the province's board afresh (about
    // 0.7 s) until the projectors have caught up — a steady-state figure needs the log still.
    let (m, answered) = open_loop(s, args).await?;
    rows.push(m);
    if let Some(m) = commands(s, args).await? {
        rows.push(m);
    }
    Ok((rows, answered))
}

/// GETs of `path(i)` with `token`, accepting gzip as a browser does (only the
/// commission's board answers compressed; its bytes are read as they come).
fn gets(token: &Arc<str>, path: Paths) -> Requests {
    let token = token.clone();
    Arc::new(move |_, i| Request::get(path(i), token.clone()).gzipped())
}

/// Always `path`.
fn fixed(path: String) -> Paths {
    Arc::new(move |_| path.clone())
}

/// The read scenarios, named: the boards, obligations, histories (those recorded last, as
/// each appends) and searches.
fn reads(s: &Service) -> Vec<(String, Requests)> {
    let admin = &s.admin;
    let mut plans = vec![(
        format!(
            "GET /api/v1/board (now), the commission's: every unit ({} rows, {:.1} MB)",
            s.board.0,
            s.board.1 as f64 / 1e6
        ),
        gets(admin, fixed("/api/v1/board".into())),
    )];
    if let Some(l) = &s.leader {
        plans.push((
            format!(
                "GET /api/v1/board (now), a leader in charge's ({}: {} units, {} rows)",
                l.username, l.units, l.rows
            ),
            gets(&l.token, fixed("/api/v1/board".into())),
        ));
    }
    let units = Arc::new(s.units.clone());
    plans.push((
        format!(
            "GET /api/v1/units/{{id}}/obligations (now), request i → unit i mod {}",
            units.len()
        ),
        gets(
            admin,
            Arc::new(move |i| format!("/api/v1/units/{}/obligations", units[i % units.len()])),
        ),
    ));
    let instant = local(s.now - AS_OF_AGO);
    let day = instant[..10].to_owned();
    let as_of = escape(&instant);
    let history = move |cadre: CadreId| format!("/api/v1/cadres/{cadre}/history?as_of={as_of}");
    let busiest = s.cadres[0];
    if let Some(token) = &s.busiest {
        plans.push((
            format!(
                "GET /api/v1/cadres/{{id}}/history?as_of={day}, the busiest cadre ({} events \
                 now) reading their own",
                busiest.events
            ),
            gets(token, fixed(history(busiest.cadre_id))),
        ));
    }
    plans.push((
        format!(
            "GET /api/v1/cadres/{{id}}/history?as_of={day}, the busiest cadre, read by the \
             commission (each read recorded first: a HistoryRead appended)"
        ),
        gets(admin, fixed(history(busiest.cadre_id))),
    ));
    let cadres: Vec<CadreId> = s.cadres.iter().map(|c| c.cadre_id).collect();
    plans.push((
        format!(
            "GET /api/v1/cadres/{{id}}/history?as_of={day}, request i → cadre i mod {}, read \
             by the commission (recorded)",
            cadres.len()
        ),
        gets(admin, Arc::new(move |i| history(cadres[i % cadres.len()]))),
    ));
    for term in TERMS {
        plans.push((
            format!("GET /api/v1/search?q={term}, the commission's (first 50 hits and the total)"),
            gets(admin, fixed(format!("/api/v1/search?q={}", escape(term)))),
        ));
    }
    plans
}

/// Duty entries (履责记录) recorded by many cadres at once, each client a cadre of its own
/// on an obligation of their own, so that no two clients append to one stream; none if no
/// cadre has an obligation open now.
async fn commands(s: &Service, args: &HttpArgs) -> anyhow::Result<Option<Measured>> {
    if s.writers.is_empty() {
        println!(
            "| POST /api/v1/obligations/{{id}}/entries: no cadre has an obligation open now — \
             not measured | | | | | |"
        );
        return Ok(None);
    }
    let writers: Vec<_> = s
        .writers
        .iter()
        .map(|w| (w.token.clone(), w.obligation))
        .collect();
    let clients = args.clients.min(writers.len());
    let today = domain::calendar::local_date(s.now);
    let record: Requests = Arc::new(move |c, i| {
        let (token, obligation) = &writers[c % writers.len()];
        let body = serde_json::json!({
            "performed_on": today,
            "content": format!("召开党委会专题研究党风廉政建设工作，部署整改落实（第{i}次）"),
        });
        Request::post(
            format!("/api/v1/obligations/{obligation}/entries"),
            Some(token.clone()),
            body.to_string(),
        )
    });
    let name = format!(
        "POST /api/v1/obligations/{{id}}/entries (履责记录), {clients} cadres, each on an \
         obligation of their own"
    );
    closed(s.address, record, clients, args.requests, args.budget, name)
        .await
        .map(Some)
}

/// The commission's board of now, open loop at `--rate` for `--seconds` (sending nothing
/// after twice as long); its row, and how many were answered.
async fn open_loop(s: &Service, args: &HttpArgs) -> anyhow::Result<(Measured, u64)> {
    // The board after the commands is computed by its first request, as a closed run's
    // warm-up would.
    load::once(
        s.address,
        &Request::get("/api/v1/board".into(), s.admin.clone()),
    )
    .await?;
    let seconds = Duration::from_secs_f64(args.seconds);
    let mut open = load::open(
        s.address,
        gets(&s.admin, fixed("/api/v1/board".into())),
        args.clients,
        args.rate,
        seconds,
        seconds * 2,
        format!(
            "open loop: GET /api/v1/board (now), the commission's, {} req/s due for {} s \
             (latency from when each was due)",
            args.rate, args.seconds
        ),
    )
    .await?;
    let due = open.measured.latency.len();
    if open.answered < due {
        open.measured.scenario.push_str(&format!(
            " — {} more unsent when it stopped",
            due - open.answered
        ));
    }
    report::row(&open.measured);
    println!();
    if open.answered < due {
        println!(
            "Open loop: the service fell behind — {} of {due} requests were still unsent when \
             the run stopped at {:.0} s; each is counted with the time it had waited by then, \
             so the row's percentiles are lower bounds",
            due - open.answered,
            (seconds * 2).as_secs_f64()
        );
    }
    let q = |h: &hdrhistogram::Histogram<u64>, p: f64| fmt_us(h.value_at_quantile(p));
    println!(
        "Open loop: {:.0} req/s asked, {:.0} answered a second; from the moment each request \
         was written: p50 {} / p99 {}; written behind schedule: p50 {} / p99 {} / max {} \
         (the client's timer has 1 ms ticks; more means a connection still awaited an answer)",
        open.rate,
        open.answered as f64 / open.measured.elapsed.as_secs_f64().max(1e-9),
        q(&open.service, 0.5),
        q(&open.service, 0.99),
        q(&open.behind, 0.5),
        q(&open.behind, 0.99),
        fmt_us(open.behind.max())
    );
    Ok((open.measured, open.answered))
}

/// Warms a scenario up (a few requests on one connection: the first fills the caches),
/// then measures `n` requests, or as many as are sent in `budget` seconds, and prints its
/// row.
async fn closed(
    address: SocketAddr,
    requests: Requests,
    clients: usize,
    n: usize,
    budget: f64,
    name: String,
) -> anyhow::Result<Measured> {
    let warm = requests.clone();
    load::closed(
        address,
        Arc::new(move |c, i| warm(c, i + 1_000_000)),
        1,
        3,
        None,
        String::new(),
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs_f64(budget.max(0.0));
    let mut m = load::closed(address, requests, clients, n, Some(deadline), name).await?;
    if m.events < n as u64 {
        m.scenario.push_str(&format!(" — stopped after {budget} s"));
    }
    report::row(&m);
    Ok(m)
}
