//! Latency histograms and the Markdown table the benchmarks print.

use hdrhistogram::Histogram;
use std::time::Duration;

/// One measured scenario.
#[derive(Debug)]
pub(crate) struct Measured {
    pub scenario: String,
    pub events: u64,
    pub elapsed: Duration,
    /// Latency of each call, in microseconds (empty when not measured per call).
    pub latency: Histogram<u64>,
}

pub(crate) fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

pub(crate) fn header() {
    header_of("events");
}

/// The table's header, counting `what` (events, requests).
pub(crate) fn header_of(what: &str) {
    println!("| scenario | {what} | seconds | {what}/s | p50 latency | p99 latency |");
    println!("|---|---:|---:|---:|---:|---:|");
}

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

fn fmt_us(us: u64) -> String {
    if us >= 10_000 {
        format!("{:.1} ms", us as f64 / 1000.0)
    } else {
        format!("{:.2} ms", us as f64 / 1000.0)
    }
}
