//! The deadline watcher (DESIGN.md §3): appends the time-driven facts — an obligation
//! entered its yellow week short of its count (履责提醒, `YellowWeekEntered`), its deadline
//! passed short of it (约谈提醒, `AdmonishmentDue`), a problem's rectification went past its
//! rectify-by date (整改逾期提醒, `RectificationOverdue`) — once each.
//!
//! Exactly once, with no state of its own: each reminder's event id is derived from the
//! obligation (or problem) and the kind (`domain::reminders`), and appending an event id the log already
//! holds writes nothing. So two processes watching one store, a restart in the middle of a
//! pass, or a pass after days of downtime (it looks back [`board::LOOK_BACK_DAYS`]) all
//! leave one event per reminder. The board tells it which obligation reminders are due and
//! not yet in the log, as the board showed each obligation at the reminder's boundary
//! instant; the problem ledger, which problems went overdue. The event's `occurred_at` is
//! the boundary, its `recorded_at` when the watcher got to it.

use anyhow::Context as _;
use domain::calendar::local_date;
use domain::reminders::{self, ReminderKind};
use event_store::{
    Actor, Clock, EventStore, EventType, ExpectedVersion, NewEvent, Payload, StreamName,
};
use futures::{StreamExt as _, stream};
use projector::ReadModels;
use std::sync::Arc;
use std::time::Duration;

/// The read model of problems, which the watcher reads beside the board.
const LEDGER: &str = "ledger";
/// The actor of every reminder.
pub const ACTOR: &str = "system:watcher";
/// Reminders appended at once (they share the store's group commits).
const CONCURRENCY: usize = 64;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Reminders appended by this pass.
    pub appended: usize,
    /// Reminders found due that the log already held (another watcher got there first).
    pub already: usize,
}

/// One watcher over a store and its board.
#[derive(Debug, Clone)]
pub struct Watcher {
    store: Arc<dyn EventStore>,
    models: ReadModels,
    clock: Arc<dyn Clock>,
}

impl Watcher {
    pub fn new(store: Arc<dyn EventStore>, models: ReadModels, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            models,
            clock,
        }
    }

    /// One pass: appends every reminder due by now that the log does not hold. The board
    /// must have applied the log up to its head first, or reminders whose entries it has
    /// not seen yet could be appended wrongly ([`run`] waits for it).
    pub async fn pass(&self) -> anyhow::Result<Pass> {
        self.pass_with(CONCURRENCY).await
    }

    /// [`Watcher::pass`] with at most `concurrency` appends in flight; with 1, the
    /// reminders are appended one by one in the order they were found, so the same board
    /// always gives the same log (`dutytrace seed`'s template).
    pub async fn pass_with(&self, concurrency: usize) -> anyhow::Result<Pass> {
        let now = self.clock.now();
        let today = local_date(now);
        let models = self.models.clone();
        let due = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let conn = models.reader()?;
            // (event, its id, when it happened)
            let mut due = Vec::new();
            for kind in ReminderKind::ALL {
                for o in board::due_reminders(&conn, kind, today)? {
                    if let Some(e) = reminders::due(kind, &o, now) {
                        due.push((e, kind.event_id(o.obligation_id), kind.boundary(o.deadline)));
                    }
                }
            }
            for p in ledger::overdue_due(&conn, today)? {
                if let Some(e) = reminders::rectification_overdue(&p, now) {
                    due.push((e, p.event_id(), p.boundary()));
                }
            }
            Ok(due)
        })
        .await??;
        let actor = Actor::new(ACTOR)?;
        let appends = due.into_iter().map(|(event, id, occurred_at)| {
            let store = self.store.clone();
            let actor = actor.clone();
            async move {
                let payload = event.payload();
                app::schemas::check(&event, &payload)?;
                let new = NewEvent::new(
                    EventType::new(event.event_type())?,
                    Payload::from_value(&payload)?,
                    actor,
                    occurred_at,
                )
                .with_schema_version(event.schema_version())
                .with_id(id);
                let stream = StreamName::new(event.stream())?;
                let r = store
                    .append(&stream, ExpectedVersion::Any, vec![new])
                    .await
                    .with_context(|| format!("appending {} to {stream}", event.event_type()))?;
                anyhow::Ok(r.deduplicated)
            }
        });
        let mut pass = Pass::default();
        let mut results = stream::iter(appends).buffer_unordered(concurrency.max(1));
        while let Some(r) = results.next().await {
            if r? {
                pass.already += 1;
            } else {
                pass.appended += 1;
            }
        }
        Ok(pass)
    }
}

/// Runs passes until `stop` turns true: before each, waits for the board to apply the log
/// up to its head; then sleeps `every`. A failed pass is logged and tried again next time.
pub async fn run(
    watcher: Watcher,
    state: api::AppState,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let result = async {
            let head = watcher.store.head().await?;
            for model in [api::BOARD, LEDGER] {
                state
                    .wait_for(model, head)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}", e.detail))?;
            }
            watcher.pass().await
        }
        .await;
        match result {
            Ok(p) if p.appended > 0 => {
                tracing::info!(
                    appended = p.appended,
                    already = p.already,
                    "reminders appended"
                );
            }
            Ok(_) => tracing::debug!("no reminder due"),
            Err(e) => {
                tracing::warn!(error = %e, "the deadline watcher's pass failed; trying again later")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
