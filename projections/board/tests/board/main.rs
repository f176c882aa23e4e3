//! The board read model driven by the real projector over a real SQLite log whose clock
//! each test sets, so every event's `recorded_at` is chosen: lights by `as_of` alone,
//! backfills that never rewrite the past, withdrawals, list revisions, transfers, and
//! rebuilds that give the same board.

// Helpers outside #[test] fns too: a failed setup should just panic.
#![allow(clippy::unwrap_used)]

mod support;

use board::{
    Board, LightCounts, ObligationView, Owner, OwnerLights, cadre_obligations, district_overview,
    group_obligations, obligation_entries, unit_obligations,
};
use chrono::{DateTime, TimeDelta, Utc};
use domain::calendar::Cadence;
use domain::events::{
    CadreRegistered, CadreTransferred, DisciplineGroupRegistered, DutyBackfilled, DutyCorrected,
    DutyRecorded, DutyWithdrawn, EntryContent, KeyTaskSet, ResponsibilityListAssigned,
    ResponsibilityListPublished, ResponsibilityListRevised, UnitRegistered,
};
use domain::ids::{CadreId, EntryId, GroupId, ListId, ObligationId, TaskId, UnitId};
use domain::light::Light;
use domain::obligation::DutyItem;
use domain::org::{CadreDuty, Subject, SubjectKind, UnitKind};
use projector::{ProjectorOptions, ReadModels};
use rusqlite::Connection;
use std::sync::Arc;
use support::{World, date, item, local, obligation};

/// Two units with teams and cadres, a third with nothing assigned, a discipline group, and
/// the 2026 list assigned to all of them on 10 January.
struct District {
    u1: UnitId,
    u2: UnitId,
    u3: UnitId,
    g1: GroupId,
    /// Principal leader of u1.
    a: CadreId,
    /// Team member of u1.
    b: CadreId,
    /// Principal leader of u2.
    c: CadreId,
    list: ListId,
    team_q: DutyItem,
    lead_h: DutyItem,
    member_y: DutyItem,
    group_q: DutyItem,
}

impl District {
    fn items(&self) -> Vec<DutyItem> {
        vec![
            self.team_q.clone(),
            self.lead_h.clone(),
            self.member_y.clone(),
            self.group_q.clone(),
        ]
    }

    fn team(&self, unit: UnitId) -> Subject {
        Subject::LeadershipTeam { unit_id: unit }
    }
}

async fn district(w: &mut World) -> District {
    let d = District {
        u1: UnitId::new(),
        u2: UnitId::new(),
        u3: UnitId::new(),
        g1: GroupId::new(),
        a: CadreId::new(),
        b: CadreId::new(),
        c: CadreId::new(),
        list: ListId::new(),
        team_q: item(
            SubjectKind::LeadershipTeam,
            "每季度专题研究党风廉政建设",
            Cadence::Quarterly,
            1,
        ),
        lead_h: item(
            SubjectKind::PrincipalLeader,
            "每半年听取班子成员履责情况汇报",
            Cadence::HalfYearly,
            1,
        ),
        member_y: item(
            SubjectKind::TeamMember,
            "每年开展分管领域廉政谈话",
            Cadence::Yearly,
            2,
        ),
        group_q: item(
            SubjectKind::DisciplineGroup,
            "每季度开展日常监督",
            Cadence::Quarterly,
            1,
        ),
    };
    let t = local(2026, 1, 5, 9);
    for (id, name) in [
        (d.u1, "区教育局党委"),
        (d.u2, "区卫健局党组"),
        (d.u3, "区商务局党组"),
    ] {
        let kind = if id == d.u1 {
            UnitKind::PartyCommittee
        } else {
            UnitKind::PartyGroup
        };
        w.emit(
            t,
            UnitRegistered {
                unit_id: id,
                name: name.into(),
                kind,
            },
        )
        .await;
    }
    w.emit(
        t,
        DisciplineGroupRegistered {
            group_id: d.g1,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![d.u1, d.u2],
        },
    )
    .await;
    for (id, name, duty) in [
        (d.a, "甲", CadreDuty::PrincipalLeader { unit_id: d.u1 }),
        (d.b, "乙", CadreDuty::TeamMember { unit_id: d.u1 }),
        (d.c, "丙", CadreDuty::PrincipalLeader { unit_id: d.u2 }),
    ] {
        w.emit(
            t,
            CadreRegistered {
                cadre_id: id,
                name: name.into(),
                post: "书记".into(),
                duty,
                direct_leader: None,
            },
        )
        .await;
    }
    let t = local(2026, 1, 10, 9);
    w.emit(
        t,
        ResponsibilityListPublished {
            list_id: d.list,
            year: 2026,
            title: "2026年度两个责任清单".into(),
            items: d.items(),
        },
    )
    .await;
    w.emit(
        t,
        ResponsibilityListAssigned {
            list_id: d.list,
            subjects: vec![
                d.team(d.u1),
                Subject::PrincipalLeader { cadre_id: d.a },
                Subject::TeamMember { cadre_id: d.b },
                d.team(d.u2),
                Subject::PrincipalLeader { cadre_id: d.c },
                Subject::DisciplineGroup { group_id: d.g1 },
            ],
        },
    )
    .await;
    w.settle().await;
    d
}

