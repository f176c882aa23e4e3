#![allow(clippy::unwrap_used, reason = "tests")]
//! The accountability read model built from a log written through the application: two
//! units with their cadres, decisions against a unit and against cadres citing real
//! problems and a filing, talks held by the commission and by a stationed group, three
//! circulars (one revised twice then published, one published at once, one left a draft)
//! and a finalised year. Every view is exactly what was decided, with names and labels;
//! every filter, the paging and the scope select exactly what they should; the counts for
//! the assessment leave out talks and what was recorded after the instant asked about; and
//! a rebuild from zero answers every query as the incrementally built model does.

use accountability::{
    Accountability, CircularStatus, CircularView, DecisionQuery, DecisionView, FinalisedView,
    RecordKind,
};
use app::{App, Meta, Outcome, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::accountability::{
    AccountabilityCommand, Basis, DecideAccountability, Measure, RecordTalk, Target, TargetKind,
};
use domain::assessment::{AssessmentCommand, AssessmentRules, UnitFacts};
use domain::cadre::RegisterCadre;
use domain::calendar::local_date;
use domain::circular::{CircularCommand, CircularItem, CircularText, ItemKind};
use domain::filing::{FileTravel, Travel, TravelPurpose};
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, CircularId, DecisionId, FilingId, GroupId, ProblemId, UnitId};
use domain::org::{CadreDuty, UnitKind};
use domain::problem::{DEFAULT_TYPES, ProblemActor, ProblemSource, RegisterProblem, Severity};
use domain::unit::RegisterUnit;
use event_store::{Actor, EventStore, ManualClock};
use projector::{ReadModels, catch_up, rebuild};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meta(actor: &str) -> Meta {
    Meta {
        actor: Actor::new(actor).unwrap(),
        key: None,
        fingerprint: fingerprint(actor),
    }
}

fn only(outcome: &Outcome) -> u64 {
    assert_eq!(outcome.positions.len(), 1, "{outcome:?}");
    outcome.positions[0]
}

/// Every row of every table, in key order.
fn dump(c: &Connection) -> BTreeMap<&'static str, Vec<Vec<Value>>> {
    Accountability::TABLES
        .iter()
        .map(|t| {
            let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).unwrap();
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
                .unwrap()
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .unwrap();
            (*t, rows)
        })
        .collect()
}

/// Two units with cadres, a discipline group stationed in both, a problem registered in
/// each, and a filing of one cadre.
struct World {
    _dir: tempfile::TempDir,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    app: App,
    models: ReadModels,
    /// 区教育局党组, 区卫健局党组.
    a: UnitId,
    b: UnitId,
    /// 丁一 leads A, 甲二 sits on A's team, 王五 leads B.
    a1: CadreId,
    a2: CadreId,
    b1: CadreId,
    group: ProblemActor,
    /// A problem of A (naming 甲二), a problem of B, 甲二's travel filing.
    pa: ProblemId,
    pb: ProblemId,
    filing: FilingId,
    names: HashMap<String, String>,
    /// Every decision and talk as the model should show it, in the order of the log.
    wants: Vec<DecisionView>,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2026-01-05T09:00:00+08:00")));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let store: Arc<dyn EventStore> = Arc::new(sqlite);
        let app = App::new(store.clone(), clock.clone());
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        let admin = meta("user:admin");
        let mut names = HashMap::new();
        let mut units = Vec::new();
        for name in ["区教育局党组", "区卫健局党组"] {
            let unit_id = UnitId::new();
            let c = RegisterUnit {
                unit_id,
                name: name.into(),
                kind: UnitKind::PartyGroup,
            };
            app.register_unit(c, &admin).await.unwrap();
            names.insert(unit_id.to_string(), name.to_owned());
            units.push(unit_id);
        }
        let (a, b) = (units[0], units[1]);
        let group_id = GroupId::new();
        let c = RegisterDisciplineGroup {
            group_id,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![a, b],
        };
        app.group_command(group_id, c.into(), &admin).await.unwrap();
        let mut cadres = Vec::new();
        for (name, duty) in [
            ("丁一", CadreDuty::PrincipalLeader { unit_id: a }),
            ("甲二", CadreDuty::TeamMember { unit_id: a }),
            ("王五", CadreDuty::PrincipalLeader { unit_id: b }),
            ("孙六", CadreDuty::DisciplineGroup { group_id }),
        ] {
            let cadre_id = CadreId::new();
            let c = RegisterCadre {
                cadre_id,
                name: name.into(),
                post: "职务".into(),
                duty,
                direct_leader: None,
            };
            app.cadre_command(cadre_id, c.into(), &admin).await.unwrap();
            names.insert(cadre_id.to_string(), name.to_owned());
            cadres.push(cadre_id);
        }
        let (a1, a2, b1) = (cadres[0], cadres[1], cadres[2]);

