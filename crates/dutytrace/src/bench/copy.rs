//! Copying someone's SQLite store into a scratch directory, so that a benchmark that writes
//! — commands, the `HistoryRead` every read of another's history appends, sign-ins, the
//! administrator's password, a signing key, the read models it catches up — never changes
//! the store it was pointed at.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A copy of a store: its URL, and what copying it took.
#[derive(Debug, Clone)]
pub struct Copied {
    /// `sqlite://` URL of the copied log.
    pub url: String,
    /// Bytes copied (the log, its read models and their write-ahead logs).
    pub bytes: u64,
    pub elapsed: Duration,
    /// Whether the read models (`x.views.db`) were there to copy; without them the copy
    /// builds them from the log first.
    pub views: bool,
}

/// Copies the log named by `url` (`sqlite://PATH`, seeded beforehand) and its read models
/// (`PATH.views.db`), with their write-ahead logs if any, into `dir` as `name.db` and
/// `name.views.db`. The credentials, sessions, signing key and outbox beside the log are
/// not copied: the copy gets its own, so no password or secret of the original is read.
/// The files are copied as they are, so no process may be writing them meanwhile: if one
/// changed during the copy, this fails rather than measure a torn copy.
pub fn copy_store(url: &str, dir: &Path, name: &str) -> anyhow::Result<Copied> {
    if !url.starts_with("sqlite:") {
        bail!(
            "--store {}: only an SQLite log (sqlite://PATH) is benchmarked here, on a copy of \
             its file",
            store_postgres::redact(url)
        );
    }
    let log = store_sqlite::path_from_url(url)?;
    if !log.is_file() {
        bail!(
            "--store {url}: there is no log at {} — make one first with `dutytrace seed \
             --scale province --store {url}` (then `dutytrace rebuild --store {url}` builds its \
             read models ahead)",
            log.display()
        );
    }
    let started = Instant::now();
    let copy = dir.join(format!("{name}.db"));
    let views = crate::stores::views_path(&log);
    let has_views = views.is_file();
    let before = stamps(&[&log, &wal_of(&log), &views, &wal_of(&views)]);
    let mut bytes = copy_with_wal(&log, &copy)?;
    if has_views {
        bytes += copy_with_wal(&views, &crate::stores::views_path(&copy))?;
    }
    if stamps(&[&log, &wal_of(&log), &views, &wal_of(&views)]) != before {
        bail!(
            "--store {url}: the log or its read models changed while they were copied — stop \
             the process writing {} and run again",
            log.display()
        );
    }
    Ok(Copied {
        url: format!("sqlite://{}", copy.display()),
        bytes,
        elapsed: started.elapsed(),
        views: has_views,
    })
}

/// The size and modification time of each file (none for a file that is not there), to
/// tell whether a file changed while it was copied.
fn stamps(files: &[&Path]) -> Vec<Option<(u64, std::time::SystemTime)>> {
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

/// SQLite's write-ahead log of the database `db`.
fn wal_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

/// Copies `from` to `to`, and `from`'s write-ahead log if there is one; bytes copied.
fn copy_with_wal(from: &Path, to: &Path) -> anyhow::Result<u64> {
    let copy = |a: &Path, b: &Path| {
        std::fs::copy(a, b).with_context(|| format!("copying {} to {}", a.display(), b.display()))
    };
    let mut bytes = copy(from, to)?;
    let wal = wal_of(from);
    if wal.is_file() {
        bytes += copy(&wal, &wal_of(to))?;
    }
    Ok(bytes)
}