/// Records an entry (on time, or as a late backfill) for `item`'s obligation of `subject`.
async fn record(
    w: &mut World,
    d: &District,
    at: DateTime<Utc>,
    item: &DutyItem,
    subject: Subject,
    index: u8,
    late: bool,
) -> (EntryId, ObligationId) {
    let (obligation_id, source, period) = obligation(d.list, item, subject, index);
    let entry_id = EntryId::new();
    let entry = EntryContent {
        performed_on: date(2026, 1, 20),
        content: "召开专题会议".into(),
        attachments: vec![],
    };
    let recorded_by = subject.cadre().unwrap_or(d.a);
    if late {
        let deadline = period.end();
        let e = DutyBackfilled {
            entry_id,
            obligation_id,
            source,
            subject,
            period,
            entry,
            recorded_by,
            deadline,
            days_late: 1,
        };
        w.emit(at, e).await;
    } else {
        w.emit(
            at,
            DutyRecorded {
                entry_id,
                obligation_id,
                source,
                subject,
                period,
                entry,
                recorded_by,
            },
        )
        .await;
    }
    w.settle().await;
    (entry_id, obligation_id)
}

fn find(views: &[ObligationView], id: ObligationId) -> Option<&ObligationView> {
    views.iter().find(|v| v.obligation_id == id)
}

fn unit_view(
    conn: &Connection,
    unit: UnitId,
    id: ObligationId,
    as_of: DateTime<Utc>,
) -> Option<ObligationView> {
    find(&unit_obligations(conn, unit, as_of).unwrap().unwrap(), id).cloned()
}

fn light(conn: &Connection, unit: UnitId, id: ObligationId, as_of: DateTime<Utc>) -> Light {
    unit_view(conn, unit, id, as_of).unwrap().light
}

fn row(board: &[OwnerLights], owner: Owner) -> &OwnerLights {
    board.iter().find(|r| r.owner == owner).unwrap()
}

fn counts(green: u32, yellow: u32, red: u32, orange: u32, pending: u32) -> LightCounts {
    LightCounts {
        green,
        yellow,
        red,
        orange,
        pending,
    }
}

/// Everything the board answers as of `as_of`, for comparisons.
#[derive(Debug, PartialEq)]
struct Snapshot {
    overview: Vec<OwnerLights>,
    units: Vec<Option<Vec<ObligationView>>>,
    groups: Vec<Option<Vec<ObligationView>>>,
    cadres: Vec<Option<Vec<ObligationView>>>,
}

