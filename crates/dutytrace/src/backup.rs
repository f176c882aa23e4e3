//! `dutytrace backup` and `dutytrace restore` (ADR 0020): an online, consistent copy of an
//! SQLite log and every file that goes with it, and its restore into a new store, verified
//! before anything is put in place.
//!
//! **Backup** (`--store sqlite://x.db --to DIR`), while a service may be writing:
//!
//! 1. the signing key (and keys retired by `rotate-key`) and the published checkpoints
//!    (`x.checkpoints.jsonl`, up to its last complete line) are copied first;
//! 2. then the webhook outbox, the credentials and the read models, each with SQLite's
//!    online backup API in one step (one read transaction: a consistent snapshot, which in
//!    WAL mode never blocks the writer);
//! 3. the log itself last, the same way.
//!
//! The files are not one snapshot, but the order makes the log the newest of them: every
//! checkpoint copied covers a prefix of the copied log, and every read model is at or
//! behind it (a restored service folds the rest at its start). Then the copied log is read
//! whole, its Merkle root computed from its events (RFC 9162, as the service does), and a
//! manifest (`manifest.json`) written last: head position, tree size and root, the SHA-256
//! and size of every file, the read models' positions, the time. A directory without a
//! manifest is an unfinished backup and is refused by `restore`.
//!
//! **Restore** (`--from DIR --store sqlite://y.db`) refuses to overwrite any file of an
//! existing store. It copies the files into a scratch directory beside the target, hashing
//! them on the way, and checks: every file's SHA-256 against the manifest; `PRAGMA
//! integrity_check` of each database; the log's head and the Merkle root of its first
//! `tree_size` events against the manifest; every published checkpoint's signature (by a
//! key the log adopted) and root against the restored log; the read models' Merkle tree
//! against the log; the signing key among those the log adopted. Only then are the files
//! renamed into place; on any failure the scratch directory is removed and nothing is left.
//!
//! A log on PostgreSQL or KurrentDB is refused with the supported way named (pg_dump, or
//! KurrentDB's own backup): ADR 0020.

use crate::{checkpoints, config, outbox, stores};
use anyhow::{Context, bail};
use clap::Args;
use event_store::{EventStore, Filter, canonical_json};
use evidence::{Hasher, PublicKey, SignedCheckpoint, hex, leaf_hash};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use store_sqlite::{SqliteOptions, SqliteStore};

/// The name of the manifest in a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// The format of the manifest this version writes and reads.
pub const FORMAT: &str = "dutytrace-backup/1";

/// `dutytrace backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The log to back up: sqlite://x.db (a log on PostgreSQL or KurrentDB is backed up
    /// with that server's own tools; see ADR 0020).
    #[arg(long, env = "DUTYTRACE_STORE", default_value = config::DEFAULT_STORE)]
    pub store: String,
    /// The checkpoint signing key, if not `x.signing.key` beside the log.
    #[arg(long, env = "DUTYTRACE_SIGNING_KEY_FILE", value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// A new (or empty) directory to write the backup to.
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
}

/// `dutytrace restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup directory (with its `manifest.json`).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Where to restore it: sqlite://y.db, a store that must not exist yet.
    #[arg(long, value_name = "URL")]
    pub store: String,
}

/// What a backup holds: written last into the backup directory as `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the backup was finished (RFC 3339).
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The version of dutytrace that made it.
    pub dutytrace_version: String,
    /// The store it was taken from.
    pub source: String,
    /// The last position in the copied log.
    pub head_position: u64,
    /// The size of the Merkle tree over the copied log (every event: the head).
    pub tree_size: u64,
    /// The root of that tree (hex), computed from the copied events.
    pub merkle_root: String,
    /// The position each read model had folded to in the copied read-model file (empty if
    /// there was none): a restored service folds the rest when it starts.
    pub read_models: BTreeMap<String, u64>,
    /// Published checkpoints copied, and the tree size of the last.
    pub checkpoints: CheckpointsSummary,
    /// Every file of the backup, with its hash.
    pub files: Vec<BackupFile>,
}

/// The published checkpoints in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointsSummary {
    pub count: usize,
    pub last_tree_size: Option<u64>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFile {
    /// What it is: `log`, `read_models`, `credentials`, `outbox`, `signing_key`,
    /// `retired_key`, `checkpoints`.
    pub role: String,
    /// Its name in the backup directory.
    pub name: String,
    pub bytes: u64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
}

