//! An annual key task (年度重点工作任务: target, measures, deadline) of one subject; stream
//! `task-<id>`. A key task is one obligation: once in its year, one entry required.

use crate::aggregate::Aggregate;
use crate::calendar::{Cadence, Period};
use crate::error::DomainError;
use crate::events::{Event, KeyTaskSet};
use crate::ids::{ObligationId, TaskId};
use crate::list::SubjectContext;
use crate::obligation::{Obligation, Source};
use crate::org::{Responsibility, Subject};
use crate::validate;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Longest target, in characters.
pub const MAX_TARGET: usize = 1_000;
/// Longest measure, in characters.
pub const MAX_MEASURE: usize = 1_000;
/// Most measures of one task.
pub const MAX_MEASURES: usize = 50;
/// The category of every key-task obligation.
pub const KEY_TASK_CATEGORY: &str = "年度重点工作任务";

/// 设定年度重点工作任务.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetKeyTask {
    pub task_id: TaskId,
    /// 2000–2999.
    pub year: i32,
    pub subject: Subject,
    /// 目标, 1–1,000 characters.
    pub target: String,
    /// 措施: 1–50 measures, each 1–1,000 characters.
    pub measures: Vec<String>,
    /// A local date in `year`.
    pub deadline: NaiveDate,
}

/// The task's stream; the state is the task once it is set.
#[derive(Debug)]
pub struct KeyTaskAggregate;

