//! Why a command was refused. Plain data, so tests compare them; the API maps each variant
//! to a status and a stable problem code, naming the field where there is one.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A field of the command breaks a rule (422).
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// Something the command names does not exist (404 for the target, 422 for a
    /// reference — the API decides).
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },
    /// The thing to create exists already (409).
    #[error("{what} {id} already exists")]
    AlreadyExists { what: &'static str, id: String },
    /// The actor may not do this (403).
    #[error("not allowed: {0}")]
    Forbidden(String),
}

impl DomainError {
    /// An invalid field.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// A missing thing.
    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            what,
            id: id.to_string(),
        }
    }
}
