//! Given/when/then tests of `filing.rs`: the boundaries of the filing windows, bad input,
//! revisions, cancellations, returns and acknowledgements.

use super::*;
use crate::calendar::start_of_day;
use crate::ids::UnitId;
use chrono::TimeDelta;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 09:00 in Shanghai on `date`.
fn morning(date: NaiveDate) -> DateTime<Utc> {
    start_of_day(date) + TimeDelta::hours(9)
}

/// Today, in the tests: 1 March 2026.
fn today() -> NaiveDate {
    d(2026, 3, 1)
}

fn duty() -> CadreDuty {
    CadreDuty::TeamMember {
        unit_id: UnitId(uuid::Uuid::from_u128(7)),
    }
}

fn ctx() -> FilingContext {
    FilingContext {
        filer_duty: Some(duty()),
    }
}

fn travel(leave_on: NaiveDate, return_on: NaiveDate) -> Travel {
    Travel {
        purpose: TravelPurpose::Private,
        destination: " 上海 ".into(),
        leave_on,
        return_on,
    }
}

fn family(date: NaiveDate) -> FamilyEvent {
    FamilyEvent {
        kind: FamilyEventKind::ChildWedding,
        date,
        scale: "宴请亲友8桌约80人".into(),
        venue: "宁波某酒店".into(),
    }
}

fn decide_at(
    state: &Option<FilingState>,
    c: impl Into<FilingCommand>,
    on: NaiveDate,
) -> Result<Vec<Event>, DomainError> {
    FilingAggregate::decide(state, c.into(), &ctx(), morning(on))
}

fn file_travel(cadre: CadreId, t: Travel) -> FileTravel {
    FileTravel {
        filing_id: FilingId(uuid::Uuid::from_u128(1)),
        cadre_id: cadre,
        travel: t,
    }
}

fn file_family(cadre: CadreId, e: FamilyEvent) -> FileFamilyEvent {
    FileFamilyEvent {
        filing_id: FilingId(uuid::Uuid::from_u128(1)),
        cadre_id: cadre,
        event: e,
    }
}

/// The timeliness the first event decided.
fn timeliness(events: &[Event]) -> Timeliness {
    match &events[0] {
        Event::TravelFiled(e) => e.timeliness,
        Event::FamilyEventFiled(e) => e.timeliness,
        Event::FilingRevised(e) => e.timeliness,
        Event::ReturnReported(e) => e.timeliness,
        other => panic!("{other:?}"),
    }
}

fn given(events: &[Event]) -> Option<FilingState> {
    FilingAggregate::fold(events)
}

fn then(state: &Option<FilingState>, events: &[Event]) -> Option<FilingState> {
    let mut s = state.clone();
    for e in events {
        FilingAggregate::evolve(&mut s, e);
    }
    s
}

