//! Latency histograms, the Markdown table the benchmarks print, and the process's memory.

use hdrhistogram::Histogram;
use std::time::Duration;

/// One measured scenario: a row of the table.
#[derive(Debug)]
pub struct Measured {
    /// What was measured, as the table's first column says it.
    pub scenario: String,
    /// Events written, or requests answered.
    pub events: u64,
    /// Wall time of the whole scenario.
    pub elapsed: Duration,
    /// Latency of each call, in microseconds (empty when not measured per call).
    pub latency: Histogram<u64>,
}

/// An empty latency histogram, in microseconds from 1 µs to an hour (a saturated service
/// can keep a request waiting for minutes; a bound of a minute clipped those).
pub(crate) fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

pub(crate) fn header() {
    header_of("events");
}

/// The table's header, counting `what` (events, requests).
pub(crate) fn header_of(what: &str) {
    println!("| scenario | {what} | seconds | {what}/s | p50 latency | p99 latency |");
    println!("|---|---:|---:|---:|---:|---:|");
}

/// Prints `m` as a row of the table.
pub(crate) fn row(m: &Measured) {
    let secs = m.elapsed.as_secs_f64();
    let rate = m.events as f64 / secs.max(1e-9);
    let (p50, p99) = if m.latency.is_empty() {
        ("–".to_owned(), "–".to_owned())
    } else {
        (
            fmt_us(m.latency.value_at_quantile(0.50)),
            fmt_us(m.latency.value_at_quantile(0.99)),
        )
    };
    println!(
        "| {} | {} | {:.2} | {:.0} | {} | {} |",
        m.scenario, m.events, secs, rate, p50, p99
    );
}

/// A latency in microseconds, in milliseconds for the table.
pub(crate) fn fmt_us(us: u64) -> String {
    if us >= 10_000 {
        format!("{:.1} ms", us as f64 / 1000.0)
    } else {
        format!("{:.2} ms", us as f64 / 1000.0)
    }
}

/// A line of `/proc/self/status` in MiB (`VmHWM`, `VmRSS`; Linux only).
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The process's peak resident memory since it started or the last [`reset_peak`], in MiB
/// (`VmHWM`, Linux).
pub(crate) fn peak_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// The process's resident memory now, in MiB (`VmRSS`, Linux).
pub(crate) fn rss_mib() -> Option<f64> {
    status_mib("VmRSS:")
}

/// Resets the peak to the current resident memory (Linux: `echo 5 > /proc/self/clear_refs`).
pub(crate) fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A figure in MiB, or `n/a` where the system does not say.
pub(crate) fn mib(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MiB"))
}
