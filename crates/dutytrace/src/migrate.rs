//! `dutytrace migrate-store --from URL --to URL`: copies a whole event log between backends
//! (SQLite ⇄ PostgreSQL) keeping every position, id, instant and payload byte, so the copy
//! hashes to the same Merkle root — which is checked at the end, against the source and
//! against every checkpoint the source published.
//!
//! - **Resumable**: the target must be empty or hold the beginning of the same log (a copy
//!   interrupted earlier); the copy goes on after its last event.
//! - **Atomic pages**: each page of events is imported in one transaction, checked first
//!   (consecutive positions and versions, no id stored twice).
//! - **What goes with the log** — credentials and sessions, the webhook outbox, signing
//!   keys and published checkpoints — is copied to the target's place when it has none,
//!   so the same logins work and checkpoints go on signed by the same key under the same
//!   name. Read models are not copied: the service builds them from the log.
//!
//! Stop the services writing to the source first: events appended during the copy are
//! copied if they come before the end, and the check at the end fails otherwise.

use crate::stores::{self, Log};
use crate::{checkpoints, config, outbox};
use anyhow::{Context, bail};
use clap::Args;
use event_store::{CopiedEvent, EventStore, canonical_json};
use evidence::{Hasher, hex, leaf_hash};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Arguments of `dutytrace migrate-store`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The log to copy (e.g. sqlite://dutytrace.db). It is only read.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// Where to copy it (e.g. postgres://dutytrace@db/dutytrace?sslmode=disable): an empty
    /// store, or one an interrupted copy of the same log left behind.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The data directory of the source, if it is on a server.
    #[arg(long, value_name = "DIR")]
    pub from_data_dir: Option<PathBuf>,
    /// The data directory of the target, if it is on a server (where the service that
    /// will serve it keeps its files) [default: the working directory].
    #[arg(long, value_name = "DIR", env = "DUTYTRACE_DATA_DIR")]
    pub to_data_dir: Option<PathBuf>,
    /// Events per transaction.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub page: u64,
}

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Events in the log (source and target alike).
    pub events: u64,
    /// Events copied by this run (fewer than `events` when it resumed a copy).
    pub copied: u64,
    /// The Merkle root of the whole log (hex).
    pub root: String,
    /// Checkpoints the source published that the copy was checked against.
    pub checkpoints: usize,
    /// The files that go with the log that were copied, by their target path.
    pub files: Vec<PathBuf>,
    /// Logins whose credentials were copied (0 when the source has none or the target
    /// had its own).
    pub logins: usize,
}

/// Runs the command and prints what it did.
pub async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    let m = migrate(&args).await?;
    println!(
        "the log of {} events is in {} ({} copied now); its Merkle root {} is the source's{}",
        m.events,
        store_postgres::redact(&args.to),
        m.copied,
        m.root,
        if m.checkpoints > 0 {
            format!(
                " and agrees with the {} checkpoints it published",
                m.checkpoints
            )
        } else {
            String::new()
        }
    );
    if m.logins > 0 {
        println!("copied the credentials of {} logins", m.logins);
    }
    for f in &m.files {
        println!("copied {}", f.display());
    }
    Ok(())
}

/// Copies the log (see the module's doc) and checks the copy.
pub async fn migrate(args: &MigrateArgs) -> anyhow::Result<Migrated> {
    if same_place(&args.from, &args.to) {
        bail!("--from and --to name the same store");
    }
    if let Ok(path) = store_sqlite::path_from_url(&args.from)
        && !path.exists()
    {
        bail!("the source {} does not exist", path.display());
    }
    let clock = config::clock(None);
    let source = stores::open_log(&args.from, args.from_data_dir.as_deref(), clock.clone())
        .await
        .context("the source (--from)")?;
    let target = match stores::open_log(&args.to, args.to_data_dir.as_deref(), clock).await {
        Ok(t) => t,
        Err(e) => {
            source.close().await;
            return Err(e.context("the target (--to)"));
        }
    };
    let result = match copy_and_check(&source, &target, args.page as usize).await {
        Ok(m) => copy_credentials(&source, &target)
            .await
            .map(|logins| Migrated { logins, ..m }),
        Err(e) => Err(e),
    };
    source.close().await;
    target.close().await;
    let mut migrated = result?;
    migrated.files = copy_files(&source.base, &target.base)?;
    Ok(migrated)
}

