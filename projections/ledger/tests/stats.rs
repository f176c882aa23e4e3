//! Statistics of the problem ledger: problems by type, source, unit, month found and
//! severity with open / overdue / closed as of an instant, their concentration in units,
//! and the problems that went overdue per unit for the assessment — with the as-of cut (a
//! problem registered or closed after the instant asked is not counted as such) and the
//! local (Asia/Shanghai) calendar at month ends.

#![allow(clippy::unwrap_used, reason = "tests")]

use app::{App, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::events::Attachment;
use domain::ids::{CadreId, ProblemId, UnitId};
use domain::org::{CadreDuty, UnitKind};
use domain::problem::{
    CloseProblem, PlanRectification, ProblemActor, ProblemCommand, ProblemSource, RecordProgress,
    RegisterProblem, RequestClosing, Severity,
};
use domain::unit::RegisterUnit;
use event_store::{Actor, EventStore, ManualClock};
use ledger::{
    Bucket, Ledger, ProblemDimension, overdue_problems_by_unit, problems_by, unit_concentration,
};
use projector::{ReadModels, catch_up};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meta(actor: &str) -> Meta {
    Meta {
        actor: Actor::new(actor).unwrap(),
        key: None,
        fingerprint: fingerprint(actor),
    }
}

/// Six units, each with a principal leader.
struct World {
    _dir: tempfile::TempDir,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    app: App,
    models: ReadModels,
    units: Vec<UnitId>,
    principals: Vec<ProblemActor>,
}

/// What a problem is, for registering it.
struct Found {
    unit: usize,
    type_key: &'static str,
    source: ProblemSource,
    severity: Severity,
    found_on: &'static str,
    rectify_by: &'static str,
}

const NAMES: [&str; 6] = [
    "区教育局党组",
    "区卫健局党组",
    "区商务局党组",
    "区民政局党组",
    "区司法局党组",
    "区水利局党组",
];

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2026-01-02T09:00:00+08:00")));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let store: Arc<dyn EventStore> = Arc::new(sqlite);
        let app = App::new(store.clone(), clock.clone());
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        let admin = meta("user:admin");
        let (mut units, mut principals) = (Vec::new(), Vec::new());
        for (i, name) in NAMES.iter().enumerate() {
            let unit_id = UnitId::new();
            let c = RegisterUnit {
                unit_id,
                name: (*name).into(),
                kind: UnitKind::PartyGroup,
            };
            app.register_unit(c, &admin).await.unwrap();
            let cadre_id = CadreId::new();
            let duty = CadreDuty::PrincipalLeader { unit_id };
            let c = RegisterCadre {
                cadre_id,
                name: format!("书记{i}"),
                post: "书记".into(),
                duty,
                direct_leader: None,
            };
            app.cadre_command(cadre_id, c.into(), &admin).await.unwrap();
            units.push(unit_id);
            principals.push(ProblemActor::Cadre {
                cadre_id,
                duty: Some(duty),
            });
        }
        World {
            _dir: dir,
            store,
            clock,
            app,
            models,
            units,
            principals,
        }
    }

    async fn step(&self, when: &str, command: ProblemCommand, actor: &ProblemActor) {
        self.clock.set(at(when));
        self.app
            .problem_command(command, actor.clone(), &meta("user:test"))
            .await
            .unwrap();
    }

    /// Registered by the commission at `when`.
    async fn register(&self, when: &str, f: Found) -> (ProblemId, usize) {
        let problem_id = ProblemId::new();
        let c = RegisterProblem {
            problem_id,
            unit_id: self.units[f.unit],
            cadre_id: None,
            source: f.source,
            type_key: f.type_key.into(),
            severity: f.severity,
            description: "问题描述".into(),
            found_on: d(f.found_on),
            rectify_by: d(f.rectify_by),
        };
        self.step(when, c.into(), &ProblemActor::Commission).await;
        (problem_id, f.unit)
    }

    /// Planned, rectified and submitted by the unit's principal leader at `plan`, then
    /// closed by the commission at `closed`.
    async fn close(&self, (problem_id, unit): (ProblemId, usize), plan: &str, closed: &str) {
        let principal = &self.principals[unit];
        let c = PlanRectification {
            problem_id,
            plan: "整改方案".into(),
        };
        self.step(plan, c.into(), principal).await;
        let c = RecordProgress {
            problem_id,
            text: "已整改".into(),
            attachments: vec![Attachment {
                sha256: "a".repeat(64),
                file_name: "整改报告.pdf".into(),
            }],
        };
        self.step(plan, c.into(), principal).await;
        let c = RequestClosing {
            problem_id,
            summary: "申请销号".into(),
        };
        self.step(plan, c.into(), principal).await;
        let c = CloseProblem {
            problem_id,
            conclusion: "同意销号".into(),
        };
        self.step(closed, c.into(), &ProblemActor::Commission).await;
    }

    async fn caught_up(&self) {
        catch_up(self.store.clone(), &self.models, Arc::new(Ledger))
            .await
            .unwrap();
    }

    fn by(&self, dimension: ProblemDimension, as_of: &str) -> Vec<Bucket> {
        let conn = self.models.reader().unwrap();
        problems_by(
            &conn,
            dimension,
            d("2026-01-01"),
            d("2026-12-31"),
            at(as_of),
        )
        .unwrap()
    }

    fn overdue(&self, from: &str, to: &str, as_of: &str) -> Vec<(UnitId, u32)> {
        let conn = self.models.reader().unwrap();
        overdue_problems_by_unit(&conn, d(from), d(to), at(as_of)).unwrap()
    }
}

