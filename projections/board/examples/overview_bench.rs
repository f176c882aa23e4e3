//! Times the board's queries on a synthetic district shaped like DESIGN.md §1: 52 units,
//! 20 discipline groups, 261 cadres, 15 items per subject kind (monthly to yearly), and
//! ~8,000 duty entries from January to July, some of them late backfills.
//!
//! `CARGO_TARGET_DIR=/work/target-board cargo run --release -p board --example overview_bench`

#![allow(clippy::unwrap_used)]

use board::{Board, district_overview, unit_obligations};
use chrono::{DateTime, TimeDelta, Utc};
use domain::calendar::{Cadence, DeadlineRule, end_of_day, start_of_day};
use domain::events::{
    CadreRegistered, DisciplineGroupRegistered, DutyBackfilled, DutyRecorded, EntryContent, Event,
    ResponsibilityListAssigned, ResponsibilityListPublished, UnitRegistered,
};
use domain::ids::{CadreId, EntryId, GroupId, ItemId, ListId, UnitId};
use domain::obligation::{DutyItem, derive_obligations};
use domain::org::{CadreDuty, Responsibility, Subject, SubjectKind, UnitKind};
use event_store::{Actor, EventType, Payload, RecordedEvent, StreamName};
use projector::Projection;
use rusqlite::Connection;
use std::time::Instant;

const UNITS: usize = 52;
const GROUPS: usize = 20;
const CADRES: usize = 261;
const ITEMS_PER_KIND: usize = 15;
const ENTRIES: usize = 8_000;

struct Log {
    events: Vec<RecordedEvent>,
}

impl Log {
    fn push(&mut self, at: DateTime<Utc>, e: impl Into<Event>) {
        let e = e.into();
        let position = self.events.len() as u64 + 1;
        self.events.push(RecordedEvent {
            position,
            stream: StreamName::new(e.stream()).unwrap(),
            version: 1,
            event_id: uuid::Uuid::now_v7(),
            event_type: EventType::new(e.event_type()).unwrap(),
            schema_version: 1,
            occurred_at: at,
            recorded_at: at,
            actor: Actor::new("user:bench").unwrap(),
            correlation_id: None,
            causation_id: None,
            payload: Payload::from_value(&e.payload()).unwrap(),
        });
    }
}