fn invalid_field(r: Result<Vec<Event>, DomainError>) -> &'static str {
    match r {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn a_travel_of_two_days_needs_no_filing_and_is_never_late() {
    let me = CadreId::new();
    let leave = d(2026, 3, 10);
    // Filed ahead, on the leave date, and after the return: never late.
    for on in [today(), leave, d(2026, 3, 20)] {
        let events = decide_at(&None, file_travel(me, travel(leave, d(2026, 3, 11))), on).unwrap();
        assert_eq!(timeliness(&events), Timeliness::default(), "filed on {on}");
    }
}

#[test]
fn a_travel_of_three_days_must_be_filed_before_the_leave_date() {
    let me = CadreId::new();
    let leave = d(2026, 3, 10);
    let three = travel(leave, d(2026, 3, 12));
    assert_eq!(three.days(), 3);
    let due = Some(d(2026, 3, 9));
    for (on, days_late) in [
        (today(), 0),
        (d(2026, 3, 9), 0),  // the day before leaving: on time
        (d(2026, 3, 10), 1), // the leave date itself: late by 1
        (d(2026, 3, 11), 2),
        (d(2026, 3, 20), 11), // after the return: accepted, late
    ] {
        let events = decide_at(&None, file_travel(me, three.clone()), on).unwrap();
        assert_eq!(
            timeliness(&events),
            Timeliness {
                required: true,
                due_by: due,
                days_late
            },
            "filed on {on}"
        );
    }
}

#[test]
fn the_day_turns_at_midnight_in_shanghai_not_in_utc() {
    let me = CadreId::new();
    let three = travel(d(2026, 3, 10), d(2026, 3, 12));
    // 23:59:59 on the 9th in Shanghai is 15:59:59 UTC: on time.
    let last = start_of_day(d(2026, 3, 10)) - TimeDelta::seconds(1);
    let on_time =
        FilingAggregate::decide(&None, file_travel(me, three.clone()).into(), &ctx(), last)
            .unwrap();
    assert_eq!(timeliness(&on_time).days_late, 0);
    let first = start_of_day(d(2026, 3, 10));
    let late =
        FilingAggregate::decide(&None, file_travel(me, three).into(), &ctx(), first).unwrap();
    assert_eq!(timeliness(&late).days_late, 1);
}

#[test]
fn a_family_event_is_on_time_thirty_days_ahead_and_late_by_a_day_at_twenty_nine() {
    let me = CadreId::new();
    for (ahead, days_late) in [(60, 0), (31, 0), (30, 0), (29, 1), (1, 29), (0, 30)] {
        let date = today() + TimeDelta::days(ahead);
        let events = decide_at(&None, file_family(me, family(date)), today()).unwrap();
        assert_eq!(
            timeliness(&events),
            Timeliness {
                required: true,
                due_by: Some(date - TimeDelta::days(30)),
                days_late
            },
            "{ahead} days ahead"
        );
    }
}

#[test]
fn the_filing_records_the_filer_and_their_duty_and_trims_the_text() {
    let me = CadreId::new();
    let events = decide_at(
        &None,
        file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
        today(),
    )
    .unwrap();
    let Event::TravelFiled(e) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(e.cadre_id, me);
    assert_eq!(e.duty, duty());
    assert_eq!(e.travel.destination, "上海");
    assert_eq!(e.filed_on, today());
    assert_eq!(events[0].stream(), format!("filing-{}", e.filing_id));
    // Filing twice under one id is refused.
    assert!(matches!(
        decide_at(
            &given(&events),
            file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
            today()
        ),
        Err(DomainError::AlreadyExists { what: "filing", .. })
    ));
}

#[test]
fn only_a_registered_cadre_files() {
    let no_cadre = FilingContext { filer_duty: None };
    let r = FilingAggregate::decide(
        &None,
        file_family(CadreId::new(), family(d(2026, 5, 1))).into(),
        &no_cadre,
        morning(today()),
    );
    assert!(matches!(r, Err(DomainError::Forbidden(_))), "{r:?}");
}

#[test]
fn bad_input_names_its_field() {
    let me = CadreId::new();
    let t = |l, r| file_travel(me, travel(l, r));
    assert_eq!(
        invalid_field(decide_at(&None, t(d(2026, 3, 10), d(2026, 3, 9)), today())),
        "return_on"
    );
    assert_eq!(
        invalid_field(decide_at(&None, t(d(2027, 3, 10), d(2027, 3, 12)), today())),
        "leave_on"
    );
    assert_eq!(
        invalid_field(decide_at(&None, t(d(2025, 1, 10), d(2025, 1, 12)), today())),
        "leave_on"
    );
    assert_eq!(
        invalid_field(decide_at(&None, t(d(2026, 3, 10), d(2027, 3, 12)), today())),
        "return_on"
    );
    let mut blank = file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12)));
    blank.travel.destination = "  ".into();
    assert_eq!(
        invalid_field(decide_at(&None, blank, today())),
        "destination"
    );

    let f = |e| file_family(me, e);
    // Yesterday is the past; today is 0 days ahead (late by 30), not refused.
    assert_eq!(
        invalid_field(decide_at(&None, f(family(d(2026, 2, 28))), today())),
        "date"
    );
    assert!(decide_at(&None, f(family(today())), today()).is_ok());
    assert_eq!(
        invalid_field(decide_at(&None, f(family(d(2027, 6, 1))), today())),
        "date"
    );
    let mut e = family(d(2026, 5, 1));
    e.scale = String::new();
    assert_eq!(invalid_field(decide_at(&None, f(e), today())), "scale");
    let mut e = family(d(2026, 5, 1));
    e.venue = "x".repeat(201);
    assert_eq!(invalid_field(decide_at(&None, f(e), today())), "venue");
}