/// The roles of the files, with their names in a backup directory.
const LOG: &str = "log";
const READ_MODELS: &str = "read_models";
const CREDENTIALS: &str = "credentials";
const OUTBOX: &str = "outbox";
const SIGNING_KEY: &str = "signing_key";
const RETIRED_KEY: &str = "retired_key";
const CHECKPOINTS: &str = "checkpoints";

/// The SQLite log file a store URL names, or the error naming the supported way for a log
/// on a server.
fn sqlite_path(url: &str, what: &str) -> anyhow::Result<PathBuf> {
    if store_postgres::is_postgres_url(url) {
        bail!(
            "dutytrace {what} covers logs in SQLite (sqlite://PATH). A log on PostgreSQL ({}) is \
             backed up with PostgreSQL's own tools: `pg_dump --format=custom` of its database \
             (a consistent snapshot while services write; the credentials and sessions are in \
             it too) and `pg_restore` into an empty database, plus a copy of the signing key \
             and published checkpoints in the data directory; the read models are rebuilt from \
             the log at start (ADR 0020)",
            store_postgres::redact(url)
        );
    }
    if store_kurrentdb::is_kurrentdb_url(url) {
        bail!(
            "dutytrace {what} covers logs in SQLite (sqlite://PATH). A log on KurrentDB ({}) is \
             backed up with KurrentDB's own backup of its database files (see KurrentDB's \
             documentation), plus a copy of the signing key and published checkpoints in the \
             data directory and of the credentials' database (pg_dump); or copy it with \
             `dutytrace migrate-store --to sqlite://copy.db` with the service stopped and back \
             that up (ADR 0020)",
            store_kurrentdb::redact(url)
        );
    }
    if !url.starts_with("sqlite:") {
        bail!("store URL {url:?}: dutytrace {what} takes sqlite://PATH");
    }
    Ok(store_sqlite::path_from_url(url)?)
}

/// Where each role's file goes with a log named `base` (`x.db`): `x.views.db`, ….
fn place(role: &str, name: &str, base: &Path) -> PathBuf {
    match role {
        LOG => base.to_path_buf(),
        READ_MODELS => stores::views_path(base),
        CREDENTIALS => auth::auth_path_for(base),
        OUTBOX => outbox::path_for(base),
        SIGNING_KEY => checkpoints::key_path(base),
        // `signing.key.<id>.retired` beside `x.signing.key`.
        RETIRED_KEY => {
            let suffix = name.strip_prefix("signing.key").unwrap_or(name);
            PathBuf::from(format!("{}{suffix}", checkpoints::key_path(base).display()))
        }
        CHECKPOINTS => checkpoints::published_path(base),
        _ => base.with_extension(name),
    }
}

/// The SHA-256 of a file (hex) and its size.
pub fn hash_file(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((hex::encode(&hasher.finalize()), bytes))
}

/// Copies `from` to a new file `to`, answering the SHA-256 (hex) and size of what was
/// copied.
fn copy_hashed(from: &Path, to: &Path) -> anyhow::Result<(String, u64)> {
    let mut src = std::fs::File::open(from).with_context(|| format!("{}", from.display()))?;
    let mut dst = new_file(to)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = src
            .read(&mut buf)
            .with_context(|| format!("reading {}", from.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n])
            .with_context(|| format!("writing {}", to.display()))?;
        bytes += n as u64;
    }
    dst.sync_all()
        .with_context(|| format!("writing {}", to.display()))?;
    Ok((hex::encode(&hasher.finalize()), bytes))
}

/// A new file, readable by its owner only (keys and credentials go through here).
fn new_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}

/// Copies the SQLite database `from` into the new file `to` with the online backup API, in
/// one step: one read transaction, a consistent snapshot even while another process
/// writes (in WAL mode the writer is not blocked).
fn copy_database(from: &Path, to: &Path) -> anyhow::Result<()> {
    let src = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", from.display()))?;
    src.busy_timeout(Duration::from_secs(10))?;
    drop(new_file(to)?);
    let mut dst = Connection::open(to).with_context(|| format!("creating {}", to.display()))?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)
            .with_context(|| format!("starting the backup of {}", from.display()))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            use rusqlite::backup::StepResult;
            match backup
                .step(-1)
                .with_context(|| format!("copying {}", from.display()))?
            {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                StepResult::Busy | StepResult::Locked => {
                    bail!("{} stayed locked for 60 s", from.display())
                }
                other => bail!("copying {}: {other:?}", from.display()),
            }
        }
    }
    dst.close()
        .map_err(|(_, e)| e)
        .with_context(|| format!("closing {}", to.display()))?;
    drop(src);
    Ok(())
}

