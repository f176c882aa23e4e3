//! Live projectors: a task per projection that catches up from its checkpoint, then follows
//! the log, and answers its handle (position, lag, rebuild, shutdown).

use crate::error::ProjectionError;
use crate::fold::fold;
use crate::models::{Lease, ReadModels};
use crate::options::ProjectorOptions;
use crate::projection::Projection;
use crate::rebuild::{RebuildReport, blocking, close, rebuild_in_place};
use crate::target::{Start, Target};
use event_store::{EventStore, Subscription};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// What a projector is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectorState {
    /// Opening its tables.
    Starting,
    /// Rebuilding from zero; readers still see the old model.
    Rebuilding,
    /// Catching up or following the log.
    Running,
    /// Stopped on this error; its read model stays as of the last good batch.
    Failed(ProjectionError),
    /// Shut down.
    Stopped,
}

/// A projector's position and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectorStatus {
    /// Every event at or below it is in the read model, or was filtered out (the file's
    /// own checkpoint may be behind it over filtered-out events; see ADR 0021).
    pub position: u64,
    pub state: ProjectorState,
}

impl ProjectorStatus {
    fn ended(&self) -> bool {
        matches!(
            self.state,
            ProjectorState::Failed(_) | ProjectorState::Stopped
        )
    }
}

#[derive(Debug)]
enum Command {
    Rebuild(oneshot::Sender<Result<RebuildReport, ProjectionError>>),
    Shutdown,
}

/// A running projector. Dropping it stops the projector too (without waiting).
#[derive(Debug)]
pub struct ProjectorHandle {
    name: &'static str,
    store: Arc<dyn EventStore>,
    status: watch::Receiver<ProjectorStatus>,
    commands: mpsc::Sender<Command>,
    task: JoinHandle<()>,
}

/// Starts a projector for `projection` on the current tokio runtime: it rebuilds first if
/// its tables were built by another version, catches up from its checkpoint, then follows
/// the log. Refuses a projection that already runs in this process.
pub fn spawn(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
    options: ProjectorOptions,
) -> Result<ProjectorHandle, ProjectionError> {
    let name = projection.name();
    let lease = models.lease(name)?;
    // The tables exist before this returns, so a query never finds them missing while the
    // projector starts (the DDL is `IF NOT EXISTS`: a model built earlier is untouched).
    let writer = models.writer()?;
    writer.execute_batch(projection.schema())?;
    writer.execute_batch(projection.query_indexes())?;
    writer.execute_batch(projection.derived())?;
    drop(writer);
    let (status_tx, status) = watch::channel(ProjectorStatus {
        position: 0,
        state: ProjectorState::Starting,
    });
    let (commands, rx) = mpsc::channel(8);
    let run = Run {
        store: store.clone(),
        models: models.clone(),
        projection,
        options,
        status: Arc::new(status_tx),
        _lease: lease,
    };
    let task = tokio::spawn(run.run(rx));
    Ok(ProjectorHandle {
        name,
        store,
        status,
        commands,
        task,
    })
}

impl ProjectorHandle {
    /// The projection's name.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Every event at or below it is in the read model, or was filtered out.
    pub fn position(&self) -> u64 {
        self.status.borrow().position
    }

    /// Position and state.
    pub fn status(&self) -> ProjectorStatus {
        self.status.borrow().clone()
    }

    /// The error the projector stopped on, if it failed.
    pub fn error(&self) -> Option<ProjectionError> {
        match &self.status.borrow().state {
            ProjectorState::Failed(e) => Some(e.clone()),
            _ => None,
        }
    }

    /// Resolves once the checkpoint is at or past `position` (e.g. the position an append
    /// returned), so a reader will see that event's effect. Fails if the projector stops
    /// first. Wrap it in a timeout if the position may never come.
    pub async fn wait_for(&self, position: u64) -> Result<(), ProjectionError> {
        let mut rx = self.status.clone();
        let status = rx
            .wait_for(|s| s.position >= position || s.ended())
            .await
            .map(|s| s.clone())
            .unwrap_or_else(|_| self.status.borrow().clone());
        if status.position >= position {
            return Ok(());
        }
        Err(match status.state {
            ProjectorState::Failed(e) => e,
            _ => self.stopped(),
        })
    }

