//! Given/when/then tests of `problem.rs`: every legal transition of the lifecycle, every
//! illegal one (a table of status × command), who may do what, bad input, and the light.

use super::*;
use crate::calendar::start_of_day;
use chrono::TimeDelta;

/// A command, and an actor, made afresh.
type Cmd = fn() -> ProblemCommand;
type Who = fn() -> ProblemActor;

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

fn unit() -> UnitId {
    UnitId(uuid::Uuid::from_u128(7))
}

fn other_unit() -> UnitId {
    UnitId(uuid::Uuid::from_u128(8))
}

fn pid() -> ProblemId {
    ProblemId(uuid::Uuid::from_u128(1))
}

fn named() -> CadreId {
    CadreId(uuid::Uuid::from_u128(20))
}

fn commission() -> ProblemActor {
    ProblemActor::Commission
}

fn group() -> ProblemActor {
    ProblemActor::Group {
        group_id: GroupId(uuid::Uuid::from_u128(30)),
        stationed_in: vec![unit()],
    }
}

fn other_group() -> ProblemActor {
    ProblemActor::Group {
        group_id: GroupId(uuid::Uuid::from_u128(31)),
        stationed_in: vec![other_unit()],
    }
}

fn principal() -> ProblemActor {
    ProblemActor::Cadre {
        cadre_id: CadreId(uuid::Uuid::from_u128(21)),
        duty: Some(CadreDuty::PrincipalLeader { unit_id: unit() }),
    }
}

fn named_cadre() -> ProblemActor {
    ProblemActor::Cadre {
        cadre_id: named(),
        duty: Some(CadreDuty::TeamMember { unit_id: unit() }),
    }
}

fn team_member() -> ProblemActor {
    ProblemActor::Cadre {
        cadre_id: CadreId(uuid::Uuid::from_u128(22)),
        duty: Some(CadreDuty::TeamMember { unit_id: unit() }),
    }
}

fn other_principal() -> ProblemActor {
    ProblemActor::Cadre {
        cadre_id: CadreId(uuid::Uuid::from_u128(23)),
        duty: Some(CadreDuty::PrincipalLeader {
            unit_id: other_unit(),
        }),
    }
}

fn ctx(actor: ProblemActor) -> ProblemContext {
    ProblemContext {
        actor,
        unit_known: true,
        cadre_duty: Some(CadreDuty::TeamMember { unit_id: unit() }),
        types: default_types(),
    }
}

fn register() -> RegisterProblem {
    RegisterProblem {
        problem_id: pid(),
        unit_id: unit(),
        cadre_id: Some(named()),
        source: ProblemSource::Inspection,
        type_key: "eight_provisions".into(),
        severity: Severity::Moderate,
        description: " 公务接待超标准 ".into(),
        found_on: d(2026, 2, 20),
        rectify_by: d(2026, 4, 30),
    }
}

fn evidence() -> Vec<Attachment> {
    vec![Attachment {
        sha256: "a".repeat(64),
        file_name: "整改报告.pdf".into(),
    }]
}

fn plan() -> ProblemCommand {
    PlanRectification {
        problem_id: pid(),
        plan: "制定整改方案".into(),
    }
    .into()
}

fn progress() -> ProblemCommand {
    RecordProgress {
        problem_id: pid(),
        text: "退赔超标准费用".into(),
        attachments: evidence(),
    }
    .into()
}

fn submit() -> ProblemCommand {
    RequestClosing {
        problem_id: pid(),
        summary: "已整改到位".into(),
    }
    .into()
}

fn reject() -> ProblemCommand {
    RejectClosing {
        problem_id: pid(),
        reason: "佐证材料不全".into(),
    }
    .into()
}

fn close() -> ProblemCommand {
    CloseProblem {
        problem_id: pid(),
        conclusion: "验收合格，同意销号".into(),
    }
    .into()
}

fn decide(
    state: &Option<ProblemState>,
    c: impl Into<ProblemCommand>,
    actor: ProblemActor,
) -> Result<Vec<Event>, DomainError> {
    ProblemAggregate::decide(state, c.into(), &ctx(actor), morning(today()))
}

fn then(state: &Option<ProblemState>, events: &[Event]) -> Option<ProblemState> {
    let mut s = state.clone();
    for e in events {
        ProblemAggregate::evolve(&mut s, e);
    }
    s
}

fn status(state: &Option<ProblemState>) -> ProblemStatus {
    state.as_ref().unwrap().status
}