/// Leaves a copied database whole in its one file: its WAL checkpointed into it and, as
/// the last connection closes, removed (with its index), so that the file hashed is the
/// database.
fn settle(db: &Path) -> anyhow::Result<()> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .with_context(|| format!("opening {}", db.display()))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .with_context(|| format!("checkpointing {}", db.display()))?;
    conn.close()
        .map_err(|(_, e)| e)
        .with_context(|| format!("closing {}", db.display()))?;
    for extra in [wal_of(db), shm_of(db)] {
        match std::fs::metadata(&extra) {
            Ok(m) if m.len() > 0 && extra == wal_of(db) => {
                bail!("{} still has a WAL after its checkpoint", db.display())
            }
            Ok(_) => std::fs::remove_file(&extra)
                .with_context(|| format!("removing {}", extra.display()))?,
            Err(_) => {}
        }
    }
    Ok(())
}

/// The positions the read models had folded to.
fn read_model_positions(views: &Path) -> anyhow::Result<BTreeMap<String, u64>> {
    let conn = Connection::open_with_flags(views, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare("SELECT projection, position FROM projector_checkpoints")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (name, position) = row?;
        out.insert(name, u64::try_from(position).unwrap_or_default());
    }
    Ok(out)
}

/// The whole log in a file, read through the store: its head, Merkle root, the keys it
/// adopted, and each checkpoint of `due` checked against the tree of its size.
struct LogCheck {
    head: u64,
    root: evidence::Hash,
    /// The key ids of the checkpoints' keys, as adopted in the log.
    adopted: BTreeMap<String, PublicKey>,
}

/// Reads every event of the SQLite log at `path`, hashing each into the Merkle tree;
/// `at` is called whenever the tree has grown to a size in `sizes` (sorted) with its root.
async fn read_log(
    path: &Path,
    sizes: &[u64],
    mut at: impl FnMut(u64, &evidence::Hash) -> anyhow::Result<()>,
) -> anyhow::Result<LogCheck> {
    let store = SqliteStore::open(path, SqliteOptions::default())
        .with_context(|| format!("opening the log {}", path.display()))?;
    let result = async {
        let head = store.head().await?;
        let mut hasher = Hasher::new();
        let mut adopted = BTreeMap::new();
        let mut sizes = sizes.iter().copied().peekable();
        while sizes.next_if_eq(&0).is_some() {
            at(0, &hasher.root())?;
        }
        let mut next = 1u64;
        while next <= head {
            let page = store.read_all(next, &Filter::all(), 5_000).await?;
            if page.events.is_empty() {
                bail!("position {next} is missing: the log ends before its head {head}");
            }
            for e in &page.events {
                if e.position != next {
                    bail!(
                        "position {next} is missing (the log goes from {} to {})",
                        next - 1,
                        e.position
                    );
                }
                hasher.push(leaf_hash(canonical_json(e).as_bytes()));
                if e.event_type.as_str() == "SigningKeyAdopted" {
                    let payload: serde_json::Value = serde_json::from_str(e.payload.as_str())?;
                    let key = payload["public_key"]
                        .as_str()
                        .and_then(|k| PublicKey::parse(k).ok())
                        .with_context(|| {
                            format!(
                                "position {}: SigningKeyAdopted without a public key",
                                e.position
                            )
                        })?;
                    adopted.insert(key.key_id(), key);
                }
                while sizes.next_if_eq(&next).is_some() {
                    at(next, &hasher.root())?;
                }
                next += 1;
            }
        }
        anyhow::Ok(LogCheck {
            head,
            root: hasher.root(),
            adopted,
        })
    }
    .await;
    store.close().await;
    result
}

/// The published checkpoints in `path`, one per line (a line cut short by a copy taken
/// while the service appended is not there).
fn read_checkpoints(text: &str, path: &Path) -> anyhow::Result<Vec<SignedCheckpoint>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p = api::notary::Published::parse(line)
            .map_err(|e| anyhow::anyhow!("{} line {}: {e}", path.display(), i + 1))?;
        out.push(p.checkpoint);
    }
    Ok(out)
}