    /// How many positions the read model is behind the log: head − checkpoint.
    pub async fn lag(&self) -> Result<u64, ProjectionError> {
        let head = self.store.head().await?;
        Ok(head.saturating_sub(self.position()))
    }

    /// Rebuilds the read model from zero while it stays readable, swaps the new one in,
    /// and carries on from there.
    pub async fn rebuild(&self) -> Result<RebuildReport, ProjectionError> {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::Rebuild(reply)).await.is_err() {
            return Err(self.error().unwrap_or_else(|| self.stopped()));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(self.error().unwrap_or_else(|| self.stopped())))
    }

    /// Stops the projector after the batches already read are committed, and waits.
    pub async fn shutdown(self) {
        let _ = self.commands.send(Command::Shutdown).await;
        let _ = self.task.await;
    }

    fn stopped(&self) -> ProjectionError {
        ProjectionError::Stopped {
            projection: self.name.to_owned(),
        }
    }
}

/// The pace of a projector's retries while its read-model file cannot be written: the
/// wait doubles (from 250 ms to 5 s) while it fails at the same position.
#[derive(Debug, Default)]
struct Stall {
    position: Option<u64>,
    wait: Duration,
}

impl Stall {
    const FIRST: Duration = Duration::from_millis(250);
    const LONGEST: Duration = Duration::from_secs(5);

    /// Sets the next wait after a failure at `position`; whether a new stall begins there.
    fn next(&mut self, position: u64) -> bool {
        if self.position == Some(position) {
            self.wait = (self.wait * 2).min(Self::LONGEST);
            false
        } else {
            self.position = Some(position);
            self.wait = Self::FIRST;
            true
        }
    }
}

/// The projector task's state.
struct Run {
    store: Arc<dyn EventStore>,
    models: ReadModels,
    projection: Arc<dyn Projection>,
    options: ProjectorOptions,
    status: Arc<watch::Sender<ProjectorStatus>>,
    /// Held until the task ends.
    _lease: Lease,
}

impl Run {
    async fn run(self, commands: mpsc::Receiver<Command>) {
        let name = self.projection.name();
        let state = match self.follow(commands).await {
            Ok(()) => {
                tracing::info!(projection = name, "projector stopped");
                ProjectorState::Stopped
            }
            Err(e) => {
                tracing::error!(projection = name, error = %e, "projector failed and stopped");
                ProjectorState::Failed(e)
            }
        };
        self.status.send_modify(|s| s.state = state);
    }

