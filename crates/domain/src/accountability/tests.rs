use super::rules::{RulesAggregate, SetAccountabilityRules};
use super::*;
use crate::calendar::end_of_day;
use crate::ids::GroupId;

fn now() -> DateTime<Utc> {
    end_of_day(NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date"))
}

fn facts(red_lights: u32, overdue_problems: u32, late_filings: u32) -> Facts {
    Facts {
        red_lights,
        overdue_problems,
        late_filings,
    }
}

fn proposed(kind: TargetKind, f: Facts) -> Option<Measure> {
    propose(&default_rules(), kind, f).map(|p| p.measure)
}

#[test]
fn the_default_table_grades_by_the_facts_and_proposes_the_most_severe_match() {
    use Measure as M;
    use TargetKind::{Cadre, Unit};
    assert_eq!(proposed(Unit, facts(0, 0, 9)), None);
    assert_eq!(proposed(Unit, facts(7, 0, 0)), None);
    assert_eq!(proposed(Unit, facts(8, 0, 0)), Some(M::WrittenExamination));
    assert_eq!(proposed(Unit, facts(0, 1, 0)), Some(M::WrittenExamination));
    assert_eq!(proposed(Unit, facts(11, 0, 0)), Some(M::WrittenExamination));
    assert_eq!(
        proposed(Unit, facts(12, 0, 0)),
        Some(M::CirculatedCriticism)
    );
    // Neither alone reaches 通报批评, together they do.
    assert_eq!(proposed(Unit, facts(8, 1, 0)), Some(M::CirculatedCriticism));
    assert_eq!(
        proposed(Unit, facts(18, 0, 0)),
        Some(M::OrganisationalAdjustment)
    );
    assert_eq!(
        proposed(Unit, facts(0, 4, 0)),
        Some(M::OrganisationalAdjustment)
    );
    assert_eq!(proposed(Cadre, facts(1, 0, 0)), None);
    assert_eq!(proposed(Cadre, facts(2, 0, 0)), Some(M::Talk));
    assert_eq!(proposed(Cadre, facts(0, 0, 1)), Some(M::Talk));
    assert_eq!(
        proposed(Cadre, facts(0, 0, 2)),
        Some(M::CirculatedCriticism)
    );
    assert_eq!(
        proposed(Cadre, facts(4, 0, 0)),
        Some(M::CirculatedCriticism)
    );
    assert_eq!(proposed(Cadre, facts(4, 1, 0)), Some(M::Admonishment));
    assert_eq!(proposed(Cadre, facts(50, 50, 50)), Some(M::Admonishment));
    let p = propose(&default_rules(), Unit, facts(12, 0, 0)).unwrap();
    assert_eq!(p.rule, 2);
    assert_eq!(p.label, "通报批评");
    assert!(p.because.contains("红灯 12 个（≥ 12）"), "{}", p.because);
}

#[test]
fn the_commission_may_set_its_own_table_but_not_a_broken_one() {
    let rules = vec![AccountabilityRule {
        target: TargetKind::Cadre,
        red_lights: Some(1),
        overdue_problems: None,
        late_filings: None,
        measure: Measure::Suspension,
    }];
    let set = |rules: Vec<AccountabilityRule>| {
        RulesAggregate::decide(&None, SetAccountabilityRules { rules }, &(), now())
    };
    let events = set(rules.clone()).unwrap();
    let state = RulesAggregate::fold(&events);
    assert_eq!(rules::current(&state), rules);
    assert_eq!(
        propose(&rules, TargetKind::Cadre, facts(1, 0, 0)).map(|p| p.measure),
        Some(Measure::Suspension)
    );
    // Unchanged: nothing written.
    assert_eq!(
        RulesAggregate::decide(
            &state,
            SetAccountabilityRules {
                rules: rules.clone()
            },
            &(),
            now()
        ),
        Ok(vec![])
    );
    for broken in [
        vec![],
        vec![AccountabilityRule {
            red_lights: None,
            ..rules[0]
        }],
        vec![AccountabilityRule {
            red_lights: Some(0),
            ..rules[0]
        }],
        vec![AccountabilityRule {
            late_filings: Some(i32::MAX as u32 + 1),
            ..rules[0]
        }],
        vec![AccountabilityRule {
            target: TargetKind::Unit,
            ..rules[0]
        }],
    ] {
        assert!(
            matches!(
                set(broken.clone()),
                Err(DomainError::Invalid { field: "rules", .. })
            ),
            "{broken:?}"
        );
    }
}

struct World {
    unit: UnitId,
    cadre: CadreId,
    obligation: ObligationId,
}

fn world() -> World {
    World {
        unit: UnitId::new(),
        cadre: CadreId::new(),
        obligation: ObligationId::new(),
    }
}

fn ctx(w: &World, actor: ProblemActor) -> AccountabilityContext {
    AccountabilityContext {
        actor,
        unit_known: true,
        cadre_unit: Some(w.unit),
        unknown_basis: vec![],
    }
}

fn decision(w: &World, target: Target, measure: Measure) -> AccountabilityCommand {
    AccountabilityCommand::Decide(DecideAccountability {
        decision_id: DecisionId::new(),
        target,
        measure,
        reason: " 全年红灯 4 个 ".into(),
        basis: Basis {
            obligations: vec![w.obligation, w.obligation],
            ..Basis::default()
        },
        proposed: Some(Measure::CirculatedCriticism),
    })
}

fn talk(w: &World) -> AccountabilityCommand {
    AccountabilityCommand::Talk(RecordTalk {
        talk_id: DecisionId::new(),
        cadre_id: w.cadre,
        held_on: NaiveDate::from_ymd_opt(2026, 6, 29).unwrap(),
        held_by: "区纪委副书记 张三".into(),
        summary: "就主体责任落实不到位进行约谈".into(),
        basis: Basis {
            obligations: vec![w.obligation],
            ..Basis::default()
        },
    })
}

fn invalid(r: Result<Vec<Event>, DomainError>) -> &'static str {
    match r {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_commission_decides_a_measure_that_fits_the_target_citing_its_basis() {
    let w = world();
    let unit = Target::Unit { unit_id: w.unit };
    let cadre = Target::Cadre {
        cadre_id: w.cadre,
        unit_id: w.unit,
    };
    let c = ctx(&w, ProblemActor::Commission);
    let events = AccountabilityAggregate::decide(
        &false,
        decision(&w, unit, Measure::CirculatedCriticism),
        &c,
        now(),
    )
    .unwrap();
    match &events[..] {
        [Event::AccountabilityDecided(d)] => {
            assert_eq!(d.reason, "全年红灯 4 个");
            assert_eq!(d.basis.obligations, vec![w.obligation]);
            assert_eq!(d.decided_on, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
            assert_eq!(d.proposed, Some(Measure::CirculatedCriticism));
        }
        other => panic!("{other:?}"),
    }
    assert!(AccountabilityAggregate::fold(&events));
    // Twice: refused.
    assert!(matches!(
        AccountabilityAggregate::decide(
            &true,
            decision(&w, unit, Measure::CirculatedCriticism),
            &c,
            now()
        ),
        Err(DomainError::AlreadyExists { .. })
    ));
    // A cadre measure against a unit, a unit measure against a cadre, a talk decided.
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            decision(&w, unit, Measure::Admonishment),
            &c,
            now()
        )),
        "measure"
    );
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            decision(&w, cadre, Measure::WrittenExamination),
            &c,
            now()
        )),
        "measure"
    );
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            decision(&w, cadre, Measure::Talk),
            &c,
            now()
        )),
        "measure"
    );
    // A cadre of another unit; an unknown unit; an unknown citation; no citation.
    let elsewhere = AccountabilityContext {
        cadre_unit: Some(UnitId::new()),
        ..c.clone()
    };
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            decision(&w, cadre, Measure::Suspension),
            &elsewhere,
            now()
        )),
        "target.cadre_id"
    );
    let unknown_unit = AccountabilityContext {
        unit_known: false,
        ..c.clone()
    };
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            decision(&w, unit, Measure::WrittenExamination),
            &unknown_unit,
            now()
        )),
        "target.unit_id"
    );
    let unknown_basis = AccountabilityContext {
        unknown_basis: vec![format!("obligation-{}", w.obligation)],
        ..c.clone()
    };
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            decision(&w, unit, Measure::WrittenExamination),
            &unknown_basis,
            now()
        )),
        "basis"
    );
    let AccountabilityCommand::Decide(mut bare) = decision(&w, unit, Measure::WrittenExamination)
    else {
        unreachable!()
    };
    bare.basis = Basis::default();
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            AccountabilityCommand::Decide(bare),
            &c,
            now()
        )),
        "basis"
    );
    // Nobody else decides, not even the stationed group.
    let group = ProblemActor::Group {
        group_id: GroupId::new(),
        stationed_in: vec![w.unit],
    };
    assert!(matches!(
        AccountabilityAggregate::decide(
            &false,
            decision(&w, unit, Measure::WrittenExamination),
            &ctx(&w, group),
            now()
        ),
        Err(DomainError::Forbidden(_))
    ));
}

