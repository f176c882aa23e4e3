//! Given/when/then tests of `list.rs`.

use super::*;
use crate::calendar::{Cadence, DeadlineRule, Period};
use crate::ids::{GroupId, UnitId};
use crate::org::{Responsibility, SubjectKind};
use chrono::NaiveDate;

fn now() -> DateTime<Utc> {
    "2026-03-01T02:00:00Z".parse().unwrap()
}

fn item(kind: SubjectKind, cadence: Cadence) -> DutyItem {
    DutyItem {
        item_id: ItemId::new(),
        subject_kind: kind,
        responsibility: Responsibility::Principal,
        category: "党风廉政建设".into(),
        content: "每半年对本单位苗头性倾向性问题进行分析".into(),
        cadence,
        required_count: 1,
        deadline: DeadlineRule::EndOfPeriod,
    }
}

fn publish(list_id: ListId, items: Vec<DutyItem>) -> ListCommand {
    PublishList {
        list_id,
        year: 2026,
        title: "2026年度全面从严治党主体责任清单".into(),
        items,
    }
    .into()
}

fn given_published(list_id: ListId, items: Vec<DutyItem>) -> Option<ListState> {
    ListAggregate::fold(
        &ListAggregate::decide(&None, publish(list_id, items), &ctx(), now()).unwrap(),
    )
}

fn ctx() -> SubjectContext {
    SubjectContext::default()
}

fn invalid_items(result: Result<Vec<Event>, DomainError>) -> String {
    match result {
        Err(DomainError::Invalid {
            field: "items",
            reason,
        }) => reason,
        other => panic!("expected invalid items, got {other:?}"),
    }
}

#[test]
fn publishing_records_the_list_at_revision_one() {
    let l = ListId::new();
    let items = vec![item(SubjectKind::LeadershipTeam, Cadence::HalfYearly)];
    let events = ListAggregate::decide(&None, publish(l, items.clone()), &ctx(), now()).unwrap();
    assert_eq!(
        events,
        vec![Event::ResponsibilityListPublished(
            ResponsibilityListPublished {
                list_id: l,
                year: 2026,
                title: "2026年度全面从严治党主体责任清单".into(),
                items: items.clone(),
            }
        )]
    );
    let state = ListAggregate::fold(&events).unwrap();
    assert_eq!(
        (state.revision, &state.items, state.year),
        (1, &items, 2026)
    );
    assert!(matches!(
        ListAggregate::decide(&Some(state), publish(l, vec![]), &ctx(), now()),
        Err(DomainError::AlreadyExists { .. })
    ));
}

#[test]
fn year_and_title_are_checked() {
    let l = ListId::new();
    let items = vec![item(SubjectKind::TeamMember, Cadence::Quarterly)];
    for year in [1999, 3000] {
        let cmd = PublishList {
            list_id: l,
            year,
            title: "清单".into(),
            items: items.clone(),
        };
        assert!(matches!(
            ListAggregate::decide(&None, cmd.into(), &ctx(), now()),
            Err(DomainError::Invalid { field: "year", .. })
        ));
    }
    for title in ["  ".to_owned(), "清".repeat(201)] {
        let cmd = PublishList {
            list_id: l,
            year: 2026,
            title,
            items: items.clone(),
        };
        assert!(matches!(
            ListAggregate::decide(&None, cmd.into(), &ctx(), now()),
            Err(DomainError::Invalid { field: "title", .. })
        ));
    }
}

#[test]
fn items_are_checked_one_by_one() {
    let l = ListId::new();
    let ok = item(SubjectKind::LeadershipTeam, Cadence::Yearly);
    let decide = |items| ListAggregate::decide(&None, publish(l, items), &ctx(), now());

    assert!(invalid_items(decide(vec![])).contains("at least one"));
    assert!(invalid_items(decide(vec![ok.clone(); 2])).contains("used twice"));
    let too_many = (0..=MAX_ITEMS)
        .map(|_| item(SubjectKind::TeamMember, Cadence::Monthly))
        .collect();
    assert!(invalid_items(decide(too_many)).contains("at most 500"));

    let with = |f: &dyn Fn(&mut DutyItem)| {
        let mut bad = item(SubjectKind::TeamMember, Cadence::Monthly);
        f(&mut bad);
        invalid_items(decide(vec![ok.clone(), bad]))
    };
    assert!(with(&|i| i.content = " ".into()).starts_with("item 2 ("));
    assert!(with(&|i| i.content = " ".into()).contains("content"));
    assert!(with(&|i| i.category = String::new()).contains("category"));
    assert!(with(&|i| i.required_count = 0).contains("required_count"));
    assert!(with(&|i| i.required_count = 101).contains("required_count"));
    assert!(
        with(&|i| i.deadline = DeadlineRule::DaysAfterPeriodEnd { days: 91 }).contains("90 days")
    );
    let fixed = DeadlineRule::FixedDate {
        date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
    };
    assert!(
        with(&|i| {
            i.cadence = Cadence::Once;
            i.deadline = fixed;
        })
        .contains("not in the list's year")
    );

    let mut limits = item(SubjectKind::TeamMember, Cadence::Monthly);
    limits.required_count = 100;
    limits.content = "分".repeat(MAX_ITEM_CONTENT);
    assert!(decide(vec![limits]).is_ok());
}

