//! Checkpoints published earlier, off the machine: the export must agree with each of them
//! that it reaches, or the log was rewritten after they were published.

use evidence::{Hash, Hasher, PublicKey, SignedCheckpoint, hex};

use super::signature_error;
use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::{Header, thousands};

pub(crate) struct Published<'a> {
    /// Those a complete export reaches, largest size first (so the next is `last()`).
    pending: Vec<&'a SignedCheckpoint>,
    pub checked: usize,
    pub unchecked: usize,
}

impl<'a> Published<'a> {
    /// Checks each checkpoint's signature and log, and compares at once those of the
    /// export's own size.
    pub fn new(
        published: &'a [SignedCheckpoint],
        header: &Header,
        key: &PublicKey,
    ) -> Result<Self, VerifyError> {
        let signed = &header.checkpoint.checkpoint;
        let mut this = Self {
            pending: Vec::new(),
            checked: 0,
            unchecked: 0,
        };
        for cp in published {
            let what = format!("the published checkpoint {}", name(cp));
            cp.verify(key)
                .map_err(|e| signature_error(&what, &e, true))?;
            if cp.checkpoint.origin != signed.origin {
                return Err(VerifyError::new(
                    VerifyErrorKind::Format,
                    format!(
                        "{what} is of log {}, the export of log {}",
                        cp.checkpoint.origin, signed.origin
                    ),
                ));
            }
            let size = cp.checkpoint.tree_size;
            if size == signed.tree_size {
                compare(cp, &signed.root)?;
                this.checked += 1;
            } else if header.complete
                && size + 1 >= header.from_position
                && size <= header.to_position
            {
                this.pending.push(cp);
            } else {
                this.unchecked += 1;
            }
        }
        this.pending
            .sort_by_key(|cp| std::cmp::Reverse(cp.checkpoint.tree_size));
        Ok(this)
    }

    /// Compares the checkpoints of the hasher's size with its root.
    pub fn check(&mut self, hasher: &Hasher) -> Result<(), VerifyError> {
        while let Some(cp) = self
            .pending
            .pop_if(|cp| cp.checkpoint.tree_size == hasher.size())
        {
            compare(cp, &hasher.root())?;
            self.checked += 1;
        }
        Ok(())
    }
}

fn name(cp: &SignedCheckpoint) -> String {
    format!(
        "of size {} ({})",
        thousands(cp.checkpoint.tree_size),
        cp.checkpoint
            .time
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

fn compare(cp: &SignedCheckpoint, root: &Hash) -> Result<(), VerifyError> {
    if &cp.checkpoint.root == root {
        return Ok(());
    }
    let size = thousands(cp.checkpoint.tree_size);
    Err(VerifyError::new(
        VerifyErrorKind::Rewritten,
        format!(
            "the published checkpoint {} has root {}, but the first {size} events here hash to {}: the log was rewritten at or before position {size} after that checkpoint was published",
            name(cp),
            hex::encode(&cp.checkpoint.root),
            hex::encode(root),
        ),
    ))
}
