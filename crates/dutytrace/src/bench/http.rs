//! `dutytrace bench http`: the service under concurrent HTTP load on a seeded store (a
//! province: `dutytrace seed --scale province`) — issue 10's board, obligations, history,
//! search and command figures, the board at a fixed rate (open loop), and the process's
//! peak memory.
//!
//! The store named is never changed. Measuring it writes — every command, every read of
//! another's history (a `HistoryRead`), the sign-ins, the administrator's password the run
//! makes up, a signing key, the read models caught up — so the run works on a copy of the
//! log and its read models in a scratch directory (`--dir`, default a temporary one,
//! removed afterwards); the original credentials are neither read nor copied: the copy
//! gets its own, with one made-up password for the few logins the run signs in with.
//!
//! The service runs in this process, as `bench board` does (`serve::start` on 127.0.0.1:0,
//! the clock at `--now`, by default the demo's now, when a seeded log's lights are as the
//! demo shows them), so the load generator shares the CPU with it and the peak memory
//! reported is both.

mod probe;
mod scenarios;
mod service;

pub use super::copy::Copied;
pub use super::report::Measured;
pub use probe::CadreEvents;

use super::copy::copy_store;
use super::report::{mib, peak_mib, rss_mib};
use super::{HttpArgs, scratch};
use anyhow::bail;
use service::Service;

/// What a run measured.
#[derive(Debug)]
pub struct HttpReport {
    /// One row per scenario, in the order run; the open-loop run of the board is last.
    pub rows: Vec<Measured>,
    /// Every cadre of the store with the events of their history, most first: the first
    /// is the busiest.
    pub cadres: Vec<CadreEvents>,
    /// The process's peak resident memory from the start of the service to the end of the
    /// load (MiB; Linux only).
    pub peak_mib: Option<f64>,
    /// Rows of the commission's board, and of the leader in charge's if one signed in.
    pub board_rows: (usize, Option<usize>),
    /// Requests of the open-loop run answered (the others were unsent when it stopped).
    pub open_answered: u64,
    /// The copy the run measured.
    pub copied: Copied,
}

/// Runs `dutytrace bench http` and prints its table.
pub async fn run(args: HttpArgs) -> anyhow::Result<()> {
    measure(args).await.map(|_| ())
}

/// Runs every scenario of `dutytrace bench http`, printing the table as it goes, and
/// returns what was measured. Fails at the first answer that is not a success.
pub async fn measure(args: HttpArgs) -> anyhow::Result<HttpReport> {
    if args.clients == 0 || args.requests == 0 {
        bail!("--clients and --requests must be at least 1");
    }
    let dir = scratch(args.dir.clone())?;
    let copied = copy_store(&args.store, dir.path(), "bench")?;
    println!(
        "{} copied to a scratch directory ({:.0} MB, read models {}) in {:.1} s; the run \
         writes only to the copy",
        args.store,
        copied.bytes as f64 / 1e6,
        if copied.views {
            "included"
        } else {
            "not built yet"
        },
        copied.elapsed.as_secs_f64()
    );
    let service = Service::start(&copied, &args).await?;
    let rows = scenarios::run(&service, &args).await;
    let peak = peak_mib();
    let rss = rss_mib();
    let stopped = service.running.stop().await;
    let (rows, open_answered) = rows?;
    stopped?;
    println!();
    println!(
        "Server memory (the service and the load generator are one process): peak RSS {} from \
         the start of the service to the end of the load (VmHWM), {} at the end (VmRSS)",
        mib(peak),
        mib(rss)
    );
    drop(dir);
    Ok(HttpReport {
        rows,
        cadres: service.cadres,
        peak_mib: peak,
        board_rows: (service.board.0, service.leader.as_ref().map(|l| l.rows)),
        open_answered,
        copied,
    })
}

/// `t` as Shanghai's local time, the way the demo states instants.
fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    t.with_timezone(&shanghai).to_rfc3339()
}

/// `s` percent-encoded for a query string (UTF-8 bytes outside the unreserved set).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn query_values_are_percent_encoded_as_utf8() {
        assert_eq!(escape("廉政"), "%E5%BB%89%E6%94%BF");
        assert_eq!(
            escape("2026-06-30T23:59:59+08:00"),
            "2026-06-30T23:59:59%2B08:00"
        );
    }
}
