//! The deadline watcher: one reminder per boundary crossed — the first day of the yellow
//! week, the day after the deadline — never before it, never twice: not with a second
//! watcher, not after a restart, not after downtime.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

use app::{App, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::calendar::{Cadence, DeadlineRule, Period};
use domain::duty::{DutyCommand, RecordDuty};
use domain::events::Attachment;
use domain::ids::{CadreId, EntryId, ItemId, ListId, ProblemId, UnitId};
use domain::list::{AssignList, ListCommand, PublishList};
use domain::obligation::{DutyItem, ObligationRef, Source};
use domain::org::{CadreDuty, Responsibility, Subject, SubjectKind, UnitKind};
use domain::problem::{
    CloseProblem, DEFAULT_TYPES, PlanRectification, ProblemActor, ProblemCommand, ProblemSource,
    RecordProgress, RegisterProblem, RequestClosing, Severity,
};
use domain::unit::RegisterUnit;
use dutytrace::watcher::{Pass, Watcher};
use event_store::{Actor, EventStore, Filter, ManualClock};
use projector::ReadModels;
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

/// A unit with three team members — one who never records, one who records before the
/// yellow week, one who records during it — bound by one item due on 31 March 2026.
struct District {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Arc<dyn EventStore>,
    sqlite: SqliteStore,
    models: ReadModels,
    clock: Arc<ManualClock>,
    app: App,
    source: Source,
    unit: UnitId,
    principal: CadreId,
    idle: CadreId,
    early: CadreId,
    late: CadreId,
}

const DEADLINE: &str = "2026-03-31";

impl District {
    fn obligation(&self, cadre: CadreId) -> ObligationRef {
        ObligationRef {
            source: self.source,
            subject: Subject::TeamMember { cadre_id: cadre },
            period: Period::new(2026, Cadence::Once, 1).unwrap(),
        }
    }

    async fn record(&self, cadre: CadreId, on: &str) {
        let r = self.obligation(cadre);
        let c = RecordDuty {
            entry_id: EntryId::new(),
            performed_on: on.parse().unwrap(),
            content: "召开专题会议".into(),
            attachments: vec![],
            actor: cadre,
        };
        self.app
            .duty_command(r, r.id(), DutyCommand::Record(c), &meta("user:c"))
            .await
            .unwrap();
    }

    /// Brings the board and the ledger up to the head, as a running service's watcher
    /// waits for them.
    async fn catch_up(&self) {
        projector::catch_up(self.store.clone(), &self.models, Arc::new(board::Board))
            .await
            .unwrap();
        projector::catch_up(self.store.clone(), &self.models, Arc::new(ledger::Ledger))
            .await
            .unwrap();
    }

    /// A pass of a new watcher (as after a restart), the board caught up first.
    async fn pass(&self) -> Pass {
        self.catch_up().await;
        self.watcher_pass().await
    }

    /// A pass of a new watcher, as it finds the board.
    async fn watcher_pass(&self) -> Pass {
        Watcher::new(self.store.clone(), self.models.clone(), self.clock.clone())
            .pass()
            .await
            .unwrap()
    }

    /// The reminders in the log: (event type, obligation, occurred_at).
    async fn reminders(&self) -> Vec<(String, String, DateTime<Utc>)> {
        let all = self
            .store
            .read_all(1, &Filter::all(), usize::MAX >> 1)
            .await
            .unwrap()
            .events;
        all.into_iter()
            .filter(|e| e.stream.as_str().starts_with("reminder-"))
            .map(|e| {
                assert_eq!(e.actor.as_str(), "system:watcher");
                (
                    e.event_type.to_string(),
                    e.stream.as_str()["reminder-".len()..].to_owned(),
                    e.occurred_at,
                )
            })
            .collect()
    }

    fn id(&self, cadre: CadreId) -> String {
        self.obligation(cadre).id().to_string()
    }
}

async fn district() -> District {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let clock = Arc::new(ManualClock::new(at("2026-01-05T09:00:00+08:00")));
    let options = SqliteOptions {
        clock: clock.clone(),
        ..SqliteOptions::default()
    };
    let sqlite = SqliteStore::open(&path, options).unwrap();
    let store: Arc<dyn EventStore> = Arc::new(sqlite.clone());
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    let app = App::new(store.clone(), clock.clone());
    let admin = meta("user:admin");
    let unit_id = UnitId::new();
    let c = RegisterUnit {
        unit_id,
        name: "区教育局党组".into(),
        kind: UnitKind::PartyGroup,
    };
    app.register_unit(c, &admin).await.unwrap();
    let mut cadres = Vec::new();
    for name in ["甲", "乙", "丙"] {
        let cadre_id = CadreId::new();
        let c = RegisterCadre {
            cadre_id,
            name: name.into(),
            post: "班子成员".into(),
            duty: CadreDuty::TeamMember { unit_id },
            direct_leader: None,
        };
        app.cadre_command(cadre_id, c.into(), &admin).await.unwrap();
        cadres.push(cadre_id);
    }
    let principal = CadreId::new();
    let c = RegisterCadre {
        cadre_id: principal,
        name: "丁".into(),
        post: "党组书记".into(),
        duty: CadreDuty::PrincipalLeader { unit_id },
        direct_leader: None,
    };
    app.cadre_command(principal, c.into(), &admin)
        .await
        .unwrap();
    let (list_id, item_id) = (ListId::new(), ItemId::new());
    let item = DutyItem {
        item_id,
        subject_kind: SubjectKind::TeamMember,
        responsibility: Responsibility::Principal,
        category: "一岗双责".into(),
        content: "年度专题研究".into(),
        cadence: Cadence::Once,
        required_count: 1,
        deadline: DeadlineRule::FixedDate {
            date: DEADLINE.parse::<NaiveDate>().unwrap(),
        },
    };
    let publish = PublishList {
        list_id,
        year: 2026,
        title: "清单".into(),
        items: vec![item],
    };
    app.list_command(list_id, ListCommand::Publish(publish), &admin)
        .await
        .unwrap();
    let assign = AssignList {
        list_id,
        subjects: cadres
            .iter()
            .map(|c| Subject::TeamMember { cadre_id: *c })
            .collect(),
    };
    app.list_command(list_id, ListCommand::Assign(assign), &admin)
        .await
        .unwrap();
    District {
        _dir: dir,
        path,
        store,
        sqlite,
        models,
        clock,
        app,
        source: Source::ListItem { list_id, item_id },
        unit: unit_id,
        principal,
        idle: cadres[0],
        early: cadres[1],
        late: cadres[2],
    }
}

#[tokio::test]
async fn each_boundary_gives_exactly_one_reminder_whatever_the_watchers_do() {
    let d = district().await;
    d.clock.set(at("2026-03-20T10:00:00+08:00"));
    d.record(d.early, "2026-03-20").await;
    // The last instant before the yellow week (it starts on 25 March, deadline − 6).
    d.clock.set(at("2026-03-24T23:59:59+08:00"));
    assert_eq!(d.pass().await, Pass::default());
    assert!(d.reminders().await.is_empty());
    // The first instant of the yellow week: the two who have not recorded are reminded.
    d.clock.set(at("2026-03-25T00:00:00+08:00"));
    assert_eq!(d.pass().await.appended, 2);
    // Again, and by a second watcher at the same time, and after a "restart" (each pass is
    // a new watcher): nothing more.
    let (a, b) = tokio::join!(d.watcher_pass(), d.watcher_pass());
    assert_eq!((a.appended, b.appended), (0, 0));
    let yellow = d.reminders().await;
    let mut got: Vec<_> = yellow
        .iter()
        .map(|(t, o, _)| (t.as_str(), o.clone()))
        .collect();
    got.sort();
    let mut want = vec![
        ("YellowWeekEntered", d.id(d.idle)),
        ("YellowWeekEntered", d.id(d.late)),
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(
        yellow
            .iter()
            .all(|(_, _, t)| *t == at("2026-03-25T00:00:00+08:00"))
    );
    // One of them records during the yellow week.
    d.clock.set(at("2026-03-28T09:00:00+08:00"));
    d.record(d.late, "2026-03-28").await;
    // The last instant of the deadline day: no admonishment yet.
    d.clock.set(at("2026-03-31T23:59:59+08:00"));
    assert_eq!(d.pass().await.appended, 0);
    // The day after: one admonishment, for the one who never recorded.
    d.clock.set(at("2026-04-01T00:00:00+08:00"));
    d.catch_up().await;
    let (a, b) = tokio::join!(d.watcher_pass(), d.watcher_pass());
    assert_eq!(a.appended + b.appended, 1, "{a:?} {b:?}");
    assert_eq!(
        a.appended + a.already + b.appended + b.already,
        2,
        "both found it due"
    );
    let all = d.reminders().await;
    assert_eq!(all.len(), 3);
    assert_eq!(
        all.last()
            .map(|(t, o, when)| (t.as_str(), o.clone(), *when)),
        Some((
            "AdmonishmentDue",
            d.id(d.idle),
            at("2026-04-01T00:00:00+08:00")
        ))
    );
    // A backfill afterwards changes nothing that was due.
    d.clock.set(at("2026-04-02T09:00:00+08:00"));
    d.record(d.idle, "2026-04-02").await;
    assert_eq!(d.pass().await.appended, 0);
    assert_eq!(d.reminders().await.len(), 3);
}

#[tokio::test]
async fn after_downtime_the_watcher_catches_up_on_everything_it_missed() {
    let d = district().await;
    d.clock.set(at("2026-03-28T09:00:00+08:00"));
    d.record(d.late, "2026-03-28").await;
    // Nobody watched until mid-April: both boundaries were missed.
    d.clock.set(at("2026-04-15T09:00:00+08:00"));
    let p = d.pass().await;
    assert_eq!(
        p.appended, 5,
        "three yellow weeks and two admonishments: {p:?}"
    );
    let all = d.reminders().await;
    let count = |t: &str, o: &str| all.iter().filter(|(a, b, _)| a == t && b == o).count();
    for c in [d.idle, d.early, d.late] {
        assert_eq!(count("YellowWeekEntered", &d.id(c)), 1);
    }
    assert_eq!(count("AdmonishmentDue", &d.id(d.idle)), 1);
    assert_eq!(count("AdmonishmentDue", &d.id(d.early)), 1);
    assert_eq!(
        count("AdmonishmentDue", &d.id(d.late)),
        0,
        "recorded in time"
    );
    // Each happened at its boundary, whenever it was recorded.
    for (t, _, when) in &all {
        let want = if t == "YellowWeekEntered" {
            at("2026-03-25T00:00:00+08:00")
        } else {
            at("2026-04-01T00:00:00+08:00")
        };
        assert_eq!(*when, want);
    }
    // A restart against the reopened store finds nothing more to do.
    d.sqlite.close().await;
    let reopened = SqliteStore::open(
        &d.path,
        SqliteOptions {
            clock: d.clock.clone(),
            ..SqliteOptions::default()
        },
    )
    .unwrap();
    let store: Arc<dyn EventStore> = Arc::new(reopened.clone());
    for p in [
        Arc::new(board::Board) as Arc<dyn projector::Projection>,
        Arc::new(ledger::Ledger),
    ] {
        projector::catch_up(store.clone(), &d.models, p)
            .await
            .unwrap();
    }
    let again = Watcher::new(store, d.models.clone(), d.clock.clone())
        .pass()
        .await
        .unwrap();
    assert_eq!(again.appended, 0);
    reopened.close().await;
}

/// Registers a problem of the district's unit (by the commission), due on `rectify_by`.
async fn problem(d: &District, rectify_by: &str) -> ProblemId {
    let problem_id = ProblemId::new();
    let c = RegisterProblem {
        problem_id,
        unit_id: d.unit,
        cadre_id: None,
        source: ProblemSource::Inspection,
        type_key: DEFAULT_TYPES[0].0.into(),
        severity: Severity::Moderate,
        description: "巡察发现：落实主体责任不到位".into(),
        found_on: "2026-03-02".parse().unwrap(),
        rectify_by: rectify_by.parse().unwrap(),
    };
    d.app
        .problem_command(
            ProblemCommand::Register(c),
            ProblemActor::Commission,
            &meta("user:jiwei"),
        )
        .await
        .unwrap();
    problem_id
}

/// Walks a problem to closed: planned and progressed by the commission's say-so is not
/// allowed, so the unit's principal does the unit's part.
async fn close(d: &District, id: ProblemId) {
    let unit = ProblemActor::Cadre {
        cadre_id: d.principal,
        duty: Some(CadreDuty::PrincipalLeader { unit_id: d.unit }),
    };
    let steps = [
        (
            ProblemCommand::Plan(PlanRectification {
                problem_id: id,
                plan: "制定整改方案".into(),
            }),
            unit.clone(),
        ),
        (
            ProblemCommand::Progress(RecordProgress {
                problem_id: id,
                text: "已整改".into(),
                attachments: vec![Attachment {
                    sha256: "0".repeat(64),
                    file_name: "整改报告.pdf".into(),
                }],
            }),
            unit.clone(),
        ),
        (
            ProblemCommand::RequestClosing(RequestClosing {
                problem_id: id,
                summary: "申请销号".into(),
            }),
            unit.clone(),
        ),
        (
            ProblemCommand::Close(CloseProblem {
                problem_id: id,
                conclusion: "同意销号".into(),
            }),
            ProblemActor::Commission,
        ),
    ];
    for (c, actor) in steps {
        d.app
            .problem_command(c, actor, &meta("user:x"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_overdue_rectification_is_reminded_once_from_the_day_after_its_rectify_by_date() {
    let d = district().await;
    d.clock.set(at("2026-03-02T10:00:00+08:00"));
    let open = problem(&d, "2026-05-31").await;
    let on_time = problem(&d, "2026-05-31").await;
    let late = problem(&d, "2026-05-31").await;
    d.clock.set(at("2026-05-30T10:00:00+08:00"));
    close(&d, on_time).await;
    let overdue = |all: &[(String, String, DateTime<Utc>)]| {
        let mut v: Vec<String> = all
            .iter()
            .filter(|(t, _, _)| t == "RectificationOverdue")
            .map(|(_, id, _)| id.clone())
            .collect();
        v.sort();
        v
    };
    // The last instant of the rectify-by date: nothing yet.
    d.clock.set(at("2026-05-31T23:59:59+08:00"));
    d.pass().await;
    assert!(overdue(&d.reminders().await).is_empty());
    // Nobody watched until 3 June, when the late one was closed: both that were open on
    // 1 June are reminded, once, at the boundary; the one closed in time is not.
    d.clock.set(at("2026-06-03T10:00:00+08:00"));
    close(&d, late).await;
    d.catch_up().await;
    let (a, b) = tokio::join!(d.watcher_pass(), d.watcher_pass());
    let mut want = vec![open.to_string(), late.to_string()];
    want.sort();
    let all = d.reminders().await;
    assert_eq!(overdue(&all), want, "{a:?} {b:?}");
    assert!(
        all.iter()
            .filter(|(t, _, _)| t == "RectificationOverdue")
            .all(|(_, _, when)| *when == at("2026-06-01T00:00:00+08:00"))
    );
    d.clock.set(at("2026-06-10T10:00:00+08:00"));
    assert_eq!(d.pass().await.appended, 0);
}
