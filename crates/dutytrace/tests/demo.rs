//! `dutytrace demo`: the plan has the report's shape, seeding a store writes exactly the
//! planned events (the same ones every time), a seeded store is recognised, anyone else's
//! log is refused, the board shows every light at the demo's now, the decisions recorded
//! what the service would have proposed, and the demo logins sign in and see their own
//! part of the district.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use chrono::{DateTime, NaiveDate, Utc};
use domain::accountability::{AccountabilityCommand, Facts, default_rules, propose};
use domain::calendar::{Cadence, local_date};
use domain::light::Light;
use domain::org::{CadreDuty, SubjectKind};
use domain::user::{Account, user_id_for};
use dutytrace::demo::plan::accountability::Action;
use dutytrace::demo::plan::{self, Plan};
use dutytrace::demo::seed::{self, Prepared};
use dutytrace::demo::{self, DEMO_PASSWORD};
use dutytrace::serve;
use dutytrace::stores::{self, Opened};
use event_store::{
    Actor, Clock, EventType, ExpectedVersion, Filter, ManualClock, NewEvent, Payload, StreamName,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

static PLAN: LazyLock<Plan> = LazyLock::new(Plan::build);

struct Store {
    _dir: tempfile::TempDir,
    url: String,
    opened: Opened,
    clock: Arc<ManualClock>,
}

async fn store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(plan::now()));
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let opened = stores::open(&url, None, clock.clone()).await.unwrap();
    Store {
        _dir: dir,
        url,
        opened,
        clock,
    }
}

impl Store {
    async fn prepare(&self, plan: &Plan) -> anyhow::Result<Prepared> {
        seed::prepare(self.opened.log.clone(), self.clock.clone(), plan).await
    }

