//! The crash test (DESIGN.md §3): a writer process is killed with SIGKILL in the middle of a
//! load; afterwards every acknowledged append is present and no unacknowledged one is half
//! there.
//!
//! Two halves, both generic over the backend:
//! - [`run_writer`], called by a small writer binary that opens a store by URL: `tasks`
//!   concurrent tasks each append [`EVENTS_PER_APPEND`] events at a time to their own
//!   stream, with deterministic ids and payloads, and print one [`Ack`] line per
//!   acknowledged append to stdout (flushed before the next append);
//! - [`crash_recovery`], the test: it runs the writer against the harness's location
//!   several times, kills it with SIGKILL once it has acknowledged a random number of
//!   appends (plus a random few milliseconds), and checks the log after each kill.

use crate::Harness;
use crate::fixtures::read_everything;
use chrono::{DateTime, Utc};
use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, NewEvent, Payload, RecordedEvent, StreamName,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::BuildHasher;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;

/// Events in each append of the writer.
pub const EVENTS_PER_APPEND: u64 = 3;
/// Concurrent appending tasks in each writer process.
pub const WRITER_TASKS: u64 = 8;
/// Appends each task makes at most (far more than it gets to before the kill).
const MAX_APPENDS_PER_TASK: u64 = 1_000_000;

/// Identifies one append of the writer: which run, which task, which append of the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppendId {
    pub run: u64,
    pub task: u64,
    pub append: u64,
}

impl fmt::Display for AppendId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}t{}a{}", self.run, self.task, self.append)
    }
}

impl AppendId {
    /// The stream every append of this task goes to.
    pub fn stream(&self) -> StreamName {
        StreamName::new(format!("crash-r{}t{}", self.run, self.task)).expect("a valid stream name")
    }

    /// The deterministic id of the append's `k`-th event.
    pub fn event_id(&self, k: u64) -> Uuid {
        Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("dutytrace-crash/{self}/e{k}").as_bytes(),
        )
    }

    /// The append's events: deterministic ids and payloads that name the append.
    pub fn events(&self) -> Vec<NewEvent> {
        let occurred = DateTime::<Utc>::from_timestamp(1_717_372_800, 0).unwrap_or_default();
        (0..EVENTS_PER_APPEND)
            .map(|k| {
                let payload = serde_json::json!({
                    "run": self.run, "task": self.task, "append": self.append, "k": k,
                    "note": "压力测试：写入进程在负载中被强制终止",
                });
                NewEvent::new(
                    EventType::new("CrashTestAppended").expect("a valid event type"),
                    Payload::from_value(&payload).expect("a JSON object"),
                    Actor::new("system:crash-writer").expect("a valid actor"),
                    occurred,
                )
                .with_id(self.event_id(k))
            })
            .collect()
    }

    /// Which append and which of its events a stored event is (from its payload).
    fn of(e: &RecordedEvent) -> Option<(Self, u64)> {
        let v: serde_json::Value = e.payload.parse().ok()?;
        let id = Self {
            run: v["run"].as_u64()?,
            task: v["task"].as_u64()?,
            append: v["append"].as_u64()?,
        };
        Some((id, v["k"].as_u64()?))
    }
}

/// One acknowledged append, as the writer prints it: `ack <run> <task> <append> <p1>,<p2>,<p3> .`
/// (the final `.` shows the line is complete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub id: AppendId,
    pub positions: Vec<u64>,
}

impl fmt::Display for Ack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let positions: Vec<_> = self.positions.iter().map(u64::to_string).collect();
        write!(
            f,
            "ack {} {} {} {} .",
            self.id.run,
            self.id.task,
            self.id.append,
            positions.join(",")
        )
    }
}

impl Ack {
    /// Parses a complete ack line; `None` for anything else (e.g. a line cut short).
    pub fn parse(line: &str) -> Option<Self> {
        let parts: Vec<_> = line.split(' ').collect();
        let ["ack", run, task, append, positions, "."] = parts[..] else {
            return None;
        };
        let positions = positions
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<u64>, _>>()
            .ok()?;
        Some(Self {
            id: AppendId {
                run: run.parse().ok()?,
                task: task.parse().ok()?,
                append: append.parse().ok()?,
            },
            positions,
        })
    }
}

