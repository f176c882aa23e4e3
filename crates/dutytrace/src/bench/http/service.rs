//! The service the HTTP benchmark loads: the copy opened at `--now` and settled (its read
//! models caught up, the reminders due appended), its cadres ranked, a few logins given a
//! made-up password, then served in this process and signed in to.

use super::probe::{self, CadreEvents};
use super::{Copied, local};
use crate::bench::HttpArgs;
use crate::bench::load::{self, Request};
use crate::bench::report::reset_peak;
use crate::demo::plan;
use crate::{serve, stores};
use anyhow::{Context, bail};
use auth::Secret;
use chrono::{DateTime, Utc};
use domain::ids::{CadreId, ObligationId};
use event_store::{Clock, ManualClock};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// The service started on the copy, with everything the scenarios need.
pub(super) struct Service {
    pub running: serve::Running,
    pub address: SocketAddr,
    /// The administrator's token: the commission's view, the whole store.
    pub admin: Arc<str>,
    /// A scoped login, if the store has a leader in charge.
    pub leader: Option<Leader>,
    /// The busiest cadre's own token, if they have a login.
    pub busiest: Option<Arc<str>>,
    /// Cadres signed in to record duty entries, each with an obligation of their own.
    pub writers: Vec<Writer>,
    /// Every unit on the administrator's board.
    pub units: Vec<String>,
    /// Rows and bytes of the administrator's board.
    pub board: (usize, usize),
    /// Every cadre with the events of their history, most first.
    pub cadres: Vec<CadreEvents>,
    /// Events in the log when the service started.
    pub events: u64,
    /// The service's clock, fixed.
    pub now: DateTime<Utc>,
}

/// The leader in charge (分管领导) of the most units: whose board is scoped.
pub(super) struct Leader {
    pub username: String,
    pub token: Arc<str>,
    /// Units the leader is in charge of.
    pub units: u64,
    /// Rows of the leader's board.
    pub rows: usize,
}

/// A cadre who records duty entries in the command scenario.
pub(super) struct Writer {
    pub token: Arc<str>,
    pub obligation: ObligationId,
}

/// What the read models say before the service starts.
struct Probed {
    cadres: Vec<CadreEvents>,
    /// The leader in charge of the most units, and how many.
    leader: Option<(String, u64)>,
    /// Logins of cadres with personal obligations, spread over the store, one per client.
    writers: Vec<(String, CadreId)>,
    busiest_login: Option<String>,
}

impl Service {
    /// Opens the copy at `--now`, settles it, ranks the cadres, gives the logins the run
    /// uses a made-up password (in the copy's credential file), starts the service and
    /// signs them in.
    pub(super) async fn start(copied: &Copied, args: &HttpArgs) -> anyhow::Result<Self> {
        let now = args.now.unwrap_or_else(plan::now);
        let clock = Arc::new(ManualClock::new(now));
        let opened = stores::open(&copied.url, None, clock.clone()).await?;
        let password = Secret::new(format!("bench-{:032x}", rand::random::<u128>()));
        let ready = async {
            let events = opened.log.head().await?;
            if events == 0 {
                bail!(
                    "--store {}: the log holds no events — seed it first with `dutytrace seed \
                     --scale province --store {}`",
                    args.store,
                    args.store
                );
            }
            settle(&opened, clock.clone(), events).await?;
            let probed = probe_models(&opened, args).await?;
            give_password(&opened, &probed, &password).await?;
            anyhow::Ok((events, probed))
        }
        .await;
        let (events, probed) = match ready {
            Ok(ready) => ready,
            Err(e) => {
                opened.close().await;
                return Err(e);
            }
        };

        // Only the service and the load from here on count towards the peak.
        reset_peak();
        let running = serve::start_with(
            opened,
            clock,
            "127.0.0.1:0".parse()?,
            Some(password.clone()),
            None,
            unlimited_commands(),
        )
        .await?;
        let address = running.address;
        match sign_in_all(address, &probed, &password, now).await {
            Ok(s) => Ok(Self {
                running,
                address,
                admin: s.admin,
                leader: s.leader,
                busiest: s.busiest,
                writers: s.writers,
                units: s.units,
                board: s.board,
                cadres: probed.cadres,
                events,
                now,
            }),
            Err(e) => {
                let _ = running.stop().await;
                Err(e)
            }
        }
    }
}

/// Catches every read model up with the log, then appends the reminders due by now as the
/// service's deadline watcher would at start, so the load meets the store settled; says
/// how long it took.
async fn settle(
    opened: &stores::Opened,
    clock: Arc<ManualClock>,
    events: u64,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut applied = 0;
    let mut built = Vec::new();
    for projection in serve::projections() {
        let r = projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
        applied += r.events;
        if r.rebuilt || r.from == 0 {
            built.push(r.projection);
        }
    }
    println!(
        "Read models caught up with the log's {events} events in {:.1} s ({applied} events \
         applied{})",
        started.elapsed().as_secs_f64(),
        if built.is_empty() {
            String::new()
        } else {
            format!("; built from zero: {}", built.join(", "))
        }
    );
    let now = clock.now();
    let clock: Arc<dyn Clock> = clock;
    let pass = crate::watcher::Watcher::new(opened.log.clone(), opened.models.clone(), clock)
        .pass()
        .await?;
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
    }
    println!(
        "Reminders due by now ({}): {} appended, as the service's deadline watcher would at \
         start",
        local(now),
        pass.appended
    );
    Ok(())
}

