//! `dutytrace bench http`: the service under concurrent HTTP load on a seeded store (a
//! province: `dutytrace seed --scale province`) — issue 10's board, obligations, history,
//! search and command figures, the board at a fixed rate (open loop), and the process's
//! peak memory.
//!
//! The store named is never changed. Measuring it writes — every command, every read of
//! another's history (a `HistoryRead`), the sign-ins, the administrator's password the run
//! makes up, a signing key, the read models caught up — so the run works on a copy of the
//! log and its read models in a scratch directory (`--dir`, default a temporary one,
//! removed afterwards); the original credentials are neither read nor copied: the copy
//! gets its own, with one made-up password for the few logins the run signs in with.
//!
//! The service runs in this process, as `bench board` does (`serve::start` on 127.0.0.1:0,
//! the clock at `--now`, by default the demo's now, when a seeded log's lights are as the
//! demo shows them), so the load generator shares the CPU with it and the peak memory
//! reported is both.

mod probe;

pub use super::copy::Copied;
pub use super::report::Measured;
pub use probe::CadreEvents;

use super::copy::copy_store;
use super::load::{self, Request, Requests};
use super::report::{self, fmt_us, header_of, mib, peak_mib, reset_peak, rss_mib};
use super::{HttpArgs, scratch};
use crate::demo::plan;
use crate::{serve, stores};
use anyhow::{Context, bail};
use auth::Secret;
use domain::ids::{CadreId, ObligationId};
use event_store::{Clock, ManualClock};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long before now the as-of histories are asked for: a replay of the log up to a
/// month ago (30 June at the demo's now), not the history as it stands.
const AS_OF_AGO: chrono::TimeDelta = chrono::TimeDelta::days(31);

/// Terms searched for: words that the demo district's entries and problems use.
const TERMS: [&str; 3] = ["廉政", "整改", "谈话"];

/// What a run measured.
#[derive(Debug)]
pub struct HttpReport {
    /// One row per scenario, in the order run; the open-loop run of the board is last.
    pub rows: Vec<Measured>,
    /// Every cadre of the store with the events of their history, most first: the first
    /// is the busiest.
    pub cadres: Vec<CadreEvents>,
    /// The process's peak resident memory from the start of the service to the end of the
    /// load (MiB; Linux only).
    pub peak_mib: Option<f64>,
    /// Rows of the commission's board, and of the leader in charge's if one signed in.
    pub board_rows: (usize, Option<usize>),
    /// Requests of the open-loop run answered (the others were unsent when it stopped).
    pub open_answered: u64,
    /// The copy the run measured.
    pub copied: Copied,
}

/// Runs `dutytrace bench http` and prints its table.
pub async fn run(args: HttpArgs) -> anyhow::Result<()> {
    measure(args).await.map(|_| ())
}

/// Runs every scenario of `dutytrace bench http`, printing the table as it goes, and
/// returns what was measured. Fails at the first answer that is not a success.
pub async fn measure(args: HttpArgs) -> anyhow::Result<HttpReport> {
    if args.clients == 0 || args.requests == 0 {
        bail!("--clients and --requests must be at least 1");
    }
    let dir = scratch(args.dir.clone())?;
    let copied = copy_store(&args.store, dir.path(), "bench")?;
    println!(
        "{} copied to a scratch directory ({:.0} MB, read models {}) in {:.1} s; the run \
         writes only to the copy",
        args.store,
        copied.bytes as f64 / 1e6,
        if copied.views {
            "included"
        } else {
            "not built yet"
        },
        copied.elapsed.as_secs_f64()
    );
    let service = Service::start(&copied, &args).await?;
    let rows = scenarios(&service, &args).await;
    let peak = peak_mib();
    let rss = rss_mib();
    let stopped = service.running.stop().await;
    let (rows, open_answered) = rows?;
    stopped?;
    println!();
    println!(
        "Server memory (the service and the load generator are one process): peak RSS {} from \
         the start of the service to the end of the load (VmHWM), {} at the end (VmRSS)",
        mib(peak),
        mib(rss)
    );
    drop(dir);
    Ok(HttpReport {
        rows,
        cadres: service.cadres,
        peak_mib: peak,
        board_rows: (
            service.board.0,
            service.leader.as_ref().map(|_| service.leader_rows),
        ),
        open_answered,
        copied,
    })
}

/// The service started on the copy, with everything the scenarios need.
struct Service {
    running: serve::Running,
    address: SocketAddr,
    /// The administrator's token: the commission's view, the whole store.
    admin: Arc<str>,
    /// A leader in charge's login and token, and how many units they oversee.
    leader: Option<(String, Arc<str>, u64)>,
    /// The busiest cadre's own token, if they have a login.
    busiest: Option<Arc<str>>,
    /// Cadres signed in to record duty entries, each with an obligation of their own.
    writers: Vec<Writer>,
    /// Every unit on the administrator's board.
    units: Vec<String>,
    /// Rows and bytes of the administrator's board.
    board: (usize, usize),
    /// Rows of the leader's board.
    leader_rows: usize,
    cadres: Vec<CadreEvents>,
    events: u64,
    now: chrono::DateTime<chrono::Utc>,
}