#[test]
fn a_revision_replaces_the_items_and_counts_from_two() {
    let l = ListId::new();
    let first = item(SubjectKind::LeadershipTeam, Cadence::Yearly);
    let mut state = given_published(l, vec![first.clone()]);
    let second = item(SubjectKind::TeamMember, Cadence::Quarterly);
    for expected in [2, 3] {
        let items = if expected == 2 {
            vec![first.clone(), second.clone()]
        } else {
            vec![second.clone()]
        };
        let cmd = ReviseList {
            list_id: l,
            items: items.clone(),
            reason: "区纪委全会后调整".into(),
        };
        let events = ListAggregate::decide(&state, cmd.into(), &ctx(), now()).unwrap();
        assert_eq!(
            events,
            vec![Event::ResponsibilityListRevised(
                ResponsibilityListRevised {
                    list_id: l,
                    revision: expected,
                    items: items.clone(),
                    reason: "区纪委全会后调整".into(),
                }
            )]
        );
        ListAggregate::evolve(&mut state, &events[0]);
        assert_eq!(state.as_ref().unwrap().items, items);
        assert_eq!(state.as_ref().unwrap().revision, expected);
    }
}

#[test]
fn a_revision_keeps_the_year_is_not_empty_and_changes_something() {
    let l = ListId::new();
    let first = item(SubjectKind::LeadershipTeam, Cadence::Yearly);
    let state = given_published(l, vec![first.clone()]);
    let revise = |items: Vec<DutyItem>, reason: &str| {
        ListAggregate::decide(
            &state,
            ReviseList {
                list_id: l,
                items,
                reason: reason.into(),
            }
            .into(),
            &ctx(),
            now(),
        )
    };
    assert!(invalid_items(revise(vec![], "调整")).contains("at least one"));
    assert!(invalid_items(revise(vec![first.clone()], "调整")).contains("unchanged"));
    let mut next_year = item(SubjectKind::LeadershipTeam, Cadence::Once);
    next_year.deadline = DeadlineRule::FixedDate {
        date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
    };
    assert!(invalid_items(revise(vec![next_year], "调整")).contains("2026"));
    let other = item(SubjectKind::TeamMember, Cadence::Yearly);
    assert!(matches!(
        revise(vec![other], " "),
        Err(DomainError::Invalid {
            field: "reason",
            ..
        })
    ));

    let mut recadenced = first.clone();
    recadenced.cadence = Cadence::Quarterly;
    assert!(invalid_items(revise(vec![recadenced], "调整")).contains("cannot change"));
    let mut rebound = first.clone();
    rebound.subject_kind = SubjectKind::TeamMember;
    assert!(invalid_items(revise(vec![rebound], "调整")).contains("cannot change"));
    let mut recounted = first.clone();
    recounted.required_count = 2;
    assert!(revise(vec![recounted], "调整").is_ok());

    let unpublished = ReviseList {
        list_id: l,
        items: vec![first],
        reason: "调整".into(),
    };
    assert_eq!(
        ListAggregate::decide(&None, unpublished.into(), &ctx(), now()),
        Err(DomainError::not_found("responsibility list", l))
    );
}

fn known(duties: &[(CadreId, CadreDuty)]) -> SubjectContext {
    SubjectContext {
        unknown_subjects: vec![],
        cadre_duties: duties.iter().copied().collect(),
    }
}

#[test]
fn assigning_adds_only_new_subjects() {
    let l = ListId::new();
    let items = vec![item(SubjectKind::LeadershipTeam, Cadence::Yearly)];
    let published = ListAggregate::decide(&None, publish(l, items), &ctx(), now()).unwrap();
    let (u1, u2) = (UnitId::new(), UnitId::new());
    let (a, b) = (
        Subject::LeadershipTeam { unit_id: u1 },
        Subject::LeadershipTeam { unit_id: u2 },
    );
    let assign = |state: &Option<ListState>, subjects: Vec<Subject>| {
        ListAggregate::decide(
            state,
            AssignList {
                list_id: l,
                subjects,
            }
            .into(),
            &ctx(),
            now(),
        )
    };
    let first = assign(&ListAggregate::fold(&published), vec![a]).unwrap();
    let state = ListAggregate::fold(published.iter().chain(&first));
    assert_eq!(state.as_ref().unwrap().subjects, vec![a]);
    assert_eq!(
        assign(&state, vec![a, b]),
        Ok(vec![Event::ResponsibilityListAssigned(
            ResponsibilityListAssigned {
                list_id: l,
                subjects: vec![b],
            }
        )])
    );
    assert_eq!(
        assign(&state, vec![a]),
        Err(DomainError::invalid("subjects", "already assigned"))
    );
    assert!(matches!(
        assign(&state, vec![b, b]),
        Err(DomainError::Invalid { field: "subjects", reason }) if reason.contains("twice")
    ));
    assert!(assign(&state, vec![]).is_err());
}