/// The writer's load: `tasks` tasks append to their own streams with `Exact` versions until
/// killed, printing an [`Ack`] line to stdout after each acknowledged append. Returns an
/// error if an append fails or stdout is gone.
pub async fn run_writer(store: Arc<dyn EventStore>, run: u64, tasks: u64) -> Result<(), String> {
    let mut handles = Vec::new();
    for task in 0..tasks {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            for append in 0..MAX_APPENDS_PER_TASK {
                let id = AppendId { run, task, append };
                let expected = ExpectedVersion::Exact(append * EVENTS_PER_APPEND);
                let result = store
                    .append(&id.stream(), expected, id.events())
                    .await
                    .map_err(|e| format!("append {id} failed: {e}"))?;
                let ack = Ack {
                    id,
                    positions: result.positions,
                };
                let mut out = std::io::stdout().lock();
                writeln!(out, "{ack}")
                    .and_then(|()| out.flush())
                    .map_err(|e| format!("stdout: {e}"))?;
            }
            Ok::<(), String>(())
        }));
    }
    for h in handles {
        h.await.map_err(|e| format!("writer task: {e}"))??;
    }
    Ok(())
}

/// A running writer process and the acknowledgements read from it so far.
pub(crate) struct WriterProcess {
    run: u64,
    child: tokio::process::Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    pub(crate) acks: Vec<Ack>,
}

