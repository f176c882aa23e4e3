//! Statistics of the board, driven by the real projector over a real SQLite log whose
//! clock the test sets: lights per unit and deadline month, completion rates and red
//! lights per unit, each as of an instant — a backfill recorded after the instant asked is
//! not counted, and a deadline of 31 March is over at 00:00 on 1 April in Shanghai (16:00
//! on 31 March in UTC).

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "shared with the board tests; not every helper is used here"
)]
#[path = "board/support.rs"]
mod support;

use board::{
    LightCounts, Owner, UnitCompletion, UnitMonthLights, completion_by_unit, district_overview,
    lights_by_unit_month, red_lights_by_unit,
};
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::Cadence;
use domain::events::{
    CadreRegistered, DisciplineGroupRegistered, DutyBackfilled, DutyRecorded, EntryContent,
    ResponsibilityListAssigned, ResponsibilityListPublished, UnitRegistered,
};
use domain::ids::{CadreId, EntryId, GroupId, ListId, UnitId};
use domain::obligation::DutyItem;
use domain::org::{CadreDuty, Subject, SubjectKind, UnitKind};
use support::{World, date, item, local, obligation};

/// u1 and u2 with a monthly team item and a half-yearly item of their principal leaders
/// (a, c); u3 with nothing assigned; a discipline group g1 with a quarterly item, counted
/// under no unit.
struct District {
    u1: UnitId,
    u2: UnitId,
    u3: UnitId,
    g1: GroupId,
    a: CadreId,
    c: CadreId,
    list: ListId,
    monthly: DutyItem,
    half: DutyItem,
    group_q: DutyItem,
}

async fn district(w: &mut World) -> District {
    let d = District {
        u1: UnitId::new(),
        u2: UnitId::new(),
        u3: UnitId::new(),
        g1: GroupId::new(),
        a: CadreId::new(),
        c: CadreId::new(),
        list: ListId::new(),
        monthly: item(
            SubjectKind::LeadershipTeam,
            "每月研究部署党风廉政建设",
            Cadence::Monthly,
            1,
        ),
        half: item(
            SubjectKind::PrincipalLeader,
            "每半年听取班子成员履责情况汇报",
            Cadence::HalfYearly,
            1,
        ),
        group_q: item(
            SubjectKind::DisciplineGroup,
            "每季度开展日常监督",
            Cadence::Quarterly,
            1,
        ),
    };
    let t = local(2026, 1, 5, 9);
    for (unit_id, name) in [
        (d.u1, "区教育局党委"),
        (d.u2, "区卫健局党组"),
        (d.u3, "区商务局党组"),
    ] {
        let e = UnitRegistered {
            unit_id,
            name: name.into(),
            kind: UnitKind::PartyGroup,
        };
        w.emit(t, e).await;
    }
    let e = DisciplineGroupRegistered {
        group_id: d.g1,
        name: "第一派驻纪检组".into(),
        stationed_in: vec![d.u1, d.u2],
    };
    w.emit(t, e).await;
    for (cadre_id, name, duty) in [
        (d.a, "甲", CadreDuty::PrincipalLeader { unit_id: d.u1 }),
        (d.c, "丙", CadreDuty::PrincipalLeader { unit_id: d.u2 }),
    ] {
        let e = CadreRegistered {
            cadre_id,
            name: name.into(),
            post: "书记".into(),
            duty,
            direct_leader: None,
        };
        w.emit(t, e).await;
    }
    let t = local(2026, 1, 10, 9);
    let e = ResponsibilityListPublished {
        list_id: d.list,
        year: 2026,
        title: "2026年度两个责任清单".into(),
        items: vec![d.monthly.clone(), d.half.clone(), d.group_q.clone()],
    };
    w.emit(t, e).await;
    let e = ResponsibilityListAssigned {
        list_id: d.list,
        subjects: vec![
            team(d.u1),
            Subject::PrincipalLeader { cadre_id: d.a },
            team(d.u2),
            Subject::PrincipalLeader { cadre_id: d.c },
            Subject::DisciplineGroup { group_id: d.g1 },
        ],
    };
    w.emit(t, e).await;
    w.settle().await;
    d
}

fn team(unit_id: UnitId) -> Subject {
    Subject::LeadershipTeam { unit_id }
}

