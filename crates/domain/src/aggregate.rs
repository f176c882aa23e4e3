//! The shape every aggregate of the domain has: a state folded from its stream's events
//! (`evolve`) and a pure decision (`decide`) turning a command into new events.

use crate::error::DomainError;
use crate::events::Event;
use chrono::{DateTime, Utc};

/// One consistency boundary: one stream of the log.
pub trait Aggregate {
    /// What the decision needs to know of the stream; `Default` is the empty stream.
    type State: Default + Clone + std::fmt::Debug;
    /// What may be asked of it.
    type Command: std::fmt::Debug;
    /// Facts from elsewhere that the decision needs (e.g. the obligation an entry is for,
    /// the actor's post), gathered by the application service before deciding.
    type Context: std::fmt::Debug;

    /// Applies one of the stream's events to the state. Events of other aggregates are
    /// ignored.
    fn evolve(state: &mut Self::State, event: &Event);

    /// Decides what happens: the new events, or why not. Pure: `now` is the only clock.
    fn decide(
        state: &Self::State,
        command: Self::Command,
        context: &Self::Context,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError>;

    /// Folds events into a state.
    fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self::State {
        let mut state = Self::State::default();
        for e in events {
            Self::evolve(&mut state, e);
        }
        state
    }
}