/// What [`backup`] did.
#[derive(Debug, Clone)]
pub struct BackedUp {
    pub manifest: Manifest,
    pub elapsed: Duration,
}

/// Runs `dutytrace backup` and prints what it did.
pub async fn backup_command(args: BackupArgs) -> anyhow::Result<()> {
    let done = backup(&args.store, args.signing_key.as_deref(), &args.to).await?;
    let m = &done.manifest;
    println!(
        "backed up {} to {}: {} events (Merkle root {} at tree size {}), {} checkpoints, {} \
         files, {} bytes, in {:.2} s",
        m.source,
        args.to.display(),
        m.head_position,
        m.merkle_root,
        m.tree_size,
        m.checkpoints.count,
        m.files.len(),
        m.files.iter().map(|f| f.bytes).sum::<u64>(),
        done.elapsed.as_secs_f64()
    );
    Ok(())
}

/// Backs up the SQLite log of `store` (and every file that goes with it) into `to`, a
/// new or empty directory; on failure nothing of it is left there.
pub async fn backup(
    store: &str,
    signing_key: Option<&Path>,
    to: &Path,
) -> anyhow::Result<BackedUp> {
    let started = Instant::now();
    let log = sqlite_path(store, "backup")?;
    if !log.is_file() {
        bail!("there is no log at {}", log.display());
    }
    let created = match std::fs::read_dir(to) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "{} is not empty: a backup goes to a new or empty directory",
                    to.display()
                );
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
            true
        }
        Err(e) => return Err(e).with_context(|| format!("{}", to.display())),
    };
    let mut written = Vec::new();
    let result = write_backup(store, &log, signing_key, to, &mut written).await;
    match result {
        Ok(manifest) => Ok(BackedUp {
            manifest,
            elapsed: started.elapsed(),
        }),
        Err(e) => {
            for f in written.iter().rev() {
                let _ = std::fs::remove_file(f);
            }
            if created {
                let _ = std::fs::remove_dir_all(to);
            }
            Err(e.context(format!("no backup was written to {}", to.display())))
        }
    }
}

async fn write_backup(
    store: &str,
    log: &Path,
    signing_key: Option<&Path>,
    to: &Path,
    written: &mut Vec<PathBuf>,
) -> anyhow::Result<Manifest> {
    let mut files: Vec<(String, String)> = Vec::new();
    // 1. The keys and the published checkpoints, before the log: every checkpoint copied
    //    covers a prefix of the log copied after it.
    let key = signing_key.map_or_else(|| checkpoints::key_path(log), Path::to_path_buf);
    if key.is_file() {
        let target = to.join("signing.key");
        written.push(target.clone());
        copy_hashed(&key, &target)?;
        files.push((SIGNING_KEY.into(), "signing.key".into()));
        for retired in retired_keys(&key)? {
            let Some(suffix) = retired
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix(key.file_name()?.to_str()?))
                .map(str::to_owned)
            else {
                continue;
            };
            let name = format!("signing.key{suffix}");
            let target = to.join(&name);
            written.push(target.clone());
            copy_hashed(&retired, &target)?;
            files.push((RETIRED_KEY.into(), name));
        }
    }
    let published = checkpoints::published_path(log);
    let mut checkpoints = CheckpointsSummary {
        count: 0,
        last_tree_size: None,
    };
    if published.is_file() {
        let mut text = std::fs::read(&published)
            .with_context(|| format!("reading {}", published.display()))?;
        // A line being appended as it was read is left out (it is not published yet).
        let whole = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        text.truncate(whole);
        let target = to.join("checkpoints.jsonl");
        written.push(target.clone());
        let mut file = new_file(&target)?;
        file.write_all(&text)?;
        file.sync_all()?;
        let parsed = read_checkpoints(&String::from_utf8_lossy(&text), &published)?;
        checkpoints = CheckpointsSummary {
            count: parsed.len(),
            last_tree_size: parsed.last().map(|c| c.checkpoint.tree_size),
        };
        files.push((CHECKPOINTS.into(), "checkpoints.jsonl".into()));
    }
    // 2. The outbox, the credentials and the read models; 3. the log, last.
    let databases = [
        (OUTBOX, "outbox.db", outbox::path_for(log)),
        (CREDENTIALS, "auth.db", auth::auth_path_for(log)),
        (READ_MODELS, "views.db", stores::views_path(log)),
        (LOG, "log.db", log.to_path_buf()),
    ];
    for (role, name, path) in databases {
        if !path.is_file() {
            continue;
        }
        let target = to.join(name);
        written.push(target.clone());
        written.push(wal_of(&target));
        written.push(shm_of(&target));
        let from = path.clone();
        let into = target.clone();
        tokio::task::spawn_blocking(move || copy_database(&from, &into))
            .await?
            .with_context(|| format!("backing up {}", path.display()))?;
        files.push((role.into(), name.into()));
    }
    let read_models = match files.iter().any(|(r, _)| r == READ_MODELS) {
        true => read_model_positions(&to.join("views.db"))?,
        false => BTreeMap::new(),
    };
    // The copied log, read whole: its head and Merkle root.
    let copied = read_log(&to.join("log.db"), &[], |_, _| Ok(())).await?;
    if let Some(last) = checkpoints.last_tree_size
        && last > copied.head
    {
        bail!(
            "the checkpoints file covers {last} events but the log copied after it only {} \
             (a log that shrank?)",
            copied.head
        );
    }
    for (role, name) in &files {
        if [LOG, READ_MODELS, CREDENTIALS, OUTBOX].contains(&role.as_str()) {
            settle(&to.join(name))?;
        }
    }
    let mut hashed = Vec::new();
    for (role, name) in files {
        let path = to.join(&name);
        let (sha256, bytes) = hash_file(&path)?;
        hashed.push(BackupFile {
            role,
            name,
            bytes,
            sha256,
        });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: chrono::Utc::now(),
        dutytrace_version: env!("CARGO_PKG_VERSION").into(),
        source: store.into(),
        head_position: copied.head,
        tree_size: copied.head,
        merkle_root: hex::encode(&copied.root),
        read_models,
        checkpoints,
        files: hashed,
    };
    let tmp = to.join(".manifest.json.partial");
    written.push(tmp.clone());
    {
        let mut file = new_file(&tmp)?;
        file.write_all(serde_json::to_string_pretty(&manifest)?.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
    }
    let target = to.join(MANIFEST);
    written.push(target.clone());
    std::fs::rename(&tmp, &target)?;
    Ok(manifest)
}

