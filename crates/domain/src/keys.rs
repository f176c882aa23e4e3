//! The keys that sign the log's checkpoints (DESIGN.md §3 "Evidence-grade export"): each
//! adoption is an event on `evidence-keys`, so which key vouched for the log when is itself
//! on the record, and a rotation names the key it replaces. The keys themselves live outside
//! the log (the service's key file); only public keys are recorded.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{Event, SigningKeyAdopted};
use chrono::{DateTime, Utc};

/// 启用签名密钥.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptSigningKey {
    /// 8 lowercase hex digits.
    pub key_id: String,
    /// 64 lowercase hex digits.
    pub public_key: String,
}

/// The keys' stream: the key in use, if any.
#[derive(Debug)]
pub struct SigningKeysAggregate;

fn hex(field: &'static str, value: &str, len: usize) -> Result<(), DomainError> {
    if value.len() == len
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            format!("must be {len} lowercase hex digits"),
        ))
    }
}

impl Aggregate for SigningKeysAggregate {
    type State = Option<String>;
    type Command = AdoptSigningKey;
    type Context = ();

    fn evolve(state: &mut Option<String>, event: &Event) {
        if let Event::SigningKeyAdopted(e) = event {
            *state = Some(e.key_id.clone());
        }
    }

    /// Adopting the key in use again records nothing.
    fn decide(
        state: &Option<String>,
        c: AdoptSigningKey,
        _: &(),
        _: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        hex("key_id", &c.key_id, 8)?;
        hex("public_key", &c.public_key, 64)?;
        if state.as_deref() == Some(c.key_id.as_str()) {
            return Ok(vec![]);
        }
        Ok(vec![
            SigningKeyAdopted {
                key_id: c.key_id,
                public_key: c.public_key,
                replaces: state.clone(),
            }
            .into(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adopt(id: &str) -> AdoptSigningKey {
        AdoptSigningKey {
            key_id: id.into(),
            public_key: "ab".repeat(32),
        }
    }

    #[test]
    fn a_rotation_names_the_key_it_replaces_and_readopting_records_nothing() {
        let now = Utc::now();
        let first =
            SigningKeysAggregate::decide(&None, adopt("0a1b2c3d"), &(), now).unwrap_or_default();
        let state = SigningKeysAggregate::fold(&first);
        assert_eq!(state.as_deref(), Some("0a1b2c3d"));
        assert_eq!(
            SigningKeysAggregate::decide(&state, adopt("0a1b2c3d"), &(), now),
            Ok(vec![])
        );
        let rotated =
            SigningKeysAggregate::decide(&state, adopt("99887766"), &(), now).unwrap_or_default();
        match &rotated[..] {
            [Event::SigningKeyAdopted(e)] => assert_eq!(e.replaces.as_deref(), Some("0a1b2c3d")),
            other => panic!("{other:?}"),
        }
        for bad in [
            adopt("0A1B2C3D"),
            adopt("0a1b2c"),
            AdoptSigningKey {
                public_key: "zz".repeat(32),
                ..adopt("0a1b2c3d")
            },
        ] {
            assert!(matches!(
                SigningKeysAggregate::decide(&None, bad, &(), now),
                Err(DomainError::Invalid { .. })
            ));
        }
    }
}