/// Copies the credentials and sessions (ADR 0007) when the source has some and the target
/// none, so the same logins and tokens work there; returns how many logins.
async fn copy_credentials(source: &Log, target: &Log) -> anyhow::Result<usize> {
    let Some(from) = source.existing_credentials().await? else {
        return Ok(0);
    };
    let to = target.credentials().await?;
    tokio::task::spawn_blocking(move || {
        let dump = from.export().context("reading the source's credentials")?;
        if dump.credentials.is_empty() {
            return Ok(0);
        }
        if !to.is_empty()? {
            println!("the target has credentials of its own: they are kept, none copied");
            return Ok(0);
        }
        to.import(&dump)
            .context("copying the credentials to the target")?;
        Ok(dump.credentials.len())
    })
    .await?
}

/// Whether two URLs plainly name the same store.
fn same_place(a: &str, b: &str) -> bool {
    match (
        store_sqlite::path_from_url(a),
        store_sqlite::path_from_url(b),
    ) {
        (Ok(a), Ok(b)) => {
            a == b
                || (a
                    .canonicalize()
                    .ok()
                    .is_some_and(|p| b.canonicalize().ok() == Some(p)))
        }
        _ => a == b,
    }
}

async fn copy_and_check(source: &Log, target: &Log, page: usize) -> anyhow::Result<Migrated> {
    let (from, to) = (&*source.log, &*target.log);
    let source_head = from.head().await?;
    if source_head == 0 {
        bail!("the source holds no events: there is nothing to copy");
    }
    let resumed = to.head().await?;
    if resumed > source_head {
        bail!(
            "the target holds {resumed} events, the source only {source_head}: it holds another log"
        );
    }
    if resumed > 0 {
        let theirs = to.read_for_copy(resumed, 1).await?;
        let ours = from.read_for_copy(resumed, 1).await?;
        if theirs != ours {
            bail!(
                "the target is not empty and its event at position {resumed} is not the source's: \
                 it holds another log (copy into an empty store)"
            );
        }
        println!("resuming an earlier copy after position {resumed}");
    }
    let started = Instant::now();
    let mut said = Instant::now();
    let mut next = resumed + 1;
    loop {
        let events: Vec<CopiedEvent> = from.read_for_copy(next, page).await?;
        let Some(last) = events.last().map(|c| c.event.position) else {
            break;
        };
        let head = to
            .import(events)
            .await
            .with_context(|| format!("importing positions {next}..={last}"))?;
        if head != last {
            bail!("the target's head is {head} after importing up to {last}");
        }
        next = last + 1;
        if said.elapsed() >= Duration::from_secs(5) {
            said = Instant::now();
            let rate = (last - resumed) as f64 / started.elapsed().as_secs_f64();
            println!("copied up to position {last} ({rate:.0} events/s)");
        }
    }
    let published = published_checkpoints(&source.base)?;
    let (events, root, checked) = compare(from, to, &published).await?;
    Ok(Migrated {
        events,
        copied: events - resumed,
        root: hex::encode(&root),
        checkpoints: checked,
        files: Vec::new(),
        logins: 0,
    })
}