/// Ranks the cadres and finds the logins the run signs in with; says which cadre is the
/// busiest.
async fn probe_models(opened: &stores::Opened, args: &HttpArgs) -> anyhow::Result<Probed> {
    let started = Instant::now();
    let models = opened.models.clone();
    let clients = args.clients;
    let probed = tokio::task::spawn_blocking(move || {
        let c = models.reader()?;
        let cadres = probe::histories(&c)?;
        let busiest_login = match cadres.first() {
            Some(b) => probe::login_of(&c, b.cadre_id)?,
            None => None,
        };
        let writers = probe::writers(&c)?;
        let stride = (writers.len() / clients).max(1);
        anyhow::Ok(Probed {
            leader: probe::scoped_leader(&c)?,
            writers: writers.into_iter().step_by(stride).take(clients).collect(),
            busiest_login,
            cadres,
        })
    })
    .await??;
    let Some(busiest) = probed.cadres.first() else {
        bail!("--store {}: the log names no cadre", args.store);
    };
    println!(
        "Busiest cadre: {} with {} events in their history, of {} cadres (ranked from the \
         read models in {:.2} s: each stream's events as the catalog counts them, summed over \
         the streams a history reads)",
        busiest.cadre_id,
        busiest.events,
        probed.cadres.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(probed)
}

/// Gives the logins the run signs in with `password`, with one hash, in the copy's
/// credential file (the administrator's is set by `serve::start`).
async fn give_password(
    opened: &stores::Opened,
    probed: &Probed,
    password: &Secret,
) -> anyhow::Result<()> {
    let logins = probed
        .writers
        .iter()
        .map(|(u, _)| u)
        .chain(probed.leader.iter().map(|(u, _)| u))
        .chain(probed.busiest_login.iter());
    let users: Vec<(uuid::Uuid, String)> = logins
        .map(|u| (domain::user::user_id_for(u).uuid(), u.clone()))
        .collect();
    let auth = opened.auth.clone();
    let password = password.clone();
    tokio::task::spawn_blocking(move || auth.set_same_password(&users, &password))
        .await?
        .context("giving the benchmark's logins a password in the copy")
}

/// Tokens, and what the boards hold.
struct SignedIn {
    admin: Arc<str>,
    leader: Option<Leader>,
    busiest: Option<Arc<str>>,
    writers: Vec<Writer>,
    units: Vec<String>,
    board: (usize, usize),
}

/// Signs in as the administrator, the leader, the busiest cadre and the writers (keeping
/// those with an obligation open now), and reads the two boards once.
async fn sign_in_all(
    address: SocketAddr,
    probed: &Probed,
    password: &Secret,
    now: DateTime<Utc>,
) -> anyhow::Result<SignedIn> {
    let admin = load::sign_in(address, api::ADMIN, password).await?;
    let busiest = match &probed.busiest_login {
        Some(name) => Some(load::sign_in(address, name, password).await?),
        None => None,
    };
    let mut writers = Vec::new();
    for (name, cadre) in &probed.writers {
        let token = load::sign_in(address, name, password).await?;
        if let Some(obligation) = open_obligation(address, &token, *cadre, now).await? {
            writers.push(Writer { token, obligation });
        }
    }
    let (board, bytes) = board_of(address, &admin).await?;
    let rows = board["units"].as_array().context("the board has no rows")?;
    let units: Vec<String> = rows
        .iter()
        .filter_map(|r| r["unit_id"].as_str().map(str::to_owned))
        .collect();
    let leader = match &probed.leader {
        Some((username, units)) => {
            let token = load::sign_in(address, username, password).await?;
            let (board, _) = board_of(address, &token).await?;
            Some(Leader {
                username: username.clone(),
                token,
                units: *units,
                rows: board["units"].as_array().map_or(0, Vec::len),
            })
        }
        None => None,
    };
    Ok(SignedIn {
        admin,
        leader,
        busiest,
        writers,
        units,
        board: (rows.len(), bytes),
    })
}

/// The board of now as `token` sees it, and its size in bytes.
async fn board_of(
    address: SocketAddr,
    token: &Arc<str>,
) -> anyhow::Result<(serde_json::Value, usize)> {
    let text = load::once(
        address,
        &Request::get("/api/v1/board".into(), token.clone()),
    )
    .await?;
    Ok((serde_json::from_str(&text)?, text.len()))
}

/// A personal obligation of `cadre` whose period has begun by `now`, so that an entry
/// performed today can be recorded for it.
async fn open_obligation(
    address: SocketAddr,
    token: &Arc<str>,
    cadre: CadreId,
    now: DateTime<Utc>,
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

/// The service's limits with the per-user command rate lifted: each client of the command
/// scenario is one cadre sending as fast as it is answered, which the default limit (50 a
/// second, bursts of 200) would cap — and the run measures the service, not its limiter.
/// Every other limit stays as `dutytrace serve` has it.
fn unlimited_commands() -> api::LimitConfig {
    api::LimitConfig {
        commands_per_second: 1_000_000,
        command_burst: 1_000_000,
        ..api::LimitConfig::default()
    }
}