/// The state of a problem in `status`, walked there legally.
fn given(status: ProblemStatus) -> Option<ProblemState> {
    let steps: &[(Cmd, Who)] = match status {
        ProblemStatus::Registered => &[],
        ProblemStatus::Planned => &[(plan, principal)],
        ProblemStatus::Rectifying => &[(plan, principal), (progress, named_cadre)],
        ProblemStatus::Submitted => &[
            (plan, principal),
            (progress, named_cadre),
            (submit, principal),
        ],
        ProblemStatus::Closed => &[
            (plan, principal),
            (progress, named_cadre),
            (submit, principal),
            (close, group),
        ],
    };
    let mut s = then(&None, &decide(&None, register(), commission()).unwrap());
    for (c, a) in steps {
        s = then(&s, &decide(&s, c(), a()).unwrap());
    }
    assert_eq!(self::status(&s), status);
    s
}

fn field(r: Result<Vec<Event>, DomainError>) -> &'static str {
    match r {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

fn forbidden(r: Result<Vec<Event>, DomainError>) {
    assert!(matches!(r, Err(DomainError::Forbidden(_))), "{r:?}");
}

#[test]
fn a_problem_walks_through_every_legal_transition() {
    let events = decide(&None, register(), group()).unwrap();
    let Event::ProblemRegistered(e) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(e.description, "公务接待超标准");
    assert_eq!(e.problem_type.label, "违反中央八项规定精神");
    assert_eq!(e.registered_on, today());
    assert_eq!(e.by, Relation::StationedGroup);
    assert_eq!(events[0].stream(), format!("problem-{}", pid()));
    let s = then(&None, &events);
    assert_eq!(status(&s), ProblemStatus::Registered);

    // registered → planned (by the principal leader): stays planned until progress.
    let s = then(&s, &decide(&s, plan(), principal()).unwrap());
    assert_eq!(status(&s), ProblemStatus::Planned);
    // planned → rectifying (first progress, by the named cadre), rectifying → rectifying.
    let s = then(&s, &decide(&s, progress(), named_cadre()).unwrap());
    assert_eq!(status(&s), ProblemStatus::Rectifying);
    let s = then(&s, &decide(&s, progress(), principal()).unwrap());
    assert_eq!(s.as_ref().unwrap().progress_entries, 2);
    // rectifying → submitted → rejected back to rectifying (by the commission).
    let s = then(&s, &decide(&s, submit(), named_cadre()).unwrap());
    assert_eq!(status(&s), ProblemStatus::Submitted);
    let events = decide(&s, reject(), commission()).unwrap();
    let Event::ClosingRejected(e) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (e.reason.as_str(), e.by),
        ("佐证材料不全", Relation::Commission)
    );
    let s = then(&s, &events);
    assert_eq!(status(&s), ProblemStatus::Rectifying);
    assert_eq!(s.as_ref().unwrap().rejections, 1);
    // rectifying → submitted again → closed (by the stationed group), on time.
    let s = then(&s, &decide(&s, progress(), named_cadre()).unwrap());
    let s = then(&s, &decide(&s, submit(), principal()).unwrap());
    let events = decide(&s, close(), group()).unwrap();
    let Event::ProblemClosed(e) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!((e.closed_on, e.on_time), (today(), true));
    assert_eq!(e.by, Relation::StationedGroup);
    let s = then(&s, &events);
    assert_eq!(status(&s), ProblemStatus::Closed);
}

#[test]
fn every_illegal_transition_is_refused_naming_status() {
    use ProblemStatus as S;
    // (command, the actor allowed to do it, the statuses it is legal from)
    let commands: [(&str, Cmd, Who, &[S]); 5] = [
        ("plan", plan, principal, &[S::Registered]),
        (
            "progress",
            progress,
            named_cadre,
            &[S::Planned, S::Rectifying],
        ),
        ("submit", submit, principal, &[S::Rectifying]),
        ("reject", reject, commission, &[S::Submitted]),
        ("close", close, group, &[S::Submitted]),
    ];
    let mut illegal = 0;
    for from in ProblemStatus::ALL {
        let state = given(from);
        for (name, command, actor, legal) in &commands {
            let r = decide(&state, command(), actor());
            if legal.contains(&from) {
                assert!(r.is_ok(), "{name} from {from:?}: {r:?}");
            } else {
                illegal += 1;
                match &r {
                    Err(DomainError::Invalid { field, reason }) => {
                        assert_eq!(*field, "status", "{name} from {from:?}");
                        assert!(reason.contains(from.as_str()), "{reason}");
                    }
                    other => panic!("{name} from {from:?}: {other:?}"),
                }
            }
        }
        // Registering it again is a conflict, whatever its status.
        assert!(matches!(
            decide(&state, register(), commission()),
            Err(DomainError::AlreadyExists { .. })
        ));
    }
    assert_eq!(illegal, 5 * 5 - 6);
}

