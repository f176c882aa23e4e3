//! The cqrs-es side: a cadre's duty record as a cqrs-es aggregate. Recording a duty is one
//! event; recording `n` duties at once (the batch scenario) is `n` events from one command.

use crate::duty::DutyEntry;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

/// A cadre (干部) as far as the benchmark needs one: the number of duties recorded.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadre {
    /// Duty entries recorded so far.
    pub duties: u64,
}

/// What can be asked of a cadre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CadreCommand {
    /// Record one duty entry: one event.
    RecordDuty(DutyEntry),
    /// Record `n` copies of a duty entry: `n` events from one command, committed together.
    RecordDuties {
        /// The entry each event carries.
        entry: DutyEntry,
        /// How many events.
        n: usize,
    },
}

/// What happened to a cadre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CadreEvent {
    /// A duty entry was recorded.
    DutyRecorded(DutyEntry),
}

impl DomainEvent for CadreEvent {
    fn event_type(&self) -> String {
        match self {
            Self::DutyRecorded(_) => "DutyRecorded".to_owned(),
        }
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

impl Aggregate for Cadre {
    const TYPE: &'static str = "cadre";
    type Command = CadreCommand;
    type Event = CadreEvent;
    // Recording a duty never fails here: the benchmark measures the framework and the
    // store, not business rules.
    type Error = Infallible;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            CadreCommand::RecordDuty(entry) => {
                sink.write(CadreEvent::DutyRecorded(entry), self).await;
            }
            CadreCommand::RecordDuties { entry, n } => {
                for _ in 0..n {
                    sink.write(CadreEvent::DutyRecorded(entry.clone()), self)
                        .await;
                }
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CadreEvent::DutyRecorded(_) => self.duties += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty;
    use cqrs_es::test::TestFramework;

    #[test]
    fn record_duty_yields_one_event() {
        TestFramework::<Cadre>::with(())
            .given_no_previous_events()
            .when(CadreCommand::RecordDuty(duty::entry()))
            .then_expect_events(vec![CadreEvent::DutyRecorded(duty::entry())]);
    }

    #[test]
    fn record_duties_yields_n_events() {
        TestFramework::<Cadre>::with(())
            .given(vec![CadreEvent::DutyRecorded(duty::entry())])
            .when(CadreCommand::RecordDuties {
                entry: duty::entry(),
                n: 3,
            })
            .then_expect_events(vec![CadreEvent::DutyRecorded(duty::entry()); 3]);
    }

    #[test]
    fn applying_counts_duties() {
        let mut cadre = Cadre::default();
        cadre.apply(CadreEvent::DutyRecorded(duty::entry()));
        cadre.apply(CadreEvent::DutyRecorded(duty::entry()));
        assert_eq!(cadre.duties, 2);
    }
}