    /// Every event of the log: (type, id), in order.
    async fn events(&self) -> Vec<(String, Uuid)> {
        let mut out = Vec::new();
        let mut from = 1;
        loop {
            let page = self
                .opened
                .log
                .read_all(from, &Filter::all(), 1_000)
                .await
                .unwrap();
            if page.events.is_empty() {
                return out;
            }
            out.extend(
                page.events
                    .iter()
                    .map(|e| (e.event_type.to_string(), e.event_id)),
            );
            from = page.next;
        }
    }
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

#[test]
fn the_plan_has_the_shape_of_the_report() {
    let p = &*PLAN;
    let d = &p.district;
    assert_eq!(d.units.len(), 52);
    assert_eq!(d.groups.len(), 20);
    // Every group is stationed in 2–3 units, and together they cover each unit once.
    let mut stationed = BTreeSet::new();
    for g in &d.groups {
        assert!((2..=3).contains(&g.stationed_in.len()), "{}", g.name);
        for u in &g.stationed_in {
            assert!(stationed.insert(*u), "{u} has two groups");
        }
    }
    assert_eq!(stationed, d.units.iter().map(|u| u.unit_id).collect());
    let mut by_duty = BTreeMap::new();
    for c in &d.cadres {
        let kind = match c.duty {
            CadreDuty::PrincipalLeader { .. } => "principal",
            CadreDuty::TeamMember { .. } => "member",
            CadreDuty::DisciplineGroup { .. } => "group",
        };
        *by_duty.entry(kind).or_insert(0) += 1;
    }
    assert_eq!(d.cadres.len(), 261);
    assert_eq!(
        by_duty,
        BTreeMap::from([("group", 20), ("member", 189), ("principal", 52)])
    );
    let names: BTreeSet<_> = d.cadres.iter().map(|c| &c.name).collect();
    assert_eq!(names.len(), 261, "personal names are distinct");
    assert_eq!(d.leaders.len(), 8);
    let linked: BTreeSet<_> = d.leaders.iter().flat_map(|l| l.units.clone()).collect();
    assert_eq!(linked.len(), 52, "every unit has a leader in charge");

    // The list: items for the four subject kinds, the four cadences, counts of 1 and 2.
    let items = &p.list.items;
    let kinds: BTreeSet<_> = items.iter().map(|i| i.subject_kind).collect();
    assert_eq!(kinds, SubjectKind::ALL.into_iter().collect());
    let cadences: BTreeSet<_> = items.iter().map(|i| i.cadence).collect();
    for c in [
        Cadence::Monthly,
        Cadence::Quarterly,
        Cadence::HalfYearly,
        Cadence::Yearly,
    ] {
        assert!(cadences.contains(&c), "{c:?}");
    }
    assert!(items.iter().any(|i| i.required_count == 2));
    assert_eq!(p.assign.subjects.len(), 52 + 52 + 189 + 20);
    assert_eq!(p.tasks.len(), 52);

    // One login per cadre (c001… in the order of the cadres), per leader in charge (l01…)
    // and three for staff; usernames distinct, each person linked once.
    assert_eq!(p.logins.len(), 261 + 8 + 3);
    let usernames: BTreeSet<_> = p.logins.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(usernames.len(), p.logins.len());
    let accounts: std::collections::HashSet<_> = p.logins.iter().map(|u| u.account).collect();
    assert_eq!(accounts.len(), p.logins.len());
    for (n, c) in d.cadres.iter().enumerate() {
        let u = &p.logins[n];
        assert_eq!(u.username, format!("c{:03}", n + 1));
        assert_eq!(
            u.account,
            Account::Cadre {
                cadre_id: c.cadre_id
            }
        );
        assert_eq!(u.display_name, c.name);
    }
    assert_eq!(p.logins[260].username, "c261");
    assert_eq!(
        p.logins[261].account,
        Account::Leader {
            leader_id: d.leaders[0].leader_id
        }
    );
    assert_eq!(p.logins[261].username, "l01");
    assert_eq!(p.logins[268].username, "l08");
    let staff: Vec<_> = p.logins[269..]
        .iter()
        .map(|u| (u.username.as_str(), u.account))
        .collect();
    assert_eq!(
        staff,
        [
            ("jiwei", Account::Commission),
            ("shenji", Account::Auditor),
            ("jianguan", Account::Regulator)
        ]
    );
    assert!(!usernames.contains("admin"), "admin is opened at start");

    // About 7,930 entries, January to July, in order, some of them late.
    let n = p.entries.len();
    assert!((7_692..=8_168).contains(&n), "{n} entries");
    assert!(p.entries.windows(2).all(|w| w[0].at <= w[1].at));
    for e in &p.entries {
        let day = local_date(e.at);
        assert!((date(1, 1)..=date(7, 31)).contains(&day), "{}", e.at);
        assert!(e.at < plan::now());
        assert!(e.record.performed_on <= day);
    }
    let late = p.entries.iter().filter(|e| e.late()).count();
    assert!((100..n / 10).contains(&late), "{late} late entries");

    // Thirty problems found from February to June across units, each in a different
    // light at the demo's now: mostly closed in time (green), some closed late (orange),
    // some overdue (red), the youngest still ahead of their rectify-by date.
    let lights = problem_lights(p);
    assert_eq!(lights.values().sum::<usize>(), 30, "{lights:?}");
    assert!(lights[&Light::Green] > 15, "{lights:?}");
    assert!(
        lights[&Light::Red] >= 3 && lights[&Light::Orange] >= 2,
        "{lights:?}"
    );
    let units: BTreeSet<_> = p
        .problems
        .iter()
        .filter_map(|s| match &s.command {
            domain::problem::ProblemCommand::Register(r) => Some(r.unit_id),
            _ => None,
        })
        .collect();
    assert!(units.len() > 15, "{} units", units.len());

    // Eighty oversight records from February to July, of every kind, over many units, by
    // the commission; the year's assessment rules on 5 January; three talks, three
    // decisions (two against units, one against a cadre), and the second quarter's
    // circular drafted, revised and published, July's left a draft.
    assert_eq!(p.oversight.len(), 80);
    let kinds: BTreeSet<_> = p.oversight.iter().map(|o| o.record.kind).collect();
    assert_eq!(kinds.len(), domain::oversight::OversightKind::ALL.len());
    let units: BTreeSet<_> = p.oversight.iter().map(|o| o.record.unit_id).collect();
    assert!(units.len() > 30, "{} units", units.len());
    for o in &p.oversight {
        assert!((date(2, 1)..=date(7, 31)).contains(&o.record.occurred_on));
        assert!(o.at < plan::now());
    }
    let actions = |kind: &str| actions(p, kind);
    assert_eq!(actions("Assessment(SetRules"), 1);
    assert_eq!(actions("Accountability(Talk("), 3);
    assert_eq!(actions("Accountability(Decide("), 3);
    assert_eq!(
        (
            actions("Circular(Draft"),
            actions("Circular(Revise"),
            actions("Circular(Publish")
        ),
        (2, 1, 1)
    );
    let first = &p.accountability[0];
    assert_eq!(local_date(first.at), date(1, 5));
    assert!(p.accountability.iter().all(|a| a.at < plan::now()));
}

/// How many of the plan's accountability steps (the rules, talks, decisions, circulars)
/// ask `kind`, e.g. `Accountability(Talk(`.
fn actions(p: &Plan, kind: &str) -> usize {
    p.accountability
        .iter()
        .filter(|a| format!("{:?}", a.action).starts_with(kind))
        .count()
}

/// Seeds a fresh store with `plan`, checks that the log holds exactly the planned events
/// and that a second run recognises it, runs the board projection, and returns the store
/// and the board's lights in all as of `as_of`.
async fn seed_and_check(plan: &Plan, as_of: DateTime<Utc>) -> (Store, board::LightCounts) {
    let s = store().await;
    let started = std::time::Instant::now();
    let Prepared::Seeded {
        events, resumed, ..
    } = s.prepare(plan).await.unwrap()
    else {
        panic!("an empty store is seeded");
    };
    eprintln!(
        "seeded {events} events ({} entries) in {:.1?}",
        plan.entries.len(),
        started.elapsed()
    );
    assert!(!resumed);
    let log = s.events().await;
    assert_eq!(log.len() as u64, events);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (t, _) in &log {
        *counts.entry(t.as_str()).or_insert(0) += 1;
    }
    let late = plan.entries.iter().filter(|e| e.late()).count();
    let filings = |kind: &str| {
        plan.filings
            .iter()
            .filter(|f| format!("{:?}", f.command).starts_with(kind))
            .count()
    };
    let mut expected = BTreeMap::from([
        ("TravelFiled", filings("FileTravel")),
        ("FamilyEventFiled", filings("FileFamilyEvent")),
        ("ReturnReported", filings("ReportReturn")),
    ]);
    let problems = |kind: &str| {
        plan.problems
            .iter()
            .filter(|p| format!("{:?}", p.command).starts_with(kind))
            .count()
    };
    expected.extend([
        ("ProblemRegistered", problems("Register(")),
        ("RectificationPlanned", problems("Plan(")),
        ("RectificationProgressed", problems("Progress(")),
        ("ClosingRequested", problems("RequestClosing(")),
        ("ClosingRejected", problems("Reject(")),
        ("ProblemClosed", problems("Close(")),
    ]);
    expected.extend([
        ("OversightRecorded", plan.oversight.len()),
        ("AssessmentRulesSet", actions(plan, "Assessment(SetRules")),
        (
            "AdmonishmentTalkHeld",
            actions(plan, "Accountability(Talk("),
        ),
        (
            "AccountabilityDecided",
            actions(plan, "Accountability(Decide("),
        ),
        ("CircularDrafted", actions(plan, "Circular(Draft")),
        ("CircularRevised", actions(plan, "Circular(Revise")),
        ("CircularPublished", actions(plan, "Circular(Publish")),
    ]);
    expected.retain(|_, n| *n > 0);
    assert_eq!(
        counts,
        expected
            .into_iter()
            .chain([
                ("CadreRegistered", 261),
                ("DisciplineGroupRegistered", 20),
                ("DutyBackfilled", late),
                ("DutyRecorded", plan.entries.len() - late),
                ("KeyTaskSet", 52),
                ("LeaderInChargeRegistered", 8),
                ("ResponsibilityListAssigned", 1),
                ("ResponsibilityListPublished", 1),
                ("UnitRegistered", 52),
                ("UserRegistered", 272),
            ])
            .collect::<BTreeMap<_, _>>()
    );
    assert_eq!(Some(log[0].1), plan.first_event_id());
    // Every event names its actor as the API would: the cadres' own logins for their
    // entries and filings, the commission's or a cadre's (the group head who found it, the
    // principal who rectifies it) for problems, the stationed group head's for a talk, the
    // commission's for oversight records, decisions, circulars and the assessment rules,
    // the administrator for the set-up.
    let all = s
        .opened
        .log
        .read_all(1, &event_store::Filter::all(), usize::MAX >> 1)
        .await
        .unwrap()
        .events;
    for e in &all {
        let actor = e.actor.as_str();
        let by_cadre = ["TravelFiled", "FamilyEventFiled", "ReturnReported"];
        if e.stream.as_str().starts_with("problem-") {
            let ok = actor == "user:jiwei"
                || actor
                    .strip_prefix("user:c")
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| (1..=72).contains(&n));
            assert!(ok, "{actor} on a problem");
        } else if e.event_type.as_str() == "AdmonishmentTalkHeld" {
            // c053…c072 head the twenty groups.
            let n: usize = actor.strip_prefix("user:c").unwrap().parse().unwrap();
            assert!((53..=72).contains(&n), "{actor} held a talk");
        } else if ["oversight-", "accountability-", "circular-", "assessment-"]
            .iter()
            .any(|p| e.stream.as_str().starts_with(p))
        {
            assert_eq!(actor, "user:jiwei", "{}", e.event_type);
        } else if e.event_type.as_str().starts_with("Duty")
            || by_cadre.contains(&e.event_type.as_str())
        {
            let n: usize = actor.strip_prefix("user:c").unwrap().parse().unwrap();
            assert!((1..=261).contains(&n), "{actor}");
        } else {
            assert_eq!(actor, "user:admin", "{}", e.event_type);
        }
    }