        clock.set(at("2026-02-02T10:00:00+08:00"));
        let mut problems = Vec::new();
        for (unit, cadre) in [(a, Some(a2)), (b, None)] {
            let problem_id = ProblemId::new();
            let c = RegisterProblem {
                problem_id,
                unit_id: unit,
                cadre_id: cadre,
                source: ProblemSource::Inspection,
                type_key: DEFAULT_TYPES[1].0.into(),
                severity: Severity::Moderate,
                description: "公务接待管理不规范".into(),
                found_on: date("2026-02-01"),
                rectify_by: date("2026-02-28"),
            };
            app.problem_command(c.into(), ProblemActor::Commission, &meta("user:jiwei"))
                .await
                .unwrap();
            problems.push(problem_id);
        }

        clock.set(at("2026-02-10T10:00:00+08:00"));
        let filing = FilingId::new();
        let c = FileTravel {
            filing_id: filing,
            cadre_id: a2,
            travel: Travel {
                purpose: TravelPurpose::Private,
                destination: "北京".into(),
                leave_on: date("2026-02-20"),
                return_on: date("2026-02-24"),
            },
        };
        app.filing_command(c.into(), &meta("user:c002"))
            .await
            .unwrap();

        World {
            _dir: dir,
            store,
            clock,
            app,
            models,
            a,
            b,
            a1,
            a2,
            b1,
            group: ProblemActor::Group {
                group_id,
                stationed_in: vec![a, b],
            },
            pa: problems[0],
            pb: problems[1],
            filing,
            names,
            wants: Vec::new(),
        }
    }

    fn reader(&self) -> Connection {
        self.models.reader().unwrap()
    }

    async fn caught_up(&self) {
        catch_up(self.store.clone(), &self.models, Arc::new(Accountability))
            .await
            .unwrap();
    }

    fn name(&self, id: impl ToString) -> String {
        self.names[&id.to_string()].clone()
    }

    /// The commission decides `measure` against `target` at `when`.
    async fn decide(
        &mut self,
        when: &str,
        target: Target,
        measure: Measure,
        basis: Basis,
        proposed: Option<Measure>,
    ) -> DecisionId {
        self.clock.set(at(when));
        let decision_id = DecisionId::new();
        let reason = format!("{}：未按期完成整改", measure.label_zh());
        let c = DecideAccountability {
            decision_id,
            target,
            measure,
            reason: reason.clone(),
            basis: basis.clone(),
            proposed,
        };
        let outcome = self
            .app
            .accountability_command(
                AccountabilityCommand::Decide(c),
                ProblemActor::Commission,
                &[],
                &meta("user:jiwei"),
            )
            .await
            .unwrap();
        self.wants.push(DecisionView {
            id: decision_id,
            kind: RecordKind::Decision,
            target_kind: target.kind(),
            unit_id: target.unit_id(),
            unit_name: self.name(target.unit_id()),
            cadre_id: target.cadre_id(),
            cadre_name: target.cadre_id().map(|c| self.name(c)),
            measure,
            measure_label: measure.label_zh().to_owned(),
            text: reason,
            held_by: None,
            basis,
            on: local_date(at(when)),
            proposed,
            recorded_at: at(when),
            actor: "user:jiwei".into(),
            position: only(&outcome),
        });
        decision_id
    }

    /// `by` (signed in as `login`) records at `when` a talk held with `cadre` of `unit`.
    #[allow(clippy::too_many_arguments, reason = "a test's plain list of facts")]
    async fn talk(
        &mut self,
        when: &str,
        by: ProblemActor,
        login: &str,
        cadre: CadreId,
        unit: UnitId,
        held_on: &str,
        held_by: &str,
        basis: Basis,
    ) -> DecisionId {
        self.clock.set(at(when));
        let talk_id = DecisionId::new();
        let summary = "就履行“一岗双责”不力进行约谈".to_owned();
        let c = RecordTalk {
            talk_id,
            cadre_id: cadre,
            held_on: date(held_on),
            held_by: held_by.into(),
            summary: summary.clone(),
            basis: basis.clone(),
        };
        let outcome = self
            .app
            .accountability_command(AccountabilityCommand::Talk(c), by, &[], &meta(login))
            .await
            .unwrap();
        self.wants.push(DecisionView {
            id: talk_id,
            kind: RecordKind::Talk,
            target_kind: TargetKind::Cadre,
            unit_id: unit,
            unit_name: self.name(unit),
            cadre_id: Some(cadre),
            cadre_name: Some(self.name(cadre)),
            measure: Measure::Talk,
            measure_label: "约谈".into(),
            text: summary,
            held_by: Some(held_by.into()),
            basis,
            on: date(held_on),
            proposed: None,
            recorded_at: at(when),
            actor: login.into(),
            position: only(&outcome),
        });
        talk_id
    }

    async fn circular(&self, when: &str, c: CircularCommand) {
        self.clock.set(at(when));
        self.app
            .circular_command(c, ProblemActor::Commission, &meta("user:jiwei"))
            .await
            .unwrap();
    }

    fn list(&self, q: &DecisionQuery) -> Vec<DecisionId> {
        accountability::decisions(&self.reader(), q, |_, _| true)
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect()
    }

    fn measures(&self, from: &str, to: &str, as_of: &str) -> BTreeMap<UnitId, u32> {
        accountability::measures_by_unit(&self.reader(), date(from), date(to), at(as_of))
            .unwrap()
            .into_iter()
            .collect()
    }
}

