//! The notary: signs checkpoints of the Merkle tree over the log (tree size, root hash,
//! time; Ed25519) and publishes each to a file off the log — one JSON object per line, each
//! after the first carrying the consistency proof from the one before, so the file alone
//! shows the log only ever grew (`dutytrace verify` checks it with the public key).
//!
//! The signing key is generated on first start and kept in a file of its own beside the log
//! (`x.signing.key`, mode 0600, never in the log or the read models); the checkpoints go to
//! `x.checkpoints.jsonl`. Copy that file (or receive it by webhook) off the machine: a
//! checkpoint kept only beside the log it vouches for proves nothing to whoever can rewrite
//! both.

use crate::problem::ApiError;
use crate::state::AppState;
use evidence::{Checkpoint, PublicKey, SignedCheckpoint, Signer};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The read model the checkpoints sign.
pub const MERKLE: &str = "merkle";

/// Signs and publishes checkpoints.
pub struct Notary {
    signer: Signer,
    origin: String,
    published: PathBuf,
    latest: Mutex<Option<SignedCheckpoint>>,
    /// One checkpoint at a time, so the published file stays in order.
    signing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Notary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notary")
            .field("origin", &self.origin)
            .field("key_id", &self.signer.public_key().key_id())
            .field("published", &self.published)
            .finish_non_exhaustive()
    }
}

/// A published checkpoint, as one line of the checkpoints file: the checkpoint's JSON
/// and, after the first, `consistency`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Published {
    #[serde(flatten)]
    pub checkpoint: SignedCheckpoint,
    /// The consistency proof (RFC 9162 §2.1.4) from the checkpoint published before it (hex).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consistency: Vec<String>,
}

impl Published {
    /// Reads one line of the checkpoints file.
    pub fn parse(line: &str) -> Result<Self, String> {
        let mut v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let consistency = match v.as_object_mut().and_then(|o| o.remove("consistency")) {
            Some(c) => serde_json::from_value(c).map_err(|e| format!("consistency: {e}"))?,
            None => Vec::new(),
        };
        let checkpoint = serde_json::from_value(v).map_err(|e| e.to_string())?;
        Ok(Self {
            checkpoint,
            consistency,
        })
    }
}

/// Why the notary could not start.
#[derive(Debug, thiserror::Error)]
pub enum NotaryError {
    #[error("signing key {path}: {reason}")]
    Key { path: String, reason: String },
    #[error("checkpoints file {path}: {reason}")]
    Published { path: String, reason: String },
}