impl Aggregate for KeyTaskAggregate {
    type State = Option<KeyTaskSet>;
    type Command = SetKeyTask;
    type Context = SubjectContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        if let Event::KeyTaskSet(e) = event {
            *state = Some(e.clone());
        }
    }

    fn decide(
        state: &Self::State,
        c: SetKeyTask,
        context: &SubjectContext,
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if state.is_some() {
            return Err(DomainError::AlreadyExists {
                what: "key task",
                id: c.task_id.to_string(),
            });
        }
        if !(2000..=2999).contains(&c.year) {
            return Err(DomainError::invalid(
                "year",
                format!("must be 2000 to 2999, not {}", c.year),
            ));
        }
        if c.deadline.year() != c.year {
            return Err(DomainError::invalid(
                "deadline",
                format!("{} is not in the task's year {}", c.deadline, c.year),
            ));
        }
        let target = validate::text("target", &c.target, MAX_TARGET)?;
        if c.measures.is_empty() || c.measures.len() > MAX_MEASURES {
            return Err(DomainError::invalid(
                "measures",
                format!(
                    "must be 1 to {MAX_MEASURES} measures, not {}",
                    c.measures.len()
                ),
            ));
        }
        let measures = c
            .measures
            .iter()
            .enumerate()
            .map(|(n, m)| {
                validate::text("measures", m, MAX_MEASURE).map_err(|_| {
                    DomainError::invalid(
                        "measures",
                        format!("measure {} must have 1 to {MAX_MEASURE} characters", n + 1),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(problem) = context.problem(&c.subject) {
            return Err(DomainError::invalid("subject", problem));
        }
        Ok(vec![
            KeyTaskSet {
                task_id: c.task_id,
                year: c.year,
                subject: c.subject,
                target,
                measures,
                deadline: c.deadline,
            }
            .into(),
        ])
    }
}

/// The one obligation a key task imposes: its subject owes one entry for the year
/// (`<year>-once`) by the task's deadline, under the principal responsibility.
pub fn key_task_obligation(task: &KeyTaskSet) -> Obligation {
    let source = Source::KeyTask {
        task_id: task.task_id,
    };
    // The year was checked when the task was set; a stored event out of range still
    // yields the period of its deadline rather than a panic.
    let period = Period::new(task.year, Cadence::Once, 1)
        .unwrap_or_else(|_| Period::containing(task.deadline, Cadence::Once));
    Obligation {
        obligation_id: ObligationId::derive(&source, &task.subject, &period),
        source,
        subject: task.subject,
        period,
        deadline: task.deadline,
        required_count: 1,
        responsibility: Responsibility::Principal,
        category: KEY_TASK_CATEGORY.to_owned(),
        content: task.target.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CadreId, UnitId};
    use crate::org::CadreDuty;

    fn now() -> DateTime<Utc> {
        "2026-03-01T02:00:00Z".parse().unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn set(task_id: TaskId, subject: Subject) -> SetKeyTask {
        SetKeyTask {
            task_id,
            year: 2026,
            subject,
            target: " 完成村级巡察全覆盖 ".into(),
            measures: vec!["制定巡察计划".into(), "每季度通报进展".into()],
            deadline: d(2026, 11, 30),
        }
    }

    fn team() -> Subject {
        Subject::LeadershipTeam {
            unit_id: UnitId::new(),
        }
    }

    #[test]
    fn setting_a_key_task_records_it_and_it_is_one_obligation() {
        let t = TaskId::new();
        let subject = team();
        let events =
            KeyTaskAggregate::decide(&None, set(t, subject), &SubjectContext::default(), now())
                .unwrap();
        let expected = KeyTaskSet {
            task_id: t,
            year: 2026,
            subject,
            target: "完成村级巡察全覆盖".into(),
            measures: vec!["制定巡察计划".into(), "每季度通报进展".into()],
            deadline: d(2026, 11, 30),
        };
        assert_eq!(events, vec![Event::KeyTaskSet(expected.clone())]);

        let o = key_task_obligation(&expected);
        let period = Period::new(2026, Cadence::Once, 1).unwrap();
        assert_eq!(o.period, period);
        assert_eq!(o.deadline, d(2026, 11, 30));
        assert_eq!(o.required_count, 1);
        assert_eq!(o.responsibility, Responsibility::Principal);
        assert_eq!(o.category, "年度重点工作任务");
        assert_eq!(o.content, "完成村级巡察全覆盖");
        assert_eq!(o.source, Source::KeyTask { task_id: t });
        assert_eq!(
            o.obligation_id,
            ObligationId::derive(&Source::KeyTask { task_id: t }, &subject, &period)
        );

        let state = KeyTaskAggregate::fold(&events);
        assert!(matches!(
            KeyTaskAggregate::decide(&state, set(t, subject), &SubjectContext::default(), now()),
            Err(DomainError::AlreadyExists {
                what: "key task",
                ..
            })
        ));
    }

    #[test]
    fn the_fields_are_checked() {
        let t = TaskId::new();
        let ctx = SubjectContext::default();
        let field = |f: &dyn Fn(&mut SetKeyTask)| {
            let mut c = set(t, team());
            f(&mut c);
            match KeyTaskAggregate::decide(&None, c, &ctx, now()) {
                Err(DomainError::Invalid { field, .. }) => field,
                other => panic!("expected invalid, got {other:?}"),
            }
        };
        assert_eq!(field(&|c| c.deadline = d(2027, 1, 1)), "deadline");
        assert_eq!(field(&|c| c.deadline = d(2025, 12, 31)), "deadline");
        assert_eq!(
            field(&|c| {
                c.year = 1999;
                c.deadline = d(1999, 6, 1);
            }),
            "year"
        );
        assert_eq!(field(&|c| c.target = "  ".into()), "target");
        assert_eq!(field(&|c| c.measures = vec![]), "measures");
        assert_eq!(field(&|c| c.measures.push(" ".into())), "measures");
        let mut ok = set(t, team());
        ok.deadline = d(2026, 12, 31);
        assert!(KeyTaskAggregate::decide(&None, ok, &ctx, now()).is_ok());
    }

    #[test]
    fn the_subject_must_exist_and_fit() {
        let t = TaskId::new();
        let cadre = CadreId::new();
        let member = Subject::TeamMember { cadre_id: cadre };
        let unknown = SubjectContext::default();
        assert_eq!(
            KeyTaskAggregate::decide(&None, set(t, member), &unknown, now()),
            Err(DomainError::invalid(
                "subject",
                format!("cadre {cadre} does not exist")
            ))
        );
        let known = SubjectContext {
            unknown_subjects: vec![],
            cadre_duties: [(
                cadre,
                CadreDuty::TeamMember {
                    unit_id: UnitId::new(),
                },
            )]
            .into(),
        };
        assert!(KeyTaskAggregate::decide(&None, set(t, member), &known, now()).is_ok());
        let as_leader = Subject::PrincipalLeader { cadre_id: cadre };
        assert!(matches!(
            KeyTaskAggregate::decide(&None, set(t, as_leader), &known, now()),
            Err(DomainError::Invalid {
                field: "subject",
                ..
            })
        ));
    }
}