fn text(title: &str, items: &[(ItemKind, UnitId, Option<CadreId>, &str)]) -> CircularText {
    CircularText {
        title: title.into(),
        body: "现将有关情况通报如下。".into(),
        items: items
            .iter()
            .map(|(kind, unit, cadre, t)| CircularItem {
                kind: *kind,
                unit_id: *unit,
                cadre_id: *cadre,
                subject_id: None,
                text: (*t).into(),
            })
            .collect(),
    }
}

/// Everything the queries answer, to compare two builds of the model.
#[derive(Debug, PartialEq)]
struct Answers {
    all: Vec<DecisionView>,
    one: Vec<Option<DecisionView>>,
    measures: Vec<(UnitId, u32)>,
    targets: Vec<(UnitId, Option<CadreId>, Measure)>,
    circulars: Vec<CircularView>,
    published: Vec<CircularView>,
    finalised: Option<FinalisedView>,
}

fn answers(c: &Connection, ids: &[DecisionId]) -> Answers {
    let all = DecisionQuery {
        limit: 100,
        ..DecisionQuery::default()
    };
    Answers {
        all: accountability::decisions(c, &all, |_, _| true).unwrap(),
        one: ids
            .iter()
            .map(|id| accountability::decision(c, *id).unwrap())
            .collect(),
        measures: accountability::measures_by_unit(
            c,
            date("2026-01-01"),
            date("2026-12-31"),
            at("2027-01-05T12:00:00+08:00"),
        )
        .unwrap(),
        targets: accountability::decided_targets(c, date("2026-01-01"), date("2026-12-31"))
            .unwrap(),
        circulars: accountability::circulars(c, false).unwrap(),
        published: accountability::circulars(c, true).unwrap(),
        finalised: accountability::finalised(c, 2026).unwrap(),
    }
}