    // A second run recognises the district and writes nothing.
    assert_eq!(s.prepare(plan).await.unwrap(), Prepared::Found { events });
    assert_eq!(s.opened.log.head().await.unwrap(), events);

    projector::catch_up(
        s.opened.log.clone(),
        &s.opened.models,
        Arc::new(board::Board),
    )
    .await
    .unwrap();
    let total = lights(&s, as_of);
    eprintln!("board as of {as_of}: {total:?}");
    (s, total)
}

/// The board's lights in all (units and groups) as of `as_of`.
fn lights(s: &Store, as_of: DateTime<Utc>) -> board::LightCounts {
    let rows = board::district_overview(&s.opened.models.reader().unwrap(), as_of).unwrap();
    assert_eq!(rows.len(), 52 + 20);
    let mut total = board::LightCounts::default();
    for r in &rows {
        for l in Light::ALL {
            total.add(l, r.lights.get(l));
        }
    }
    total
}

/// The planned problems by their light at the demo's now.
fn problem_lights(p: &Plan) -> BTreeMap<Light, usize> {
    let mut due = BTreeMap::new();
    let mut closed = BTreeMap::new();
    for s in &p.problems {
        match &s.command {
            domain::problem::ProblemCommand::Register(r) => {
                due.insert(r.problem_id, r.rectify_by);
            }
            domain::problem::ProblemCommand::Close(c) => {
                closed.insert(c.problem_id, s.at);
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (id, rectify_by) in due {
        let l = domain::problem::light(rectify_by, closed.get(&id).copied(), plan::now());
        *out.entry(l).or_insert(0) += 1;
    }
    out
}

/// The count of `key` in rows of counts by key (0 if absent).
fn of<K: PartialEq>(rows: rusqlite::Result<Vec<(K, u32)>>, key: K) -> u32 {
    rows.unwrap()
        .into_iter()
        .find(|(k, _)| *k == key)
        .map_or(0, |(_, n)| n)
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Seeding the district as it stood on 6 February (debug builds are too slow to seed
/// seven months in every test run; see the next test) writes the planned events and is
/// recognised; the board then shows every light: on 31 January, January's monthly work
/// due that day is done (green) or not yet (yellow) and the rest of the year is pending;
/// on 6 February, January's missed work is red or, made up late, orange.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_writes_the_plan_then_recognises_it_and_the_board_shows_every_light() {
    let plan = PLAN.clone().until(at("2026-02-06T18:00:00+08:00"));
    let (s, feb) = seed_and_check(&plan, at("2026-02-06T18:00:00+08:00")).await;
    let jan = lights(&s, at("2026-01-31T18:00:00+08:00"));
    eprintln!("board as of 31 January: {jan:?}");
    assert!(
        jan.green > 0 && jan.yellow > 0 && jan.pending > 0,
        "{jan:?}"
    );
    assert_eq!(jan.red + jan.orange, 0, "nothing was due before 31 January");
    assert!(
        feb.red > 0 && feb.orange > 0 && feb.green > jan.green,
        "{feb:?}"
    );
    s.opened.close().await;
}

/// The whole demo: about 7,930 entries, and every light on the board at the demo's now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_demo_seeds_and_shows_every_light_at_its_now() {
    let (s, lights) = seed_and_check(&PLAN, plan::now()).await;
    for l in Light::ALL {
        assert!(lights.get(l) > 0, "no {l:?} light: {lights:?}");
    }
    // Mostly green among the obligations due by now; most of the year still ahead.
    assert!(lights.green > 5 * (lights.red + lights.orange + lights.yellow));
    assert!(lights.pending > lights.green / 2);

    // The problem ledger at the demo's now: the overdue problems as planned, and the
    // watcher, as the demo starts serving, reminds each problem that went past its
    // rectify-by date unclosed — still open or closed late — once.
    let planned = problem_lights(&PLAN);
    let count = |l: Light| planned.get(&l).copied().unwrap_or_default();
    projector::catch_up(
        s.opened.log.clone(),
        &s.opened.models,
        Arc::new(ledger::Ledger),
    )
    .await
    .unwrap();
    let query = ledger::ProblemQuery {
        overdue_only: true,
        as_of: plan::now(),
        limit: 1000,
        ..ledger::ProblemQuery::default()
    };
    let overdue = ledger::problems(
        &s.opened.models.reader().unwrap(),
        &query,
        &domain::user::Scope::Everything,
    )
    .unwrap();
    assert!(overdue.len() >= 3);
    assert_eq!(overdue.len(), count(Light::Red));
    assert!(overdue.iter().all(|p| p.light == Light::Red && p.overdue));

    // Oversight and accountability as seeded: the log holds the planned records, talks,
    // decisions and circulars; the records were checked against the district as the
    // service knows it; and each decision recorded what the proposals page would have
    // proposed for its target when it was taken (the default rule table over the board,
    // the ledger and the filings register as of then).
    let log = s.events().await;
    let seeded = |t: &str| log.iter().filter(|(x, _)| x == t).count();
    for (t, n) in [
        ("OversightRecorded", PLAN.oversight.len()),
        (
            "AdmonishmentTalkHeld",
            actions(&PLAN, "Accountability(Talk("),
        ),
        (
            "AccountabilityDecided",
            actions(&PLAN, "Accountability(Decide("),
        ),
        ("CircularPublished", actions(&PLAN, "Circular(Publish")),
    ] {
        assert!(n > 0, "{t}");
        assert_eq!(seeded(t), n, "{t}");
    }
    for projection in [
        Arc::new(filings::Filings) as Arc<dyn projector::Projection>,
        Arc::new(oversight::Oversight),
        Arc::new(accountability::Accountability),
    ] {
        projector::catch_up(s.opened.log.clone(), &s.opened.models, projection)
            .await
            .unwrap();
    }
    let c = s.opened.models.reader().unwrap();
    assert_eq!(oversight::org_index(&c).unwrap(), PLAN.org_index());
    let (from, to) = (date(1, 1), date(12, 31));
    let rules = default_rules();
    let mut decided = 0;
    for a in &PLAN.accountability {
        let Action::Accountability(AccountabilityCommand::Decide(d)) = &a.action else {
            continue;
        };
        let facts = match d.target.cadre_id() {
            None => {
                let unit = d.target.unit_id();
                Facts {
                    red_lights: of(board::red_lights_by_unit(&c, from, to, a.at), unit),
                    overdue_problems: of(
                        ledger::overdue_problems_by_unit(&c, from, to, a.at),
                        unit,
                    ),
                    late_filings: of(filings::late_filings_by_unit(&c, from, to, a.at), unit),
                }
            }
            Some(cadre) => Facts {
                red_lights: of(board::red_lights_by_cadre(&c, from, to, a.at), cadre),
                overdue_problems: of(ledger::overdue_problems_by_cadre(&c, from, to, a.at), cadre),
                late_filings: of(filings::late_filings_by_cadre(&c, from, to, a.at), cadre),
            },
        };
        // Every decision rests on a fact that counts against its target.
        assert!(facts.overdue_problems + facts.late_filings > 0, "{d:?}");
        let proposed = propose(&rules, d.target.kind(), facts).map(|p| p.measure);
        assert_eq!(d.proposed, proposed, "{d:?}: {facts:?}");
        decided += 1;
    }
    assert_eq!(decided, actions(&PLAN, "Accountability(Decide("));
    let records = accountability::decisions(
        &c,
        &accountability::DecisionQuery {
            limit: 1000,
            ..accountability::DecisionQuery::default()
        },
        |_, _| true,
    )
    .unwrap();
    assert_eq!(
        records.len(),
        seeded("AccountabilityDecided") + seeded("AdmonishmentTalkHeld")
    );
    assert!(records.iter().all(|r| !r.unit_name.is_empty()));
    let circulars = accountability::circulars(&c, false).unwrap();
    assert_eq!(circulars.len(), actions(&PLAN, "Circular(Draft"));
    let published: Vec<_> = circulars
        .iter()
        .filter(|x| x.published_on.is_some())
        .collect();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].published_on, Some(date(7, 15)));
    assert!((3..=5).contains(&published[0].items.len()), "{published:?}");
    drop(c);
    s.clock.set(plan::now());
    dutytrace::watcher::Watcher::new(
        s.opened.log.clone(),
        s.opened.models.clone(),
        s.clock.clone(),
    )
    .pass()
    .await
    .unwrap();
    let reminded = s
        .events()
        .await
        .iter()
        .filter(|(t, _)| t == "RectificationOverdue")
        .count();
    assert_eq!(reminded, count(Light::Red) + count(Light::Orange));
    // The live board applies the reminders too, as a rebuild will.
    projector::catch_up(
        s.opened.log.clone(),
        &s.opened.models,
        Arc::new(board::Board),
    )
    .await
    .unwrap();

    // `dutytrace rebuild` yields a board identical to the live one, now and in the past.
    let snapshot = |s: &Store| {
        let c = s.opened.models.reader().unwrap();
        let mut out = Vec::new();
        for as_of in [
            plan::now(),
            at("2026-06-30T23:59:59+08:00"),
            at("2026-03-01T00:00:00+08:00"),
        ] {
            let rows = board::district_overview(&c, as_of).unwrap();
            for row in &rows {
                if let board::Owner::Unit { unit_id } = row.owner {
                    out.push(
                        serde_json::to_value(board::unit_obligations(&c, unit_id, as_of).unwrap())
                            .unwrap(),
                    );
                }
            }
            out.push(serde_json::to_value(rows).unwrap());
        }
        out
    };
    let live = snapshot(&s);
    s.opened.close().await;
    // Throw the read models away (they are derived; the log is the record): the rebuild
    // must make them again from the log alone.
    let views = s.opened.models.path().to_path_buf();
    for suffix in ["", "-wal", "-shm"] {
        let f = format!("{}{suffix}", views.display());
        if std::path::Path::new(&f).exists() {
            std::fs::remove_file(&f).unwrap();
        }
    }
    let rebuilt = std::process::Command::new(env!("CARGO_BIN_EXE_dutytrace"))
        .args(["rebuild", "--store", &s.url])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let said = String::from_utf8_lossy(&rebuilt.stdout);
    let head = s.events().await.len();
    assert!(
        said.contains("rebuilt board: ")
            && said.contains("rebuilt directory: ")
            && said.contains(&format!("through position {head}")),
        "{said}"
    );
    assert_eq!(snapshot(&s), live);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_is_deterministic() {
    let plan = PLAN.clone().until(at("2026-01-09T18:00:00+08:00"));
    let (a, b) = (store().await, store().await);
    a.prepare(&plan).await.unwrap();
    b.prepare(&plan).await.unwrap();
    let head = a.opened.log.head().await.unwrap();
    assert_eq!(head, b.opened.log.head().await.unwrap());
    assert_eq!(head as usize, plan.steps().len());
    let (mut ea, mut eb) = (a.events().await, b.events().await);
    // Steps of one instant run concurrently, so only their order within the instant may
    // differ: the events are the same.
    assert_eq!(ea[0], eb[0]);
    ea.sort();
    eb.sort();
    assert_eq!(ea, eb);
    let planned: BTreeSet<Uuid> = plan.steps().iter().filter_map(|s| s.event_id()).collect();
    assert_eq!(ea.iter().map(|e| e.1).collect::<BTreeSet<_>>(), planned);
}

#[tokio::test]
async fn someone_elses_log_is_refused_and_left_alone() {
    let s = store().await;
    let event = NewEvent::new(
        EventType::new("UnitRegistered").unwrap(),
        Payload::from_value(&serde_json::json!({"name": "别人的单位"})).unwrap(),
        Actor::new("user:someone").unwrap(),
        plan::now(),
    );
    s.opened
        .log
        .append(
            &StreamName::new("unit-x").unwrap(),
            ExpectedVersion::NoStream,
            vec![event],
        )
        .await
        .unwrap();
    let err = s.prepare(&PLAN).await.unwrap_err();
    assert!(err.to_string().contains("another event log"), "{err}");
    assert_eq!(s.opened.log.head().await.unwrap(), 1);
}

/// One HTTP/1.1 request on its own connection, with a bearer token if given: (status,
/// JSON body or `null`).
async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.map(Value::to_string).unwrap_or_default();
    if !body.is_empty() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    let mut s = tokio::net::TcpStream::connect(address).await.unwrap();
    s.write_all(format!("{head}\r\n{body}").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let json = response
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

/// Signs in with the demo password; the token.
async fn sign_in(address: SocketAddr, username: &str) -> String {
    let (status, body) = http(
        address,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": username, "password": DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(status, 200, "{username}: {body}");
    body["token"].as_str().unwrap().to_owned()
}

/// The units and groups on the board as `username` sees it.
async fn board_of(address: SocketAddr, username: &str) -> BTreeSet<String> {
    let token = sign_in(address, username).await;
    let (status, body) = http(address, "GET", "/api/v1/board", Some(&token), None).await;
    assert_eq!(status, 200, "{username}: {body}");
    body["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.get("unit_id")
                .or_else(|| r.get("group_id"))
                .and_then(Value::as_str)
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The demo's logins sign in with the demo password and each sees its own part of the
/// board: a principal leader their unit, a group member their group and the units it is
/// stationed in, a leader in charge the units linked to them, a team member no unit, the
/// commission and the auditor everything; a regulator reads no board; no token, or a wrong
/// password, is 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_logins_sign_in_and_each_sees_its_own_part_of_the_board() {
    let now = at("2026-01-09T18:00:00+08:00");
    let plan = PLAN.clone().until(now);
    let s = store().await;
    s.prepare(&plan).await.unwrap();
    s.clock.set(now);
    demo::make_ready(&s.opened, &plan).await.unwrap();
    let clock: Arc<dyn Clock> = s.clock.clone();
    let running = serve::start(
        s.opened.clone(),
        clock,
        "127.0.0.1:0".parse().unwrap(),
        Some(auth::Secret::new(DEMO_PASSWORD)),
        None,
    )
    .await
    .unwrap();
    let address = running.address;
    let d = &plan.district;
    let ids = |units: &[domain::ids::UnitId]| -> BTreeSet<String> {
        units.iter().map(ToString::to_string).collect()
    };

    let (status, body) = http(address, "GET", "/api/v1/board", None, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let (status, _) = http(
        address,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": "c001", "password": "not-the-demo-password"})),
    )
    .await;
    assert_eq!(status, 401);

    // c001 is the principal leader of the first unit.
    assert!(matches!(
        d.cadres[0].duty,
        CadreDuty::PrincipalLeader { unit_id } if unit_id == d.units[0].unit_id
    ));
    assert_eq!(board_of(address, "c001").await, ids(&[d.units[0].unit_id]));
    // c053 heads the first discipline group.
    assert!(matches!(
        d.cadres[52].duty,
        CadreDuty::DisciplineGroup { group_id } if group_id == d.groups[0].group_id
    ));
    let mut group = ids(&d.groups[0].stationed_in);
    group.insert(d.groups[0].group_id.to_string());
    assert_eq!(board_of(address, "c053").await, group);
    // c073 is a team member: their own record, no unit's row.
    assert!(matches!(d.cadres[72].duty, CadreDuty::TeamMember { .. }));
    assert_eq!(board_of(address, "c073").await, BTreeSet::new());
    assert_eq!(board_of(address, "l01").await, ids(&d.leaders[0].units));
    let everything: BTreeSet<String> = d
        .units
        .iter()
        .map(|u| u.unit_id.to_string())
        .chain(d.groups.iter().map(|g| g.group_id.to_string()))
        .collect();
    assert_eq!(everything.len(), 72);
    for username in ["jiwei", "shenji", "admin"] {
        assert_eq!(board_of(address, username).await, everything, "{username}");
    }
    let token = sign_in(address, "jianguan").await;
    let (status, _) = http(address, "GET", "/api/v1/board", Some(&token), None).await;
    assert_eq!(status, 403, "a regulator exports; it reads no board");

    // Who c001 is, as the service says.
    let token = sign_in(address, "c001").await;
    let (status, me) = http(address, "GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["role"], "principal_leader");
    assert_eq!(me["user_id"], user_id_for("c001").to_string());
    assert_eq!(me["display_name"], d.cadres[0].name.as_str());
    running.stop().await.unwrap();
}