fn main() {
    let day = |m, d| start_of_day(chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap());
    let mut log = Log { events: Vec::new() };
    let t0 = day(1, 5) + TimeDelta::hours(9);
    let units: Vec<UnitId> = (0..UNITS).map(|_| UnitId::new()).collect();
    for (i, u) in units.iter().enumerate() {
        let kind = [
            UnitKind::PartyCommittee,
            UnitKind::WorkingCommittee,
            UnitKind::PartyGroup,
        ][i % 3];
        log.push(
            t0,
            UnitRegistered {
                unit_id: *u,
                name: format!("单位{i:02}"),
                kind,
            },
        );
    }
    let groups: Vec<GroupId> = (0..GROUPS).map(|_| GroupId::new()).collect();
    for (i, g) in groups.iter().enumerate() {
        let stationed_in = units.iter().skip(i).step_by(GROUPS).copied().collect();
        log.push(
            t0,
            DisciplineGroupRegistered {
                group_id: *g,
                name: format!("派驻纪检组{i:02}"),
                stationed_in,
            },
        );
    }
    let mut subjects: Vec<Subject> = units
        .iter()
        .map(|u| Subject::LeadershipTeam { unit_id: *u })
        .collect();
    subjects.extend(
        groups
            .iter()
            .map(|g| Subject::DisciplineGroup { group_id: *g }),
    );
    for i in 0..CADRES {
        let cadre_id = CadreId::new();
        let unit_id = units[i % UNITS];
        let (duty, subject) = if i < UNITS {
            (
                CadreDuty::PrincipalLeader { unit_id },
                Subject::PrincipalLeader { cadre_id },
            )
        } else {
            (
                CadreDuty::TeamMember { unit_id },
                Subject::TeamMember { cadre_id },
            )
        };
        log.push(
            t0,
            CadreRegistered {
                cadre_id,
                name: format!("干部{i:03}"),
                post: "班子成员".into(),
                duty,
                direct_leader: None,
            },
        );
        subjects.push(subject);
    }
    let cadences = [
        Cadence::Monthly,
        Cadence::Quarterly,
        Cadence::Quarterly,
        Cadence::HalfYearly,
        Cadence::Yearly,
    ];
    let items: Vec<DutyItem> = SubjectKind::ALL
        .iter()
        .flat_map(|kind| {
            (0..ITEMS_PER_KIND).map(move |i| DutyItem {
                item_id: ItemId::new(),
                subject_kind: *kind,
                responsibility: Responsibility::Principal,
                category: "党风廉政建设".into(),
                content: format!(
                    "{}履责事项第{}项：按要求开展并留存记录",
                    kind.label_zh(),
                    i + 1
                ),
                cadence: cadences[i % cadences.len()],
                required_count: 1 + (i % 3 == 0) as u32,
                deadline: DeadlineRule::EndOfPeriod,
            })
        })
        .collect();
    let list_id = ListId::new();
    let t1 = day(1, 10) + TimeDelta::hours(9);
    log.push(
        t1,
        ResponsibilityListPublished {
            list_id,
            year: 2026,
            title: "2026年度清单".into(),
            items: items.clone(),
        },
    );
    log.push(
        t1,
        ResponsibilityListAssigned {
            list_id,
            subjects: subjects.clone(),
        },
    );
    let obligations = derive_obligations(list_id, 2026, &items, &subjects);

    // Entries spread from 11 January to 31 July, each for an obligation due in a period
    // begun by then; late ones are backfills.
    let (start, end) = (day(1, 11), day(7, 31));
    let step = (end - start) / ENTRIES as i32;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut entries = 0;
    while entries < ENTRIES {
        let at = start + step * entries as i32;
        let o = &obligations[(next() % obligations.len() as u64) as usize];
        if start_of_day(o.period.start()) > at {
            continue;
        }
        let entry = EntryContent {
            performed_on: o.period.start(),
            content: "已落实".into(),
            attachments: vec![],
        };
        let recorded_by = o.subject.cadre().unwrap_or_default();
        let (entry_id, obligation_id, source, subject, period) = (
            EntryId::new(),
            o.obligation_id,
            o.source,
            o.subject,
            o.period,
        );
        if at > end_of_day(o.deadline) {
            let days_late = (at - end_of_day(o.deadline)).num_days() as u32 + 1;
            log.push(
                at,
                DutyBackfilled {
                    entry_id,
                    obligation_id,
                    source,
                    subject,
                    period,
                    entry,
                    recorded_by,
                    deadline: o.deadline,
                    days_late,
                },
            );
        } else {
            log.push(
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
            );
        }
        entries += 1;
    }

    let dir = tempfile::tempdir().unwrap();
    // BOARD_BENCH_DB keeps the file, to look at query plans.
    let path =
        std::env::var_os("BOARD_BENCH_DB").map_or_else(|| dir.path().join("read.db"), Into::into);
    let _ = std::fs::remove_file(&path);
    let mut conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .unwrap();
    conn.execute_batch(Board.schema()).unwrap();
    conn.execute_batch(Board.query_indexes()).unwrap();
    let folded = Instant::now();
    for batch in log.events.chunks(512) {
        let tx = conn.transaction().unwrap();
        Board.apply_batch(&tx, batch).unwrap();
        tx.commit().unwrap();
    }
    let fold = folded.elapsed();
    conn.execute_batch("ANALYZE").unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM board_obligations", [], |r| r.get(0))
        .unwrap();
    println!(
        "{} events folded in {fold:.2?}: {rows} obligation versions, {ENTRIES} entries",
        log.events.len()
    );

    let reader = Connection::open(&path).unwrap();
    let as_of = day(8, 1) + TimeDelta::hours(9);
    let board = district_overview(&reader, as_of).unwrap();
    let total: u32 = board.iter().map(|r| r.lights.total()).sum();
    let lights = board
        .iter()
        .fold(board::LightCounts::default(), |mut c, r| {
            for l in domain::light::Light::ALL {
                c.add(l, r.lights.get(l));
            }
            c
        });
    println!(
        "board as of {as_of}: {} rows, {total} obligations, {lights:?}",
        board.len()
    );
    time("district_overview", 200, || {
        district_overview(&reader, as_of).unwrap();
    });
    time("unit_obligations", 200, || {
        unit_obligations(&reader, units[7], as_of).unwrap().unwrap();
    });
}

fn time(name: &str, runs: usize, mut f: impl FnMut()) {
    f(); // warm the page cache and the statement cache
    let mut samples: Vec<_> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "{name}: median {:.2?}, p95 {:.2?}, min {:.2?} over {runs} runs",
        samples[runs / 2],
        samples[runs * 95 / 100],
        samples[0]
    );
}