fn snapshot(conn: &Connection, d: &District, as_of: DateTime<Utc>) -> Snapshot {
    Snapshot {
        overview: district_overview(conn, as_of).unwrap(),
        units: [d.u1, d.u2, d.u3]
            .iter()
            .map(|u| unit_obligations(conn, *u, as_of).unwrap())
            .collect(),
        groups: vec![group_obligations(conn, d.g1, as_of).unwrap()],
        cadres: [d.a, d.b, d.c]
            .iter()
            .map(|c| cadre_obligations(conn, *c, as_of).unwrap())
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lights_go_green_yellow_red_and_a_backfill_turns_orange_without_rewriting_the_past() {
    let mut w = World::new();
    let d = district(&mut w).await;
    let conn = w.reader();
    let team_q1 = obligation(d.list, &d.team_q, d.team(d.u1), 1).0;
    let a_h1 = obligation(
        d.list,
        &d.lead_h,
        Subject::PrincipalLeader { cadre_id: d.a },
        1,
    )
    .0;

    // Nothing is known before the registrations.
    assert_eq!(
        unit_obligations(&conn, d.u1, local(2026, 1, 4, 9)).unwrap(),
        None
    );
    assert_eq!(
        district_overview(&conn, local(2026, 1, 4, 9)).unwrap(),
        vec![]
    );
    // Registered but the list not yet assigned: the units are there with nothing to do.
    let early = district_overview(&conn, local(2026, 1, 6, 9)).unwrap();
    assert_eq!(early.len(), 4);
    assert!(early.iter().all(|r| r.lights == LightCounts::default()));
    assert_eq!(
        unit_obligations(&conn, d.u1, local(2026, 1, 6, 9)).unwrap(),
        Some(vec![])
    );

    // Recorded on time: green, and completed when it was recorded.
    let done = local(2026, 3, 20, 10);
    record(&mut w, &d, done, &d.team_q, d.team(d.u1), 1, false).await;
    assert_eq!(
        light(&conn, d.u1, team_q1, local(2026, 3, 20, 9)),
        Light::Pending
    );
    let v = unit_view(&conn, d.u1, team_q1, local(2026, 4, 1, 9)).unwrap();
    assert_eq!(
        (v.light, v.count, v.on_time, v.completed_at, v.backfilled),
        (Light::Green, 1, 1, Some(done), false)
    );
    assert_eq!(
        (v.period.to_string(), v.period_label.as_str()),
        ("2026-Q1".to_owned(), "2026年第一季度")
    );
    assert_eq!(v.subject_name, "区教育局党委");

    // Another obligation, by as_of alone: pending, yellow for the last 7 days, then red.
    assert_eq!(
        light(&conn, d.u1, a_h1, local(2026, 6, 23, 23)),
        Light::Pending
    );
    assert_eq!(
        light(&conn, d.u1, a_h1, local(2026, 6, 24, 0)),
        Light::Yellow
    );
    assert_eq!(
        light(&conn, d.u1, a_h1, local(2026, 6, 30, 23)),
        Light::Yellow
    );
    assert_eq!(light(&conn, d.u1, a_h1, local(2026, 7, 1, 0)), Light::Red);

    // The whole board as of 5 July, before anything was backfilled.
    let july5 = local(2026, 7, 5, 12);
    let board = district_overview(&conn, july5).unwrap();
    let names: Vec<_> = board.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "区卫健局党组",
            "区商务局党组",
            "区教育局党委",
            "第一派驻纪检组"
        ]
    );
    // u1: team Q1 green, Q2 red, Q3–Q4 pending; a: H1 red, H2 pending; b: yearly pending.
    assert_eq!(
        row(&board, Owner::Unit { unit_id: d.u1 }).lights,
        counts(1, 0, 2, 0, 4)
    );
    // u2: team Q1, Q2 red, Q3–Q4 pending; c: H1 red, H2 pending.
    assert_eq!(
        row(&board, Owner::Unit { unit_id: d.u2 }).lights,
        counts(0, 0, 3, 0, 3)
    );
    assert_eq!(
        row(&board, Owner::Unit { unit_id: d.u3 }).lights,
        LightCounts::default()
    );
    assert_eq!(
        row(&board, Owner::DisciplineGroup { group_id: d.g1 }).lights,
        counts(0, 0, 2, 0, 2)
    );
    let before =
        [local(2026, 6, 30, 12), july5, local(2026, 7, 8, 9)].map(|t| snapshot(&conn, &d, t));

    // Backfilled on 8 July at 10:00: orange from that instant, red just before it.
    let late = local(2026, 7, 8, 10);
    record(
        &mut w,
        &d,
        late,
        &d.lead_h,
        Subject::PrincipalLeader { cadre_id: d.a },
        1,
        true,
    )
    .await;
    assert_eq!(
        light(&conn, d.u1, a_h1, late - TimeDelta::microseconds(1)),
        Light::Red
    );
    let v = unit_view(&conn, d.u1, a_h1, late).unwrap();
    assert_eq!(
        (v.light, v.count, v.on_time, v.completed_at, v.backfilled),
        (Light::Orange, 1, 0, Some(late), true)
    );
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["light"], "orange");
    assert_eq!(json["subject"]["kind"], "principal_leader");
    assert_eq!(json["period"], "2026-H1");
    assert_eq!(json["required_count"], 1);
    // Still orange at year end: never green.
    assert_eq!(
        light(&conn, d.u1, a_h1, local(2026, 12, 31, 9)),
        Light::Orange
    );
    let board = district_overview(&conn, local(2026, 7, 9, 9)).unwrap();
    assert_eq!(
        row(&board, Owner::Unit { unit_id: d.u1 }).lights,
        counts(1, 0, 1, 1, 4)
    );
    let json = serde_json::to_value(row(&board, Owner::Unit { unit_id: d.u1 })).unwrap();
    assert_eq!(
        (
            json["owner_kind"].as_str(),
            json["kind"].as_str(),
            json["orange"].as_u64()
        ),
        (Some("unit"), Some("party_committee"), Some(1))
    );

    // The board of every instant before the backfill is exactly what it was.
    let after =
        [local(2026, 6, 30, 12), july5, local(2026, 7, 8, 9)].map(|t| snapshot(&conn, &d, t));
    assert_eq!(after, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_entry_stops_counting_from_its_withdrawal_and_a_correction_from_its_own() {
    let mut w = World::new();
    let d = district(&mut w).await;
    let conn = w.reader();
    let team = d.team(d.u1);
    let (entry, q2) = record(
        &mut w,
        &d,
        local(2026, 6, 10, 10),
        &d.team_q,
        team,
        2,
        false,
    )
    .await;
    assert_eq!(light(&conn, d.u1, q2, local(2026, 6, 11, 9)), Light::Green);

    let corrected = local(2026, 6, 15, 9);
    w.emit(
        corrected,
        DutyCorrected {
            entry_id: entry,
            obligation_id: q2,
            entry: EntryContent {
                performed_on: date(2026, 6, 9),
                content: "更正后的内容".into(),
                attachments: vec![],
            },
            reason: "日期填错".into(),
            corrected_by: d.a,
        },
    )
    .await;
    let withdrawn = local(2026, 7, 3, 10);
    w.emit(
        withdrawn,
        DutyWithdrawn {
            entry_id: entry,
            obligation_id: q2,
            reason: "重复填报".into(),
            withdrawn_by: d.a,
        },
    )
    .await;
    w.settle().await;

    // Green until the withdrawal was recorded (past the deadline, so red after it).
    assert_eq!(
        light(&conn, d.u1, q2, withdrawn - TimeDelta::microseconds(1)),
        Light::Green
    );
    let v = unit_view(&conn, d.u1, q2, withdrawn).unwrap();
    assert_eq!((v.light, v.count, v.completed_at), (Light::Red, 0, None));

    // The entry's content as of each instant: the original, the correction, then withdrawn.
    let at = |t| obligation_entries(&conn, q2, t).unwrap();
    assert_eq!(at(local(2026, 6, 10, 9)), vec![]);
    let first = &at(local(2026, 6, 14, 9))[0];
    assert_eq!(
        (
            first.content.as_str(),
            first.performed_on,
            first.corrected_at,
            first.withdrawn_at
        ),
        ("召开专题会议", date(2026, 1, 20), None, None)
    );
    let second = &at(local(2026, 6, 16, 9))[0];
    assert_eq!(
        (
            second.content.as_str(),
            second.performed_on,
            second.corrected_at
        ),
        ("更正后的内容", date(2026, 6, 9), Some(corrected))
    );
    assert_eq!(second.withdrawn_at, None);
    assert_eq!(at(withdrawn)[0].withdrawn_at, Some(withdrawn));

    // A withdrawal before the deadline: one of two required entries left, not yet due.
    let b = Subject::TeamMember { cadre_id: d.b };
    let (e1, yearly) = record(&mut w, &d, local(2026, 7, 10, 9), &d.member_y, b, 1, false).await;
    record(&mut w, &d, local(2026, 7, 11, 9), &d.member_y, b, 1, false).await;
    assert_eq!(
        light(&conn, d.u1, yearly, local(2026, 7, 12, 9)),
        Light::Green
    );
    w.emit(
        local(2026, 8, 1, 9),
        DutyWithdrawn {
            entry_id: e1,
            obligation_id: yearly,
            reason: "误报".into(),
            withdrawn_by: d.b,
        },
    )
    .await;
    w.settle().await;
    let v = unit_view(&conn, d.u1, yearly, local(2026, 8, 2, 9)).unwrap();
    assert_eq!((v.light, v.count, v.on_time), (Light::Pending, 1, 1));
    assert_eq!(
        light(&conn, d.u1, yearly, local(2026, 8, 1, 8)),
        Light::Green
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_revision_changes_obligations_from_its_recorded_at_on_but_not_before() {
    let mut w = World::new();
    let d = district(&mut w).await;
    let conn = w.reader();
    record(
        &mut w,
        &d,
        local(2026, 3, 20, 10),
        &d.team_q,
        d.team(d.u1),
        1,
        false,
    )
    .await;
    let team_q1 = obligation(d.list, &d.team_q, d.team(d.u1), 1).0;
    let jul31 = local(2026, 7, 31, 9);
    let before = snapshot(&conn, &d, jul31);

    // Revision on 1 August: the team item reworded, the team-member item removed, a yearly
    // item for principal leaders added.
    let mut team_q = d.team_q.clone();
    team_q.content = "每季度专题研究党风廉政建设并形成纪要".into();
    let lead_y = item(
        SubjectKind::PrincipalLeader,
        "每年讲一次廉政党课",
        Cadence::Yearly,
        1,
    );
    let revised = local(2026, 8, 1, 9);
    let items = vec![team_q, d.lead_h.clone(), lead_y.clone(), d.group_q.clone()];
    w.emit(
        revised,
        ResponsibilityListRevised {
            list_id: d.list,
            revision: 2,
            items,
            reason: "年中调整".into(),
        },
    )
    .await;
    w.settle().await;

    // Before the revision's recorded_at: exactly as before.
    assert_eq!(snapshot(&conn, &d, jul31), before);
    assert_eq!(
        snapshot(&conn, &d, revised - TimeDelta::microseconds(1)),
        snapshot(&conn, &d, jul31)
    );
    let b_before = cadre_obligations(&conn, d.b, jul31).unwrap().unwrap();
    assert_eq!(b_before.len(), 1);
    assert_eq!(b_before[0].content, "每年开展分管领域廉政谈话");

    // From it on: b owes nothing, a owes the new item, the team item reads anew, and the
    // entry made for it in March still counts.
    assert_eq!(
        cadre_obligations(&conn, d.b, revised).unwrap(),
        Some(vec![])
    );
    let a_after = cadre_obligations(&conn, d.a, revised).unwrap().unwrap();
    let a_y = obligation(
        d.list,
        &lead_y,
        Subject::PrincipalLeader { cadre_id: d.a },
        1,
    )
    .0;
    assert!(find(&a_after, a_y).is_some());
    assert!(find(&cadre_obligations(&conn, d.a, jul31).unwrap().unwrap(), a_y).is_none());
    let v = unit_view(&conn, d.u1, team_q1, revised).unwrap();
    assert_eq!(
        (v.content.as_str(), v.light, v.count),
        ("每季度专题研究党风廉政建设并形成纪要", Light::Green, 1)
    );
    assert_eq!(
        unit_view(&conn, d.u1, team_q1, jul31).unwrap().content,
        "每季度专题研究党风廉政建设"
    );
    // u1 as of 2 August: team Q1 green, Q2 red, Q3–Q4 pending; a H1 red, H2 and the new
    // yearly item pending (b's yearly item gone).
    let board = district_overview(&conn, local(2026, 8, 2, 9)).unwrap();
    assert_eq!(
        row(&board, Owner::Unit { unit_id: d.u1 }).lights,
        counts(1, 0, 2, 0, 4)
    );
    let titles = |t| {
        let mut v: Vec<_> = unit_obligations(&conn, d.u1, t)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|v| (v.subject.kind(), v.content))
            .collect();
        v.dedup();
        v
    };
    assert_eq!(
        titles(jul31).iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [
            SubjectKind::LeadershipTeam,
            SubjectKind::PrincipalLeader,
            SubjectKind::TeamMember
        ]
    );
    assert_eq!(
        titles(revised).iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [
            SubjectKind::LeadershipTeam,
            SubjectKind::PrincipalLeader,
            SubjectKind::PrincipalLeader
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_moves_a_cadres_obligations_to_the_new_unit_from_then_on() {
    let mut w = World::new();
    let d = district(&mut w).await;
    let conn = w.reader();
    let b = Subject::TeamMember { cadre_id: d.b };
    let (_, yearly) = record(&mut w, &d, local(2026, 5, 1, 9), &d.member_y, b, 1, false).await;
    let aug31 = local(2026, 8, 31, 9);
    let before = snapshot(&conn, &d, aug31);
    let moved = local(2026, 9, 1, 9);
    w.emit(
        moved,
        CadreTransferred {
            cadre_id: d.b,
            post: "党组成员、副局长".into(),
            duty: CadreDuty::TeamMember { unit_id: d.u2 },
            direct_leader: Some(d.c),
        },
    )
    .await;
    w.settle().await;

    assert_eq!(snapshot(&conn, &d, aug31), before);
    assert!(unit_view(&conn, d.u1, yearly, aug31).is_some());
    assert!(unit_view(&conn, d.u1, yearly, moved).is_none());
    let v = unit_view(&conn, d.u2, yearly, moved).unwrap();
    assert_eq!((v.subject, v.subject_name.as_str(), v.count), (b, "乙", 1));
    assert_eq!(
        cadre_obligations(&conn, d.b, moved).unwrap().unwrap().len(),
        1
    );

    let then = district_overview(&conn, aug31).unwrap();
    let now = district_overview(&conn, moved).unwrap();
    let pending = |board: &[OwnerLights], u| row(board, Owner::Unit { unit_id: u }).lights.pending;
    assert_eq!(pending(&now, d.u1), pending(&then, d.u1) - 1);
    assert_eq!(pending(&now, d.u2), pending(&then, d.u2) + 1);
}

/// Every step of the other tests in one log, plus a key task and an event of an unknown type.
async fn story(w: &mut World) -> District {
    let d = district(w).await;
    let (team1, a, b) = (
        d.team(d.u1),
        Subject::PrincipalLeader { cadre_id: d.a },
        Subject::TeamMember { cadre_id: d.b },
    );
    record(w, &d, local(2026, 3, 20, 10), &d.team_q, team1, 1, false).await;
    record(
        w,
        &d,
        local(2026, 4, 2, 10),
        &d.group_q,
        Subject::DisciplineGroup { group_id: d.g1 },
        1,
        true,
    )
    .await;
    let (e, q2) = record(w, &d, local(2026, 6, 10, 10), &d.team_q, team1, 2, false).await;
    w.emit(
        local(2026, 6, 12, 9),
        KeyTaskSet {
            task_id: TaskId::new(),
            year: 2026,
            subject: d.team(d.u2),
            target: "完成巡察整改".into(),
            measures: vec![],
            deadline: date(2026, 9, 30),
        },
    )
    .await;
    w.emit_unknown(local(2026, 6, 20, 9)).await;
    record(w, &d, local(2026, 7, 8, 10), &d.lead_h, a, 1, true).await;
    w.emit(
        local(2026, 7, 9, 10),
        DutyWithdrawn {
            entry_id: e,
            obligation_id: q2,
            reason: "重复".into(),
            withdrawn_by: d.a,
        },
    )
    .await;
    record(w, &d, local(2026, 7, 20, 10), &d.member_y, b, 1, false).await;
    let mut items = d.items();
    items.remove(2);
    items[0].content = "改写".into();
    w.emit(
        local(2026, 8, 1, 9),
        ResponsibilityListRevised {
            list_id: d.list,
            revision: 2,
            items,
            reason: "调整".into(),
        },
    )
    .await;
    w.emit(
        local(2026, 9, 1, 9),
        CadreTransferred {
            cadre_id: d.a,
            post: "局长".into(),
            duty: CadreDuty::PrincipalLeader { unit_id: d.u3 },
            direct_leader: None,
        },
    )
    .await;
    w.settle().await;
    d
}

fn instants() -> Vec<DateTime<Utc>> {
    (0..40)
        .map(|i| local(2026, 1, 1, 9) + TimeDelta::hours(i * 24 * 9 + i))
        .collect()
}

fn tally(views: &[ObligationView]) -> LightCounts {
    let mut c = LightCounts::default();
    views.iter().for_each(|v| c.add(v.light, 1));
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_agrees_with_the_detailed_views_and_a_rebuild_gives_the_same_board() {
    let mut w = World::new();
    let d = story(&mut w).await;
    let conn = w.reader();
    let live: Vec<Snapshot> = instants()
        .into_iter()
        .map(|t| snapshot(&conn, &d, t))
        .collect();

    // The board's aggregate in SQL tells the same lights as the entries one by one.
    for s in &live {
        for row in &s.overview {
            let views = match row.owner {
                Owner::Unit { unit_id } => {
                    &s.units[[d.u1, d.u2, d.u3]
                        .iter()
                        .position(|u| *u == unit_id)
                        .unwrap()]
                }
                Owner::DisciplineGroup { .. } => &s.groups[0],
            };
            assert_eq!(row.lights, tally(views.as_ref().unwrap()), "{}", row.name);
        }
    }
    // The key task is u2's team's, due 30 September; a's obligations went with a to u3.
    let u2 = unit_obligations(&conn, d.u2, local(2026, 10, 1, 9))
        .unwrap()
        .unwrap();
    let task = u2
        .iter()
        .find(|v| v.category == "年度重点工作任务")
        .unwrap();
    assert_eq!(
        (task.deadline, task.light, task.content.as_str()),
        (date(2026, 9, 30), Light::Red, "完成巡察整改")
    );
    let u3 = unit_obligations(&conn, d.u3, local(2026, 9, 2, 9))
        .unwrap()
        .unwrap();
    assert_eq!(u3.len(), 2);
    assert!(u3.iter().any(|v| v.light == Light::Orange));

    // Rebuilt from zero: the same answers at every instant.
    w.board.take().unwrap().shutdown().await;
    let report = projector::rebuild(w.store.clone(), &w.models, Arc::new(Board))
        .await
        .unwrap();
    assert_eq!(report.through, w.head);
    let rebuilt: Vec<Snapshot> = instants()
        .into_iter()
        .map(|t| snapshot(&conn, &d, t))
        .collect();
    assert_eq!(rebuilt, live);

    // Replayed one event per batch into another file: the same again.
    let other = ReadModels::open(w.dir.path().join("other.db")).unwrap();
    let one = ProjectorOptions {
        batch_size: 1,
        ..Default::default()
    };
    projector::catch_up_with(w.store.clone(), &other, Arc::new(Board), one)
        .await
        .unwrap();
    let conn = other.reader().unwrap();
    let replayed: Vec<Snapshot> = instants()
        .into_iter()
        .map(|t| snapshot(&conn, &d, t))
        .collect();
    assert_eq!(replayed, live);
}

/// Entry ids are unique within an obligation's stream only: the same id in two
/// obligations is two entries, and withdrawing one leaves the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_id_reused_in_another_obligation_is_another_entry() {
    let mut w = World::new();
    let d = district(&mut w).await;
    let shared = EntryId::new();
    let at = local(2026, 2, 1, 9);
    let mut ids = Vec::new();
    for unit in [d.u1, d.u2] {
        let subject = d.team(unit);
        let (obligation_id, source, period) = obligation(d.list, &d.team_q, subject, 1);
        w.emit(
            at,
            DutyRecorded {
                entry_id: shared,
                obligation_id,
                source,
                subject,
                period,
                entry: EntryContent {
                    performed_on: date(2026, 1, 30),
                    content: "召开专题会议".into(),
                    attachments: vec![],
                },
                recorded_by: d.a,
            },
        )
        .await;
        ids.push((unit, obligation_id));
    }
    w.settle().await;
    let conn = w.reader();
    for (unit, id) in &ids {
        assert_eq!(light(&conn, *unit, *id, local(2026, 2, 2, 9)), Light::Green);
    }
    w.emit(
        local(2026, 2, 3, 9),
        DutyWithdrawn {
            entry_id: shared,
            obligation_id: ids[0].1,
            reason: "误报".into(),
            withdrawn_by: d.a,
        },
    )
    .await;
    w.settle().await;
    let later = local(2026, 2, 4, 9);
    assert_eq!(light(&conn, ids[0].0, ids[0].1, later), Light::Pending);
    assert_eq!(light(&conn, ids[1].0, ids[1].1, later), Light::Green);
}
