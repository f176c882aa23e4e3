//! Several writer processes on one store while a subscriber here checks that no position
//! is ever skipped or handed out twice (the late-commit bug of server event stores), then
//! SIGKILL them all: every acknowledged append is there, once, whole.

use dutytrace_tests::SqliteHarness;
use dutytrace_tests::postgres::PostgresHarness;
use std::path::Path;

fn writer() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_crash-writer"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_writer_processes_leave_no_gap_for_a_subscriber() {
    let Some(harness) = PostgresHarness::new().await else {
        return;
    };
    store_contract::processes::writer_processes_leave_no_gap(&harness, writer(), 4, 150).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_writer_processes_leave_no_gap_for_a_subscriber() {
    let harness = SqliteHarness::new();
    store_contract::processes::writer_processes_leave_no_gap(&harness, writer(), 3, 150).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kurrentdb_writer_processes_leave_no_gap_for_a_subscriber() {
    let harness = dutytrace_tests::kurrent::KurrentHarness::new().await;
    store_contract::processes::writer_processes_leave_no_gap(&harness, writer(), 3, 100).await;
}