/// Reads the key at `path`, or creates it (mode 0600) if there is none; answers whether it
/// was created.
fn key(path: &Path) -> Result<(Signer, bool), NotaryError> {
    let err = |reason: String| NotaryError::Key {
        path: path.display().to_string(),
        reason,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let secret: [u8; 32] = evidence::hex::decode(text.trim())
                .ok_or_else(|| err("not 64 hex digits".to_owned()))?;
            Ok((Signer::from_secret_bytes(&secret), false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let signer = Signer::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(|e| err(e.to_string()))?;
            writeln!(file, "{}", evidence::hex::encode(&signer.secret_bytes()))
                .and_then(|()| file.sync_all())
                .map_err(|e| err(e.to_string()))?;
            Ok((signer, true))
        }
        Err(e) => Err(err(e.to_string())),
    }
}

impl Notary {
    /// The notary of `origin` (or of the origin already published in `published`) with the
    /// key at `key_path` (created if missing) publishing to `published`; answers whether
    /// the key was created now.
    pub fn open(
        origin: impl Into<String>,
        key_path: &Path,
        published: PathBuf,
    ) -> Result<(Self, bool), NotaryError> {
        let (signer, created) = key(key_path)?;
        cut_torn_tail(&published)?;
        let latest = last_published(&published)?;
        // A log keeps the name it was published under, also after it was copied to
        // another backend (whose files are named differently).
        let origin = latest
            .as_ref()
            .map_or_else(|| origin.into(), |p| p.checkpoint.checkpoint.origin.clone());
        Ok((
            Self {
                signer,
                origin,
                published,
                latest: Mutex::new(latest.map(|p| p.checkpoint)),
                signing: tokio::sync::Mutex::new(()),
            },
            created,
        ))
    }

    pub fn public_key(&self) -> PublicKey {
        self.signer.public_key()
    }

    /// The file the checkpoints are published to.
    pub fn published_path(&self) -> &Path {
        &self.published
    }

    /// Records in the log that checkpoints are signed with this notary's key from now on
    /// (`SigningKeyAdopted`, naming the key it replaces; nothing if it is the key in use).
    pub async fn adopt(&self, s: &AppState) -> Result<(), ApiError> {
        let key = self.public_key();
        let meta = app::Meta {
            actor: event_store::Actor::new("system:notary").map_err(ApiError::internal)?,
            key: None,
            fingerprint: app::fingerprint(&format!("adopt {}", key.key_id())),
        };
        let c = domain::keys::AdoptSigningKey {
            key_id: key.key_id(),
            public_key: key.to_hex(),
        };
        s.app.adopt_signing_key(c, &meta).await?;
        Ok(())
    }

    /// Signs `checkpoint` without publishing it (for an export made offline).
    pub fn sign(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
        self.signer.sign(checkpoint)
    }

    /// The last checkpoint signed, if any.
    pub fn latest(&self) -> Option<SignedCheckpoint> {
        self.latest.lock().ok().and_then(|l| l.clone())
    }

    /// A checkpoint of the whole log as it stands: the last one if the log has not grown
    /// since, else a new one, signed, published and answered.
    pub async fn checkpoint(&self, s: &AppState) -> Result<SignedCheckpoint, ApiError> {
        let _one = self.signing.lock().await;
        let head = s.store.head().await?;
        s.wait_for(MERKLE, head).await?;
        let previous = self.latest();
        if let Some(p) = &previous
            && p.checkpoint.tree_size == head
        {
            return Ok(p.clone());
        }
        let old = previous.as_ref().map(|p| p.checkpoint.tree_size);
        let (root, consistency) = s
            .views
            .query(move |c| {
                let root = merkle::root(c, head)?;
                let proof = match old {
                    Some(old) if old > 0 && old < head => merkle::consistency(c, old, head)?,
                    _ => Vec::new(),
                };
                Ok((root, proof))
            })
            .await?;
        let signed = self.signer.sign(Checkpoint {
            origin: self.origin.clone(),
            tree_size: head,
            root,
            time: s.app.clock().now(),
        });
        let line = Published {
            checkpoint: signed.clone(),
            consistency: consistency
                .iter()
                .map(|h| evidence::hex::encode(h))
                .collect(),
        };
        let path = self.published.clone();
        tokio::task::spawn_blocking(move || append(&path, &line))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::new("unavailable", format!("publishing a checkpoint: {e}")))?;
        if let Ok(mut latest) = self.latest.lock() {
            *latest = Some(signed.clone());
        }
        Ok(signed)
    }
}

/// Appends one published checkpoint and syncs it to disk. A line the disk took only part
/// of (full: a short write, then ENOSPC) is cut off again, so that the file never holds a
/// torn line for the next one to be glued onto — which would stop the service from
/// starting (`last_published` reads every line).
fn append(path: &Path, line: &Published) -> std::io::Result<()> {
    let mut text = serde_json::to_string(line).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let before = file.metadata()?.len();
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_data());
    if written.is_err() {
        // Best effort: shrinking needs no space; if even that fails, the error stands.
        let _ = file.set_len(before).and_then(|()| file.sync_data());
    }
    written
}