fn revise(cadre: CadreId, changes: FilingChanges) -> ReviseFiling {
    ReviseFiling {
        filing_id: FilingId(uuid::Uuid::from_u128(1)),
        cadre_id: cadre,
        changes,
        reason: "行程调整".into(),
    }
}

#[test]
fn a_revision_keeps_the_lateness_of_the_first_filing() {
    let me = CadreId::new();
    // Filed on time, 9 days ahead; revised on the leave date to leave a day later.
    let filed = decide_at(
        &None,
        file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
        today(),
    )
    .unwrap();
    let state = given(&filed);
    let later = FilingChanges {
        leave_on: Some(d(2026, 3, 11)),
        return_on: Some(d(2026, 3, 14)),
        ..FilingChanges::default()
    };
    let revised = decide_at(&state, revise(me, later), d(2026, 3, 10)).unwrap();
    assert_eq!(timeliness(&revised), timeliness(&filed));
    let Event::FilingRevised(e) = &revised[0] else {
        panic!("{revised:?}")
    };
    assert_eq!(
        e.details,
        FilingDetails::Travel(Travel {
            purpose: TravelPurpose::Private,
            destination: "上海".into(),
            leave_on: d(2026, 3, 11),
            return_on: d(2026, 3, 14),
        })
    );
    assert_eq!(e.revised_on, d(2026, 3, 10));
    let state = then(&state, &revised);
    let s = state.as_ref().unwrap();
    assert_eq!((s.status, s.revisions), (FilingStatus::Revised, 1));

    // A late family event stays late when moved later, and on time when moved earlier.
    let late = decide_at(&None, file_family(me, family(d(2026, 3, 20))), today()).unwrap();
    assert_eq!(timeliness(&late).days_late, 11);
    let moved = FilingChanges {
        date: Some(d(2026, 6, 20)),
        ..FilingChanges::default()
    };
    let r = decide_at(&given(&late), revise(me, moved), today()).unwrap();
    assert_eq!(timeliness(&r).days_late, 11);
}

#[test]
fn a_revision_making_a_short_travel_long_is_judged_on_its_own_date() {
    let me = CadreId::new();
    let two = decide_at(
        &None,
        file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 11))),
        today(),
    )
    .unwrap();
    assert!(!timeliness(&two).required);
    let state = given(&two);
    let longer = || FilingChanges {
        return_on: Some(d(2026, 3, 12)),
        ..FilingChanges::default()
    };
    // Before leaving: required and on time.
    let before = decide_at(&state, revise(me, longer()), d(2026, 3, 9)).unwrap();
    assert_eq!(
        timeliness(&before),
        Timeliness {
            required: true,
            due_by: Some(d(2026, 3, 9)),
            days_late: 0
        }
    );
    // While away: late by the days since leaving, both counted.
    let away = decide_at(&state, revise(me, longer()), d(2026, 3, 11)).unwrap();
    assert_eq!(timeliness(&away).days_late, 2);
    // Once required, always required: shortening it again keeps the judgement.
    let state = then(&state, &away);
    let shorter = FilingChanges {
        return_on: Some(d(2026, 3, 11)),
        ..FilingChanges::default()
    };
    let back = decide_at(&state, revise(me, shorter), d(2026, 3, 11)).unwrap();
    assert_eq!(timeliness(&back), timeliness(&away));
}

