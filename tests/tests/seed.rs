//! `dutytrace seed`: N districts like the demo's, each with its own ids and logins, written
//! by the bulk loader; deterministic; served as one organisation.

use dutytrace::demo::plan;
use dutytrace::seed;
use dutytrace_tests::server::Server;
use event_store::{Direction, EventStore, Filter, StreamName};
use std::collections::HashSet;
use std::path::Path;
use store_sqlite::{SqliteOptions, SqliteStore};
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");

/// Every canonical UUID in a text.
fn uuids(text: &str) -> Vec<Uuid> {
    (0..text.len())
        .filter_map(|i| text.get(i..i + 36))
        .filter(|w| w.as_bytes()[8] == b'-' && w.as_bytes()[23] == b'-')
        .filter_map(|w| Uuid::parse_str(w).ok())
        .collect()
}

async fn everything(path: &Path) -> Vec<event_store::CopiedEvent> {
    let store = SqliteStore::open(path, SqliteOptions::default()).expect("the seeded log opens");
    let mut all = Vec::new();
    loop {
        let page = store
            .read_for_copy(all.len() as u64 + 1, 10_000)
            .await
            .expect("read");
        if page.is_empty() {
            break;
        }
        all.extend(page);
    }
    store.close().await;
    all
}

/// Every id an event names, in order: its stream's, its own, its correlation and causation
/// ids, then its payload's.
fn ids_of(e: &event_store::RecordedEvent) -> Vec<Uuid> {
    let mut ids = uuids(e.stream.as_str());
    ids.push(e.event_id);
    ids.extend(e.correlation_id);
    ids.extend(e.causation_id);
    ids.extend(uuids(e.payload.as_str()));
    ids
}

