//! `dutytrace bench http` on a small seeded store: every scenario has every request it
//! sends answered with a success, the busiest cadre it finds has the most events in the
//! history the API serves, and the store it was pointed at is left exactly as it was.

use chrono::{DateTime, Utc};
use dutytrace::bench::HttpArgs;
use dutytrace::bench::http;
use dutytrace::demo::{self, plan};
use dutytrace::{seed, serve, stores};
use dutytrace_tests::server::Server;
use event_store::{CopiedEvent, ManualClock};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");

/// The instant the store is seeded up to and served at: a week of the demo's year is
/// enough, and seeds in a fraction of the seven months' time.
const NOW: &str = "2026-02-06T18:00:00+08:00";

/// The demo district as it stood at `now`, made as `seed::template` makes the whole
/// seven months: lived through the application service, with the reminders due by `now`.
async fn template(now: DateTime<Utc>) -> Vec<CopiedEvent> {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("a scratch directory");
    let url = format!("sqlite://{}", dir.path().join("template.db").display());
    let plan = plan::Plan::build().until(now);
    let clock = Arc::new(ManualClock::new(now));
    let opened = stores::open(&url, None, clock.clone())
        .await
        .expect("opens");
    demo::seed::prepare(opened.log.clone(), clock.clone(), &plan)
        .await
        .expect("the district seeded");
    clock.set(now);
    built(&opened).await;
    dutytrace::watcher::Watcher::new(opened.log.clone(), opened.models.clone(), clock)
        .pass()
        .await
        .expect("a watcher pass");
    let mut events = Vec::new();
    loop {
        let page = opened
            .log
            .read_for_copy(events.len() as u64 + 1, 10_000)
            .await
            .expect("read");
        if page.is_empty() {
            break;
        }
        events.extend(page);
    }
    opened.close().await;
    events
}

/// Catches every read model of `opened` up with its log.
async fn built(opened: &stores::Opened) {
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection)
            .await
            .expect("a read model caught up");
    }
}

/// Every file of `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("the store's directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("readable"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_http_bench_answers_every_request_on_a_copy_and_finds_the_busiest_cadre() {
    // Two districts like the demo's, with their read models built (as `dutytrace rebuild`
    // would), in a directory of their own.
    let now = dutytrace::config::parse_instant(NOW).expect("an instant");
    let template = template(now).await;
    let store_dir = tempfile::tempdir().expect("a directory");
    let log = store_dir.path().join("p.db");
    let load = store_sqlite::BulkLoad::begin(&log).expect("an empty log");
    seed::write_districts(load, &template, 2).expect("seeded");
    let url = format!("sqlite://{}", log.display());
    let clock = Arc::new(ManualClock::new(now));
    let opened = stores::open(&url, None, clock).await.expect("opens");
    built(&opened).await;
    opened.close().await;
    let before = files(store_dir.path());

    let scratch = tempfile::tempdir().expect("a scratch directory");
    let (requests, rate, seconds) = (12, 40.0, 0.5);
    let report = http::measure(HttpArgs {
        store: url.clone(),
        clients: 3,
        requests,
        budget: 60.0,
        rate,
        seconds,
        now: Some(now),
        dir: Some(scratch.path().to_owned()),
    })
    .await
    .expect("the benchmark runs, every answer a success");
    assert!(
        files(store_dir.path()) == before,
        "the store measured is left byte for byte as it was, and nothing is added beside it"
    );
    assert!(
        std::fs::read_dir(scratch.path())
            .expect("the scratch directory")
            .next()
            .is_none(),
        "the copy is removed afterwards"
    );

    // Every scenario ran, each request answered (a latency is recorded only for a success).
    let names: Vec<&str> = report.rows.iter().map(|r| r.scenario.as_str()).collect();
    for wanted in [
        "the commission's: every unit",
        "GET /api/v1/board (now), a leader in charge's",
        "GET /api/v1/units/{id}/obligations",
        "the busiest cadre (",
        "the busiest cadre, read by the commission",
        "request i → cadre i mod",
        "search?q=廉政",
        "search?q=整改",
        "search?q=谈话",
        "POST /api/v1/obligations/{id}/entries",
        "open loop",
    ] {
        assert_eq!(
            names.iter().filter(|n| n.contains(wanted)).count(),
            1,
            "one row {wanted:?} in {names:#?}"
        );
    }
    let (open, closed): (Vec<_>, Vec<_>) = report
        .rows
        .iter()
        .partition(|r| r.scenario.contains("open loop"));
    let open = open[0];
    for row in closed {
        assert_eq!(row.events, requests as u64, "{}", row.scenario);
        assert_eq!(row.latency.len(), requests as u64, "{}", row.scenario);
    }
    let due = (rate * seconds) as u64;
    assert_eq!((open.events, open.latency.len()), (due, due));
    assert_eq!(
        report.open_answered, due,
        "every request of the open loop answered"
    );
    assert!(
        open.elapsed.as_secs_f64() >= seconds * 0.9,
        "the open loop keeps to its schedule: {:?} for {seconds} s of requests",
        open.elapsed
    );
    let (all, scoped) = report.board_rows;
    assert_eq!(
        all,
        2 * (52 + 20),
        "the commission sees every unit and group of both"
    );
    assert!(
        (1..all / 2).contains(&scoped.expect("a leader in charge signed in")),
        "a leader in charge sees a few units of one district: {scoped:?} rows"
    );

    // The ranking against the histories the API serves, on the original store.
    assert_eq!(
        report.cadres.len(),
        2 * 261,
        "every cadre of both districts ranked"
    );
    let server = Server::start(Path::new(BIN), &url, NOW);
    // Each read by the administrator is recorded (an append) before it is served: eight at
    // a time, so that the appends share their commits.
    let chunk = report.cadres.len().div_ceil(8);
    let served: Vec<u64> = std::thread::scope(|scope| {
        let readers: Vec<_> = report
            .cadres
            .chunks(chunk)
            .map(|cadres| {
                let server = &server;
                scope.spawn(move || {
                    cadres
                        .iter()
                        .map(|c| {
                            let path = format!("/api/v1/cadres/{}/history", c.cadre_id);
                            let history = server.get_json(&path);
                            history["events"].as_array().expect("events").len() as u64
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        readers
            .into_iter()
            .flat_map(|r| r.join().expect("a reader"))
            .collect()
    });
    server.stop();
    let ranked: Vec<u64> = report.cadres.iter().map(|c| c.events).collect();
    assert_eq!(ranked, served, "each cadre's events as the API serves them");
    assert_eq!(
        report.cadres[0].events,
        *served.iter().max().expect("cadres"),
        "the busiest has the most"
    );
    assert!(
        report.cadres[0].events > report.cadres[report.cadres.len() - 1].events,
        "not every history is alike: the ranking means something"
    );
}