#[test]
fn a_revision_changes_only_fields_of_its_kind_and_something() {
    let me = CadreId::new();
    let t = given(
        &decide_at(
            &None,
            file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
            today(),
        )
        .unwrap(),
    );
    let date = FilingChanges {
        date: Some(d(2026, 5, 1)),
        ..FilingChanges::default()
    };
    assert_eq!(
        invalid_field(decide_at(&t, revise(me, date), today())),
        "date"
    );
    let same = FilingChanges {
        destination: Some("上海".into()),
        ..FilingChanges::default()
    };
    assert_eq!(
        invalid_field(decide_at(&t, revise(me, same), today())),
        "revision"
    );
    let backwards = FilingChanges {
        return_on: Some(d(2026, 3, 1)),
        ..FilingChanges::default()
    };
    assert_eq!(
        invalid_field(decide_at(&t, revise(me, backwards), today())),
        "return_on"
    );
    let mut no_reason = revise(
        me,
        FilingChanges {
            purpose: Some(TravelPurpose::OnDuty),
            ..FilingChanges::default()
        },
    );
    no_reason.reason = " ".into();
    assert_eq!(invalid_field(decide_at(&t, no_reason, today())), "reason");

    let f = given(&decide_at(&None, file_family(me, family(d(2026, 5, 1))), today()).unwrap());
    let leave = FilingChanges {
        leave_on: Some(d(2026, 5, 1)),
        ..FilingChanges::default()
    };
    assert_eq!(
        invalid_field(decide_at(&f, revise(me, leave), today())),
        "leave_on"
    );
    let past = FilingChanges {
        date: Some(d(2026, 2, 1)),
        ..FilingChanges::default()
    };
    assert_eq!(
        invalid_field(decide_at(&f, revise(me, past), today())),
        "date"
    );
}

#[test]
fn only_the_filer_revises_cancels_or_reports_the_return() {
    let (me, other) = (CadreId::new(), CadreId::new());
    let state = given(
        &decide_at(
            &None,
            file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
            today(),
        )
        .unwrap(),
    );
    let changes = FilingChanges {
        destination: Some("杭州".into()),
        ..FilingChanges::default()
    };
    let id = FilingId(uuid::Uuid::from_u128(1));
    let commands: [FilingCommand; 3] = [
        revise(other, changes).into(),
        CancelFiling {
            filing_id: id,
            cadre_id: other,
            reason: "取消".into(),
        }
        .into(),
        ReportReturn {
            filing_id: id,
            cadre_id: other,
            returned_on: d(2026, 3, 12),
        }
        .into(),
    ];
    for c in commands {
        let r = FilingAggregate::decide(&state, c, &ctx(), morning(d(2026, 3, 12)));
        assert!(matches!(r, Err(DomainError::Forbidden(_))), "{r:?}");
    }
    // An unknown filing is not found.
    let r = decide_at(
        &None,
        CancelFiling {
            filing_id: id,
            cadre_id: me,
            reason: "取消".into(),
        },
        today(),
    );
    assert!(
        matches!(r, Err(DomainError::NotFound { what: "filing", .. })),
        "{r:?}"
    );
}

fn cancel(cadre: CadreId) -> CancelFiling {
    CancelFiling {
        filing_id: FilingId(uuid::Uuid::from_u128(1)),
        cadre_id: cadre,
        reason: "行程取消".into(),
    }
}

#[test]
fn a_filing_is_cancelled_up_to_its_day_and_then_nothing_more_changes_it() {
    let me = CadreId::new();
    let state = given(
        &decide_at(
            &None,
            file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
            today(),
        )
        .unwrap(),
    );
    assert_eq!(
        invalid_field(decide_at(&state, cancel(me), d(2026, 3, 11))),
        "leave_on"
    );
    let cancelled = decide_at(&state, cancel(me), d(2026, 3, 10)).unwrap();
    assert_eq!(
        cancelled,
        vec![Event::FilingCancelled(FilingCancelled {
            filing_id: FilingId(uuid::Uuid::from_u128(1)),
            cadre_id: me,
            reason: "行程取消".into(),
        })]
    );
    let state = then(&state, &cancelled);
    assert_eq!(state.as_ref().unwrap().status, FilingStatus::Cancelled);
    assert_eq!(
        invalid_field(decide_at(&state, cancel(me), d(2026, 3, 10))),
        "filing_id"
    );
    let changes = FilingChanges {
        destination: Some("杭州".into()),
        ..FilingChanges::default()
    };
    assert_eq!(
        invalid_field(decide_at(&state, revise(me, changes), d(2026, 3, 10))),
        "filing_id"
    );

    let event = given(&decide_at(&None, file_family(me, family(d(2026, 5, 1))), today()).unwrap());
    assert!(decide_at(&event, cancel(me), d(2026, 5, 1)).is_ok());
    assert_eq!(
        invalid_field(decide_at(&event, cancel(me), d(2026, 5, 2))),
        "date"
    );
}