#[test]
fn a_talk_is_held_by_the_commission_or_the_group_stationed_in_the_cadres_unit() {
    let w = world();
    let stationed = ProblemActor::Group {
        group_id: GroupId::new(),
        stationed_in: vec![w.unit],
    };
    let events =
        AccountabilityAggregate::decide(&false, talk(&w), &ctx(&w, stationed), now()).unwrap();
    match &events[..] {
        [Event::AdmonishmentTalkHeld(t)] => {
            assert_eq!(t.unit_id, w.unit);
            assert_eq!(t.by, crate::problem::Relation::StationedGroup);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        AccountabilityAggregate::decide(
            &false,
            talk(&w),
            &ctx(&w, ProblemActor::Commission),
            now()
        )
        .is_ok()
    );
    for actor in [
        ProblemActor::Group {
            group_id: GroupId::new(),
            stationed_in: vec![UnitId::new()],
        },
        ProblemActor::Cadre {
            cadre_id: CadreId::new(),
            duty: Some(crate::org::CadreDuty::PrincipalLeader { unit_id: w.unit }),
        },
        ProblemActor::Other,
    ] {
        assert!(
            matches!(
                AccountabilityAggregate::decide(&false, talk(&w), &ctx(&w, actor.clone()), now()),
                Err(DomainError::Forbidden(_))
            ),
            "{actor:?}"
        );
    }
    let AccountabilityCommand::Talk(mut later) = talk(&w) else {
        unreachable!()
    };
    later.held_on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            AccountabilityCommand::Talk(later),
            &ctx(&w, ProblemActor::Commission),
            now()
        )),
        "held_on"
    );
    let no_unit = AccountabilityContext {
        cadre_unit: None,
        ..ctx(&w, ProblemActor::Commission)
    };
    assert_eq!(
        invalid(AccountabilityAggregate::decide(
            &false,
            talk(&w),
            &no_unit,
            now()
        )),
        "cadre_id"
    );
}
