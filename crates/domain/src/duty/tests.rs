//! Given/when/then tests of `duty.rs`.

use super::*;
use crate::calendar::{Cadence, start_of_day};
use crate::ids::{GroupId, ItemId, ListId, ObligationId, UnitId};
use crate::obligation::Source;
use crate::org::Responsibility;
use chrono::{NaiveDate, TimeDelta};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// An obligation of `subject` for 2026-Q2, due on `deadline`.
fn obligation(subject: Subject, period: Period, deadline: NaiveDate) -> Obligation {
    let source = Source::ListItem {
        list_id: ListId::new(),
        item_id: ItemId::new(),
    };
    Obligation {
        obligation_id: ObligationId::derive(&source, &subject, &period),
        source,
        subject,
        period,
        deadline,
        required_count: 1,
        responsibility: Responsibility::Principal,
        category: "党风廉政建设".into(),
        content: "每季度专题研究党风廉政建设".into(),
    }
}

fn q2() -> Period {
    Period::new(2026, Cadence::Quarterly, 2).unwrap()
}

/// A team member's Q2 obligation due 30 June 2026, and the member's context.
fn member_context() -> (CadreId, DutyContext) {
    let me = CadreId::new();
    let ctx = DutyContext {
        obligation: obligation(Subject::TeamMember { cadre_id: me }, q2(), d(2026, 6, 30)),
        actor_duty: Some(CadreDuty::TeamMember {
            unit_id: UnitId::new(),
        }),
    };
    (me, ctx)
}

/// An instant given as Shanghai local time.
fn local(date: NaiveDate, h: i64, m: i64, s: i64) -> DateTime<Utc> {
    start_of_day(date) + TimeDelta::seconds(h * 3600 + m * 60 + s)
}

fn record(actor: CadreId, performed_on: NaiveDate) -> RecordDuty {
    RecordDuty {
        entry_id: EntryId::new(),
        performed_on,
        content: " 召开党委会专题研究党风廉政建设工作 ".into(),
        attachments: vec![Attachment {
            sha256: "a".repeat(64),
            file_name: "会议纪要.pdf".into(),
        }],
        actor,
    }
}

fn decide(
    state: &DutyState,
    c: impl Into<DutyCommand>,
    ctx: &DutyContext,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    DutyAggregate::decide(state, c.into(), ctx, now)
}