fn report(cadre: CadreId, returned_on: NaiveDate) -> ReportReturn {
    ReportReturn {
        filing_id: FilingId(uuid::Uuid::from_u128(1)),
        cadre_id: cadre,
        returned_on,
    }
}

#[test]
fn a_return_is_reported_once_for_a_travel_that_started() {
    let me = CadreId::new();
    let filed = decide_at(
        &None,
        file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
        today(),
    )
    .unwrap();
    let state = given(&filed);
    // Not before leaving; not before the leave date; not in the future.
    assert_eq!(
        invalid_field(decide_at(&state, report(me, d(2026, 3, 9)), d(2026, 3, 9))),
        "returned_on"
    );
    assert_eq!(
        invalid_field(decide_at(&state, report(me, d(2026, 3, 9)), d(2026, 3, 13))),
        "returned_on"
    );
    assert_eq!(
        invalid_field(decide_at(
            &state,
            report(me, d(2026, 3, 14)),
            d(2026, 3, 13)
        )),
        "returned_on"
    );
    // Back on the leave date itself (a day trip after all), reported that day.
    assert!(decide_at(&state, report(me, d(2026, 3, 10)), d(2026, 3, 10)).is_ok());
    let back = decide_at(&state, report(me, d(2026, 3, 13)), d(2026, 3, 14)).unwrap();
    assert_eq!(timeliness(&back), timeliness(&filed));
    let state = then(&state, &back);
    let s = state.as_ref().unwrap();
    assert_eq!(
        (s.status, s.returned_on),
        (FilingStatus::Returned, Some(d(2026, 3, 13)))
    );
    assert_eq!(
        invalid_field(decide_at(
            &state,
            report(me, d(2026, 3, 13)),
            d(2026, 3, 14)
        )),
        "filing_id"
    );
    assert_eq!(
        invalid_field(decide_at(&state, cancel(me), d(2026, 3, 10))),
        "filing_id"
    );

    let event = given(&decide_at(&None, file_family(me, family(d(2026, 5, 1))), today()).unwrap());
    assert_eq!(
        invalid_field(decide_at(&event, report(me, d(2026, 5, 1)), d(2026, 5, 2))),
        "filing_id"
    );
}

#[test]
fn a_short_travel_that_came_back_three_days_later_is_judged_at_the_report() {
    let me = CadreId::new();
    let state = given(
        &decide_at(
            &None,
            file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 11))),
            today(),
        )
        .unwrap(),
    );
    let on_plan = decide_at(&state, report(me, d(2026, 3, 11)), d(2026, 3, 11)).unwrap();
    assert_eq!(timeliness(&on_plan), Timeliness::default());
    let stretched = decide_at(&state, report(me, d(2026, 3, 12)), d(2026, 3, 13)).unwrap();
    assert_eq!(
        timeliness(&stretched),
        Timeliness {
            required: true,
            due_by: Some(d(2026, 3, 9)),
            days_late: 4
        }
    );
}

fn ack(user: UserId, role: Role, cadre: Option<CadreId>) -> AcknowledgeFiling {
    AcknowledgeFiling {
        filing_id: FilingId(uuid::Uuid::from_u128(1)),
        user_id: user,
        role,
        cadre_id: cadre,
    }
}

