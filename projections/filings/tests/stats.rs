//! Statistics of the filings register: filings per month of the local filing date (a
//! filing at 00:30 on 1 April in Shanghai is April's, though it is still 31 March in UTC),
//! lateness and cancellation as of an instant (a return reported later makes a short
//! travel late from then on, not before), and late filings per unit for the assessment.

#![allow(clippy::unwrap_used, reason = "tests")]

use app::{App, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::filing::{
    CancelFiling, FamilyEvent, FamilyEventKind, FileFamilyEvent, FileTravel, ReportReturn, Travel,
    TravelPurpose,
};
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, FilingId, GroupId, UnitId};
use domain::org::{CadreDuty, UnitKind};
use domain::unit::RegisterUnit;
use event_store::{Actor, EventStore, ManualClock};
use filings::{Filings, MonthFilings, filings_by_month, late_filings_by_unit};
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

/// Two units with a team member each, and a discipline group with one member.
struct World {
    _dir: tempfile::TempDir,
    app: App,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    models: ReadModels,
    u1: UnitId,
    u2: UnitId,
    m1: CadreId,
    m2: CadreId,
    inspector: CadreId,
}

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
        let (u1, u2) = (UnitId::new(), UnitId::new());
        for (unit_id, name) in [(u1, "区教育局党组"), (u2, "区卫健局党组")] {
            let c = RegisterUnit {
                unit_id,
                name: name.into(),
                kind: UnitKind::PartyGroup,
            };
            app.register_unit(c, &meta()).await.unwrap();
        }
        let group = GroupId::new();
        let c = RegisterDisciplineGroup {
            group_id: group,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![u1, u2],
        };
        app.group_command(group, c.into(), &meta()).await.unwrap();
        let mut cadres = Vec::new();
        for (name, duty) in [
            ("李二", CadreDuty::TeamMember { unit_id: u1 }),
            ("王三", CadreDuty::TeamMember { unit_id: u2 }),
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
            u1,
            u2,
            m1: cadres[0],
            m2: cadres[1],
            inspector: cadres[2],
        }
    }

    /// A travel filed at `when`.
    async fn travel(
        &self,
        when: &str,
        cadre: CadreId,
        leave: NaiveDate,
        back: NaiveDate,
    ) -> FilingId {
        self.clock.set(at(when));
        let filing_id = FilingId::new();
        let c = FileTravel {
            filing_id,
            cadre_id: cadre,
            travel: Travel {
                purpose: TravelPurpose::Private,
                destination: "上海".into(),
                leave_on: leave,
                return_on: back,
            },
        };
        self.app.filing_command(c.into(), &meta()).await.unwrap();
        filing_id
    }

    /// A family event filed at `when`.
    async fn family(&self, when: &str, cadre: CadreId, date: NaiveDate) -> FilingId {
        self.clock.set(at(when));
        let filing_id = FilingId::new();
        let c = FileFamilyEvent {
            filing_id,
            cadre_id: cadre,
            event: FamilyEvent {
                kind: FamilyEventKind::Wedding,
                date,
                scale: "亲友10桌".into(),
                venue: "酒店".into(),
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

    fn months(&self, as_of: &str) -> Vec<MonthFilings> {
        filings_by_month(&self.models.reader().unwrap(), 2026, at(as_of)).unwrap()
    }

    fn late_by_unit(&self, from: NaiveDate, to: NaiveDate, as_of: &str) -> Vec<(UnitId, u32)> {
        late_filings_by_unit(&self.models.reader().unwrap(), from, to, at(as_of)).unwrap()
    }
}

fn month(month: u32, travel: u32, family: u32, late: u32, cancelled: u32) -> MonthFilings {
    MonthFilings {
        month,
        travel,
        family,
        late,
        cancelled,
    }
}

/// The twelve months, zero but for `some`.
fn year(some: &[MonthFilings]) -> Vec<MonthFilings> {
    (1..=12)
        .map(|m| {
            some.iter()
                .find(|x| x.month == m)
                .cloned()
                .unwrap_or(month(m, 0, 0, 0, 0))
        })
        .collect()
}

fn sorted(mut v: Vec<(UnitId, u32)>) -> Vec<(UnitId, u32)> {
    v.sort();
    v
}

#[tokio::test]
async fn filings_are_counted_by_local_month_with_lateness_and_cancellation_as_of_an_instant() {
    let w = World::new().await;
    // January: m1 on time; m2 filed on the leave date (late); m1's wedding 22 days ahead
    // (late).
    w.travel(
        "2026-01-10T09:00:00+08:00",
        w.m1,
        d(2026, 1, 20),
        d(2026, 1, 23),
    )
    .await;
    w.travel(
        "2026-01-10T09:00:00+08:00",
        w.m2,
        d(2026, 1, 10),
        d(2026, 1, 14),
    )
    .await;
    w.family("2026-01-10T10:00:00+08:00", w.m1, d(2026, 2, 1))
        .await;
    // February: a two-day trip needing no filing, stretched to four days by the return
    // reported on 23 February: late from then on, still February's (filed on the 10th).
    let short = w
        .travel(
            "2026-02-10T09:00:00+08:00",
            w.m2,
            d(2026, 2, 20),
            d(2026, 2, 21),
        )
        .await;
    // The group member files on the leave date: late, but belongs to no unit.
    w.travel(
        "2026-02-10T09:00:00+08:00",
        w.inspector,
        d(2026, 2, 10),
        d(2026, 2, 13),
    )
    .await;
    w.clock.set(at("2026-02-23T18:00:00+08:00"));
    let c = ReportReturn {
        filing_id: short,
        cadre_id: w.m2,
        returned_on: d(2026, 2, 23),
    };
    w.app.filing_command(c.into(), &meta()).await.unwrap();
    // March: a wedding filed on time, cancelled on 15 March; a trip filed at 23:30 on
    // 31 March (local).
    let wedding = w
        .family("2026-03-01T09:00:00+08:00", w.m1, d(2026, 5, 1))
        .await;
    w.clock.set(at("2026-03-15T09:00:00+08:00"));
    let c = CancelFiling {
        filing_id: wedding,
        cadre_id: w.m1,
        reason: "婚期推迟".into(),
    };
    w.app.filing_command(c.into(), &meta()).await.unwrap();
    w.travel(
        "2026-03-31T23:30:00+08:00",
        w.m1,
        d(2026, 4, 10),
        d(2026, 4, 12),
    )
    .await;
    // April: 00:30 on 1 April in Shanghai (16:30 on 31 March in UTC), leaving that day:
    // late, and April's.
    w.travel(
        "2026-04-01T00:30:00+08:00",
        w.m2,
        d(2026, 4, 1),
        d(2026, 4, 5),
    )
    .await;
    w.caught_up().await;

    let end = "2026-12-31T12:00:00+08:00";
    let whole_year = year(&[
        month(1, 2, 1, 2, 0),
        month(2, 2, 0, 2, 0),
        month(3, 1, 1, 0, 1),
        month(4, 1, 0, 1, 0),
    ]);
    assert_eq!(w.months(end), whole_year);
    // Just before 1 April in Shanghai: the 00:30 filing is not known yet; the 23:30 one is.
    assert_eq!(
        w.months("2026-03-31T23:59:59+08:00"),
        year(&[
            month(1, 2, 1, 2, 0),
            month(2, 2, 0, 2, 0),
            month(3, 1, 1, 0, 1),
        ])
    );
    // Before the cancellation, and before the late return was reported.
    assert_eq!(
        w.months("2026-03-10T12:00:00+08:00"),
        year(&[
            month(1, 2, 1, 2, 0),
            month(2, 2, 0, 2, 0),
            month(3, 0, 1, 0, 0),
        ])
    );
    assert_eq!(
        w.months("2026-02-22T12:00:00+08:00"),
        year(&[month(1, 2, 1, 2, 0), month(2, 2, 0, 1, 0)])
    );
    // Another year has nothing.
    assert_eq!(
        filings_by_month(&w.models.reader().unwrap(), 2025, at(end)).unwrap(),
        year(&[])
    );

    // Late filings per unit: the group member's is nobody's.
    let (jan1, dec31) = (d(2026, 1, 1), d(2026, 12, 31));
    assert_eq!(
        w.late_by_unit(jan1, dec31, end),
        sorted(vec![(w.u1, 1), (w.u2, 3)])
    );
    assert_eq!(
        w.late_by_unit(jan1, dec31, "2026-02-22T12:00:00+08:00"),
        sorted(vec![(w.u1, 1), (w.u2, 1)])
    );
    // Filed in February or March: only the stretched trip.
    assert_eq!(
        w.late_by_unit(d(2026, 2, 1), d(2026, 3, 31), end),
        vec![(w.u2, 1)]
    );
    // Filed in April (the 00:30 one), and nothing as of before it was.
    assert_eq!(
        w.late_by_unit(d(2026, 4, 1), d(2026, 4, 30), end),
        vec![(w.u2, 1)]
    );
    assert_eq!(
        w.late_by_unit(d(2026, 4, 1), d(2026, 4, 30), "2026-03-31T23:59:59+08:00"),
        vec![]
    );

    // A rebuild from zero answers the same.
    rebuild(w.store.clone(), &w.models, Arc::new(Filings))
        .await
        .unwrap();
    assert_eq!(w.months(end), whole_year);
    assert_eq!(
        w.months("2026-02-22T12:00:00+08:00"),
        year(&[month(1, 2, 1, 2, 0), month(2, 2, 0, 1, 0)])
    );
}