/// Records an entry for the `index`-th period of `item` of `subject` at `at`: on time, or
/// as a late backfill.
async fn record(
    w: &mut World,
    d: &District,
    at: DateTime<Utc>,
    (item, index): (&DutyItem, u8),
    subject: Subject,
    late: bool,
) {
    let (obligation_id, source, period) = obligation(d.list, item, subject, index);
    let entry = EntryContent {
        performed_on: date(2026, 1, 20),
        content: "召开专题会议".into(),
        attachments: vec![],
    };
    let recorded_by = subject.cadre().unwrap_or(d.a);
    let entry_id = EntryId::new();
    if late {
        let e = DutyBackfilled {
            entry_id,
            obligation_id,
            source,
            subject,
            period,
            entry,
            recorded_by,
            deadline: period.end(),
            days_late: 1,
        };
        w.emit(at, e).await;
    } else {
        let e = DutyRecorded {
            entry_id,
            obligation_id,
            source,
            subject,
            period,
            entry,
            recorded_by,
        };
        w.emit(at, e).await;
    }
}

/// u1: January on time, February nothing, March backfilled on 3 April, April on time on
/// 15 April, the rest nothing; a's first half backfilled on 5 July.
/// u2: January on time, February at 23:30 on 28 February (on time), the rest nothing; c's
/// first half on time. g1: nothing.
async fn entries(w: &mut World, d: &District) {
    let m = &d.monthly;
    record(w, d, local(2026, 1, 20, 10), (m, 1), team(d.u1), false).await;
    record(w, d, local(2026, 1, 25, 10), (m, 1), team(d.u2), false).await;
    let half_past_eleven = local(2026, 2, 28, 23) + chrono::TimeDelta::minutes(30);
    record(w, d, half_past_eleven, (m, 2), team(d.u2), false).await;
    record(w, d, local(2026, 4, 3, 10), (m, 3), team(d.u1), true).await;
    record(w, d, local(2026, 4, 15, 10), (m, 4), team(d.u1), false).await;
    let c = Subject::PrincipalLeader { cadre_id: d.c };
    record(w, d, local(2026, 6, 1, 10), (&d.half, 1), c, false).await;
    let a = Subject::PrincipalLeader { cadre_id: d.a };
    record(w, d, local(2026, 7, 5, 10), (&d.half, 1), a, true).await;
    w.settle().await;
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const LAST_OF_MARCH: &str = "2026-03-31T23:59:59+08:00";
/// 16:00:30 on 31 March in UTC.
const FIRST_OF_APRIL: &str = "2026-04-01T00:00:30+08:00";
const JULY: &str = "2026-07-10T12:00:00+08:00";

/// A row: (month, [green, yellow, red, orange, pending]).
type Row = (u32, [u32; 5]);

fn rows(unit_id: UnitId, unit_name: &str, rows: &[Row]) -> Vec<UnitMonthLights> {
    rows.iter()
        .map(
            |&(month, [green, yellow, red, orange, pending])| UnitMonthLights {
                unit_id,
                unit_name: unit_name.into(),
                month,
                green,
                yellow,
                red,
                orange,
                pending,
            },
        )
        .collect()
}

/// `first` for the months given, then one pending a month to December, two in June and
/// December (the half-yearly item).
fn year(first: &[Row]) -> Vec<Row> {
    let mut out = first.to_vec();
    let from = first.last().map_or(1, |r| r.0 + 1);
    for month in from..=12 {
        let pending = if month == 6 || month == 12 { 2 } else { 1 };
        out.push((month, [0, 0, 0, 0, pending]));
    }
    out
}

fn months(
    w: &World,
    d: &District,
    as_of: &str,
    u1: &[Row],
    u2: &[Row],
) -> (Vec<UnitMonthLights>, Vec<UnitMonthLights>) {
    let got = lights_by_unit_month(&w.reader(), 2026, at(as_of)).unwrap();
    // By unit name: 区卫健局党组 (u2) sorts before 区教育局党委 (u1); u3 has no row.
    let mut want = rows(d.u2, "区卫健局党组", &year(u2));
    want.extend(rows(d.u1, "区教育局党委", &year(u1)));
    (got, want)
}

/// The board's own count of a unit's lights, for a cross-check.
fn overview(w: &World, unit_id: UnitId, as_of: &str) -> LightCounts {
    district_overview(&w.reader(), at(as_of))
        .unwrap()
        .into_iter()
        .find(|r| r.owner == Owner::Unit { unit_id })
        .unwrap()
        .lights
}

fn summed(rows: &[UnitMonthLights], unit: UnitId) -> LightCounts {
    let mut c = LightCounts::default();
    for r in rows.iter().filter(|r| r.unit_id == unit) {
        c.green += r.green;
        c.yellow += r.yellow;
        c.red += r.red;
        c.orange += r.orange;
        c.pending += r.pending;
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lights_by_unit_and_deadline_month_as_of_an_instant() {
    let mut w = World::new();
    let d = district(&mut w).await;
    entries(&mut w, &d).await;
    // 31 March, last second: March's deadline is today, yellow; nothing after it is
    // within 7 days.
    let (got, want) = months(
        &w,
        &d,
        LAST_OF_MARCH,
        &[
            (1, [1, 0, 0, 0, 0]),
            (2, [0, 0, 1, 0, 0]),
            (3, [0, 1, 0, 0, 0]),
        ],
        &[
            (1, [1, 0, 0, 0, 0]),
            (2, [1, 0, 0, 0, 0]),
            (3, [0, 1, 0, 0, 0]),
        ],
    );
    assert_eq!(got, want);
    // Half a minute into 1 April in Shanghai, March's deadline has passed: red, in March.
    let (got, want) = months(
        &w,
        &d,
        FIRST_OF_APRIL,
        &[
            (1, [1, 0, 0, 0, 0]),
            (2, [0, 0, 1, 0, 0]),
            (3, [0, 0, 1, 0, 0]),
        ],
        &[
            (1, [1, 0, 0, 0, 0]),
            (2, [1, 0, 0, 0, 0]),
            (3, [0, 0, 1, 0, 0]),
        ],
    );
    assert_eq!(got, want);
    // The backfill of 3 April at 10:00 is not known an hour before it.
    let before = lights_by_unit_month(&w.reader(), 2026, local(2026, 4, 3, 9)).unwrap();
    let after = lights_by_unit_month(&w.reader(), 2026, local(2026, 4, 3, 11)).unwrap();
    let u1_march = |rows: &[UnitMonthLights]| {
        rows.iter()
            .find(|r| r.unit_id == d.u1 && r.month == 3)
            .map(|r| (r.red, r.orange))
    };
    assert_eq!(u1_march(&before), Some((1, 0)));
    assert_eq!(u1_march(&after), Some((0, 1)));
    // 10 July: u1's March orange, April green, May and June's team item red, a's first
    // half orange; u2's March to June red, c's first half green.
    let (got, want) = months(
        &w,
        &d,
        JULY,
        &[
            (1, [1, 0, 0, 0, 0]),
            (2, [0, 0, 1, 0, 0]),
            (3, [0, 0, 0, 1, 0]),
            (4, [1, 0, 0, 0, 0]),
            (5, [0, 0, 1, 0, 0]),
            (6, [0, 0, 1, 1, 0]),
        ],
        &[
            (1, [1, 0, 0, 0, 0]),
            (2, [1, 0, 0, 0, 0]),
            (3, [0, 0, 1, 0, 0]),
            (4, [0, 0, 1, 0, 0]),
            (5, [0, 0, 1, 0, 0]),
            (6, [1, 0, 1, 0, 0]),
        ],
    );
    assert_eq!(got, want);
    // Summed over the year, each unit's rows are what the board shows for it.
    for as_of in [LAST_OF_MARCH, FIRST_OF_APRIL, JULY] {
        for unit in [d.u1, d.u2] {
            assert_eq!(summed(&got_at(&w, as_of), unit), overview(&w, unit, as_of));
        }
    }
    // Another year has nothing; before the list was assigned, nothing either.
    assert!(
        lights_by_unit_month(&w.reader(), 2025, at(JULY))
            .unwrap()
            .is_empty()
    );
    assert!(
        lights_by_unit_month(&w.reader(), 2026, local(2026, 1, 9, 9))
            .unwrap()
            .is_empty()
    );
}

fn got_at(w: &World, as_of: &str) -> Vec<UnitMonthLights> {
    lights_by_unit_month(&w.reader(), 2026, at(as_of)).unwrap()
}

fn completion(unit_id: UnitId, unit_name: &str, [green, orange, red]: [u32; 3]) -> UnitCompletion {
    let due = green + orange + red;
    let share = |n: u32| {
        if due == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(due)
        }
    };
    UnitCompletion {
        unit_id,
        unit_name: unit_name.into(),
        due,
        green,
        orange,
        red,
        rate: share(green + orange),
        on_time_rate: share(green),
    }
}

fn sorted(mut v: Vec<(UnitId, u32)>) -> Vec<(UnitId, u32)> {
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_and_red_lights_per_unit_as_of_an_instant() {
    let mut w = World::new();
    let d = district(&mut w).await;
    entries(&mut w, &d).await;
    let conn = w.reader();
    let (h1_from, h1_to) = (date(2026, 1, 1), date(2026, 6, 30));
    let all = |as_of: &str, from: NaiveDate, to: NaiveDate| {
        completion_by_unit(&conn, from, to, at(as_of)).unwrap()
    };

    // The first half as of 10 July: all seven of each unit's obligations are due.
    let got = all(JULY, h1_from, h1_to);
    assert_eq!(
        got,
        [
            completion(d.u2, "区卫健局党组", [3, 0, 4]),
            completion(d.u3, "区商务局党组", [0, 0, 0]),
            completion(d.u1, "区教育局党委", [2, 2, 3]),
        ]
    );
    assert_eq!(got[2].due, 7);
    assert!((got[2].rate - 4.0 / 7.0).abs() < 1e-12);
    assert!((got[2].on_time_rate - 2.0 / 7.0).abs() < 1e-12);
    assert_eq!((got[1].rate, got[1].on_time_rate), (0.0, 0.0));
    // On 31 March, March's deadline is not over yet: not due.
    assert_eq!(
        all(LAST_OF_MARCH, h1_from, h1_to),
        [
            completion(d.u2, "区卫健局党组", [2, 0, 0]),
            completion(d.u3, "区商务局党组", [0, 0, 0]),
            completion(d.u1, "区教育局党委", [1, 0, 1]),
        ]
    );
    // Half a minute into 1 April (local) it is, and missed.
    assert_eq!(
        all(FIRST_OF_APRIL, h1_from, h1_to),
        [
            completion(d.u2, "区卫健局党组", [2, 0, 1]),
            completion(d.u3, "区商务局党组", [0, 0, 0]),
            completion(d.u1, "区教育局党委", [1, 0, 2]),
        ]
    );
    // March and April only, before and after the backfill of 3 April; April's on-time
    // entry of 15 April counts once April is over.
    let (mar, apr30) = (date(2026, 3, 1), date(2026, 4, 30));
    assert_eq!(
        all("2026-04-03T09:00:00+08:00", mar, apr30)[2],
        completion(d.u1, "区教育局党委", [0, 0, 1])
    );
    assert_eq!(
        all("2026-05-01T00:00:30+08:00", mar, apr30)[2],
        completion(d.u1, "区教育局党委", [1, 1, 0])
    );

    // Red lights for the assessment: red or orange (went red, then backfilled).
    let reds = |from: NaiveDate, to: NaiveDate, as_of: &str| {
        red_lights_by_unit(&conn, from, to, at(as_of)).unwrap()
    };
    let (jan1, dec31) = (date(2026, 1, 1), date(2026, 12, 31));
    // u1: February, March (orange), May, June, a's first half (orange); u2: March to June.
    assert_eq!(reds(jan1, dec31, JULY), sorted(vec![(d.u1, 5), (d.u2, 4)]));
    assert_eq!(reds(jan1, dec31, LAST_OF_MARCH), [(d.u1, 1)]);
    assert_eq!(
        reds(mar, date(2026, 3, 31), FIRST_OF_APRIL),
        sorted(vec![(d.u1, 1), (d.u2, 1)])
    );
    // Backfilled, March still counts against u1.
    assert_eq!(
        reds(mar, date(2026, 3, 31), JULY),
        sorted(vec![(d.u1, 1), (d.u2, 1)])
    );
    assert_eq!(reds(jan1, date(2026, 1, 31), JULY), []);
}
