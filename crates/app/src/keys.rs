//! The keys that sign the log's checkpoints (stream `evidence-keys`).

use crate::commands::{Meta, name};
use crate::error::AppError;
use crate::execute::{App, Outcome};
use domain::events::stream;

impl App {
    /// 启用签名密钥: records that checkpoints are signed with this key from now on (nothing if
    /// it is the key in use).
    pub async fn adopt_signing_key(
        &self,
        c: domain::keys::AdoptSigningKey,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        self.execute::<domain::keys::SigningKeysAggregate>(
            &name(stream::evidence_keys())?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &(),
        )
        .await
    }
}