/// Cuts off a last line that has no newline: an append the process was killed in the middle
/// of (a line is written whole, newline included, then synced, and only then is the
/// checkpoint answered or sent anywhere), so nobody was given it. Without this the next
/// checkpoint would be glued onto it and the file could no longer be read. A bad line that
/// *is* complete is left for [`last_published`] to refuse: that is damage, not a crash.
fn cut_torn_tail(path: &Path) -> Result<(), NotaryError> {
    use std::io::{Read, Seek, SeekFrom};
    let err = |reason: String| NotaryError::Published {
        path: path.display().to_string(),
        reason,
    };
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(err(e.to_string())),
    };
    let len = file.metadata().map_err(|e| err(e.to_string()))?.len();
    if len == 0 {
        return Ok(());
    }
    // A checkpoint's line is well under 64 KiB: look back that far for the last newline.
    let tail_len = len.min(64 * 1024);
    let mut tail = vec![0; usize::try_from(tail_len).unwrap_or(0)];
    file.seek(SeekFrom::Start(len - tail_len))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|e| err(e.to_string()))?;
    if tail.last() == Some(&b'\n') {
        return Ok(());
    }
    let keep = match tail.iter().rposition(|b| *b == b'\n') {
        Some(i) => len - tail_len + i as u64 + 1,
        None if tail_len == len => 0,
        None => return Err(err("the last line is longer than 64 KiB".to_owned())),
    };
    tracing::warn!(
        path = %path.display(),
        bytes = len - keep,
        "the checkpoints file ended in a line written only in part (the process stopped while \
         appending it); that line was never published and is cut off"
    );
    file.set_len(keep)
        .and_then(|()| file.sync_data())
        .map_err(|e| err(e.to_string()))
}

/// The last line of the checkpoints file, if there is one.
fn last_published(path: &Path) -> Result<Option<Published>, NotaryError> {
    let err = |reason: String| NotaryError::Published {
        path: path.display().to_string(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e.to_string())),
    };
    let mut last = None;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| err(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        last = Some(Published::parse(&line).map_err(|e| err(format!("line {}: {e}", n + 1)))?);
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(signer: &Signer, tree_size: u64) -> String {
        let checkpoint = Checkpoint {
            origin: "dutytrace/test".to_owned(),
            tree_size,
            root: [7; 32],
            time: chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
        };
        let published = Published {
            checkpoint: signer.sign(checkpoint),
            consistency: Vec::new(),
        };
        serde_json::to_string(&published).unwrap() + "\n"
    }

    #[test]
    fn a_line_torn_by_a_crash_is_cut_off_and_the_one_before_stands() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("x.signing.key");
        let published = dir.path().join("x.checkpoints.jsonl");
        let signer = Signer::generate();
        let whole = line(&signer, 5);
        let torn = &line(&signer, 9)[..40];
        std::fs::write(&published, format!("{whole}{torn}")).unwrap();
        let (notary, _) = Notary::open("dutytrace/test", &key, published.clone()).unwrap();
        assert_eq!(std::fs::read_to_string(&published).unwrap(), whole);
        let latest = notary.latest.lock().unwrap().clone().unwrap();
        assert_eq!(latest.checkpoint.tree_size, 5);
    }

    #[test]
    fn a_file_holding_only_a_torn_line_is_emptied_and_a_damaged_whole_line_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("x.signing.key");
        let published = dir.path().join("x.checkpoints.jsonl");
        std::fs::write(&published, "{\"origin\":\"dutytra").unwrap();
        let (notary, _) = Notary::open("dutytrace/test", &key, published.clone()).unwrap();
        assert!(notary.latest.lock().unwrap().is_none());
        assert_eq!(std::fs::read(&published).unwrap(), b"");

        // A complete line that does not parse is damage: refused, and left as it is.
        let signer = Signer::generate();
        let damaged = format!("{}{{\"not\": \"a checkpoint\"}}\n", line(&signer, 5));
        std::fs::write(&published, &damaged).unwrap();
        let e = Notary::open("dutytrace/test", &key, published.clone()).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert_eq!(std::fs::read_to_string(&published).unwrap(), damaged);
    }
}