/// Reads both logs from the start, side by side: the same canonical line at every
/// position, the same length; the Merkle root of the copy, checked against each published
/// checkpoint as its size is reached. Returns (events, root, checkpoints checked).
async fn compare(
    source: &dyn EventStore,
    target: &dyn EventStore,
    published: &[evidence::SignedCheckpoint],
) -> anyhow::Result<(u64, evidence::Hash, usize)> {
    const PAGE: usize = 5_000;
    let mut hasher = Hasher::new();
    let mut due = published.iter().peekable();
    let mut checked = 0;
    let mut next = 1;
    loop {
        let (a, b) = tokio::try_join!(
            source.read_for_copy(next, PAGE),
            target.read_for_copy(next, PAGE)
        )?;
        if a.len() != b.len() {
            let at = next + a.len().min(b.len()) as u64;
            bail!(
                "the copy differs from the source at position {at}: one of them ends there \
                 (was the source written to during the copy?)"
            );
        }
        if a.is_empty() {
            break;
        }
        for (x, y) in a.iter().zip(&b) {
            let line = canonical_json(&x.event);
            if x != y || line != canonical_json(&y.event) {
                bail!(
                    "the copy differs from the source at position {}",
                    x.event.position
                );
            }
            hasher.push(leaf_hash(line.as_bytes()));
            while let Some(c) = due.next_if(|c| c.checkpoint.tree_size == hasher.size()) {
                if c.checkpoint.root != hasher.root() {
                    bail!(
                        "the copy's Merkle root at {} events is not the one the source \
                         published (checkpoint signed by key {})",
                        c.checkpoint.tree_size,
                        c.key_id
                    );
                }
                checked += 1;
            }
        }
        next += a.len() as u64;
    }
    if let Some(c) = due.next() {
        bail!(
            "the source published a checkpoint of {} events but the log holds only {}",
            c.checkpoint.tree_size,
            hasher.size()
        );
    }
    Ok((hasher.size(), hasher.root(), checked))
}

/// The checkpoints published beside the source, oldest first (none if it has no file).
fn published_checkpoints(base: &Path) -> anyhow::Result<Vec<evidence::SignedCheckpoint>> {
    let path = checkpoints::published_path(base);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p = api::notary::Published::parse(line)
            .map_err(|e| anyhow::anyhow!("{} line {}: {e}", path.display(), n + 1))?;
        out.push(p.checkpoint);
    }
    out.sort_by_key(|c| c.checkpoint.tree_size);
    Ok(out)
}

/// Copies the SQLite database `src` into the new file `dst` with `VACUUM INTO`: a
/// consistent copy, whatever its journal holds, every page written once.
pub(crate) fn vacuum_into(src: &Path, dst: &Path) -> anyhow::Result<()> {
    let conn =
        rusqlite::Connection::open_with_flags(src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| src.display().to_string())?;
    let dst_text = dst
        .to_str()
        .with_context(|| format!("{} is not UTF-8", dst.display()))?;
    conn.execute("VACUUM INTO ?1", [dst_text])
        .with_context(|| format!("copying {} to {}", src.display(), dst.display()))?;
    Ok(())
}

/// Copies the files that go with the log to the target's names, each only if the source
/// has it and the target has none: SQLite files with `VACUUM INTO` (a consistent copy,
/// whatever their journal holds), the others byte for byte.
fn copy_files(from: &Path, to: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut copied = Vec::new();
    if from == to {
        return Ok(copied);
    }
    let databases = [(outbox::path_for(from), outbox::path_for(to))];
    for (src, dst) in databases {
        if src.exists() && !dst.exists() {
            vacuum_into(&src, &dst)?;
            copied.push(dst);
        }
    }
    let (key, to_key) = (checkpoints::key_path(from), checkpoints::key_path(to));
    let mut plain = vec![(key.clone(), to_key.clone())];
    plain.push((
        checkpoints::published_path(from),
        checkpoints::published_path(to),
    ));
    // Retired keys: `x.signing.key.<key id>.retired`.
    if let (Some(dir), Some(name)) = (key.parent(), key.file_name()) {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let prefix = format!("{}.", name.to_string_lossy());
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let n = entry.file_name().to_string_lossy().into_owned();
                if let Some(rest) = n.strip_prefix(&prefix)
                    && rest.ends_with(".retired")
                {
                    plain.push((
                        entry.path(),
                        PathBuf::from(format!("{}.{rest}", to_key.display())),
                    ));
                }
            }
        }
    }
    for (src, dst) in plain {
        if src.exists() && !dst.exists() {
            std::fs::copy(&src, &dst)
                .with_context(|| format!("copying {} to {}", src.display(), dst.display()))?;
            copied.push(dst);
        }
    }
    Ok(copied)
}