fn wal_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

fn shm_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-shm", db.display()))
}

/// The keys `rotate-key` retired beside `key`: `x.signing.key.<id>.retired`.
fn retired_keys(key: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let (Some(dir), Some(name)) = (key.parent(), key.file_name().and_then(|n| n.to_str())) else {
        return Ok(Vec::new());
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let entry = entry?;
        if let Some(n) = entry.file_name().to_str()
            && n.starts_with(&format!("{name}."))
            && n.ends_with(".retired")
        {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// What [`restore`] did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: Manifest,
    /// The files put in place.
    pub files: Vec<PathBuf>,
    /// Published checkpoints verified against the restored log.
    pub checkpoints: usize,
    pub elapsed: Duration,
}

/// Runs `dutytrace restore` and prints what it did.
pub async fn restore_command(args: RestoreArgs) -> anyhow::Result<()> {
    let r = restore(&args.from, &args.store).await?;
    let m = &r.manifest;
    println!(
        "restored {} to {}: {} files, each matching its SHA-256; {} events, Merkle root {} at \
         tree size {} as in the manifest; {} published checkpoints verified against the \
         restored log; integrity_check ok; in {:.2} s",
        args.from.display(),
        args.store,
        r.files.len(),
        m.head_position,
        m.merkle_root,
        m.tree_size,
        r.checkpoints,
        r.elapsed.as_secs_f64()
    );
    for f in &r.files {
        println!("  {}", f.display());
    }
    Ok(())
}

/// Restores the backup in `from` into the SQLite store `store`, which must not exist;
/// everything is checked before any file is put in place (see the module's doc).
pub async fn restore(from: &Path, store: &str) -> anyhow::Result<Restored> {
    let started = Instant::now();
    let base = sqlite_path(store, "restore")?;
    let manifest_path = from.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} has no {MANIFEST}: not a dutytrace backup, or one that did not finish",
            from.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("{}", manifest_path.display())),
    };
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a backup manifest", manifest_path.display()))?;
    if manifest.format != FORMAT {
        bail!(
            "{}: format {:?}, this dutytrace reads {FORMAT:?}",
            manifest_path.display(),
            manifest.format
        );
    }
    if !manifest.files.iter().any(|f| f.role == LOG) {
        bail!(
            "{}: the manifest names no log file",
            manifest_path.display()
        );
    }
    if manifest.tree_size != manifest.head_position {
        bail!(
            "{}: the manifest's tree size {} is not its head position {} (edited?)",
            manifest_path.display(),
            manifest.tree_size,
            manifest.head_position
        );
    }
    // Never over an existing store: any of its files, or a WAL of one.
    let mut targets = Vec::new();
    for f in &manifest.files {
        if f.name.contains('/') || f.name.contains('\\') || f.name.starts_with('.') {
            bail!(
                "{}: file name {:?} is not a plain name",
                manifest_path.display(),
                f.name
            );
        }
        targets.push(place(&f.role, &f.name, &base));
    }
    for t in targets
        .iter()
        .flat_map(|t| [t.clone(), wal_of(t), shm_of(t)])
    {
        if t.exists() {
            bail!(
                "{} exists: restore never overwrites a store (restore into a new name, or move \
                 the old files away first)",
                t.display()
            );
        }
    }
    let dir = match base.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix(".dutytrace-restore-")
        .tempdir_in(&dir)
        .with_context(|| format!("a scratch directory in {}", dir.display()))?;
    // Staged under the names they will have; renamed into place once all is checked.
    let staged = |t: &Path| scratch.path().join(t.file_name().unwrap_or_default());
    let checked = check_into(from, &manifest, &targets, &staged).await;
    let count = match checked {
        Ok(n) => n,
        Err(e) => {
            return Err(e.context(format!(
                "the backup in {} was not restored; nothing was written to {}",
                from.display(),
                dir.display()
            )));
        }
    };
    for t in &targets {
        let s = staged(t);
        let is_db = [wal_of(&s), shm_of(&s)].iter().any(|p| p.exists());
        if is_db {
            settle(&s).context("nothing was restored")?;
        }
    }
    // Every file into place; all or none.
    let mut moved: Vec<PathBuf> = Vec::new();
    let mut plan = Vec::new();
    for t in &targets {
        for (s, d) in [
            (staged(t), t.clone()),
            (wal_of(&staged(t)), wal_of(t)),
            (shm_of(&staged(t)), shm_of(t)),
        ] {
            if s.exists() {
                plan.push((s, d));
            }
        }
    }
    for (s, d) in plan {
        if d.exists() {
            for m in &moved {
                let _ = std::fs::remove_file(m);
            }
            bail!(
                "{} appeared while restoring; nothing was restored",
                d.display()
            );
        }
        if let Err(e) = std::fs::rename(&s, &d) {
            for m in &moved {
                let _ = std::fs::remove_file(m);
            }
            return Err(e).with_context(|| {
                format!("moving {} into place; nothing was restored", d.display())
            });
        }
        moved.push(d);
    }
    Ok(Restored {
        manifest,
        files: targets,
        checkpoints: count,
        elapsed: started.elapsed(),
    })
}