#[test]
fn assigned_subjects_must_exist_and_cadres_must_hold_the_subjects_duty() {
    let l = ListId::new();
    let state = given_published(l, vec![item(SubjectKind::TeamMember, Cadence::Yearly)]);
    let unit = UnitId::new();
    let (member, leader, stranger) = (CadreId::new(), CadreId::new(), CadreId::new());
    let context = known(&[
        (member, CadreDuty::TeamMember { unit_id: unit }),
        (leader, CadreDuty::PrincipalLeader { unit_id: unit }),
    ]);
    let assign = |subject: Subject, context: &SubjectContext| {
        ListAggregate::decide(
            &state,
            AssignList {
                list_id: l,
                subjects: vec![subject],
            }
            .into(),
            context,
            now(),
        )
    };
    assert!(assign(Subject::TeamMember { cadre_id: member }, &context).is_ok());
    assert!(assign(Subject::PrincipalLeader { cadre_id: leader }, &context).is_ok());
    let reason = |r: Result<Vec<Event>, DomainError>| match r {
        Err(DomainError::Invalid {
            field: "subjects",
            reason,
        }) => reason,
        other => panic!("expected invalid subjects, got {other:?}"),
    };
    assert!(
        reason(assign(Subject::TeamMember { cadre_id: leader }, &context))
            .contains("is not a 班子成员")
    );
    assert!(
        reason(assign(
            Subject::PrincipalLeader { cadre_id: member },
            &context
        ))
        .contains("is not a 主要负责人")
    );
    assert_eq!(
        reason(assign(Subject::TeamMember { cadre_id: stranger }, &context)),
        format!("cadre {stranger} does not exist")
    );
    let group = GroupId::new();
    let missing = SubjectContext {
        unknown_subjects: vec![
            Subject::DisciplineGroup { group_id: group },
            Subject::LeadershipTeam { unit_id: unit },
        ],
        ..context.clone()
    };
    assert_eq!(
        reason(assign(
            Subject::DisciplineGroup { group_id: group },
            &missing
        )),
        format!("discipline group {group} does not exist")
    );
    assert_eq!(
        reason(assign(Subject::LeadershipTeam { unit_id: unit }, &missing)),
        format!("unit {unit} does not exist")
    );
    assert!(assign(Subject::LeadershipTeam { unit_id: unit }, &context).is_ok());
}

#[test]
fn the_state_derives_the_obligations_of_current_items_and_assigned_subjects() {
    let l = ListId::new();
    let team_item = item(SubjectKind::LeadershipTeam, Cadence::HalfYearly);
    let member_item = item(SubjectKind::TeamMember, Cadence::Quarterly);
    let mut state = given_published(l, vec![team_item.clone(), member_item.clone()]).unwrap();
    assert!(state.obligations().is_empty());
    let unit = UnitId::new();
    let (team, member) = (
        Subject::LeadershipTeam { unit_id: unit },
        Subject::TeamMember {
            cadre_id: CadreId::new(),
        },
    );
    state.subjects = vec![team, member];
    let all = state.obligations();
    // 2 half-years for the team, 4 quarters for the member.
    assert_eq!(all.len(), 6);
    assert_eq!(all.iter().filter(|o| o.subject == team).count(), 2);
    let q3 = all
        .iter()
        .find(|o| {
            o.subject == member && o.period == Period::new(2026, Cadence::Quarterly, 3).unwrap()
        })
        .unwrap();
    assert_eq!(q3.deadline, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    let item_of = |o: &Obligation| match o.source {
        Source::ListItem { item_id, .. } => item_id,
        Source::KeyTask { .. } => unreachable!(),
    };
    for o in &all {
        assert_eq!(state.obligation(o.obligation_id).as_ref(), Some(o));
        assert_eq!(
            state
                .obligation_at(item_of(o), &o.subject, &o.period)
                .as_ref(),
            Some(o)
        );
    }
    assert_eq!(state.obligation(ObligationId::new()), None);
    // The wrong kind of subject, an unassigned subject, another cadence or year: none.
    let q3_period = Period::new(2026, Cadence::Quarterly, 3).unwrap();
    assert_eq!(
        state.obligation_at(member_item.item_id, &team, &q3_period),
        None
    );
    let stranger = Subject::TeamMember {
        cadre_id: CadreId::new(),
    };
    assert_eq!(
        state.obligation_at(member_item.item_id, &stranger, &q3_period),
        None
    );
    let h2 = Period::new(2026, Cadence::HalfYearly, 2).unwrap();
    assert_eq!(state.obligation_at(member_item.item_id, &member, &h2), None);
    let next_year = Period::new(2027, Cadence::Quarterly, 3).unwrap();
    assert_eq!(
        state.obligation_at(member_item.item_id, &member, &next_year),
        None
    );
    // After a revision drops the member item, its obligations are gone.
    state.items = vec![team_item];
    assert_eq!(state.obligation(q3.obligation_id), None);
    assert_eq!(
        state.obligation_at(member_item.item_id, &member, &q3_period),
        None
    );
    assert_eq!(state.obligations().len(), 2);
}
