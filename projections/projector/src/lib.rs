//! The projector runtime (DESIGN.md §3 "Projections"): runs read models — stateless folds
//! from events to rows — over the event log.
//!
//! - **Exactly-once effect**: each batch's rows and the projection's checkpoint commit in
//!   one SQLite transaction, so a crash mid-batch leaves the model at the last good batch
//!   and the batch is simply applied again.
//! - **Batches**: up to [`ProjectorOptions::batch_size`] events per transaction; the next
//!   page is read while the last is written.
//! - **Rebuilds** fold the whole log into a scratch file and swap its tables in with one
//!   transaction; readers see the old model until then. A projection whose
//!   [`Projection::version`] changed is rebuilt when it starts.
//! - **Lag**: head − checkpoint, from the [`ProjectorHandle`].
//!
//! Read models live in their own SQLite file ([`ReadModels`]), never the event log's.
//! SQLite work runs on blocking threads, never on the async ones.

mod catch_up;
mod error;
mod fold;
mod models;
mod options;
mod page;
mod projection;
mod rebuild;
mod runtime;
mod sql;
mod target;

pub use catch_up::{CatchUpReport, catch_up, catch_up_with, rebuild, rebuild_with};
pub use error::ProjectionError;
pub use models::{Checkpoint, ReadModels};
pub use options::ProjectorOptions;
pub use page::Page;
pub use projection::Projection;
pub use rebuild::RebuildReport;
pub use runtime::{ProjectorHandle, ProjectorState, ProjectorStatus, spawn};