/// The log holds, append by append of the template, district 0's copy and then each other
/// district's (a one-off stream's only in district 0); each copy is the template event with
/// every id replaced by one of its district's — the same one wherever the template's id
/// appears, a different one for each template id, and none that another district uses — and
/// nothing else changed but the logins.
fn every_copy_maps_the_template_one_to_one(
    template: &[event_store::CopiedEvent],
    log: &[event_store::CopiedEvent],
    districts: usize,
) {
    use std::collections::HashMap;
    let mut maps: Vec<HashMap<Uuid, Uuid>> = vec![HashMap::new(); districts];
    let mut owner: HashMap<Uuid, (usize, Uuid)> = HashMap::new();
    let mut copies = log.iter();
    for append in template.chunk_by(|a, b| a.append_start == b.append_start) {
        let one_off = uuids(append[0].event.stream.as_str()).is_empty();
        for (d, map) in maps.iter_mut().enumerate() {
            if d > 0 && one_off {
                continue;
            }
            let first = copies.clone().next().expect("a copy").event.position;
            for t in append {
                let c = copies.next().expect("a copy of every template event");
                assert_eq!(c.append_start, first, "one append per copy");
                let (t, c) = (&t.event, &c.event);
                assert_eq!(
                    (&t.event_type, t.version, t.occurred_at, t.recorded_at),
                    (&c.event_type, c.version, c.occurred_at, c.recorded_at),
                    "district {d}'s copy at {}",
                    c.position
                );
                let (from, to) = (ids_of(t), ids_of(c));
                assert_eq!(from.len(), to.len(), "the ids of {}", c.position);
                for (f, t) in from.into_iter().zip(to) {
                    assert_eq!(*map.entry(f).or_insert(t), t, "{f} mapped twice in {d}");
                    let (od, of) = *owner.entry(t).or_insert((d, f));
                    assert_eq!((od, of), (d, f), "{t} stands for two ids");
                }
                let strip = |text: &str| {
                    let mut text = text.to_owned();
                    for u in uuids(&text) {
                        text = text.replace(&u.to_string(), "");
                    }
                    text
                };
                let login = |text: String| {
                    text.replace(&format!(".d{d:03}\""), "\"")
                        .replace(&format!(".d{d:03}"), "")
                };
                assert_eq!(
                    strip(t.payload.as_str()),
                    login(strip(c.payload.as_str())),
                    "the payload of {}",
                    c.position
                );
                assert_eq!(t.actor.as_str(), login(c.actor.as_str().to_owned()));
            }
        }
    }
    assert!(copies.next().is_none(), "nothing but copies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_districts_are_the_demo_three_times_over_with_their_own_ids_and_logins() {
    let template = seed::template().await.expect("the template district");
    // Lived through the application service again: the same events in the same order
    // (each instant's steps run in the plan's order, not side by side).
    let lived_again = seed::template().await.expect("the template district again");
    let first_difference = template.iter().zip(&lived_again).position(|(a, b)| a != b);
    assert!(
        template == lived_again,
        "the same template every time: {} and {} events, first difference at {first_difference:?}",
        template.len(),
        lived_again.len()
    );
    let dir = tempfile::tempdir().expect("a directory");
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let load = |path: &Path| store_sqlite::BulkLoad::begin(path).expect("an empty log");
    let head = seed::write_districts(load(&a), &template, 3).expect("seeded");
    seed::write_districts(load(&b), &template, 3).expect("seeded again");
    let (log, again) = (everything(&a).await, everything(&b).await);
    assert_eq!(log.len() as u64, head);
    assert!(log == again, "the same log every time");

    // District 0 is the demo district, whole; the others lack only its one-off streams.
    let one_off = template
        .iter()
        .filter(|c| uuids(c.event.stream.as_str()).is_empty())
        .count();
    assert!(one_off >= 1, "the template has its assessment stream");
    assert_eq!(log.len(), 3 * template.len() - 2 * one_off);
    assert_eq!(
        log[0].event.event_id,
        plan::Plan::build()
            .first_event_id()
            .expect("the demo's first event"),
        "district 0 begins as the demo does"
    );
    let template_ids: HashSet<Uuid> = template
        .iter()
        .flat_map(|c| {
            let mut ids = uuids(c.event.payload.as_str());
            ids.extend(uuids(c.event.stream.as_str()));
            ids.push(c.event.event_id);
            ids
        })
        .collect();
    let district_zero: HashSet<Uuid> = template.iter().map(|c| c.event.event_id).collect();
    let copies: Vec<_> = log
        .iter()
        .filter(|c| !district_zero.contains(&c.event.event_id))
        .collect();
    assert_eq!(copies.len(), 2 * (template.len() - one_off));
    for c in &copies {
        let mut ids = uuids(c.event.payload.as_str());
        ids.extend(uuids(c.event.stream.as_str()));
        if let Some(leaked) = ids.iter().find(|u| template_ids.contains(u)) {
            panic!(
                "event {} of {} still refers to district 0's {leaked}",
                c.event.position, c.event.stream
            );
        }
        assert!(
            !c.event.actor.as_str().starts_with("user:")
                || c.event.actor.as_str().ends_with(".d001")
                || c.event.actor.as_str().ends_with(".d002"),
            "{}",
            c.event.actor
        );
    }

    every_copy_maps_the_template_one_to_one(&template, &log, 3);
    // Ids the domain derives were derived again, not just mapped: every user's from its
    // name (obligations' and reminders' are checked by the watcher below).
    for c in log
        .iter()
        .filter(|c| c.event.event_type.as_str() == "UserRegistered")
    {
        let v: serde_json::Value = c.event.payload.parse().expect("JSON");
        let name = v["username"].as_str().expect("a username");
        assert_eq!(
            v["user_id"].as_str(),
            Some(domain::user::user_id_for(name).uuid().to_string().as_str()),
            "{name}"
        );
    }

    // Each district's commission login, under the id the domain derives from its name.
    let store = SqliteStore::open(&a, SqliteOptions::default()).expect("opens");
    for name in ["jiwei", "jiwei.d001", "jiwei.d002"] {
        let id = domain::user::user_id_for(name).uuid();
        let stream = StreamName::new(format!("user-{id}")).expect("a stream name");
        let events = store
            .read_stream(&stream, Direction::Forward, 1, 10)
            .await
            .expect("read");
        assert_eq!(events.len(), 1, "{name} is registered once");
        let registered: serde_json::Value = events[0].payload.parse().expect("JSON");
        assert_eq!(registered["username"], name);
    }
    let units = store
        .read_all(1, &Filter::of_types(&["UnitRegistered"]), 1_000)
        .await
        .expect("read");
    assert_eq!(units.events.len(), 3 * 52);
    store.close().await;

    // The ids the domain derives were derived again: the deadline watcher, at the demo's
    // now, finds nothing due.
    let clock = std::sync::Arc::new(event_store::ManualClock::new(plan::now()));
    let opened = dutytrace::stores::open(&format!("sqlite://{}", a.display()), None, clock.clone())
        .await
        .expect("opens");
    for projection in dutytrace::serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection)
            .await
            .expect("a read model caught up");
    }
    let pass = dutytrace::watcher::Watcher::new(opened.log.clone(), opened.models.clone(), clock)
        .pass()
        .await
        .expect("a watcher pass");
    // The board of every district knows each reminder due by now as sent, under the
    // obligation it derives itself; with ids merely copied, the copies' obligations would
    // all be found due again.
    assert_eq!(
        (pass.appended, pass.already),
        (0, 0),
        "no reminder is due twice"
    );
    opened.close().await;

    // Served as one organisation: every district's units on the board, each copy with the
    // lights of district 0's.
    let server = Server::start(
        Path::new(BIN),
        &format!("sqlite://{}", a.display()),
        "2026-07-31T18:00:00+08:00",
    );
    let board = server.get_json("/api/v1/board");
    let mut by_name: std::collections::BTreeMap<String, Vec<serde_json::Value>> =
        Default::default();
    for row in board["units"].as_array().expect("the board's rows") {
        let mut lights = row.clone();
        let name = lights["name"].as_str().expect("a name").to_owned();
        for id in ["unit_id", "group_id"] {
            lights.as_object_mut().expect("an object").remove(id);
        }
        by_name.entry(name).or_default().push(lights);
    }
    assert_eq!(
        by_name.len(),
        52 + 20,
        "the demo's units and discipline groups"
    );
    for (name, rows) in &by_name {
        assert_eq!(rows.len(), 3, "{name} in each district");
        assert!(
            rows.iter().all(|r| r == &rows[0]),
            "{name}: every copy has district 0's lights: {rows:?}"
        );
    }
    server.stop();
}
