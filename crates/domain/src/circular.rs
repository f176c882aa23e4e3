//! Exposure circulars (通报, 动态化曝光): the commission drafts a circular from the facts
//! of a period — red lights, overdue rectifications, accountability decisions — edits it,
//! and publishes it; from then on every unit can read it. Stream `circular-<id>`.
//!
//! ```text
//! drafted ─revise─► drafted ─publish─► published (final: no more revisions)
//! ```
//!
//! The items are the facts as they were drafted (with names frozen, as in a document);
//! the commission may drop, reword or add items before publishing. Only the commission
//! drafts, revises and publishes.

use crate::aggregate::Aggregate;
use crate::calendar::local_date;
use crate::error::DomainError;
use crate::events::{CircularDrafted, CircularPublished, CircularRevised, Event};
use crate::ids::{CadreId, CircularId, UnitId};
use crate::problem::ProblemActor;
use crate::validate;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY: usize = 20_000;
/// Longest item text, in characters.
pub const MAX_ITEM: usize = 1000;
/// Most items.
pub const MAX_ITEMS: usize = 500;

/// What an item of a circular is about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 红灯: an obligation not fulfilled by its deadline.
    RedLight,
    /// 整改逾期: a problem not rectified by its date.
    OverdueProblem,
    /// 问责: an accountability decision.
    Accountability,
    /// Anything the commission adds.
    Other,
}

/// One item of a circular.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircularItem {
    pub kind: ItemKind,
    pub unit_id: UnitId,
    pub cadre_id: Option<CadreId>,
    /// The obligation, problem or decision it is about, if any.
    pub subject_id: Option<Uuid>,
    /// 1–1000 characters.
    pub text: String,
}

/// A circular's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircularText {
    /// 1–200 characters.
    pub title: String,
    /// Up to 20,000 characters (may be empty).
    pub body: String,
    pub items: Vec<CircularItem>,
}

/// What may be asked of a circular.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CircularCommand {
    /// 起草: from the period's facts.
    Draft {
        circular_id: CircularId,
        period_from: NaiveDate,
        period_to: NaiveDate,
        text: CircularText,
    },
    /// 修改: only a draft.
    Revise {
        circular_id: CircularId,
        text: CircularText,
    },
    /// 发布: only a draft with at least one item.
    Publish { circular_id: CircularId },
}

impl CircularCommand {
    pub fn circular_id(&self) -> CircularId {
        match self {
            Self::Draft { circular_id, .. }
            | Self::Revise { circular_id, .. }
            | Self::Publish { circular_id } => *circular_id,
        }
    }
}

/// Where a circular stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CircularState {
    pub exists: bool,
    pub items: usize,
    pub published: bool,
}

/// The title a draft gets by default.
pub fn default_title(from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "关于{}至{}落实“两个责任”情况的通报",
        from.format("%Y年%-m月%-d日"),
        to.format("%Y年%-m月%-d日")
    )
}

