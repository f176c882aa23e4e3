//! SIGKILL a writer process mid-load, repeatedly, against one PostgreSQL schema: every
//! acknowledged append survives and no unacknowledged one is half there.

use dutytrace_tests::postgres::PostgresHarness;
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_appends_survive_sigkill_and_none_is_half_there() {
    let Some(harness) = PostgresHarness::new().await else {
        return;
    };
    let writer = Path::new(env!("CARGO_BIN_EXE_crash-writer"));
    store_contract::crash::crash_recovery(&harness, writer, 10).await;
}
