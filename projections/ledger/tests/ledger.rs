//! The problem ledger built from a log written through the application: caught up
//! incrementally (in halves, then after the overdue reminders) it holds exactly what a
//! rebuild from zero holds, table by table; the reminders due are the problems past their
//! rectify-by date unclosed or closed late; and the lights follow the instant asked about.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

use app::{App, Meta, fingerprint};
use chrono::{DateTime, Utc};
use domain::cadre::RegisterCadre;
use domain::events::Attachment;
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, GroupId, ProblemId, UnitId};
use domain::light::Light;
use domain::org::{CadreDuty, UnitKind};
use domain::problem::{
    CloseProblem, DEFAULT_TYPES, PlanRectification, ProblemActor, ProblemCommand, ProblemSource,
    ProblemStatus, RecordProgress, RegisterProblem, RejectClosing, RequestClosing, Severity,
};
use domain::unit::RegisterUnit;
use domain::user::Scope;
use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, ManualClock, NewEvent, Payload, StreamName,
};
use ledger::{Ledger, ProblemQuery, StepKind};
use projector::{ReadModels, catch_up, rebuild};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn meta(actor: &str) -> Meta {
    Meta {
        actor: Actor::new(actor).unwrap(),
        key: None,
        fingerprint: fingerprint(actor),
    }
}