#[test]
fn closing_a_problem_never_submitted_is_refused() {
    for from in [
        ProblemStatus::Registered,
        ProblemStatus::Planned,
        ProblemStatus::Rectifying,
    ] {
        assert_eq!(field(decide(&given(from), close(), commission())), "status");
    }
}

#[test]
fn a_command_on_a_missing_problem_is_not_found() {
    for c in [plan(), progress(), submit(), reject(), close()] {
        assert!(matches!(
            decide(&None, c, commission()),
            Err(DomainError::NotFound {
                what: "problem",
                ..
            })
        ));
    }
}

#[test]
fn only_the_commission_or_a_stationed_group_registers() {
    assert!(decide(&None, register(), commission()).is_ok());
    assert!(decide(&None, register(), group()).is_ok());
    for actor in [
        other_group(),
        principal(),
        named_cadre(),
        team_member(),
        other_principal(),
        ProblemActor::Other,
    ] {
        forbidden(decide(&None, register(), actor));
    }
}

#[test]
fn only_the_unit_principal_or_the_named_cadre_rectifies() {
    for (from, command) in [
        (ProblemStatus::Registered, plan as fn() -> ProblemCommand),
        (ProblemStatus::Planned, progress),
        (ProblemStatus::Rectifying, submit),
    ] {
        let s = given(from);
        assert!(decide(&s, command(), principal()).is_ok());
        assert!(decide(&s, command(), named_cadre()).is_ok());
        for actor in [
            commission(),
            group(),
            other_group(),
            team_member(),
            other_principal(),
            ProblemActor::Other,
        ] {
            forbidden(decide(&s, command(), actor));
        }
    }
}

#[test]
fn only_the_commission_or_a_stationed_group_verifies_never_a_cadre_of_the_unit() {
    let s = given(ProblemStatus::Submitted);
    for command in [reject as fn() -> ProblemCommand, close] {
        assert!(decide(&s, command(), commission()).is_ok());
        assert!(decide(&s, command(), group()).is_ok());
        for actor in [
            principal(),
            named_cadre(),
            team_member(),
            other_group(),
            other_principal(),
            ProblemActor::Other,
        ] {
            forbidden(decide(&s, command(), actor));
        }
    }
    // The permission is checked before the status: a team member closing a problem never
    // submitted is refused as forbidden.
    forbidden(decide(
        &given(ProblemStatus::Registered),
        close(),
        team_member(),
    ));
}

#[test]
fn a_principal_leader_named_on_the_problem_acts_as_the_principal() {
    let me = CadreId(uuid::Uuid::from_u128(21));
    let actor = principal();
    assert_eq!(actor.relation(unit(), Some(me)), Relation::UnitPrincipal);
    assert_eq!(named_cadre().relation(unit(), None), Relation::UnitCadre);
    assert_eq!(
        named_cadre().relation(unit(), Some(named())),
        Relation::NamedCadre
    );
    assert_eq!(other_group().relation(unit(), None), Relation::Other);
}