/// A cadre who records duty entries in the command scenario.
struct Writer {
    token: Arc<str>,
    obligation: ObligationId,
}

impl Service {
    /// Opens the copy at the demo's now, catches up every read model and appends the
    /// reminders due (reporting both), ranks the cadres, gives the logins the run uses a
    /// made-up password, starts the service and signs them in.
    async fn start(copied: &Copied, args: &HttpArgs) -> anyhow::Result<Self> {
        let now = args.now.unwrap_or_else(plan::now);
        let clock = Arc::new(ManualClock::new(now));
        let opened = stores::open(&copied.url, None, clock.clone()).await?;
        let events = opened.log.head().await?;
        if events == 0 {
            opened.close().await;
            bail!(
                "--store {}: the log holds no events — seed it first with `dutytrace seed \
                 --scale province --store {}`",
                args.store,
                args.store
            );
        }
        let started = Instant::now();
        let mut applied = 0;
        let mut rebuilt = Vec::new();
        for projection in serve::projections() {
            let r = projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
            applied += r.events;
            if r.rebuilt || r.from == 0 {
                rebuilt.push(r.projection);
            }
        }
        println!(
            "Read models caught up with the log's {events} events in {:.1} s ({applied} events \
             applied{})",
            started.elapsed().as_secs_f64(),
            if rebuilt.is_empty() {
                String::new()
            } else {
                format!("; built from zero: {}", rebuilt.join(", "))
            }
        );
        let pass = crate::watcher::Watcher::new(
            opened.log.clone(),
            opened.models.clone(),
            clock.clone() as Arc<dyn Clock>,
        )
        .pass()
        .await?;
        for projection in serve::projections() {
            projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
        }
        println!(
            "Reminders due by now ({}): {} appended, as the service's deadline watcher would \
             at start",
            local(now),
            pass.appended
        );

        let started = Instant::now();
        let models = opened.models.clone();
        let (cadres, leader, writers) = tokio::task::spawn_blocking(move || {
            let c = models.reader()?;
            let cadres = probe::histories(&c)?;
            let leader = probe::scoped_leader(&c)?;
            let writers = probe::writers(&c)?;
            let busiest = match cadres.first() {
                Some(b) => probe::login_of(&c, b.cadre_id)?,
                None => None,
            };
            anyhow::Ok((cadres, leader, (writers, busiest)))
        })
        .await??;
        let (writers, busiest_login) = writers;
        let Some(busiest) = cadres.first().copied() else {
            opened.close().await;
            bail!("--store {}: the log names no cadre", args.store);
        };
        println!(
            "Busiest cadre: {} with {} events in their history, of {} cadres (ranked from the \
             read models in {:.2} s: each stream's events as the catalog counts them, summed \
             over the streams a history reads)",
            busiest.cadre_id,
            busiest.events,
            cadres.len(),
            started.elapsed().as_secs_f64()
        );

        // The writers: spread over the store, one per client.
        let stride = (writers.len() / args.clients).max(1);
        let writers: Vec<(String, CadreId)> = writers
            .into_iter()
            .step_by(stride)
            .take(args.clients)
            .collect();
        let password = Secret::new(format!("bench-{:032x}", rand::random::<u128>()));
        let mut logins: Vec<String> = writers.iter().map(|(u, _)| u.clone()).collect();
        logins.extend(leader.iter().map(|(u, _)| u.clone()));
        logins.extend(busiest_login.iter().cloned());
        let users: Vec<(uuid::Uuid, String)> = logins
            .iter()
            .map(|u| (domain::user::user_id_for(u).uuid(), u.clone()))
            .collect();
        let auth = opened.auth.clone();
        let same = password.clone();
        tokio::task::spawn_blocking(move || auth.set_same_password(&users, &same))
            .await?
            .context("giving the benchmark's logins a password in the copy")?;

        // Only the service and the load from here on count towards the peak.
        reset_peak();
        let running = serve::start(
            opened,
            clock,
            "127.0.0.1:0".parse()?,
            Some(password.clone()),
            None,
        )
        .await?;
        let address = running.address;
        let signed_in = async {
            let admin = sign_in(address, api::ADMIN, &password).await?;
            let leader = match leader {
                Some((name, units)) => {
                    let token = sign_in(address, &name, &password).await?;
                    Some((name, token, units))
                }
                None => None,
            };
            let busiest = match &busiest_login {
                Some(name) => Some(sign_in(address, name, &password).await?),
                None => None,
            };
            let mut signed = Vec::new();
            for (name, cadre) in &writers {
                let token = sign_in(address, name, &password).await?;
                if let Some(obligation) = open_obligation(address, &token, *cadre, now).await? {
                    signed.push(Writer { token, obligation });
                }
            }
            let board = load::once(
                address,
                &Request::get("/api/v1/board".into(), admin.clone()),
            )
            .await?;
            let board_bytes = board.len();
            let board: serde_json::Value = serde_json::from_str(&board)?;
            let rows = board["units"].as_array().context("the board has no rows")?;
            let units: Vec<String> = rows
                .iter()
                .filter_map(|r| r["unit_id"].as_str().map(str::to_owned))
                .collect();
            let leader_rows = match &leader {
                Some((_, token, _)) => {
                    let b = load::once(
                        address,
                        &Request::get("/api/v1/board".into(), token.clone()),
                    )
                    .await?;
                    let b: serde_json::Value = serde_json::from_str(&b)?;
                    b["units"].as_array().map_or(0, Vec::len)
                }
                None => 0,
            };
            anyhow::Ok((
                admin,
                leader,
                busiest,
                signed,
                units,
                (rows.len(), board_bytes),
                leader_rows,
            ))
        }
        .await;
        let (admin, leader, busiest, writers, units, board, leader_rows) = match signed_in {
            Ok(s) => s,
            Err(e) => {
                let _ = running.stop().await;
                return Err(e);
            }
        };
        Ok(Self {
            running,
            address,
            admin,
            leader,
            busiest,
            writers,
            units,
            board,
            leader_rows,
            cadres,
            events,
            now,
        })
    }
}

