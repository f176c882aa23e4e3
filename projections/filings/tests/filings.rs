//! The filings register: each filing's state after revisions, cancellations, returns and
//! acknowledgements; the filters (cadre, unit, overlapping range, late only), paging and
//! the scope; and a rebuild from zero giving the same answers.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

use app::{App, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::filing::{
    AcknowledgeFiling, CancelFiling, FamilyEvent, FamilyEventKind, FileFamilyEvent, FileTravel,
    FilingChanges, FilingStatus, ReportReturn, ReviseFiling, Travel, TravelPurpose,
};
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, FilingId, GroupId, UnitId, UserId};
use domain::org::{CadreDuty, UnitKind};
use domain::unit::RegisterUnit;
use domain::user::{Role, Scope, Visible};
use event_store::{Actor, EventStore, ManualClock};
use filings::{FilingKind, FilingQuery, FilingView, Filings, filing, filings};
use projector::{ReadModels, catch_up, rebuild};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn meta() -> Meta {
    Meta {
        actor: Actor::new("user:test").unwrap(),
        key: None,
        fingerprint: fingerprint("test"),
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct World {
    _dir: tempfile::TempDir,
    app: App,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    models: ReadModels,
    unit: UnitId,
    group: GroupId,
    member: CadreId,
    other: CadreId,
    inspector: CadreId,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2026-03-01T09:00:00+08:00")));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let store: Arc<dyn EventStore> = Arc::new(sqlite);
        let app = App::new(store.clone(), clock.clone());
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        let unit = UnitId::new();
        let c = RegisterUnit {
            unit_id: unit,
            name: "区教育局党组".into(),
            kind: UnitKind::PartyGroup,
        };
        app.register_unit(c, &meta()).await.unwrap();
        let group = GroupId::new();
        let c = RegisterDisciplineGroup {
            group_id: group,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![unit],
        };
        app.group_command(group, c.into(), &meta()).await.unwrap();
        let mut cadres = Vec::new();
        for (name, duty) in [
            ("李二", CadreDuty::TeamMember { unit_id: unit }),
            ("王三", CadreDuty::TeamMember { unit_id: unit }),
            ("孙六", CadreDuty::DisciplineGroup { group_id: group }),
        ] {
            let cadre_id = CadreId::new();
            let c = RegisterCadre {
                cadre_id,
                name: name.into(),
                post: "职务".into(),
                duty,
                direct_leader: None,
            };
            app.cadre_command(cadre_id, c.into(), &meta())
                .await
                .unwrap();
            cadres.push(cadre_id);
        }
        World {
            _dir: dir,
            app,
            store,
            clock,
            models,
            unit,
            group,
            member: cadres[0],
            other: cadres[1],
            inspector: cadres[2],
        }
    }

    async fn travel(&self, cadre: CadreId, leave_on: NaiveDate, return_on: NaiveDate) -> FilingId {
        let filing_id = FilingId::new();
        let c = FileTravel {
            filing_id,
            cadre_id: cadre,
            travel: Travel {
                purpose: TravelPurpose::OnDuty,
                destination: "北京".into(),
                leave_on,
                return_on,
            },
        };
        self.app.filing_command(c.into(), &meta()).await.unwrap();
        filing_id
    }

    async fn family(&self, cadre: CadreId, date: NaiveDate) -> FilingId {
        let filing_id = FilingId::new();
        let c = FileFamilyEvent {
            filing_id,
            cadre_id: cadre,
            event: FamilyEvent {
                kind: FamilyEventKind::Funeral,
                date,
                scale: "亲属20人".into(),
                venue: "殡仪馆".into(),
            },
        };
        self.app.filing_command(c.into(), &meta()).await.unwrap();
        filing_id
    }

    async fn caught_up(&self) {
        catch_up(self.store.clone(), &self.models, Arc::new(Filings))
            .await
            .unwrap();
    }

    fn one(&self, id: FilingId) -> FilingView {
        filing(&self.models.reader().unwrap(), id).unwrap().unwrap()
    }

    fn list(&self, q: FilingQuery, scope: &Scope) -> Vec<FilingId> {
        filings(&self.models.reader().unwrap(), q, scope)
            .unwrap()
            .into_iter()
            .map(|f| f.filing_id)
            .collect()
    }
}

fn query() -> FilingQuery {
    FilingQuery {
        limit: 100,
        ..FilingQuery::default()
    }
}

#[tokio::test]
async fn the_register_follows_each_filing_and_answers_its_filters() {
    let w = World::new().await;
    // Today is 1 March.
    let trip = w.travel(w.member, d(2026, 3, 10), d(2026, 3, 12)).await;
    let late_trip = w.travel(w.other, d(2026, 3, 1), d(2026, 3, 5)).await;
    let event = w.family(w.member, d(2026, 3, 20)).await;
    let inspection = w.travel(w.inspector, d(2026, 4, 1), d(2026, 4, 2)).await;
    w.caught_up().await;

    let f = w.one(trip);
    assert_eq!(f.kind, FilingKind::Travel);
    assert_eq!(f.cadre_name.as_deref(), Some("李二"));
    assert_eq!(
        (f.unit_id, f.unit_name.as_deref()),
        (Some(w.unit), Some("区教育局党组"))
    );
    assert_eq!((f.group_id, f.group_name), (None, None));
    let t = f.travel.unwrap();
    assert_eq!((t.purpose, t.days), (TravelPurpose::OnDuty, 3));
    assert!(f.required && !f.late);
    assert_eq!((f.status, f.revisions), (FilingStatus::Filed, 0));
    assert_eq!(f.filed_on, d(2026, 3, 1));
    let f = w.one(late_trip);
    assert_eq!((f.late, f.days_late), (true, 1));
    let f = w.one(event);
    assert_eq!(f.kind, FilingKind::FamilyEvent);
    assert_eq!(f.family_event.unwrap().kind, FamilyEventKind::Funeral);
    assert_eq!(
        (f.late, f.days_late, f.due_by),
        (true, 11, Some(d(2026, 2, 18)))
    );
    let f = w.one(inspection);
    assert_eq!(
        (f.unit_id, f.group_id, f.group_name.as_deref()),
        (None, Some(w.group), Some("第一派驻纪检组"))
    );
    assert!(!f.required);

    // Revised, returned, cancelled, acknowledged (in the order they were).
    let c = ReviseFiling {
        filing_id: trip,
        cadre_id: w.member,
        changes: FilingChanges {
            leave_on: Some(d(2026, 3, 11)),
            ..FilingChanges::default()
        },
        reason: "推迟一天".into(),
    };
    w.app.filing_command(c.into(), &meta()).await.unwrap();
    let c = CancelFiling {
        filing_id: event,
        cadre_id: w.member,
        reason: "另行安排".into(),
    };
    w.app.filing_command(c.into(), &meta()).await.unwrap();
    let (second, first) = (UserId::new(), UserId::new());
    for (user, role) in [(first, Role::Commission), (second, Role::PrincipalLeader)] {
        let c = AcknowledgeFiling {
            filing_id: trip,
            user_id: user,
            role,
            cadre_id: None,
        };
        w.app.filing_command(c.into(), &meta()).await.unwrap();
    }
    w.clock.set(at("2026-03-06T09:00:00+08:00"));
    let c = ReportReturn {
        filing_id: late_trip,
        cadre_id: w.other,
        returned_on: d(2026, 3, 6),
    };
    w.app.filing_command(c.into(), &meta()).await.unwrap();
    w.caught_up().await;
    let f = w.one(trip);
    assert_eq!((f.status, f.revisions), (FilingStatus::Revised, 1));
    assert_eq!(f.travel.as_ref().unwrap().leave_on, d(2026, 3, 11));
    assert_eq!(f.travel.unwrap().days, 2);
    assert!(f.required, "required once, required for good");
    assert_eq!(
        f.acknowledgements
            .iter()
            .map(|a| (a.user_id, a.role))
            .collect::<Vec<_>>(),
        [
            (Some(first), Role::Commission),
            (Some(second), Role::PrincipalLeader)
        ]
    );
    let f = w.one(event);
    assert_eq!(f.status, FilingStatus::Cancelled);
    assert_eq!(f.cancellation_reason.as_deref(), Some("另行安排"));
    let f = w.one(late_trip);
    assert_eq!(
        (f.status, f.returned_on, f.days_late),
        (FilingStatus::Returned, Some(d(2026, 3, 6)), 1)
    );

    // Filters.
    let all = Scope::Everything;
    assert_eq!(w.list(query(), &all), [inspection, event, late_trip, trip]);
    let q = FilingQuery {
        cadre: Some(w.member),
        ..query()
    };
    assert_eq!(w.list(q, &all), [event, trip]);
    let q = FilingQuery {
        unit: Some(w.unit),
        ..query()
    };
    assert_eq!(w.list(q, &all), [event, late_trip, trip]);
    let q = FilingQuery {
        late_only: true,
        ..query()
    };
    assert_eq!(w.list(q, &all), [event, late_trip]);
    // 11–12 March overlaps the revised trip; 13–19 March nothing; 5 March the late trip.
    for (from, to, expected) in [
        (d(2026, 3, 12), d(2026, 3, 12), vec![trip]),
        (d(2026, 3, 13), d(2026, 3, 19), vec![]),
        (d(2026, 3, 5), d(2026, 3, 5), vec![late_trip]),
        (d(2026, 3, 20), d(2026, 4, 1), vec![inspection, event]),
    ] {
        let q = FilingQuery {
            from: Some(from),
            to: Some(to),
            ..query()
        };
        assert_eq!(w.list(q, &all), expected, "{from}–{to}");
    }
    // Paging.
    let page = FilingQuery {
        limit: 3,
        ..query()
    };
    let first_page = filings(&w.models.reader().unwrap(), page, &all).unwrap();
    assert_eq!(first_page.len(), 3);
    let q = FilingQuery {
        before: Some(first_page[2].position),
        ..page
    };
    assert_eq!(w.list(q, &all), [trip]);
    // Scope: only the filings of the cadres one sees.
    let only = |cadres: &[CadreId]| {
        Scope::Only(Visible {
            cadres: cadres.iter().copied().collect(),
            ..Visible::default()
        })
    };
    assert_eq!(w.list(query(), &only(&[w.other])), [late_trip]);
    assert_eq!(
        w.list(query(), &only(&[w.member, w.inspector])),
        [inspection, event, trip]
    );
    assert!(w.list(query(), &only(&[])).is_empty());

    // A rebuild from zero answers the same.
    let before = filings(&w.models.reader().unwrap(), query(), &all).unwrap();
    rebuild(w.store.clone(), &w.models, Arc::new(Filings))
        .await
        .unwrap();
    let after = filings(&w.models.reader().unwrap(), query(), &all).unwrap();
    assert_eq!(before, after);
}