fn check_text(t: CircularText) -> Result<CircularText, DomainError> {
    let title = validate::name("title", &t.title, MAX_TITLE)?;
    let body = t.body.trim().to_owned();
    let len = body.chars().count();
    if len > MAX_BODY {
        return Err(DomainError::invalid(
            "body",
            format!("must be at most {MAX_BODY} characters, not {len}"),
        ));
    }
    if t.items.len() > MAX_ITEMS {
        return Err(DomainError::invalid(
            "items",
            format!("at most {MAX_ITEMS} items, not {}", t.items.len()),
        ));
    }
    let items = t
        .items
        .into_iter()
        .map(|i| {
            Ok(CircularItem {
                text: validate::text("items.text", &i.text, MAX_ITEM)?,
                ..i
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    Ok(CircularText { title, body, items })
}

/// One circular's stream.
#[derive(Debug)]
pub struct CircularAggregate;

impl Aggregate for CircularAggregate {
    type State = CircularState;
    type Command = CircularCommand;
    /// Who is acting.
    type Context = ProblemActor;

    fn evolve(state: &mut CircularState, event: &Event) {
        match event {
            Event::CircularDrafted(e) => {
                state.exists = true;
                state.items = e.items.len();
            }
            Event::CircularRevised(e) => state.items = e.items.len(),
            Event::CircularPublished(_) => state.published = true,
            _ => {}
        }
    }

    fn decide(
        state: &CircularState,
        command: CircularCommand,
        actor: &ProblemActor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if *actor != ProblemActor::Commission {
            return Err(DomainError::Forbidden(
                "only the commission drafts, revises and publishes circulars".into(),
            ));
        }
        let id = command.circular_id();
        match command {
            CircularCommand::Draft {
                circular_id,
                period_from,
                period_to,
                text,
            } => {
                if state.exists {
                    return Err(DomainError::AlreadyExists {
                        what: "circular",
                        id: id.to_string(),
                    });
                }
                if period_to < period_from {
                    return Err(DomainError::invalid(
                        "period_to",
                        format!("{period_to} is before period_from {period_from}"),
                    ));
                }
                let t = check_text(text)?;
                Ok(vec![
                    CircularDrafted {
                        circular_id,
                        period_from,
                        period_to,
                        title: t.title,
                        body: t.body,
                        items: t.items,
                    }
                    .into(),
                ])
            }
            _ if !state.exists => Err(DomainError::not_found("circular", id)),
            _ if state.published => Err(DomainError::invalid(
                "status",
                "the circular is published; a published circular is final",
            )),
            CircularCommand::Revise { circular_id, text } => {
                let t = check_text(text)?;
                Ok(vec![
                    CircularRevised {
                        circular_id,
                        title: t.title,
                        body: t.body,
                        items: t.items,
                    }
                    .into(),
                ])
            }
            CircularCommand::Publish { circular_id } => {
                if state.items == 0 {
                    return Err(DomainError::invalid(
                        "items",
                        "a circular needs at least one item to be published",
                    ));
                }
                Ok(vec![
                    CircularPublished {
                        circular_id,
                        published_on: local_date(now),
                    }
                    .into(),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::end_of_day;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("a date")
    }

    fn text(items: usize) -> CircularText {
        CircularText {
            title: default_title(day(4, 1), day(6, 30)),
            body: "现将有关情况通报如下。".into(),
            items: (0..items)
                .map(|i| CircularItem {
                    kind: ItemKind::RedLight,
                    unit_id: UnitId::new(),
                    cadre_id: None,
                    subject_id: None,
                    text: format!("第{i}项 红灯"),
                })
                .collect(),
        }
    }

    fn run(
        state: &CircularState,
        c: CircularCommand,
        actor: &ProblemActor,
    ) -> Result<Vec<Event>, DomainError> {
        CircularAggregate::decide(state, c, actor, end_of_day(day(7, 2)))
    }

    #[test]
    fn a_draft_is_revised_then_published_and_is_final_after() {
        let id = CircularId::new();
        let c = ProblemActor::Commission;
        assert_eq!(
            default_title(day(4, 1), day(6, 30)),
            "关于2026年4月1日至2026年6月30日落实“两个责任”情况的通报"
        );
        let mut log = run(
            &CircularState::default(),
            CircularCommand::Draft {
                circular_id: id,
                period_from: day(4, 1),
                period_to: day(6, 30),
                text: text(0),
            },
            &c,
        )
        .unwrap();
        let state = CircularAggregate::fold(&log);
        // Nothing to publish yet.
        assert!(matches!(
            run(&state, CircularCommand::Publish { circular_id: id }, &c),
            Err(DomainError::Invalid { field: "items", .. })
        ));
        log.extend(
            run(
                &state,
                CircularCommand::Revise {
                    circular_id: id,
                    text: text(2),
                },
                &c,
            )
            .unwrap(),
        );
        let state = CircularAggregate::fold(&log);
        let published = run(&state, CircularCommand::Publish { circular_id: id }, &c).unwrap();
        match &published[..] {
            [Event::CircularPublished(p)] => assert_eq!(p.published_on, day(7, 2)),
            other => panic!("{other:?}"),
        }
        log.extend(published);
        let state = CircularAggregate::fold(&log);
        assert!(state.published);
        for again in [
            CircularCommand::Publish { circular_id: id },
            CircularCommand::Revise {
                circular_id: id,
                text: text(1),
            },
        ] {
            assert!(matches!(
                run(&state, again, &c),
                Err(DomainError::Invalid {
                    field: "status",
                    ..
                })
            ));
        }
    }

    #[test]
    fn only_the_commission_drafts_and_nothing_happens_to_a_circular_never_drafted() {
        let id = CircularId::new();
        let draft = CircularCommand::Draft {
            circular_id: id,
            period_from: day(6, 30),
            period_to: day(4, 1),
            text: text(1),
        };
        assert!(matches!(
            run(
                &CircularState::default(),
                draft.clone(),
                &ProblemActor::Other
            ),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            run(&CircularState::default(), draft, &ProblemActor::Commission),
            Err(DomainError::Invalid {
                field: "period_to",
                ..
            })
        ));
        assert!(matches!(
            run(
                &CircularState::default(),
                CircularCommand::Publish { circular_id: id },
                &ProblemActor::Commission
            ),
            Err(DomainError::NotFound { .. })
        ));
        let mut t = text(1);
        t.title = "  ".into();
        assert!(matches!(
            run(
                &CircularState::default(),
                CircularCommand::Draft {
                    circular_id: id,
                    period_from: day(4, 1),
                    period_to: day(6, 30),
                    text: t
                },
                &ProblemActor::Commission
            ),
            Err(DomainError::Invalid { field: "title", .. })
        ));
    }
}