impl WriterProcess {
    /// Starts `writer_bin` on the store at `url` as run `run`.
    pub(crate) fn start(writer_bin: &Path, url: &str, run: u64) -> Self {
        let mut child = tokio::process::Command::new(writer_bin)
            .args([url.to_owned(), run.to_string(), WRITER_TASKS.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", writer_bin.display()));
        let stdout = child.stdout.take().expect("the writer's stdout");
        Self {
            run,
            child,
            lines: BufReader::new(stdout).lines(),
            acks: Vec::new(),
        }
    }

    /// Reads acknowledgements until there are at least `n` (within 60 s).
    pub(crate) async fn wait_for_acks(&mut self, n: u64) {
        let run = self.run;
        let waited = tokio::time::timeout(Duration::from_secs(60), async {
            while (self.acks.len() as u64) < n {
                match self
                    .lines
                    .next_line()
                    .await
                    .expect("reading the writer's stdout")
                {
                    Some(line) => self.acks.extend(Ack::parse(&line)),
                    None => return false,
                }
            }
            true
        })
        .await;
        match waited {
            Ok(true) => {}
            Ok(false) => {
                let status = self.child.wait().await.expect("the writer's status");
                panic!(
                    "run {run}: the writer ended by itself ({status}) after {} acks",
                    self.acks.len()
                );
            }
            Err(_) => panic!(
                "run {run}: the writer acknowledged only {} appends in 60 s",
                self.acks.len()
            ),
        }
    }

    /// Kills it with SIGKILL; returns every acknowledgement it made before dying.
    pub(crate) async fn kill(mut self) -> Vec<Ack> {
        let run = self.run;
        self.child.start_kill().expect("SIGKILL the writer");
        // Whatever it acknowledged before dying is still in the pipe.
        while let Some(line) = self
            .lines
            .next_line()
            .await
            .expect("reading the writer's stdout")
        {
            self.acks.extend(Ack::parse(&line));
        }
        let status = self.child.wait().await.expect("the writer's status");
        assert!(
            !status.success(),
            "run {run}: the writer was not killed: {status}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(9),
                "run {run}: not killed by SIGKILL: {status}"
            );
        }
        for ack in &self.acks {
            assert_eq!(ack.id.run, run, "an ack from another run: {ack}");
        }
        self.acks
    }
}

/// Adds a run's acknowledgements to those of earlier runs; each append is acked once.
pub(crate) fn record_acks(acked: &mut BTreeMap<AppendId, Vec<u64>>, acks: Vec<Ack>) {
    for ack in acks {
        assert!(
            acked.insert(ack.id, ack.positions).is_none(),
            "acked twice: {:?}",
            ack.id
        );
    }
}

/// Runs the writer binary `runs` times against the harness's location, each time killing
/// it with SIGKILL mid-load, and checks after each kill that every acknowledged append is
/// present at its positions and every append present is whole.
pub async fn crash_recovery(h: &dyn Harness, writer_bin: &Path, runs: u64) {
    let url = h.url();
    let mut acked: BTreeMap<AppendId, Vec<u64>> = BTreeMap::new();
    for run in 1..=runs {
        let seed = std::collections::hash_map::RandomState::new().hash_one((run, Instant::now()));
        let wait_for_acks = 1 + seed % 60;
        let extra = Duration::from_micros((seed >> 16) % 15_000);
        let mut writer = WriterProcess::start(writer_bin, &url, run);
        // Let it acknowledge some appends, then kill it a random moment later.
        writer.wait_for_acks(wait_for_acks).await;
        tokio::time::sleep(extra).await;
        let acks = writer.kill().await;
        let in_run = acks.len();
        record_acks(&mut acked, acks);

        let store = h.open().await;
        let (present, complete) = check_log(&*store, &acked, run).await;
        h.close(store).await;
        println!(
            "crash run {run}: killed after {in_run} acks (+{extra:?}); the log holds {present} \
             appends, all whole; {complete} acknowledged so far, all present",
        );
    }
}

/// Checks the log after a crash; returns (appends present, appends acknowledged).
pub(crate) async fn check_log(
    store: &dyn EventStore,
    acked: &BTreeMap<AppendId, Vec<u64>>,
    runs: u64,
) -> (usize, usize) {
    let log = read_everything(store).await;
    let n = log.len() as u64;
    assert_eq!(store.head().await.expect("head"), n);
    for (i, e) in log.iter().enumerate() {
        assert_eq!(
            e.position,
            i as u64 + 1,
            "positions have a hole or are out of order"
        );
    }
    for w in log.windows(2) {
        assert!(
            w[1].recorded_at >= w[0].recorded_at,
            "recorded_at decreased at {}",
            w[1].position
        );
    }

    // Group the log by append; each must be whole: all its events, in order, consecutive.
    let mut present: BTreeMap<AppendId, Vec<&RecordedEvent>> = BTreeMap::new();
    for e in &log {
        let (id, k) = AppendId::of(e)
            .unwrap_or_else(|| panic!("position {}: not an event of the writer", e.position));
        assert!(
            id.run >= 1 && id.run <= runs && id.task < WRITER_TASKS,
            "unknown append {id}"
        );
        assert_eq!(
            e.event_id,
            id.event_id(k),
            "position {}: wrong id for {id} e{k}",
            e.position
        );
        assert_eq!(e.stream, id.stream(), "position {}", e.position);
        present.entry(id).or_default().push(e);
    }
    for (id, events) in &present {
        let got: Vec<_> = events.iter().map(|e| (e.version, e.position)).collect();
        let first = events[0].position;
        let expected: Vec<_> = (0..EVENTS_PER_APPEND)
            .map(|k| (id.append * EVENTS_PER_APPEND + k + 1, first + k))
            .collect();
        assert_eq!(
            got, expected,
            "append {id} is not whole (version, position)"
        );
        for (e, want) in events.iter().zip(id.events()) {
            assert!(
                want.same_content_as(e),
                "append {id}: stored content differs"
            );
        }
    }
    // Each task appended in sequence: what is present is a prefix of its appends.
    let mut per_task: BTreeMap<(u64, u64), BTreeSet<u64>> = BTreeMap::new();
    for id in present.keys() {
        per_task
            .entry((id.run, id.task))
            .or_default()
            .insert(id.append);
    }
    for ((run, task), appends) in per_task {
        let k = appends.len() as u64;
        assert_eq!(
            appends,
            (0..k).collect::<BTreeSet<_>>(),
            "run {run} task {task}: the appends present are not a prefix"
        );
    }
    // Every acknowledged append is there, exactly where the writer was told.
    for (id, positions) in acked {
        let events = present
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged append {id} is missing after the crash"));
        let stored: Vec<_> = events.iter().map(|e| e.position).collect();
        assert_eq!(&stored, positions, "acknowledged append {id} moved");
    }
    (present.len(), acked.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_lines_round_trip_and_cut_lines_are_ignored() {
        let ack = Ack {
            id: AppendId {
                run: 2,
                task: 7,
                append: 41,
            },
            positions: vec![310, 311, 312],
        };
        let line = ack.to_string();
        assert_eq!(line, "ack 2 7 41 310,311,312 .");
        assert_eq!(Ack::parse(&line), Some(ack));
        for cut in 1..line.len() {
            assert_eq!(Ack::parse(&line[..cut]), None, "{:?}", &line[..cut]);
        }
    }

    #[test]
    fn append_ids_and_events_are_deterministic() {
        let id = AppendId {
            run: 1,
            task: 3,
            append: 5,
        };
        let events = id.events();
        assert_eq!(events.len() as u64, EVENTS_PER_APPEND);
        let ids: BTreeSet<_> = events.iter().map(|e| e.event_id).collect();
        assert_eq!(ids.len() as u64, EVENTS_PER_APPEND, "ids are distinct");
        assert_ne!(AppendId { append: 6, ..id }.event_id(0), id.event_id(0));
        assert_eq!(id.event_id(2), events[2].event_id, "ids are deterministic");
    }
}
