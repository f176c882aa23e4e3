//! Runs the plan through the application service, as the district would have lived it:
//! the clock is set to each step's instant, and the steps of one instant run together so
//! their appends share the store's group commits.
//!
//! A store is seeded only if it is empty or already holds the demo district (recognised by
//! the id of its first event; an interrupted seeding resumes, since every step's event ids
//! derive from its idempotency key). Anyone else's log is refused, never touched.

use super::plan::accountability::Action;
use super::plan::{Command, Plan, Step};
use anyhow::{Context, bail};
use app::{App, AppError, IdempotencyKey, Meta, Outcome, fingerprint};
use domain::duty::DutyCommand;
use event_store::{EventStore, Filter, ManualClock};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// What [`prepare`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// The store was empty (or held an interrupted seeding) and is now seeded.
    Seeded {
        /// Events in the log afterwards.
        events: u64,
        /// Whether an interrupted seeding was resumed.
        resumed: bool,
        elapsed: Duration,
    },
    /// The store already held the demo district; nothing was written.
    Found {
        /// Events in the log.
        events: u64,
    },
}

/// Seeds `log` with `plan` if it is empty, recognises it if it already holds the demo,
/// and refuses any other log. `clock` must be the clock the store stamps `recorded_at`
/// with; it is left at the plan's last instant.
pub async fn prepare(
    log: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    plan: &Plan,
) -> anyhow::Result<Prepared> {
    prepare_with(log, clock, plan, Order::Waves).await
}

/// How the steps of one instant run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Steps on distinct streams together (the demo's seeding: faster on a disk, but
    /// the log's order within an instant varies from run to run).
    Waves,
    /// One after another in the plan's order: the same log every time (`dutytrace seed`'s
    /// template).
    Planned,
}

/// [`prepare`], running each instant's steps in `order`.
pub async fn prepare_with(
    log: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    plan: &Plan,
    order: Order,
) -> anyhow::Result<Prepared> {
    let steps = plan.steps();
    let expected = steps.len() as u64;
    let head = log.head().await?;
    let mut resumed = false;
    if head > 0 {
        let first = log.read_all(1, &Filter::all(), 1).await?;
        let first_id = first.events.first().map(|e| e.event_id);
        if first_id != plan.first_event_id() {
            bail!(
                "this store already holds another event log (its first event is {}, not the demo's; \
                 a demo log seeded by an older version is another log too): the demo neither adds \
                 to nor deletes anyone's log; give it another --store",
                first_id.map_or_else(|| "unreadable".to_owned(), |id| id.to_string())
            );
        }
        if head >= expected {
            return Ok(Prepared::Found { events: head });
        }
        tracing::warn!(
            head,
            expected,
            "the demo district was only partly seeded; resuming"
        );
        resumed = true;
    }
    let started = Instant::now();
    let app = App::new(log.clone(), clock.clone());
    run(&app, &clock, steps, order).await?;
    Ok(Prepared::Seeded {
        events: log.head().await?,
        resumed,
        elapsed: started.elapsed(),
    })
}

/// Runs `steps` in order: the clock at each instant, that instant's steps together
/// ([`Order::Waves`]) or one by one ([`Order::Planned`]).
pub async fn run(
    app: &App,
    clock: &ManualClock,
    steps: Vec<Step>,
    order: Order,
) -> anyhow::Result<()> {
    let mut steps = steps.into_iter().peekable();
    while let Some(first) = steps.next() {
        let at = first.at;
        let mut batch = vec![first];
        while let Some(next) = steps.next_if(|s| s.at == at) {
            batch.push(next);
        }
        clock.set(at);
        if order == Order::Planned {
            for step in batch {
                let key = step.key.clone();
                one(app, step)
                    .await
                    .with_context(|| format!("demo step {key}"))?;
            }
            continue;
        }
        // Waves of distinct streams: two steps on one stream keep their planned order.
        while !batch.is_empty() {
            let mut streams = HashSet::new();
            let (wave, rest): (Vec<Step>, Vec<Step>) = batch
                .into_iter()
                .partition(|s| streams.insert(s.stream_key()));
            let mut running = JoinSet::new();
            for step in wave {
                let app = app.clone();
                running.spawn(async move {
                    let key = step.key.clone();
                    one(&app, step)
                        .await
                        .with_context(|| format!("demo step {key}"))
                });
            }
            while let Some(done) = running.join_next().await {
                done??;
            }
            batch = rest;
        }
    }
    Ok(())
}

/// Runs one step.
async fn one(app: &App, step: Step) -> Result<Outcome, AppError> {
    let key = IdempotencyKey::new(&step.actor, &step.key)
        .map_err(|e| AppError::Store(event_store::StoreError::Internal(e.to_owned())))?;
    let meta = Meta {
        actor: step.actor,
        key: Some(key),
        fingerprint: fingerprint(&step.key),
    };
    match step.command {
        Command::Unit(c) => app.register_unit(c, &meta).await,
        Command::Group(c) => app.group_command(c.group_id, c.into(), &meta).await,
        Command::Leader(c) => app.leader_command(c.leader_id, c.into(), &meta).await,
        Command::Cadre(c) => app.cadre_command(c.cadre_id, c.into(), &meta).await,
        Command::List(c) => {
            let list = match &c {
                domain::list::ListCommand::Publish(p) => p.list_id,
                domain::list::ListCommand::Revise(r) => r.list_id,
                domain::list::ListCommand::Assign(a) => a.list_id,
            };
            app.list_command(list, c, &meta).await
        }
        Command::KeyTask(c) => app.set_key_task(c, &meta).await,
        // Each person gets exactly one login, so no other login holds the link.
        Command::User(c) => app.register_user(c, None, &meta).await.map(|(_, out)| out),
        Command::Filing(f) => app.filing_command(*f, &meta).await,
        Command::Problem(p) => app.problem_command(p.command, p.actor, &meta).await,
        Command::Oversight { record, org } => app.record_oversight(*record, &org, &meta).await,
        // Talks and decisions cite problems and filings, never obligations: no references.
        Command::Accountability(p) => match p.action {
            Action::Accountability(c) => app.accountability_command(c, p.actor, &[], &meta).await,
            Action::Circular(c) => app.circular_command(c, p.actor, &meta).await,
            Action::Assessment(c) => app.assessment_command(c, p.actor, &meta).await,
        },
        Command::Duty(e) => {
            app.duty_command(
                e.obligation,
                e.obligation_id,
                DutyCommand::Record(e.record),
                &meta,
            )
            .await
        }
    }
}