/// Copies every file of the backup into its staged place, checking it; answers the
/// number of published checkpoints verified.
async fn check_into(
    from: &Path,
    manifest: &Manifest,
    targets: &[PathBuf],
    staged: &impl Fn(&Path) -> PathBuf,
) -> anyhow::Result<usize> {
    let mut at = BTreeMap::new();
    for (f, t) in manifest.files.iter().zip(targets) {
        let source = from.join(&f.name);
        if !source.is_file() {
            bail!(
                "{} is missing from the backup (the manifest lists it as the {})",
                f.name,
                f.role
            );
        }
        let into = staged(t);
        let (sha256, bytes) = copy_hashed(&source, &into)?;
        if sha256 != f.sha256 || bytes != f.bytes {
            bail!(
                "{} is damaged or altered: its SHA-256 is {sha256} ({bytes} bytes), the \
                 manifest's {} ({} bytes)",
                f.name,
                f.sha256,
                f.bytes
            );
        }
        at.insert(f.role.clone(), (f.name.clone(), into));
    }
    // Each database whole.
    for role in [LOG, READ_MODELS, CREDENTIALS, OUTBOX] {
        if let Some((name, path)) = at.get(role) {
            let path = path.clone();
            let verdict = tokio::task::spawn_blocking(move || integrity(&path)).await??;
            if verdict != "ok" {
                bail!("{name}: PRAGMA integrity_check says: {verdict}");
            }
        }
    }
    // The published checkpoints, each checked against the tree of its size.
    let published = match at.get(CHECKPOINTS) {
        Some((_, path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            read_checkpoints(&text, Path::new("checkpoints.jsonl"))?
        }
        None => Vec::new(),
    };
    let views_tree = match at.get(READ_MODELS) {
        Some((_, path)) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || views_tree(&path)).await??
        }
        None => None,
    };
    let mut sizes: Vec<u64> = published.iter().map(|c| c.checkpoint.tree_size).collect();
    sizes.push(manifest.tree_size);
    if let Some((size, _)) = views_tree {
        sizes.push(size);
    }
    sizes.sort_unstable();
    let mut roots: BTreeMap<u64, evidence::Hash> = BTreeMap::new();
    let (_, log_path) = at.get(LOG).context("no log in the backup")?;
    let log = read_log(log_path, &sizes, |size, root| {
        roots.insert(size, *root);
        Ok(())
    })
    .await
    .context("log.db")?;
    if log.head != manifest.head_position {
        bail!(
            "log.db ends at position {}, the manifest says {}",
            log.head,
            manifest.head_position
        );
    }
    for (i, c) in published.iter().enumerate() {
        if c.checkpoint.tree_size > manifest.tree_size {
            bail!(
                "checkpoints.jsonl: checkpoint {} covers {} events, the backup's log only {}",
                i + 1,
                c.checkpoint.tree_size,
                manifest.tree_size
            );
        }
    }
    if let Some((size, _)) = views_tree
        && size > manifest.tree_size
    {
        bail!(
            "views.db: the read models' Merkle tree covers {size} events, the log only {}",
            manifest.tree_size
        );
    }
    let root = hex::encode(&log.root);
    if root != manifest.merkle_root {
        bail!(
            "the Merkle root of log.db at tree size {} is {root}, the manifest's is {} (the \
             manifest or the log was altered)",
            manifest.tree_size,
            manifest.merkle_root
        );
    }
    for (i, c) in published.iter().enumerate() {
        let key = log.adopted.get(&c.key_id).with_context(|| {
            format!(
                "checkpoints.jsonl: checkpoint {} is signed by key {}, which the log never \
                 adopted",
                i + 1,
                c.key_id
            )
        })?;
        c.verify(key).map_err(|e| {
            anyhow::anyhow!(
                "checkpoints.jsonl: checkpoint {} (tree size {}): {e}",
                i + 1,
                c.checkpoint.tree_size
            )
        })?;
        if roots.get(&c.checkpoint.tree_size) != Some(&c.checkpoint.root) {
            bail!(
                "checkpoints.jsonl: checkpoint {} published at {} (tree size {}) does not \
                 agree with the restored log's Merkle tree of that size",
                i + 1,
                c.checkpoint.time,
                c.checkpoint.tree_size
            );
        }
    }
    if let Some((size, root)) = views_tree
        && roots.get(&size) != Some(&root)
    {
        bail!(
            "views.db: the read models' Merkle tree of {size} events does not agree with the \
             restored log's"
        );
    }
    if let Some((_, path)) = at.get(SIGNING_KEY) {
        let text = std::fs::read_to_string(path)?;
        let secret: [u8; 32] =
            hex::decode(text.trim()).context("signing.key: not 64 hex digits")?;
        let key = evidence::Signer::from_secret_bytes(&secret).public_key();
        if !log.adopted.is_empty() && !log.adopted.contains_key(&key.key_id()) {
            bail!(
                "signing.key: key {} is not one the log adopted ({})",
                key.key_id(),
                log.adopted.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    Ok(published.len())
}

/// `PRAGMA integrity_check` of a database: `ok`, or what it found.
fn integrity(path: &Path) -> anyhow::Result<String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut found = Vec::new();
    for row in rows.take(5) {
        found.push(row?);
    }
    Ok(found.join("; "))
}

/// The size and root of the Merkle tree in a read-model file, if it has one.
fn views_tree(path: &Path) -> anyhow::Result<Option<(u64, evidence::Hash)>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .with_context(|| format!("opening {}", path.display()))?;
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'merkle_nodes')",
        [],
        |r| r.get(0),
    )?;
    if !has {
        return Ok(None);
    }
    let size = merkle::size(&conn).context("views.db: the Merkle tree")?;
    let root = merkle::root(&conn, size).context("views.db: the Merkle tree")?;
    Ok(Some((size, root)))
}