    async fn follow(&self, mut commands: mpsc::Receiver<Command>) -> Result<(), ProjectionError> {
        let name = self.projection.name();
        let (mut target, start) = self.open().await?;
        // A log that cannot be reached now is simply caught up with, which waits it out.
        let fresh_behind_long_log = start == Start::Resume
            && target.position() == 0
            && matches!(self.store.head().await, Ok(h) if h >= self.options.scratch_build_from);
        if fresh_behind_long_log {
            tracing::info!(
                projection = name,
                "building a new read model in a scratch file, as a rebuild does"
            );
        }
        if let Start::Rebuild { built_by } = start {
            tracing::info!(
                projection = name,
                built_by,
                version = self.projection.version(),
                "rebuilding a read model built by another version"
            );
        }
        if fresh_behind_long_log || matches!(start, Start::Rebuild { .. }) {
            close(target).await;
            self.set(None, ProjectorState::Rebuilding);
            rebuild_in_place(
                self.store.clone(),
                &self.models,
                self.projection.clone(),
                &self.options,
            )
            .await?;
            (target, _) = self.open().await?;
        }
        tracing::info!(
            projection = name,
            position = target.position(),
            "projector running"
        );
        self.set(Some(target.position()), ProjectorState::Running);
        let mut stall = Stall::default();
        loop {
            let sub = Subscription::new(
                self.store.clone(),
                target.position() + 1,
                self.projection.filter(),
            )
            .with_page_size(self.options.batch_size())
            .with_poll_interval(self.options.poll_interval);
            let status = self.status.clone();
            let progress = move |p| status.send_modify(|s| s.position = s.position.max(p));
            let batch = self.options.batch_size();
            let (t, command) = match fold(target, sub, batch, None, commands.recv(), progress).await
            {
                Ok(folded) => folded,
                // The read-model file cannot be written now (disk full, read-only): the
                // batch rolled back whole; wait, open the tables again at their
                // checkpoint and go on, rather than stop until the next restart.
                Err(e) if e.is_transient() => {
                    match self.stalled(e, &mut commands, &mut stall).await? {
                        Some(t) => {
                            target = t;
                            self.set(Some(target.position()), ProjectorState::Running);
                            continue;
                        }
                        None => return Ok(()),
                    }
                }
                Err(e) => return Err(e),
            };
            target = t;
            match command.flatten() {
                None | Some(Command::Shutdown) => {
                    close(target).await;
                    return Ok(());
                }
                Some(Command::Rebuild(reply)) => {
                    close(target).await;
                    self.set(None, ProjectorState::Rebuilding);
                    let result = rebuild_in_place(
                        self.store.clone(),
                        &self.models,
                        self.projection.clone(),
                        &self.options,
                    )
                    .await;
                    if let Err(e) = &result {
                        // The live model is untouched; carry on with it.
                        tracing::warn!(projection = name, error = %e, "rebuild failed");
                    }
                    (target, _) = self.open().await?;
                    self.set(Some(target.position()), ProjectorState::Running);
                    let _ = reply.send(result);
                }
            }
        }
    }

    /// Waits out a read-model file that cannot be written (`error`, transient), then opens
    /// the projection's tables again at their checkpoint, while still answering `commands`:
    /// the target to go on with, or `None` if told to shut down meanwhile, or the error
    /// that is not of the disk after all. A rebuild asked for meanwhile is refused with the
    /// error. `stall` paces the waits: they grow while the same batch keeps failing, and
    /// start short again once the projector got further.
    async fn stalled(
        &self,
        mut error: ProjectionError,
        commands: &mut mpsc::Receiver<Command>,
        stall: &mut Stall,
    ) -> Result<Option<Target>, ProjectionError> {
        let name = self.projection.name();
        let at = self.status.borrow().position;
        if stall.next(at) {
            tracing::warn!(
                projection = name,
                position = at,
                error = %error,
                "the read model cannot be written now; the projector waits and goes on from its checkpoint"
            );
        } else {
            tracing::debug!(projection = name, position = at, error = %error, wait = ?stall.wait, "still cannot write the read model");
        }
        loop {
            tokio::select! {
                () = tokio::time::sleep(stall.wait) => {}
                command = commands.recv() => match command {
                    None | Some(Command::Shutdown) => return Ok(None),
                    Some(Command::Rebuild(reply)) => {
                        let _ = reply.send(Err(error.clone()));
                        continue;
                    }
                },
            }
            match self.open().await {
                Ok((target, _)) => {
                    tracing::debug!(
                        projection = name,
                        position = target.position(),
                        "the projector tries again"
                    );
                    return Ok(Some(target));
                }
                Err(e) if e.is_transient() => {
                    error = e;
                    stall.next(at);
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn open(&self) -> Result<(Target, Start), ProjectionError> {
        let (m, p) = (self.models.clone(), self.projection.clone());
        blocking(move || Target::open(m.writer()?, p)).await
    }

    fn set(&self, position: Option<u64>, state: ProjectorState) {
        self.status.send_modify(|s| {
            // Never backwards: a target opened again after a stall may start below what
            // was reported (skipped events are checkpointed lazily, see `Target`), and
            // what a reader was told is caught up stays so.
            if let Some(p) = position {
                s.position = s.position.max(p);
            }
            s.state = state;
        });
    }
}