#[test]
fn leaders_acknowledge_once_and_never_their_own_filing() {
    let me = CadreId::new();
    let state = given(&decide_at(&None, file_family(me, family(d(2026, 5, 1))), today()).unwrap());
    let principal = UserId(uuid::Uuid::from_u128(11));
    let first = decide_at(
        &state,
        ack(principal, Role::PrincipalLeader, Some(CadreId::new())),
        today(),
    )
    .unwrap();
    assert_eq!(
        first,
        vec![Event::FilingAcknowledged(FilingAcknowledged {
            filing_id: FilingId(uuid::Uuid::from_u128(1)),
            cadre_id: me,
            user_id: principal,
            role: Role::PrincipalLeader,
        })]
    );
    let state = then(&state, &first);
    assert!(
        decide_at(&state, ack(principal, Role::PrincipalLeader, None), today())
            .unwrap()
            .is_empty()
    );
    for role in [
        Role::LeaderInCharge,
        Role::DisciplineGroup,
        Role::Commission,
    ] {
        let other = UserId::new();
        assert_eq!(
            decide_at(&state, ack(other, role, None), today())
                .unwrap()
                .len(),
            1
        );
    }
    for role in [Role::TeamMember, Role::Auditor, Role::Regulator] {
        let r = decide_at(&state, ack(UserId::new(), role, None), today());
        assert!(
            matches!(r, Err(DomainError::Forbidden(_))),
            "{role:?}: {r:?}"
        );
    }
    // A principal leader's own filing.
    let r = decide_at(
        &state,
        ack(UserId::new(), Role::PrincipalLeader, Some(me)),
        today(),
    );
    assert!(matches!(r, Err(DomainError::Forbidden(_))), "{r:?}");
    // Cancelled filings are still acknowledged: they were shown too.
    let cancelled = then(&state, &decide_at(&state, cancel(me), today()).unwrap());
    assert!(
        decide_at(
            &cancelled,
            ack(UserId::new(), Role::Commission, None),
            today()
        )
        .is_ok()
    );
}

#[test]
fn events_round_trip_through_the_wire() {
    let me = CadreId::new();
    let mut events = decide_at(
        &None,
        file_travel(me, travel(d(2026, 3, 10), d(2026, 3, 12))),
        today(),
    )
    .unwrap();
    let state = given(&events);
    let changes = FilingChanges {
        purpose: Some(TravelPurpose::OnDuty),
        ..FilingChanges::default()
    };
    events.extend(decide_at(&state, revise(me, changes), today()).unwrap());
    events.extend(decide_at(&None, file_family(me, family(d(2026, 5, 1))), today()).unwrap());
    for e in &events {
        let json = e.payload().to_string();
        assert_eq!(
            Event::decode(e.event_type(), 1, &json).unwrap(),
            *e,
            "{json}"
        );
    }
    let json = events[0].payload();
    assert_eq!(json["purpose"], "private");
    assert_eq!(json["leave_on"], "2026-03-10");
    assert_eq!(json["required"], true);
    assert_eq!(json["days_late"], 0);
    assert_eq!(
        events[1].payload()["details"]["travel"]["purpose"],
        "on_duty"
    );
    assert_eq!(events[2].payload()["kind"], "child_wedding");
}

proptest! {
    /// A required travel is late exactly when filed on or after its leave date, by the days
    /// from the leave date to the filing, both counted; a short one is never late.
    #[test]
    fn travel_lateness_follows_the_rule(leave in 0i64..400, length in 0i64..10, filed in 0i64..400) {
        let base = d(2026, 1, 1);
        let t = travel(base + TimeDelta::days(leave), base + TimeDelta::days(leave + length));
        let on = base + TimeDelta::days(filed);
        let r = travel_timeliness(&t, on);
        prop_assert_eq!(r.required, length + 1 >= 3);
        if !r.required {
            prop_assert_eq!(r, Timeliness::default());
        } else if filed < leave {
            prop_assert_eq!(r.days_late, 0);
        } else {
            prop_assert_eq!(i64::from(r.days_late), filed - leave + 1);
        }
    }

    /// A family event filed d ≥ 0 days ahead is late by max(0, 30 − d) days.
    #[test]
    fn family_event_lateness_follows_the_rule(ahead in 0i64..400) {
        let date = d(2026, 1, 1) + TimeDelta::days(ahead);
        let r = family_event_timeliness(date, d(2026, 1, 1));
        prop_assert_eq!(i64::from(r.days_late), (30 - ahead).max(0));
        prop_assert!(r.required);
    }
}
