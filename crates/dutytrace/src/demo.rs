//! `dutytrace demo`: a fresh district shaped like the source report (DESIGN.md §1) — 52
//! units, 20 stationed discipline groups, 261 cadres, a 2026 responsibility list, about
//! 7,930 duty entries from January to July, about a hundred filings (事项报备, some late),
//! a problem ledger (问题台账) of thirty problems found from February to June and rectified
//! since (most closed in time, some late, a few still open past their rectify-by date),
//! eighty oversight records (廉情数据) of every kind, three talks (约谈) and three
//! accountability decisions (问责), a published second-quarter circular (通报) and a July
//! draft, the year's assessment rules (考核), and a login for every cadre, leader in charge
//! and role of staff — then served like
//! `dutytrace serve`, with the clock fixed at the demo's now, so every light is on the
//! board; the deadline watcher appends the reminders (履责提醒, 约谈提醒, 整改逾期提醒) due
//! by then as soon as it serves. Every demo login signs in with
//! [`DEMO_PASSWORD`]; so does `admin`, unless `DUTYTRACE_ADMIN_PASSWORD` says otherwise.

pub mod names;
pub mod plan;
pub mod seed;
pub mod sign_in;

pub use sign_in::DEMO_PASSWORD;

use crate::cli::{AdminArgs, WebhookArgs};
use crate::config::{self, DEFAULT_LISTEN};
use crate::{serve, stores};
use auth::Secret;
use chrono::{DateTime, Utc};
use clap::Args;
use event_store::{Clock, ManualClock};
use std::net::SocketAddr;
use std::sync::Arc;

/// The demo's own store, so it never touches the default `dutytrace.db`.
pub const DEFAULT_STORE: &str = "sqlite://dutytrace-demo.db";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Event store URL for the demo district.
    #[arg(long, env = "DUTYTRACE_STORE", default_value = DEFAULT_STORE)]
    pub store: String,
    /// Where the files that go with a log on a server (postgres://, kurrentdb://) are kept
    /// [default: the working directory].
    #[arg(long, env = "DUTYTRACE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// The demo's now, an RFC 3339 instant [default: 2026-07-31T18:00:00+08:00].
    #[arg(long, env = "DUTYTRACE_NOW", value_parser = config::parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// Address to listen on.
    #[arg(long, env = "DUTYTRACE_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    // Without it, `admin` signs in with the demo password.
    #[command(flatten)]
    pub admin: AdminArgs,
    #[command(flatten)]
    pub webhook: WebhookArgs,
    #[command(flatten)]
    pub limits: crate::cli::LimitArgs,
}

/// After seeding: brings every read model up to date, so the first look at the board
/// already shows the whole district, and gives the demo logins the demo password.
pub async fn make_ready(opened: &stores::Opened, plan: &plan::Plan) -> anyhow::Result<()> {
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
    }
    sign_in::set_passwords(opened.auth.clone(), plan).await
}

/// Seeds the store if needed (see [`seed::prepare`]), gives the demo logins the demo
/// password, then serves it until stopped.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let admin_from_env = args.admin.password.is_some();
    let admin = args
        .admin
        .password
        .unwrap_or_else(|| Secret::new(DEMO_PASSWORD));
    config::check_admin_password(&admin)?;
    let limits = args.limits.config()?;
    let webhook = config::webhook(args.webhook.url.as_deref())?;
    let plan = plan::Plan::build();
    let now = args.now.unwrap_or_else(plan::now);
    let clock = Arc::new(ManualClock::new(now));
    let opened = stores::open(&args.store, args.data_dir.as_deref(), clock.clone()).await?;
    match seed::prepare(opened.log.clone(), clock.clone(), &plan).await {
        Ok(seed::Prepared::Seeded {
            events,
            resumed,
            elapsed,
        }) => println!(
            "{} the demo district in {}: {events} events in {:.1} s ({} units, {} discipline groups, {} cadres, {} duty entries, {} logins, {} filing steps, {} problems ({} ledger steps); the deadline watcher adds the reminders due)",
            if resumed {
                "finished seeding"
            } else {
                "seeded"
            },
            args.store,
            elapsed.as_secs_f64(),
            plan.district.units.len(),
            plan.district.groups.len(),
            plan.district.cadres.len(),
            plan.entries.len(),
            plan.logins.len(),
            plan.filings.len(),
            plan.problems
                .iter()
                .filter(|p| matches!(p.command, domain::problem::ProblemCommand::Register(_)))
                .count(),
            plan.problems.len(),
        ),
        Ok(seed::Prepared::Found { events }) => println!(
            "{} already holds the demo district ({events} events); serving it as it is",
            args.store
        ),
        Err(e) => {
            opened.close().await;
            return Err(e);
        }
    }
    if let Some(last) = plan.entries.last()
        && now < last.at
    {
        tracing::warn!(%now, last = %last.at, "the demo's now is before its last entry: the board shows the district as it stood then");
    }
    clock.set(now);
    make_ready(&opened, &plan).await?;
    let clock: Arc<dyn Clock> = clock;
    let local_now = now
        .with_timezone(&domain::calendar::shanghai())
        .to_rfc3339();
    let store = args.store.clone();
    serve::run(
        opened,
        clock,
        args.listen,
        serve::Setup {
            admin: Some(admin),
            webhook,
            limits,
        },
        &args.store,
        move |address| {
            println!(
                "dutytrace is serving the demo district on http://{address} (store {store}; the clock is fixed at {local_now})"
            );
            println!("{}", sign_in::guide(address, &plan, admin_from_env));
            println!("The API, described: curl http://{address}/api/openapi.json");
            println!("Stop with Ctrl-C.");
        },
    )
    .await
}