/// `t` as Shanghai's local time, the way the demo states instants.
fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    t.with_timezone(&shanghai).to_rfc3339()
}

/// Runs the scenarios in order — reads first, then those that append (the history reads
/// by others, the commands), then the open-loop board — printing a row for each.
/// The rows, and how many requests of the open-loop run were answered.
async fn scenarios(s: &Service, args: &HttpArgs) -> anyhow::Result<(Vec<Measured>, u64)> {
    let busiest = s.cadres[0];
    println!();
    println!(
        "{} events, {} units, {} cadres, over HTTP on loopback, {} keep-alive clients, each \
         request signed in with a bearer token; every answer checked (200, a command 201)",
        s.events,
        s.units.len(),
        s.cadres.len(),
        args.clients
    );
    println!();
    header_of("requests");
    let n = args.requests;
    let admin = s.admin.clone();
    let get = |token: &Arc<str>, path: Arc<dyn Fn(usize) -> String + Send + Sync>| -> Requests {
        let token = token.clone();
        Arc::new(move |_, i| Request::get(path(i), token.clone()))
    };
    let fixed =
        |p: String| -> Arc<dyn Fn(usize) -> String + Send + Sync> { Arc::new(move |_| p.clone()) };
    let mut plans: Vec<(String, usize, Requests)> = vec![(
        format!(
            "GET /api/v1/board (now), the commission's: every unit ({} rows, {:.1} MB)",
            s.board.0,
            s.board.1 as f64 / 1e6
        ),
        n,
        get(&admin, fixed("/api/v1/board".into())),
    )];
    if let Some((name, token, units)) = &s.leader {
        plans.push((
            format!(
                "GET /api/v1/board (now), a leader in charge's ({name}: {units} units, {} rows)",
                s.leader_rows
            ),
            n,
            get(token, fixed("/api/v1/board".into())),
        ));
    }
    let units = Arc::new(s.units.clone());
    plans.push((
        format!(
            "GET /api/v1/units/{{id}}/obligations (now), request i → unit i mod {}",
            units.len()
        ),
        n,
        get(
            &admin,
            Arc::new(move |i| format!("/api/v1/units/{}/obligations", units[i % units.len()])),
        ),
    ));
    let as_of_instant = local(s.now - AS_OF_AGO);
    let day = &as_of_instant[..10];
    let as_of = escape(&as_of_instant);
    let history = |cadre: CadreId| format!("/api/v1/cadres/{cadre}/history?as_of={as_of}");
    if let Some(token) = &s.busiest {
        plans.push((
            format!(
                "GET /api/v1/cadres/{{id}}/history?as_of={day}, the busiest cadre ({} events \
                 now) reading their own",
                busiest.events
            ),
            n,
            get(token, fixed(history(busiest.cadre_id))),
        ));
    }
    plans.push((
        format!(
            "GET /api/v1/cadres/{{id}}/history?as_of={day}, the busiest cadre, read by the \
             commission (each read recorded first: a HistoryRead appended)"
        ),
        n,
        get(&admin, fixed(history(busiest.cadre_id))),
    ));
    let cadres: Arc<Vec<CadreId>> = Arc::new(s.cadres.iter().map(|c| c.cadre_id).collect());
    {
        let cadres = cadres.clone();
        let as_of = as_of.clone();
        plans.push((
            format!(
                "GET /api/v1/cadres/{{id}}/history?as_of={day}, request i → cadre i mod {}, \
                 read by the commission (recorded)",
                cadres.len()
            ),
            n,
            get(
                &admin,
                Arc::new(move |i| {
                    format!(
                        "/api/v1/cadres/{}/history?as_of={as_of}",
                        cadres[i % cadres.len()]
                    )
                }),
            ),
        ));
    }
    for term in TERMS {
        plans.push((
            format!("GET /api/v1/search?q={term}, the commission's (first 50 hits and the total)"),
            n,
            get(&admin, fixed(format!("/api/v1/search?q={}", escape(term)))),
        ));
    }
    let mut rows = Vec::new();
    // The reads, in order; those recorded (HistoryRead) come last, as they write.
    for (name, requests, r) in plans {
        rows.push(closed(s.address, r, args.clients, requests, args.budget, name).await?);
    }

    // Commands: each client a cadre of its own recording entries for an obligation of
    // their own, so that no two clients append to one stream.
    if s.writers.is_empty() {
        println!(
            "| POST /api/v1/obligations/{{id}}/entries: no cadre with an obligation open now — not measured | | | | | |"
        );
    } else {
        let writers: Arc<Vec<(Arc<str>, ObligationId)>> = Arc::new(
            s.writers
                .iter()
                .map(|w| (w.token.clone(), w.obligation))
                .collect(),
        );
        let today = domain::calendar::local_date(s.now);
        let clients = args.clients.min(writers.len());
        let w = writers.clone();
        let record: Requests = Arc::new(move |c, i| {
            let (token, obligation) = &w[c % w.len()];
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
        rows.push(
            closed(
                s.address,
                record,
                clients,
                n,
                args.budget,
                format!(
                    "POST /api/v1/obligations/{{id}}/entries (履责记录), {clients} cadres, each on \
                     an obligation of their own"
                ),
            )
            .await?,
        );
    }

    // Open loop: the commission's board of now at --rate, once the commands' board is
    // computed (the first request after a write computes it, as a closed run warms up).
    load::once(
        s.address,
        &Request::get("/api/v1/board".into(), admin.clone()),
    )
    .await?;
    let seconds = Duration::from_secs_f64(args.seconds);
    let mut open = load::open(
        s.address,
        get(&admin, fixed("/api/v1/board".into())),
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
    let q = |h: &hdrhistogram::Histogram<u64>, p: f64| fmt_us(h.value_at_quantile(p));
    println!();
    if open.answered < due {
        println!(
            "Open loop: the service fell behind — {} of {} requests were still unsent when the \
             run stopped at {:.0} s; each is counted with the time it had waited by then, so \
             the row's percentiles are lower bounds",
            due - open.answered,
            due,
            (seconds * 2).as_secs_f64()
        );
    }
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
    rows.push(open.measured);
    Ok((rows, open.answered))
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

/// Signs in and returns the bearer token.
async fn sign_in(
    address: SocketAddr,
    username: &str,
    password: &Secret,
) -> anyhow::Result<Arc<str>> {
    let body = serde_json::json!({"username": username, "password": password.expose()});
    let answer = load::once(
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

/// A personal obligation of `cadre` whose period has begun by `now`, so that an entry
/// performed today can be recorded for it.
async fn open_obligation(
    address: SocketAddr,
    token: &Arc<str>,
    cadre: CadreId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Option<ObligationId>> {
    let today = domain::calendar::local_date(now);
    let answer = load::once(
        address,
        &Request::get(format!("/api/v1/cadres/{cadre}/obligations"), token.clone()),
    )
    .await?;
    let answer: serde_json::Value = serde_json::from_str(&answer)?;
    for o in answer["obligations"].as_array().into_iter().flatten() {
        let period: Option<domain::calendar::Period> =
            o["period"].as_str().and_then(|p| p.parse().ok());
        if let (Some(id), Some(period)) = (o["obligation_id"].as_str(), period)
            && period.start() <= today
        {
            return Ok(Some(id.parse()?));
        }
    }
    Ok(None)
}

/// `s` percent-encoded for a query string (UTF-8 bytes outside the unreserved set).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn query_values_are_percent_encoded_as_utf8() {
        assert_eq!(escape("廉政"), "%E5%BB%89%E6%94%BF");
        assert_eq!(
            escape("2026-06-30T23:59:59+08:00"),
            "2026-06-30T23:59:59%2B08:00"
        );
    }
}