#[tokio::test]
async fn decisions_talks_circulars_and_the_finalised_year_read_back_exactly_and_rebuild_the_same() {
    let mut w = World::new().await;
    let (a, b, a1, a2, b1) = (w.a, w.b, w.a1, w.a2, w.b1);
    let basis = |problems: Vec<ProblemId>, filings: Vec<FilingId>| Basis {
        obligations: vec![],
        problems,
        filings,
    };
    let (pa, pb, filing) = (w.pa, w.pb, w.filing);

    w.clock.set(at("2026-02-15T10:00:00+08:00"));
    let rules = AssessmentRules {
        base: 120,
        ..AssessmentRules::default()
    };
    w.app
        .assessment_command(
            AssessmentCommand::SetRules { year: 2026, rules },
            ProblemActor::Commission,
            &meta("user:jiwei"),
        )
        .await
        .unwrap();

    let d1 = w
        .decide(
            "2026-03-10T10:00:00+08:00",
            Target::Unit { unit_id: a },
            Measure::WrittenExamination,
            basis(vec![pa], vec![]),
            Some(Measure::WrittenExamination),
        )
        .await;
    let d2 = w
        .decide(
            "2026-04-20T10:00:00+08:00",
            Target::Cadre {
                cadre_id: a2,
                unit_id: a,
            },
            Measure::Admonishment,
            basis(vec![pa], vec![filing]),
            Some(Measure::CirculatedCriticism),
        )
        .await;
    let t1 = w
        .talk(
            "2026-05-08T10:00:00+08:00",
            ProblemActor::Commission,
            "user:jiwei",
            b1,
            b,
            "2026-05-06",
            "区纪委副书记 张三",
            basis(vec![pb], vec![]),
        )
        .await;
    // Published at once.
    let c3 = CircularId::new();
    w.circular(
        "2026-06-01T10:00:00+08:00",
        CircularCommand::Draft {
            circular_id: c3,
            period_from: date("2026-01-01"),
            period_to: date("2026-05-31"),
            text: text(
                "关于一至五月问责情况的通报",
                &[(ItemKind::Accountability, a, None, "区教育局党组 书面检查")],
            ),
        },
    )
    .await;
    w.circular(
        "2026-06-02T10:00:00+08:00",
        CircularCommand::Publish { circular_id: c3 },
    )
    .await;
    let d3 = w
        .decide(
            "2026-06-15T10:00:00+08:00",
            Target::Unit { unit_id: b },
            Measure::CirculatedCriticism,
            basis(vec![pb], vec![]),
            None,
        )
        .await;
    let group = w.group.clone();
    let t2 = w
        .talk(
            "2026-06-20T10:00:00+08:00",
            group,
            "user:c004",
            a2,
            a,
            "2026-06-20",
            "第一派驻纪检组组长 孙六",
            basis(vec![], vec![filing]),
        )
        .await;

    // The first half.
    w.caught_up().await;

    // Drafted empty, revised twice, published.
    let c1 = CircularId::new();
    let title = accountability_title();
    w.circular(
        "2026-07-01T10:00:00+08:00",
        CircularCommand::Draft {
            circular_id: c1,
            period_from: date("2026-04-01"),
            period_to: date("2026-06-30"),
            text: text(&title, &[]),
        },
    )
    .await;
    w.circular(
        "2026-07-02T10:00:00+08:00",
        CircularCommand::Revise {
            circular_id: c1,
            text: text(&title, &[(ItemKind::RedLight, a, None, "红灯 1 个")]),
        },
    )
    .await;
    let final_items = [
        (ItemKind::Accountability, a, Some(a2), "甲二 诫勉谈话"),
        (ItemKind::Accountability, b, None, "区卫健局党组 通报批评"),
    ];
    w.circular(
        "2026-07-03T10:00:00+08:00",
        CircularCommand::Revise {
            circular_id: c1,
            text: text(&title, &final_items),
        },
    )
    .await;
    w.circular(
        "2026-07-05T10:00:00+08:00",
        CircularCommand::Publish { circular_id: c1 },
    )
    .await;
    // Left a draft.
    let c2 = CircularId::new();
    w.circular(
        "2026-07-10T10:00:00+08:00",
        CircularCommand::Draft {
            circular_id: c2,
            period_from: date("2026-07-01"),
            period_to: date("2026-07-31"),
            text: text("七月通报（草稿）", &[]),
        },
    )
    .await;
    // Two decisions on one day, in the morning and the afternoon.
    let d5 = w
        .decide(
            "2026-12-20T09:00:00+08:00",
            Target::Cadre {
                cadre_id: b1,
                unit_id: b,
            },
            Measure::CirculatedCriticism,
            basis(vec![pb], vec![]),
            None,
        )
        .await;
    let d4 = w
        .decide(
            "2026-12-20T15:00:00+08:00",
            Target::Cadre {
                cadre_id: a1,
                unit_id: a,
            },
            Measure::CirculatedCriticism,
            basis(vec![pa], vec![]),
            None,
        )
        .await;
    w.caught_up().await;

    // ---- every view, exactly, newest first ----
    let newest_first: Vec<DecisionView> = w.wants.iter().rev().cloned().collect();
    let all = DecisionQuery {
        limit: 100,
        ..DecisionQuery::default()
    };
    assert_eq!(
        accountability::decisions(&w.reader(), &all, |_, _| true).unwrap(),
        newest_first
    );
    assert_eq!(
        newest_first.iter().map(|d| d.id).collect::<Vec<_>>(),
        [d4, d5, t2, d3, t1, d2, d1]
    );
    for want in &w.wants {
        assert_eq!(
            accountability::decision(&w.reader(), want.id)
                .unwrap()
                .as_ref(),
            Some(want)
        );
    }
    assert_eq!(
        accountability::decision(&w.reader(), DecisionId::new()).unwrap(),
        None
    );
    // Spot checks of what the expectations were built from.
    let v2 = accountability::decision(&w.reader(), d2).unwrap().unwrap();
    assert_eq!(
        (
            v2.unit_name.as_str(),
            v2.cadre_name.as_deref(),
            v2.measure_label.as_str(),
            v2.target_kind,
            v2.on,
            v2.proposed,
        ),
        (
            "区教育局党组",
            Some("甲二"),
            "诫勉谈话",
            TargetKind::Cadre,
            date("2026-04-20"),
            Some(Measure::CirculatedCriticism)
        )
    );
    assert_eq!(v2.basis.problems, [pa]);
    assert_eq!(v2.basis.filings, [filing]);
    let v1 = accountability::decision(&w.reader(), d1).unwrap().unwrap();
    assert_eq!(
        (
            v1.target_kind,
            v1.cadre_id,
            v1.cadre_name,
            v1.measure_label.as_str()
        ),
        (TargetKind::Unit, None, None, "书面检查")
    );
    let vt = accountability::decision(&w.reader(), t2).unwrap().unwrap();
    assert_eq!(
        (
            vt.kind,
            vt.measure,
            vt.measure_label.as_str(),
            vt.held_by.as_deref(),
            vt.actor.as_str(),
            vt.on
        ),
        (
            RecordKind::Talk,
            Measure::Talk,
            "约谈",
            Some("第一派驻纪检组组长 孙六"),
            "user:c004",
            date("2026-06-20")
        )
    );
    // The wire names.
    let json = serde_json::to_value(&vt).unwrap();
    assert_eq!(json["kind"], "talk");
    assert_eq!(json["target_kind"], "cadre");
    assert_eq!(json["measure"], "talk");

    // ---- filters ----
    let q = |f: fn(&mut DecisionQuery)| {
        let mut q = DecisionQuery {
            limit: 100,
            ..DecisionQuery::default()
        };
        f(&mut q);
        q
    };
    let kind_talk = q(|q| q.kind = Some(RecordKind::Talk));
    assert_eq!(w.list(&kind_talk), [t2, t1]);
    let kind_decision = q(|q| q.kind = Some(RecordKind::Decision));
    assert_eq!(w.list(&kind_decision), [d4, d5, d3, d2, d1]);
    let by_unit = |u| DecisionQuery {
        unit: Some(u),
        limit: 100,
        ..DecisionQuery::default()
    };
    assert_eq!(w.list(&by_unit(a)), [d4, t2, d2, d1]);
    assert_eq!(w.list(&by_unit(b)), [d5, d3, t1]);
    assert_eq!(
        w.list(&DecisionQuery {
            kind: Some(RecordKind::Decision),
            ..by_unit(a)
        }),
        [d4, d2, d1]
    );
    let by_cadre = |c| DecisionQuery {
        cadre: Some(c),
        limit: 100,
        ..DecisionQuery::default()
    };
    assert_eq!(w.list(&by_cadre(a2)), [t2, d2]);
    assert_eq!(w.list(&by_cadre(b1)), [d5, t1]);
    // Both ends included; a talk by the day it was held, not recorded.
    let range = |from: &str, to: &str| DecisionQuery {
        from: Some(date(from)),
        to: Some(date(to)),
        limit: 100,
        ..DecisionQuery::default()
    };
    assert_eq!(w.list(&range("2026-05-06", "2026-06-15")), [d3, t1]);
    assert_eq!(
        w.list(&range("2026-05-07", "2026-06-14")),
        Vec::<DecisionId>::new()
    );
    assert_eq!(w.list(&range("2026-04-20", "2026-06-20")), [t2, d3, t1, d2]);
    assert_eq!(
        w.list(&DecisionQuery {
            to: None,
            ..range("2026-12-20", "2026-12-20")
        }),
        [d4, d5]
    );

    // ---- paging: each exactly once, in order ----
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = accountability::decisions(
            &w.reader(),
            &DecisionQuery {
                before,
                limit: 2,
                ..DecisionQuery::default()
            },
            |_, _| true,
        )
        .unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 2);
        before = Some(last.position);
        seen.extend(page.iter().map(|d| d.id));
    }
    assert_eq!(seen, [d4, d5, t2, d3, t1, d2, d1]);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);

    // ---- the scope: applied before the limit ----
    let visible = |u: UnitId, c: Option<CadreId>| u == b || c == Some(a2);
    let scoped = |before: Option<u64>, limit: u32| {
        accountability::decisions(
            &w.reader(),
            &DecisionQuery {
                before,
                limit,
                ..DecisionQuery::default()
            },
            visible,
        )
        .unwrap()
    };
    let ids = |v: &[DecisionView]| v.iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(ids(&scoped(None, 100)), [d5, t2, d3, t1, d2]);
    // d4 (丁一 of A) is not visible, yet the first page is full.
    let first = scoped(None, 2);
    assert_eq!(ids(&first), [d5, t2]);
    assert_eq!(ids(&scoped(Some(first[1].position), 2)), [d3, t1]);
    assert_eq!(
        accountability::decisions(&w.reader(), &all, |_, _| false).unwrap(),
        []
    );
    assert_eq!(
        accountability::decisions(
            &w.reader(),
            &DecisionQuery {
                limit: 0,
                ..DecisionQuery::default()
            },
            |_, _| true
        )
        .unwrap(),
        []
    );

    // ---- the counts for the assessment: decisions, not talks, as of an instant ----
    let year = ("2026-01-01", "2026-12-31");
    assert_eq!(
        w.measures(year.0, year.1, "2027-01-01T00:00:00+08:00"),
        BTreeMap::from([(a, 3), (b, 2)])
    );
    // At noon on 20 December, the afternoon's decision against 丁一 is not yet recorded.
    assert_eq!(
        w.measures(year.0, year.1, "2026-12-20T12:00:00+08:00"),
        BTreeMap::from([(a, 2), (b, 2)])
    );
    assert_eq!(
        w.measures(year.0, year.1, "2026-12-20T08:59:59+08:00"),
        BTreeMap::from([(a, 2), (b, 1)])
    );
    assert_eq!(
        w.measures("2026-04-01", "2026-06-30", "2027-01-01T00:00:00+08:00"),
        BTreeMap::from([(a, 1), (b, 1)])
    );
    assert_eq!(
        w.measures("2026-07-01", "2026-11-30", "2027-01-01T00:00:00+08:00"),
        BTreeMap::new()
    );
    // What the proposals page shows as decided: talks too, in the order of the log.
    assert_eq!(
        accountability::decided_targets(&w.reader(), date("2026-05-01"), date("2026-06-30"))
            .unwrap(),
        [
            (b, Some(b1), Measure::Talk),
            (b, None, Measure::CirculatedCriticism),
            (a, Some(a2), Measure::Talk),
        ]
    );

    // ---- circulars ----
    let want_c1 = CircularView {
        circular_id: c1,
        title: title.clone(),
        body: "现将有关情况通报如下。".into(),
        period_from: date("2026-04-01"),
        period_to: date("2026-06-30"),
        items: text(&title, &final_items).items,
        status: CircularStatus::Published,
        published_on: Some(date("2026-07-05")),
        drafted_at: at("2026-07-01T10:00:00+08:00"),
        revisions: 2,
        updated_at: at("2026-07-05T10:00:00+08:00"),
    };
    assert_eq!(
        accountability::circular(&w.reader(), c1).unwrap(),
        Some(want_c1.clone())
    );
    let v2 = accountability::circular(&w.reader(), c2).unwrap().unwrap();
    assert_eq!(
        (v2.status, v2.published_on, v2.revisions, v2.items.len()),
        (CircularStatus::Draft, None, 0, 0)
    );
    assert_eq!(
        accountability::circular(&w.reader(), CircularId::new()).unwrap(),
        None
    );
    let listed = |published_only| {
        accountability::circulars(&w.reader(), published_only)
            .unwrap()
            .into_iter()
            .map(|c| c.circular_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(false), [c1, c3, c2]);
    assert_eq!(listed(true), [c1, c3]);
    for (id, when, published) in [
        (c1, "2026-07-04T10:00:00+08:00", false),
        (c1, "2026-07-05T10:00:00+08:00", true),
        (c3, "2026-07-05T10:00:00+08:00", true),
        (c2, "2026-12-31T10:00:00+08:00", false),
    ] {
        assert_eq!(
            accountability::circular_published_at(&w.reader(), id, at(when)).unwrap(),
            published,
            "{id} at {when}"
        );
    }

    // ---- the finalised year ----
    assert_eq!(accountability::finalised(&w.reader(), 2026).unwrap(), None);
    let measures = w.measures(year.0, year.1, "2027-01-01T00:00:00+08:00");
    let scores: Vec<_> = [a, b]
        .into_iter()
        .map(|u| {
            let facts = UnitFacts {
                accountability_measures: measures[&u],
                ..UnitFacts::default()
            };
            rules.score(u, w.name(u), facts)
        })
        .collect();
    // Not while the year lasts.
    w.clock.set(at("2026-12-31T18:00:00+08:00"));
    let finalise = AssessmentCommand::Finalise {
        year: 2026,
        scores: scores.clone(),
    };
    assert!(
        w.app
            .assessment_command(
                finalise.clone(),
                ProblemActor::Commission,
                &meta("user:jiwei")
            )
            .await
            .is_err()
    );
    w.clock.set(at("2027-01-05T10:00:00+08:00"));
    w.app
        .assessment_command(finalise, ProblemActor::Commission, &meta("user:jiwei"))
        .await
        .unwrap();
    w.caught_up().await;
    let finalised = accountability::finalised(&w.reader(), 2026)
        .unwrap()
        .unwrap();
    assert_eq!(
        finalised,
        FinalisedView {
            year: 2026,
            rules,
            finalised_on: date("2027-01-05"),
            scores: scores.clone(),
            recorded_at: at("2027-01-05T10:00:00+08:00"),
        }
    );
    assert_eq!(
        finalised
            .scores
            .iter()
            .map(|s| (s.unit_name.as_str(), s.score))
            .collect::<Vec<_>>(),
        [("区教育局党组", 120 - 15), ("区卫健局党组", 120 - 10)]
    );
    assert_eq!(accountability::finalised(&w.reader(), 2025).unwrap(), None);

    // ---- a rebuild from zero answers the same ----
    let ids: Vec<DecisionId> = w.wants.iter().map(|d| d.id).collect();
    let incremental = answers(&w.reader(), &ids);
    assert_eq!(incremental.all.len(), 7);
    assert_eq!(incremental.circulars.len(), 3);
    let tables = dump(&w.reader());
    let dir = tempfile::tempdir().unwrap();
    let fresh = ReadModels::open(dir.path().join("rebuilt.views.db")).unwrap();
    let report = rebuild(w.store.clone(), &fresh, Arc::new(Accountability))
        .await
        .unwrap();
    assert_eq!(report.through, w.store.head().await.unwrap());
    assert_eq!(answers(&fresh.reader().unwrap(), &ids), incremental);
    assert_eq!(dump(&fresh.reader().unwrap()), tables);
    // 2 units and 4 cadres named; 7 records; 3 circulars; 1 finalised year.
    let sizes: Vec<usize> = Accountability::TABLES
        .iter()
        .map(|t| tables[t].len())
        .collect();
    assert_eq!(sizes, [7, 3, 1, 6]);
}

fn accountability_title() -> String {
    domain::circular::default_title(date("2026-04-01"), date("2026-06-30"))
}