#[test]
fn bad_registrations_name_the_field() {
    let r = |f: fn(&mut RegisterProblem), c: &ProblemContext| {
        let mut cmd = register();
        f(&mut cmd);
        ProblemAggregate::decide(&None, cmd.into(), c, morning(today()))
    };
    let ok = ctx(commission());
    assert_eq!(field(r(|c| c.type_key = "nope".into(), &ok)), "type");
    assert_eq!(
        field(r(|c| c.description = "  ".into(), &ok)),
        "description"
    );
    assert_eq!(
        field(r(|c| c.description = "长".repeat(MAX_TEXT + 1), &ok)),
        "description"
    );
    // found_on: today is fine, tomorrow is not.
    assert!(r(|c| c.found_on = d(2026, 3, 1), &ok).is_ok());
    assert_eq!(field(r(|c| c.found_on = d(2026, 3, 2), &ok)), "found_on");
    // rectify_by: the found-on date is fine, the day before is not.
    assert!(r(|c| c.rectify_by = d(2026, 2, 20), &ok).is_ok());
    assert_eq!(
        field(r(|c| c.rectify_by = d(2026, 2, 19), &ok)),
        "rectify_by"
    );
    assert_eq!(
        field(r(|c| c.rectify_by = d(2036, 1, 1), &ok)),
        "rectify_by"
    );
    let no_unit = ProblemContext {
        unit_known: false,
        ..ok.clone()
    };
    assert_eq!(field(r(|_| {}, &no_unit)), "unit_id");
    for duty in [
        None,
        Some(CadreDuty::TeamMember {
            unit_id: other_unit(),
        }),
        Some(CadreDuty::DisciplineGroup {
            group_id: GroupId(uuid::Uuid::from_u128(30)),
        }),
    ] {
        let c = ProblemContext {
            cadre_duty: duty,
            ..ok.clone()
        };
        assert_eq!(field(r(|_| {}, &c)), "cadre_id");
    }
    // No cadre named: no cadre needed.
    let c = ProblemContext {
        cadre_duty: None,
        ..ok.clone()
    };
    assert!(r(|c| c.cadre_id = None, &c).is_ok());
    // A configured taxonomy replaces the defaults.
    let custom = ProblemContext {
        types: vec![ProblemType {
            key: "audit_finding".into(),
            label: "审计发现".into(),
        }],
        ..ok
    };
    assert_eq!(field(r(|_| {}, &custom)), "type");
    assert!(r(|c| c.type_key = "audit_finding".into(), &custom).is_ok());
}

#[test]
fn progress_needs_text_and_well_formed_evidence() {
    let s = given(ProblemStatus::Planned);
    let p = |text: &str, attachments: Vec<Attachment>| {
        decide(
            &s,
            RecordProgress {
                problem_id: pid(),
                text: text.into(),
                attachments,
            },
            principal(),
        )
    };
    assert_eq!(field(p("做了", vec![])), "attachments");
    assert_eq!(field(p(" ", evidence())), "text");
    let bad_hash = vec![Attachment {
        sha256: "A".repeat(64),
        file_name: "x.pdf".into(),
    }];
    assert_eq!(field(p("做了", bad_hash)), "attachments");
    let too_many = vec![evidence()[0].clone(); MAX_ATTACHMENTS + 1];
    assert_eq!(field(p("做了", too_many)), "attachments");
    // Rejection and closing need their text.
    let s = given(ProblemStatus::Submitted);
    let empty_reason = RejectClosing {
        problem_id: pid(),
        reason: "".into(),
    };
    assert_eq!(field(decide(&s, empty_reason, commission())), "reason");
}

#[test]
fn a_problem_closed_after_its_rectify_by_date_is_closed_late() {
    let s = given(ProblemStatus::Submitted);
    let late = ProblemAggregate::decide(&s, close(), &ctx(group()), morning(d(2026, 5, 1)));
    let Ok(events) = late else { panic!("{late:?}") };
    let Event::ProblemClosed(e) = &events[0] else {
        panic!("{events:?}")
    };
    assert!(!e.on_time);
}

#[test]
fn the_light_is_red_once_overdue_and_green_or_orange_once_closed() {
    let by = d(2026, 4, 30);
    // Pending, then yellow 7 days out, yellow to the last instant of the day, then red.
    assert_eq!(light(by, None, morning(d(2026, 4, 23))), Light::Pending);
    assert_eq!(light(by, None, start_of_day(d(2026, 4, 24))), Light::Yellow);
    assert_eq!(light(by, None, end_of_day(by)), Light::Yellow);
    assert_eq!(light(by, None, start_of_day(d(2026, 5, 1))), Light::Red);
    assert!(overdue(by, None, start_of_day(d(2026, 5, 1))));
    assert!(!overdue(by, None, end_of_day(by)));
    // Closed on time: green from then on; before the closing it was what it was.
    let on_time = Some(morning(by));
    assert_eq!(light(by, on_time, morning(d(2026, 6, 1))), Light::Green);
    assert_eq!(light(by, on_time, morning(d(2026, 4, 1))), Light::Pending);
    // Closed late: orange; red before the closing.
    let late = Some(morning(d(2026, 5, 3)));
    assert_eq!(light(by, late, morning(d(2026, 6, 1))), Light::Orange);
    assert_eq!(light(by, late, morning(d(2026, 5, 2))), Light::Red);
    assert!(!overdue(by, late, morning(d(2026, 6, 1))));
}