/// Every row of every ledger table, in key order.
fn dump(c: &Connection) -> BTreeMap<&'static str, Vec<Vec<Value>>> {
    Ledger::TABLES
        .iter()
        .map(|t| {
            let mut stmt = c
                .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
                .unwrap();
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

/// A unit with its principal leader and a team member, and a discipline group stationed
/// in it.
struct World {
    _dir: tempfile::TempDir,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    app: App,
    models: ReadModels,
    unit: UnitId,
    member: CadreId,
    principal: ProblemActor,
    group: ProblemActor,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2026-03-02T09:00:00+08:00")));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let store: Arc<dyn EventStore> = Arc::new(sqlite);
        let app = App::new(store.clone(), clock.clone());
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        let admin = meta("user:admin");
        let unit = UnitId::new();
        let c = RegisterUnit {
            unit_id: unit,
            name: "区教育局党组".into(),
            kind: UnitKind::PartyGroup,
        };
        app.register_unit(c, &admin).await.unwrap();
        let group_id = GroupId::new();
        let c = RegisterDisciplineGroup {
            group_id,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![unit],
        };
        app.group_command(group_id, c.into(), &admin).await.unwrap();
        let mut cadres = Vec::new();
        for (name, duty) in [
            ("丁一", CadreDuty::PrincipalLeader { unit_id: unit }),
            ("甲二", CadreDuty::TeamMember { unit_id: unit }),
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
            cadres.push(cadre_id);
        }
        World {
            _dir: dir,
            store,
            clock,
            app,
            models,
            unit,
            member: cadres[1],
            principal: ProblemActor::Cadre {
                cadre_id: cadres[0],
                duty: Some(CadreDuty::PrincipalLeader { unit_id: unit }),
            },
            group: ProblemActor::Group {
                group_id,
                stationed_in: vec![unit],
            },
        }
    }

    /// `command` at `when`, by `actor` signed in as `login`.
    async fn step(&self, when: &str, command: ProblemCommand, actor: &ProblemActor, login: &str) {
        self.clock.set(at(when));
        self.app
            .problem_command(command, actor.clone(), &meta(login))
            .await
            .unwrap();
    }

    /// Registers a problem found on 2 March, due `rectify_by`.
    async fn register(&self, by: &ProblemActor, login: &str, rectify_by: &str) -> ProblemId {
        let problem_id = ProblemId::new();
        let c = RegisterProblem {
            problem_id,
            unit_id: self.unit,
            cadre_id: Some(self.member).filter(|_| login != "user:jiwei"),
            source: if login == "user:jiwei" {
                ProblemSource::Inspection
            } else {
                ProblemSource::Supervision
            },
            type_key: DEFAULT_TYPES[1].0.into(),
            severity: Severity::Moderate,
            description: "公务接待管理不规范".into(),
            found_on: "2026-03-02".parse().unwrap(),
            rectify_by: rectify_by.parse().unwrap(),
        };
        self.step("2026-03-02T10:00:00+08:00", c.into(), by, login)
            .await;
        problem_id
    }

    async fn plan(&self, id: ProblemId, when: &str) {
        let c = PlanRectification {
            problem_id: id,
            plan: "制定整改方案".into(),
        };
        self.step(when, c.into(), &self.principal, "user:c001")
            .await;
    }

    async fn progress(&self, id: ProblemId, when: &str) {
        let c = RecordProgress {
            problem_id: id,
            text: "已整改".into(),
            attachments: vec![Attachment {
                sha256: "a".repeat(64),
                file_name: "整改报告.pdf".into(),
            }],
        };
        self.step(when, c.into(), &self.principal, "user:c001")
            .await;
    }

    async fn request(&self, id: ProblemId, when: &str) {
        let c = RequestClosing {
            problem_id: id,
            summary: "申请销号".into(),
        };
        self.step(when, c.into(), &self.principal, "user:c001")
            .await;
    }

    async fn reject(&self, id: ProblemId, when: &str) {
        let c = RejectClosing {
            problem_id: id,
            reason: "佐证材料不足".into(),
        };
        self.step(when, c.into(), &self.group, "user:c003").await;
    }

    async fn close(&self, id: ProblemId, when: &str, by: &ProblemActor, login: &str) {
        let c = CloseProblem {
            problem_id: id,
            conclusion: "同意销号".into(),
        };
        self.step(when, c.into(), by, login).await;
    }

    async fn caught_up(&self) {
        catch_up(self.store.clone(), &self.models, Arc::new(Ledger))
            .await
            .unwrap();
    }

    /// Appends the overdue reminders due `now`, as the deadline watcher does; how many.
    async fn remind(&self, now: &str) -> Vec<ProblemId> {
        let now = at(now);
        let due = ledger::overdue_due(
            &self.models.reader().unwrap(),
            domain::calendar::local_date(now),
        )
        .unwrap();
        let mut reminded = Vec::new();
        for p in due {
            let Some(e) = domain::reminders::rectification_overdue(&p, now) else {
                continue;
            };
            let new = NewEvent::new(
                EventType::new(e.event_type()).unwrap(),
                Payload::from_value(&e.payload()).unwrap(),
                Actor::new("system:watcher").unwrap(),
                p.boundary(),
            )
            .with_schema_version(e.schema_version())
            .with_id(p.event_id());
            self.store
                .append(
                    &StreamName::new(e.stream()).unwrap(),
                    ExpectedVersion::Any,
                    vec![new],
                )
                .await
                .unwrap();
            reminded.push(p.problem_id);
        }
        reminded.sort();
        reminded
    }

    /// Each problem's light as of `as_of`, as the commission lists them.
    fn lights(&self, as_of: &str) -> BTreeMap<ProblemId, Light> {
        let q = ProblemQuery {
            as_of: at(as_of),
            limit: 100,
            ..ProblemQuery::default()
        };
        ledger::problems(&self.models.reader().unwrap(), &q, &Scope::Everything)
            .unwrap()
            .into_iter()
            .map(|p| (p.problem_id, p.light))
            .collect()
    }
}

#[tokio::test]
async fn caught_up_in_parts_the_ledger_equals_a_rebuild_and_its_lights_follow_the_instant() {
    let w = World::new().await;
    let (commission, group) = (ProblemActor::Commission, w.group.clone());
    // Closed in time by the commission that found it.
    let in_time = w.register(&commission, "user:jiwei", "2026-04-30").await;
    // Found by the group, naming a team member; rejected once, then closed in time.
    let rejected = w.register(&group, "user:c003", "2026-04-30").await;
    // Closed three weeks after its rectify-by date.
    let late = w.register(&commission, "user:jiwei", "2026-04-15").await;
    // Planned, then nothing: overdue.
    let overdue = w.register(&group, "user:c003", "2026-04-15").await;
    // Not planned yet, due on 15 May.
    let young = w.register(&commission, "user:jiwei", "2026-05-15").await;
    for id in [in_time, rejected, late, overdue] {
        w.plan(id, "2026-03-05T10:00:00+08:00").await;
    }
    for id in [in_time, rejected, late] {
        w.progress(id, "2026-03-20T10:00:00+08:00").await;
    }
    w.request(rejected, "2026-04-10T10:00:00+08:00").await;
    w.reject(rejected, "2026-04-12T10:00:00+08:00").await;
    // The first half.
    w.caught_up().await;
    w.request(in_time, "2026-04-16T10:00:00+08:00").await;
    w.close(
        in_time,
        "2026-04-18T10:00:00+08:00",
        &commission,
        "user:jiwei",
    )
    .await;
    w.progress(rejected, "2026-04-20T10:00:00+08:00").await;
    w.request(rejected, "2026-04-22T10:00:00+08:00").await;
    w.close(rejected, "2026-04-25T10:00:00+08:00", &group, "user:c003")
        .await;
    w.request(late, "2026-05-04T10:00:00+08:00").await;
    w.close(late, "2026-05-06T10:00:00+08:00", &commission, "user:jiwei")
        .await;
    // The second half; then the reminders due on 10 May: the two that went past 15 April
    // unclosed, the late one included.
    w.caught_up().await;
    let mut want = vec![late, overdue];
    want.sort();
    assert_eq!(w.remind("2026-05-10T09:00:00+08:00").await, want);
    w.caught_up().await;
    assert!(
        w.remind("2026-05-10T09:00:00+08:00").await.is_empty(),
        "each reminded once"
    );

    // Table by table, what a rebuild from zero makes of the same log.
    let incremental = dump(&w.models.reader().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let fresh = ReadModels::open(dir.path().join("rebuilt.views.db")).unwrap();
    let report = rebuild(w.store.clone(), &fresh, Arc::new(Ledger))
        .await
        .unwrap();
    assert_eq!(report.through, w.store.head().await.unwrap());
    assert_eq!(dump(&fresh.reader().unwrap()), incremental);
    assert_eq!(incremental["ledger_problems"].len(), 5);
    // 5 registrations, 4 plans, 4 progress, 4 requests, 1 rejection, 3 closings.
    assert_eq!(incremental["ledger_timeline"].len(), 21);

    // The lights, as of 20 April and as of 10 May.
    let lights = |pairs: [(ProblemId, Light); 5]| pairs.into_iter().collect::<BTreeMap<_, _>>();
    assert_eq!(
        w.lights("2026-04-20T12:00:00+08:00"),
        lights([
            (in_time, Light::Green),
            (rejected, Light::Pending),
            (late, Light::Red),
            (overdue, Light::Red),
            (young, Light::Pending),
        ])
    );
    assert_eq!(
        w.lights("2026-05-10T12:00:00+08:00"),
        lights([
            (in_time, Light::Green),
            (rejected, Light::Green),
            (late, Light::Orange),
            (overdue, Light::Red),
            (young, Light::Yellow),
        ])
    );

    // The rejected one's timeline, step by step, with who did what.
    let p = ledger::problem(
        &w.models.reader().unwrap(),
        rejected,
        at("2026-05-10T12:00:00+08:00"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(p.status, ProblemStatus::Closed);
    assert_eq!((p.rejections, p.progress_entries), (1, 2));
    assert_eq!(p.cadre_name.as_deref(), Some("甲二"));
    assert_eq!(p.last_rejection_reason.as_deref(), Some("佐证材料不足"));
    let steps: Vec<_> = p
        .timeline
        .unwrap()
        .into_iter()
        .map(|s| (s.step, s.actor, s.relation.as_str()))
        .collect();
    let step = |k, a: &str, r| (k, a.to_owned(), r);
    assert_eq!(
        steps,
        [
            step(StepKind::Registered, "user:c003", "stationed_group"),
            step(StepKind::Planned, "user:c001", "unit_principal"),
            step(StepKind::Progressed, "user:c001", "unit_principal"),
            step(StepKind::ClosingRequested, "user:c001", "unit_principal"),
            step(StepKind::ClosingRejected, "user:c003", "stationed_group"),
            step(StepKind::Progressed, "user:c001", "unit_principal"),
            step(StepKind::ClosingRequested, "user:c001", "unit_principal"),
            step(StepKind::Closed, "user:c003", "stationed_group"),
        ]
    );
}
