//! `dutytrace export` and `dutytrace verify`: the regulators' export of the log, and its
//! offline check with only the public key (DESIGN.md §5).
//!
//! `export` writes what `GET /api/v1/export` streams, from an SQLite log and its read
//! models on this machine, signing the checkpoint with the key beside the log. `verify`
//! checks an export, an inclusion proof or a file of published checkpoints — or, with
//! `--store`, a log in place: every event against the leaf the Merkle tree recorded for it
//! and the tree against the published checkpoints — and exits non-zero naming the first bad
//! position.

use crate::checkpoints;
use crate::config;
use crate::stores;
use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use event_store::{Filter, canonical_json};
use evidence::{Checkpoint, PublicKey, SignedCheckpoint};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// `dutytrace export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: crate::cli::StoreArgs,
    /// Only the events of this stream.
    #[arg(long)]
    pub stream: Option<String>,
    /// Only the events of streams of this category.
    #[arg(long)]
    pub category: Option<String>,
    /// Only the events of this type.
    #[arg(long)]
    pub event_type: Option<String>,
    /// Only events recorded at or after this RFC 3339 instant.
    #[arg(long, value_parser = config::parse_instant)]
    pub recorded_from: Option<DateTime<Utc>>,
    /// Only events recorded at or before this RFC 3339 instant.
    #[arg(long, value_parser = config::parse_instant)]
    pub recorded_to: Option<DateTime<Utc>>,
    /// Resume after this position (the last one already received).
    #[arg(long, default_value_t = 0)]
    pub after: u64,
    /// Gzip the export.
    #[arg(long)]
    pub gzip: bool,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `dutytrace verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An export (NDJSON, or gzip), an inclusion proof (JSON) or a file of published
    /// checkpoints (`x.checkpoints.jsonl`). Not with `--store`.
    pub file: Option<PathBuf>,
    /// The Ed25519 public key the checkpoints must be signed with (hex or base64). Without
    /// it, an export is checked against the key it names itself, which proves less.
    #[arg(long)]
    pub public_key: Option<String>,
    /// Checkpoints published earlier (off this machine): each must agree with what is
    /// checked.
    #[arg(long)]
    pub checkpoints: Option<PathBuf>,
    /// Check a log in place (e.g. sqlite://dutytrace.db) instead of a file: every event
    /// against its leaf in the Merkle tree, the tree against `--checkpoints`.
    #[arg(long, conflicts_with = "file")]
    pub store: Option<String>,
    /// With `--store` on a server (postgres://, kurrentdb://): the data directory of the service, where
    /// the Merkle tree of the log is kept.
    #[arg(long, env = "DUTYTRACE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The request of an export, checked.
fn request(args: &ExportArgs) -> anyhow::Result<export::ExportRequest> {
    let request = export::ExportRequest {
        stream: args
            .stream
            .clone()
            .map(event_store::StreamName::new)
            .transpose()
            .context("--stream")?,
        category: args
            .category
            .clone()
            .map(event_store::Category::new)
            .transpose()
            .context("--category")?,
        event_type: args
            .event_type
            .clone()
            .map(event_store::EventType::new)
            .transpose()
            .context("--event-type")?,
        recorded_from: args.recorded_from,
        recorded_to: args.recorded_to,
        after: args.after,
        gzip: args.gzip,
    };
    request.validate()?;
    Ok(request)
}

/// `dutytrace export`: brings the Merkle tree up to the log (in this store's read models,
/// so stop the service first, or use `GET /api/v1/export`), signs a checkpoint of it with the
/// key beside the log, and writes the export.
pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let request = request(&args)?;
    let clock = config::clock(args.store.now);
    let opened = args.store.open(clock.clone()).await?;
    let result = async {
        let log = opened.base.as_path();
        let key_path = opened.signing_key.clone();
        if !key_path.exists() {
            bail!(
                "no signing key at {} (the service makes one when it first starts)",
                key_path.display()
            );
        }
        let (notary, _) = api::Notary::open(
            checkpoints::origin(log),
            &key_path,
            checkpoints::published_path(log),
        )?;
        projector::catch_up(opened.log.clone(), &opened.models, Arc::new(merkle::Merkle)).await?;
        let reader = opened.models.reader()?;
        let size = merkle::size(&reader)?;
        let root = merkle::root(&reader, size)?;
        drop(reader);
        let checkpoint = notary.sign(Checkpoint {
            origin: checkpoints::origin(log),
            tree_size: size,
            root,
            time: clock.now(),
        });
        let key = notary.public_key();
        let store = opened.log.clone();
        let models = opened.models.clone();
        let bytes = match &args.out {
            Some(path) => {
                let file = tokio::fs::File::create(path)
                    .await
                    .with_context(|| format!("creating {}", path.display()))?;
                let mut file = tokio::io::BufWriter::new(file);
                let n =
                    export::write_to(store, models, request, checkpoint, key, &mut file).await?;
                tokio::io::AsyncWriteExt::flush(&mut file).await?;
                n
            }
            None => {
                let mut out = tokio::io::stdout();
                export::write_to(store, models, request, checkpoint, key, &mut out).await?
            }
        };
        eprintln!("exported {bytes} bytes, checked against a checkpoint of {size} events");
        anyhow::Ok(())
    }
    .await;
    opened.close().await;
    result
}

fn public_key(args: &VerifyArgs) -> anyhow::Result<Option<PublicKey>> {
    args.public_key
        .as_deref()
        .map(|k| PublicKey::parse(k).context("--public-key"))
        .transpose()
}

/// The published checkpoints of `--checkpoints`, checked (signatures and consistency).
fn published(args: &VerifyArgs, key: Option<&PublicKey>) -> anyhow::Result<Vec<SignedCheckpoint>> {
    let Some(path) = &args.checkpoints else {
        return Ok(Vec::new());
    };
    let key = key.context("--checkpoints needs --public-key to check their signatures")?;
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let checked = export::verify_checkpoints(file, key)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(checked.checkpoints)
}

/// `dutytrace verify`: exit 0 only if everything checks out.
pub async fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let key = public_key(&args)?;
    let published = published(&args, key.as_ref())?;
    if let Some(url) = &args.store {
        return verify_store(url, args.data_dir.as_deref(), &published).await;
    }
    let Some(path) = &args.file else {
        bail!("give a FILE to verify, or --store URL");
    };
    let mut file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut start = [0u8; 4096];
    let n = file.read(&mut start)?;
    let kind = export::file_kind(&start[..n]).with_context(|| {
        format!(
            "{}: neither an export, a proof nor checkpoints",
            path.display()
        )
    })?;
    let file = std::fs::File::open(path)?;
    match kind {
        export::FileKind::Export => {
            let report = tokio::task::spawn_blocking(move || {
                export::verify(
                    std::io::BufReader::with_capacity(1 << 20, file),
                    key.as_ref(),
                    &published,
                )
            })
            .await?
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            print!("{report}");
        }
        export::FileKind::Proof => {
            let key = key.context("a proof is checked with --public-key")?;
            let text = std::fs::read_to_string(path)?;
            let report = export::verify_proof(&text, &key, &published)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            println!("OK: {report:?}");
        }
        export::FileKind::Checkpoints => {
            let key = key.context("checkpoints are checked with --public-key")?;
            let checked = export::verify_checkpoints(file, &key)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let last = checked.checkpoints.last().map(|c| c.checkpoint.tree_size);
            println!(
                "OK: {} checkpoints, each signed and each extending the one before (last: {} events)",
                checked.checkpoints.len(),
                last.unwrap_or(0)
            );
        }
    }
    Ok(())
}

type Due = std::iter::Peekable<std::vec::IntoIter<SignedCheckpoint>>;

/// Every published checkpoint of the size the hasher has reached agrees with its root.
fn agree(hasher: &evidence::Hasher, due: &mut Due) -> anyhow::Result<()> {
    while let Some(c) = due.next_if(|c| c.checkpoint.tree_size == hasher.size()) {
        if c.checkpoint.root != hasher.root() {
            bail!(
                "the tree of the first {} events disagrees with the checkpoint published at {}: the log's Merkle tree was rewritten at or before position {}",
                c.checkpoint.tree_size,
                c.checkpoint.time,
                c.checkpoint.tree_size
            );
        }
    }
    Ok(())
}

/// A log in place: every event's canonical line against the leaf the tree recorded for it
/// when it was first seen, positions without holes, and the tree of those leaves against each
/// published checkpoint.
async fn verify_store(
    url: &str,
    data_dir: Option<&std::path::Path>,
    published: &[SignedCheckpoint],
) -> anyhow::Result<()> {
    let opened = stores::open(url, data_dir, config::clock(None)).await?;
    let result = async {
        let reader = opened.models.reader()?;
        let size = merkle::size(&reader)?;
        let mut hasher = evidence::Hasher::new();
        let mut due = published.to_vec();
        due.sort_by_key(|c| c.checkpoint.tree_size);
        let mut due: Due = due.into_iter().peekable();
        agree(&hasher, &mut due)?;
        let mut next = 1u64;
        while next <= size {
            let page = opened.log.read_all(next, &Filter::all(), 1000).await?;
            let Some(last) = page.events.last().map(|e| e.position) else {
                bail!("position {next} is missing: the log ends before the {size} events its tree covers");
            };
            let leaves = merkle::leaves(&reader, next, last)?;
            let mut leaves = leaves.into_iter();
            for e in &page.events {
                if e.position != next {
                    bail!("position {next} is missing (the log goes from {} to {})", next - 1, e.position);
                }
                let (_, leaf) = leaves
                    .next()
                    .filter(|(p, _)| *p == e.position)
                    .with_context(|| format!("position {}: the Merkle tree has no leaf for it", e.position))?;
                if evidence::leaf_hash(canonical_json(e).as_bytes()) != leaf {
                    bail!(
                        "position {}: its content does not hash to its leaf in the tree (altered after it was recorded); event {} of stream {}",
                        e.position, e.event_id, e.stream
                    );
                }
                hasher.push(leaf);
                agree(&hasher, &mut due)?;
                next += 1;
                if next > size {
                    break;
                }
            }
        }
        if let Some(c) = due.next() {
            bail!(
                "the checkpoint published at {} covers {} events; the log's tree covers only {size}",
                c.checkpoint.time, c.checkpoint.tree_size
            );
        }
        println!(
            "OK: {size} events, each matching its leaf; {} published checkpoints agree",
            published.len()
        );
        anyhow::Ok(())
    }
    .await;
    opened.close().await;
    result
}