fn invalid_field(r: Result<Vec<Event>, DomainError>) -> &'static str {
    match r {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn an_entry_on_or_before_the_deadline_day_is_recorded() {
    let (me, ctx) = member_context();
    let cmd = record(me, d(2026, 6, 12));
    let now = local(d(2026, 6, 30), 23, 59, 59);
    let events = decide(&DutyState::default(), cmd.clone(), &ctx, now).unwrap();
    let o = &ctx.obligation;
    assert_eq!(
        events,
        vec![Event::DutyRecorded(DutyRecorded {
            entry_id: cmd.entry_id,
            obligation_id: o.obligation_id,
            source: o.source,
            subject: o.subject,
            period: o.period,
            entry: EntryContent {
                performed_on: d(2026, 6, 12),
                content: "召开党委会专题研究党风廉政建设工作".into(),
                attachments: cmd.attachments.clone(),
            },
            recorded_by: me,
        })]
    );
    let state = DutyAggregate::fold(&events);
    let entry = &state.entries[&cmd.entry_id];
    assert!(!entry.backfill && !entry.withdrawn);
    assert_eq!(entry.recorded_by, me);
}

#[test]
fn an_entry_after_the_deadline_day_is_a_backfill_with_local_days_late() {
    let (me, ctx) = member_context();
    let cases = [
        // 00:00:00 local on 1 July (still 30 June in UTC): one day late.
        (local(d(2026, 7, 1), 0, 0, 0), 1),
        (local(d(2026, 7, 1), 23, 59, 59), 1),
        // 01:00 local on 3 July is 2 July 17:00 UTC: three local days.
        (local(d(2026, 7, 3), 1, 0, 0), 3),
    ];
    for (now, days) in cases {
        let cmd = record(me, d(2026, 6, 12));
        let events = decide(&DutyState::default(), cmd.clone(), &ctx, now).unwrap();
        let [Event::DutyBackfilled(e)] = events.as_slice() else {
            panic!("expected a backfill at {now}, got {events:?}");
        };
        assert_eq!((e.deadline, e.days_late), (d(2026, 6, 30), days), "{now}");
        assert_eq!((e.entry_id, e.recorded_by), (cmd.entry_id, me));
        assert_eq!(e.obligation_id, ctx.obligation.obligation_id);
        let state = DutyAggregate::fold(&events);
        assert!(state.entries[&cmd.entry_id].backfill);
        assert_eq!(state.entries[&cmd.entry_id].days_late, days);
    }
}

#[test]
fn performed_on_lies_between_the_period_start_and_today_in_shanghai() {
    let (me, ctx) = member_context();
    // 00:30 on 1 July in Shanghai is still 30 June in UTC.
    let now = local(d(2026, 7, 1), 0, 30, 0);
    let s = DutyState::default();
    assert!(decide(&s, record(me, d(2026, 7, 1)), &ctx, now).is_ok());
    assert_eq!(
        invalid_field(decide(&s, record(me, d(2026, 7, 2)), &ctx, now)),
        "performed_on"
    );
    assert!(decide(&s, record(me, d(2026, 4, 1)), &ctx, now).is_ok());
    assert_eq!(
        invalid_field(decide(&s, record(me, d(2026, 3, 31)), &ctx, now)),
        "performed_on"
    );
}

#[test]
fn content_and_attachments_are_checked() {
    let (me, ctx) = member_context();
    let now = local(d(2026, 6, 20), 10, 0, 0);
    let s = DutyState::default();
    let with = |f: &dyn Fn(&mut RecordDuty)| {
        let mut c = record(me, d(2026, 6, 12));
        f(&mut c);
        decide(&s, c, &ctx, now)
    };
    assert_eq!(
        invalid_field(with(&|c| c.content = " \n ".into())),
        "content"
    );
    assert_eq!(
        invalid_field(with(&|c| c.content = "履".repeat(MAX_CONTENT + 1))),
        "content"
    );
    assert!(with(&|c| c.content = format!("  {}  ", "履".repeat(MAX_CONTENT))).is_ok());

    let attachment = |sha256: String, name: &str| Attachment {
        sha256,
        file_name: name.into(),
    };
    let bad_attachments = [
        attachment("A".repeat(64), "a.pdf"),
        attachment("a".repeat(63), "a.pdf"),
        attachment("a".repeat(65), "a.pdf"),
        attachment("g".repeat(64), "a.pdf"),
        attachment("a".repeat(64), ""),
        attachment("a".repeat(64), "  "),
        attachment("a".repeat(64), "../a.pdf"),
        attachment("a".repeat(64), "dir\\a.pdf"),
        attachment("a".repeat(64), ".."),
        attachment("a".repeat(64), &"名".repeat(256)),
    ];
    for bad in bad_attachments {
        assert_eq!(
            invalid_field(with(&|c| c.attachments = vec![bad.clone()])),
            "attachments",
            "{bad:?}"
        );
    }
    let good = attachment("0123456789abcdef".repeat(4), &"名".repeat(255));
    assert!(with(&|c| c.attachments = vec![good.clone(); MAX_ATTACHMENTS]).is_ok());
    assert_eq!(
        invalid_field(with(
            &|c| c.attachments = vec![good.clone(); MAX_ATTACHMENTS + 1]
        )),
        "attachments"
    );
}

#[test]
fn an_entry_id_is_used_once() {
    let (me, ctx) = member_context();
    let now = local(d(2026, 6, 20), 10, 0, 0);
    let cmd = record(me, d(2026, 6, 12));
    let state =
        DutyAggregate::fold(&decide(&DutyState::default(), cmd.clone(), &ctx, now).unwrap());
    assert_eq!(
        decide(&state, cmd.clone(), &ctx, now),
        Err(DomainError::AlreadyExists {
            what: "entry",
            id: cmd.entry_id.to_string()
        })
    );
}

#[test]
fn who_may_record_for_which_subject() {
    let unit = UnitId::new();
    let group = GroupId::new();
    let (me, other) = (CadreId::new(), CadreId::new());
    let principal_here = CadreDuty::PrincipalLeader { unit_id: unit };
    let principal_elsewhere = CadreDuty::PrincipalLeader {
        unit_id: UnitId::new(),
    };
    let member_here = CadreDuty::TeamMember { unit_id: unit };
    let in_group = CadreDuty::DisciplineGroup { group_id: group };
    let in_other_group = CadreDuty::DisciplineGroup {
        group_id: GroupId::new(),
    };

    let team = Subject::LeadershipTeam { unit_id: unit };
    let discipline = Subject::DisciplineGroup { group_id: group };
    let mine = Subject::PrincipalLeader { cadre_id: me };
    let my_member = Subject::TeamMember { cadre_id: me };

    let allowed = [
        (team, principal_here),
        (discipline, in_group),
        (mine, principal_here),
        (my_member, member_here),
    ];
    for (subject, duty) in allowed {
        assert_eq!(
            authorise(&subject, me, Some(&duty)),
            Ok(()),
            "{subject} {duty:?}"
        );
    }
    let refused = [
        (team, member_here),
        (team, principal_elsewhere),
        (team, in_group),
        (discipline, in_other_group),
        (discipline, principal_here),
    ];
    for (subject, duty) in refused {
        assert!(
            matches!(
                authorise(&subject, me, Some(&duty)),
                Err(DomainError::Forbidden(_))
            ),
            "{subject} {duty:?}"
        );
    }
    assert_eq!(
        authorise(&mine, other, Some(&principal_here)),
        Err(DomainError::Forbidden(
            "a cadre records only their own entries".into()
        ))
    );
    assert!(matches!(
        authorise(&mine, me, None),
        Err(DomainError::Forbidden(_))
    ));

    // And the decision applies it before anything else.
    let now = local(d(2026, 6, 20), 10, 0, 0);
    let ctx = DutyContext {
        obligation: obligation(team, q2(), d(2026, 6, 30)),
        actor_duty: Some(member_here),
    };
    assert!(matches!(
        decide(&DutyState::default(), record(me, d(2026, 6, 1)), &ctx, now),
        Err(DomainError::Forbidden(_))
    ));
    let ctx = DutyContext {
        actor_duty: Some(principal_here),
        ..ctx
    };
    assert!(decide(&DutyState::default(), record(me, d(2026, 6, 1)), &ctx, now).is_ok());
}

/// Given one recorded entry of the member's obligation.
fn given_an_entry() -> (CadreId, DutyContext, DutyState, EntryId) {
    let (me, ctx) = member_context();
    let cmd = record(me, d(2026, 6, 12));
    let events = decide(
        &DutyState::default(),
        cmd.clone(),
        &ctx,
        local(d(2026, 6, 12), 9, 0, 0),
    )
    .unwrap();
    (me, ctx, DutyAggregate::fold(&events), cmd.entry_id)
}

fn correct(entry_id: EntryId, actor: CadreId, content: &str, reason: &str) -> CorrectDuty {
    CorrectDuty {
        entry_id,
        performed_on: d(2026, 6, 12),
        content: content.into(),
        attachments: vec![],
        reason: reason.into(),
        actor,
    }
}

#[test]
fn correcting_an_entry_replaces_its_content() {
    let (me, ctx, mut state, id) = given_an_entry();
    let now = local(d(2026, 7, 5), 9, 0, 0);
    let events = decide(&state, correct(id, me, "更正后的内容", " 错填 "), &ctx, now).unwrap();
    assert_eq!(
        events,
        vec![Event::DutyCorrected(DutyCorrected {
            entry_id: id,
            obligation_id: ctx.obligation.obligation_id,
            entry: EntryContent {
                performed_on: d(2026, 6, 12),
                content: "更正后的内容".into(),
                attachments: vec![],
            },
            reason: "错填".into(),
            corrected_by: me,
        })]
    );
    DutyAggregate::evolve(&mut state, &events[0]);
    let entry = &state.entries[&id];
    assert_eq!(entry.entry.content, "更正后的内容");
    assert_eq!(entry.corrections, 1);
    // A correction after the deadline does not turn the entry into a backfill.
    assert!(!entry.backfill);

    assert_eq!(
        invalid_field(decide(
            &state,
            correct(id, me, "更正后的内容", "再改"),
            &ctx,
            now
        )),
        "content"
    );
    assert_eq!(
        invalid_field(decide(&state, correct(id, me, "再次更正", ""), &ctx, now)),
        "reason"
    );
    let mut future = correct(id, me, "再次更正", "改日期");
    future.performed_on = d(2026, 7, 6);
    assert_eq!(
        invalid_field(decide(&state, future, &ctx, now)),
        "performed_on"
    );
    assert!(matches!(
        decide(
            &state,
            correct(id, CadreId::new(), "别人改", "改"),
            &ctx,
            now
        ),
        Err(DomainError::Forbidden(_))
    ));
    let missing = EntryId::new();
    assert_eq!(
        decide(&state, correct(missing, me, "内容", "改"), &ctx, now),
        Err(DomainError::not_found("entry", missing))
    );
}

#[test]
fn a_withdrawn_entry_stops_counting_and_cannot_be_changed() {
    let (me, ctx, mut state, id) = given_an_entry();
    let now = local(d(2026, 6, 20), 9, 0, 0);
    let withdraw = |actor, reason: &str| WithdrawDuty {
        entry_id: id,
        reason: reason.into(),
        actor,
    };
    assert!(matches!(
        decide(&state, withdraw(CadreId::new(), "误填"), &ctx, now),
        Err(DomainError::Forbidden(_))
    ));
    assert_eq!(
        invalid_field(decide(&state, withdraw(me, " "), &ctx, now)),
        "reason"
    );
    let events = decide(&state, withdraw(me, "误填"), &ctx, now).unwrap();
    assert_eq!(
        events,
        vec![Event::DutyWithdrawn(DutyWithdrawn {
            entry_id: id,
            obligation_id: ctx.obligation.obligation_id,
            reason: "误填".into(),
            withdrawn_by: me,
        })]
    );
    assert_eq!(state.counting().count(), 1);
    DutyAggregate::evolve(&mut state, &events[0]);
    assert!(state.entries[&id].withdrawn);
    assert_eq!(state.counting().count(), 0);

    assert_eq!(
        invalid_field(decide(&state, withdraw(me, "再撤"), &ctx, now)),
        "entry_id"
    );
    assert_eq!(
        invalid_field(decide(&state, correct(id, me, "改", "改"), &ctx, now)),
        "entry_id"
    );
    // The id stays taken.
    let mut again = record(me, d(2026, 6, 12));
    again.entry_id = id;
    assert!(matches!(
        decide(&state, again, &ctx, now),
        Err(DomainError::AlreadyExists { .. })
    ));
}

/// Instants around the end of a deadline day, in microseconds from its last instant:
/// the exact boundaries (23:59:59.999999 and 00:00:00 next day, 23:59:59.000000) and
/// anything within three days either side.
fn around_the_end_of_the_day() -> impl Strategy<Value = i64> {
    const DAY: i64 = 86_400_000_000;
    prop_oneof![
        Just(0i64),
        Just(1),
        Just(-999_999),
        Just(-DAY),
        Just(DAY),
        Just(DAY + 1),
        -3 * DAY..=3 * DAY,
    ]
}

proptest! {
    #[test]
    fn recorded_exactly_when_now_is_on_or_before_the_end_of_the_deadline_day(
        year in 2000i32..=2998,
        month in 1u8..=12,
        days_after in 0u64..=90,
        offset in around_the_end_of_the_day(),
    ) {
        let period = Period::new(year, Cadence::Monthly, month).unwrap();
        let deadline = period.end().checked_add_days(chrono::Days::new(days_after)).unwrap();
        let (me, mut ctx) = member_context();
        ctx.obligation = obligation(Subject::TeamMember { cadre_id: me }, period, deadline);
        let now = end_of_day(deadline) + TimeDelta::microseconds(offset);
        let events = decide(&DutyState::default(), record(me, period.start()), &ctx, now).unwrap();
        match events.as_slice() {
            [Event::DutyRecorded(_)] => prop_assert!(now <= end_of_day(deadline)),
            [Event::DutyBackfilled(e)] => {
                prop_assert!(now > end_of_day(deadline));
                prop_assert_eq!(e.deadline, deadline);
                prop_assert!(e.days_late >= 1);
                prop_assert_eq!(i64::from(e.days_late), (local_date(now) - deadline).num_days());
            }
            other => prop_assert!(false, "unexpected events {:?}", other),
        }
    }
}