fn bucket(key: &str, label: &str, [count, open, overdue, closed]: [u32; 4]) -> Bucket {
    Bucket {
        key: key.into(),
        label: label.into(),
        count,
        open,
        overdue,
        closed,
    }
}

fn sorted(mut v: Vec<(UnitId, u32)>) -> Vec<(UnitId, u32)> {
    v.sort();
    v
}

const YEAR_END: &str = "2026-12-31T12:00:00+08:00";
const LAST_OF_MARCH: &str = "2026-03-31T23:59:59+08:00";
/// 16:00:30 on 31 March in UTC.
const FIRST_OF_APRIL: &str = "2026-04-01T00:00:30+08:00";

#[tokio::test]
async fn problems_are_counted_by_each_dimension_as_of_an_instant() {
    let w = World::new().await;
    use ProblemSource::{Audit, Inspection, Platform, Supervision};
    use Severity::{Minor, Moderate, Serious};
    let found = |unit, type_key, source, severity, found_on, rectify_by| Found {
        unit,
        type_key,
        source,
        severity,
        found_on,
        rectify_by,
    };
    // u1: closed in time; closed late (due 28 Feb, closed 10 March); found at 23:00 on
    // 31 March, still open.
    let p1 = w
        .register(
            "2026-01-15T10:00:00+08:00",
            found(
                0,
                "eight_provisions",
                Inspection,
                Serious,
                "2026-01-15",
                "2026-03-31",
            ),
        )
        .await;
    let p2 = w
        .register(
            "2026-01-20T10:00:00+08:00",
            found(
                0,
                "eight_provisions",
                Audit,
                Moderate,
                "2026-01-20",
                "2026-02-28",
            ),
        )
        .await;
    // u2: due on 31 March, never closed; found and registered at 00:30 on 1 April (local;
    // still 31 March in UTC).
    w.register(
        "2026-02-10T10:00:00+08:00",
        found(
            1,
            "main_responsibility",
            Inspection,
            Moderate,
            "2026-02-10",
            "2026-03-31",
        ),
    )
    .await;
    // u3–u6: one each, found in March, due at year end.
    for unit in 2..6 {
        w.register(
            "2026-03-05T10:00:00+08:00",
            found(
                unit,
                "integrity_risk",
                Audit,
                Minor,
                "2026-03-05",
                "2026-12-31",
            ),
        )
        .await;
    }
    w.close(p2, "2026-03-08T10:00:00+08:00", "2026-03-10T10:00:00+08:00")
        .await;
    w.close(p1, "2026-03-18T10:00:00+08:00", "2026-03-20T10:00:00+08:00")
        .await;
    w.register(
        "2026-03-31T23:00:00+08:00",
        found(
            0,
            "personnel_selection",
            Supervision,
            Minor,
            "2026-03-31",
            "2026-04-30",
        ),
    )
    .await;
    w.register(
        "2026-04-01T00:30:00+08:00",
        found(1, "other", Platform, Minor, "2026-04-01", "2026-06-30"),
    )
    .await;
    // Found in February, registered in June, closed in time in July.
    let p6 = w
        .register(
            "2026-06-05T10:00:00+08:00",
            found(
                1,
                "eight_provisions",
                Inspection,
                Serious,
                "2026-02-11",
                "2026-07-31",
            ),
        )
        .await;
    w.close(p6, "2026-07-15T10:00:00+08:00", "2026-07-20T10:00:00+08:00")
        .await;
    w.caught_up().await;

    // By type, most first, then by key.
    assert_eq!(
        w.by(ProblemDimension::Type, YEAR_END),
        [
            bucket("integrity_risk", "廉政风险防控", [4, 4, 0, 0]),
            bucket("eight_provisions", "违反中央八项规定精神", [3, 0, 0, 3]),
            bucket("main_responsibility", "落实主体责任不力", [1, 1, 1, 0]),
            bucket("other", "其他", [1, 1, 1, 0]),
            bucket("personnel_selection", "选人用人问题", [1, 1, 1, 0]),
        ]
    );
    // Just before 1 April: the April registration and the June one are not known, the
    // 31 March one is; nothing due on 31 March is overdue yet.
    assert_eq!(
        w.by(ProblemDimension::Type, LAST_OF_MARCH),
        [
            bucket("integrity_risk", "廉政风险防控", [4, 4, 0, 0]),
            bucket("eight_provisions", "违反中央八项规定精神", [2, 0, 0, 2]),
            bucket("main_responsibility", "落实主体责任不力", [1, 1, 0, 0]),
            bucket("personnel_selection", "选人用人问题", [1, 1, 0, 0]),
        ]
    );
    // Half a minute into 1 April in Shanghai, the one due on 31 March is overdue.
    assert_eq!(
        w.by(ProblemDimension::Type, FIRST_OF_APRIL)[2],
        bucket("main_responsibility", "落实主体责任不力", [1, 1, 1, 0])
    );
    // Before either closing: one overdue (due 28 February), the other not yet.
    assert_eq!(
        w.by(ProblemDimension::Type, "2026-03-05T12:00:00+08:00")[1],
        bucket("eight_provisions", "违反中央八项规定精神", [2, 2, 1, 0])
    );

    assert_eq!(
        w.by(ProblemDimension::Source, YEAR_END),
        [
            bucket("audit", "审计", [5, 4, 0, 1]),
            bucket("inspection", "巡视巡察", [3, 1, 1, 2]),
            bucket("platform", "平台运行", [1, 1, 1, 0]),
            bucket("supervision", "监督检查", [1, 1, 1, 0]),
        ]
    );
    assert_eq!(
        w.by(ProblemDimension::Month, YEAR_END),
        [
            bucket("2026-03", "2026-03", [5, 5, 1, 0]),
            bucket("2026-01", "2026-01", [2, 0, 0, 2]),
            bucket("2026-02", "2026-02", [2, 1, 1, 1]),
            bucket("2026-04", "2026-04", [1, 1, 1, 0]),
        ]
    );
    assert_eq!(
        w.by(ProblemDimension::Severity, YEAR_END),
        [
            bucket("minor", "一般", [6, 6, 2, 0]),
            bucket("moderate", "较重", [2, 1, 1, 1]),
            bucket("serious", "严重", [2, 0, 0, 2]),
        ]
    );
    let units = w.by(ProblemDimension::Unit, YEAR_END);
    let (u1, u2) = (w.units[0].to_string(), w.units[1].to_string());
    let mut first_two = vec![
        bucket(&u1, NAMES[0], [3, 1, 1, 2]),
        bucket(&u2, NAMES[1], [3, 2, 2, 1]),
    ];
    first_two.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(units[..2], first_two);
    let mut singles: Vec<Bucket> = (2..6)
        .map(|i| bucket(&w.units[i].to_string(), NAMES[i], [1, 1, 0, 0]))
        .collect();
    singles.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(units[2..], singles);
    // Found in March only.
    let conn = w.models.reader().unwrap();
    let march = problems_by(
        &conn,
        ProblemDimension::Severity,
        d("2026-03-01"),
        d("2026-03-31"),
        at(YEAR_END),
    )
    .unwrap();
    assert_eq!(march, [bucket("minor", "一般", [5, 5, 1, 0])]);

    // Concentration: u1 and u2 with 3 each, then three of the four singles: 9 of 10.
    let c = unit_concentration(&conn, d("2026-01-01"), d("2026-12-31"), at(YEAR_END)).unwrap();
    assert_eq!((c.total, c.units_with_problems), (10, 6));
    assert_eq!(c.top.len(), 5);
    assert_eq!(c.top[..], units[..5]);
    assert!((c.top_share - 0.9).abs() < 1e-9, "{}", c.top_share);
    let c = unit_concentration(&conn, d("2026-01-01"), d("2026-12-31"), at(LAST_OF_MARCH)).unwrap();
    assert_eq!((c.total, c.units_with_problems), (8, 6));
    assert_eq!(
        c.top.iter().map(|b| b.count).collect::<Vec<_>>(),
        [3, 1, 1, 1, 1]
    );
    assert_eq!(c.top[0].key, u1);
    assert!((c.top_share - 7.0 / 8.0).abs() < 1e-9, "{}", c.top_share);
    let c = unit_concentration(&conn, d("2025-01-01"), d("2025-12-31"), at(YEAR_END)).unwrap();
    assert_eq!((c.total, c.units_with_problems, c.top_share), (0, 0, 0.0));
    assert!(c.top.is_empty());

    // Went overdue, for the assessment: u1's closed late and its open one past 30 April;
    // u2's two open ones; not the ones closed in time, nor those due at year end.
    let (u1, u2) = (w.units[0], w.units[1]);
    let year = ("2026-01-01", "2026-12-31");
    assert_eq!(
        w.overdue(year.0, year.1, YEAR_END),
        sorted(vec![(u1, 2), (u2, 2)])
    );
    assert_eq!(w.overdue(year.0, year.1, LAST_OF_MARCH), [(u1, 1)]);
    assert_eq!(
        w.overdue(year.0, year.1, FIRST_OF_APRIL),
        sorted(vec![(u1, 1), (u2, 1)])
    );
    // Before 28 February was over, nothing had gone overdue.
    assert_eq!(w.overdue(year.0, year.1, "2026-02-28T23:00:00+08:00"), []);
    // Due in March: u1's closed in time does not count, u2's open one does.
    assert_eq!(w.overdue("2026-03-01", "2026-03-31", YEAR_END), [(u2, 1)]);
}
