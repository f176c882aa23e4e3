//! Latency histograms, the Markdown table (the shape of `dutytrace bench append`'s) and the
//! JSON lines.

use crate::plan::{Scenario, System};
use hdrhistogram::Histogram;
use serde::Serialize;
use std::time::Duration;

/// A histogram of call latencies in microseconds, up to a minute.
pub fn histogram() -> Result<Histogram<u64>, hdrhistogram::CreationError> {
    Histogram::new_with_bounds(1, 60_000_000, 3)
}

/// One system measured on one scenario.
#[derive(Debug)]
pub struct Measured {
    /// Which system.
    pub system: System,
    /// Which workload.
    pub scenario: Scenario,
    /// Wall-clock time from the first call to the last answer.
    pub elapsed: Duration,
    /// Latency of each call as its caller saw it, in microseconds.
    pub latency: Histogram<u64>,
}

impl Measured {
    fn seconds(&self) -> f64 {
        self.elapsed.as_secs_f64()
    }

    fn rate(&self) -> f64 {
        self.scenario.events() as f64 / self.seconds().max(1e-9)
    }

    fn quantile(&self, q: f64) -> Option<u64> {
        (!self.latency.is_empty()).then(|| self.latency.value_at_quantile(q))
    }
}

/// The table's two header lines.
pub fn header() -> String {
    "| scenario | events | seconds | events/s | p50 latency | p99 latency |\n\
     |---|---:|---:|---:|---:|---:|"
        .to_owned()
}

/// The table row of one measurement.
pub fn row(m: &Measured) -> String {
    let latency = |q| m.quantile(q).map_or_else(|| "–".to_owned(), fmt_us);
    format!(
        "| {} | {} | {:.2} | {:.0} | {} | {} |",
        m.scenario.describe(m.system),
        m.scenario.events(),
        m.seconds(),
        m.rate(),
        latency(0.50),
        latency(0.99)
    )
}

/// A latency in milliseconds: two decimals below 10 ms, one from there on.
pub fn fmt_us(us: u64) -> String {
    let ms = us as f64 / 1000.0;
    if us >= 10_000 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// One JSON line of `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonLine {
    /// `postgres-es` or `sql-floor`.
    pub system: &'static str,
    /// Concurrent writers.
    pub writers: usize,
    /// Events per call.
    pub batch: usize,
    /// Events written in all.
    pub events: usize,
    /// Wall-clock seconds, to the millisecond.
    pub seconds: f64,
    /// Events per second, to a tenth.
    pub events_per_s: f64,
    /// Median call latency in milliseconds (null when nothing was measured).
    pub p50_ms: Option<f64>,
    /// 99th percentile call latency in milliseconds.
    pub p99_ms: Option<f64>,
}

impl JsonLine {
    /// The line of one measurement.
    pub fn of(m: &Measured) -> Self {
        let ms = |q| m.quantile(q).map(|us| us as f64 / 1000.0);
        Self {
            system: m.system.key(),
            writers: m.scenario.writers,
            batch: m.scenario.batch,
            events: m.scenario.events(),
            seconds: (m.seconds() * 1000.0).round() / 1000.0,
            events_per_s: (m.rate() * 10.0).round() / 10.0,
            p50_ms: ms(0.50),
            p99_ms: ms(0.99),
        }
    }

    /// The object on one line, with its newline.
    pub fn to_line(&self) -> Result<String, serde_json::Error> {
        Ok(serde_json::to_string(self)? + "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(system: System, scenario: Scenario, secs: f64, latencies: &[u64]) -> Measured {
        let mut latency = histogram().unwrap();
        for &us in latencies {
            latency.record(us).unwrap();
        }
        Measured {
            system,
            scenario,
            elapsed: Duration::from_secs_f64(secs),
            latency,
        }
    }

    /// 100 calls: 98 of 850 µs, one of 2,180 µs, one of 40 ms.
    fn calls() -> Vec<u64> {
        let mut v = vec![850; 98];
        v.extend([2_180, 40_000]);
        v
    }

    #[test]
    fn the_header_is_dutytraces() {
        assert_eq!(
            header(),
            "| scenario | events | seconds | events/s | p50 latency | p99 latency |\n|---|---:|---:|---:|---:|---:|"
        );
    }

    #[test]
    fn a_row_has_rate_and_quantiles() {
        let scenario = Scenario {
            writers: 64,
            calls: 200_000,
            batch: 1,
        };
        let m = measured(System::PostgresEs, scenario, 2.886, &calls());
        assert_eq!(
            row(&m),
            "| cqrs-es + postgres-es, 64 writer(s), single-event commands | 200000 | 2.89 | 69300 | 0.85 ms | 2.18 ms |"
        );
    }

    #[test]
    fn a_batch_row_counts_events_not_calls() {
        let scenario = Scenario {
            writers: 1,
            calls: 100,
            batch: 1000,
        };
        let m = measured(System::SqlFloor, scenario, 4.0, &[12_000]);
        assert_eq!(
            row(&m),
            "| plain SQL insert, 1 writer(s), 1000-event batches | 100000 | 4.00 | 25000 | 12.0 ms | 12.0 ms |"
        );
    }

    #[test]
    fn latencies_have_two_decimals_below_ten_ms_and_one_above() {
        assert_eq!(fmt_us(850), "0.85 ms");
        assert_eq!(fmt_us(9_994), "9.99 ms");
        assert_eq!(fmt_us(10_000), "10.0 ms");
        assert_eq!(fmt_us(23_456), "23.5 ms");
    }

    #[test]
    fn json_line_fields_and_rounding() {
        // 2,180 µs is reported as 2,181: the highest value equivalent at 3 significant digits.
        let scenario = Scenario {
            writers: 64,
            calls: 200_000,
            batch: 1,
        };
        let m = measured(System::SqlFloor, scenario, 3.200_4, &calls());
        let line = JsonLine::of(&m).to_line().unwrap();
        assert_eq!(
            line,
            "{\"system\":\"sql-floor\",\"writers\":64,\"batch\":1,\"events\":200000,\"seconds\":3.2,\"events_per_s\":62492.2,\"p50_ms\":0.85,\"p99_ms\":2.181}\n"
        );
        let batch = Scenario {
            writers: 1,
            calls: 1000,
            batch: 1000,
        };
        let m = measured(System::PostgresEs, batch, 10.0, &[40_000]);
        let v: serde_json::Value =
            serde_json::from_str(&JsonLine::of(&m).to_line().unwrap()).unwrap();
        assert_eq!(v["system"], "postgres-es");
        assert_eq!(v["batch"], 1000);
        assert_eq!(v["events"], 1_000_000);
        assert_eq!(v["events_per_s"], 100_000.0);
        // hdrhistogram reports the highest value equivalent at 3 significant digits.
        assert_eq!(v["p99_ms"], 40.031);
    }

    #[test]
    fn no_latency_is_a_dash_and_null() {
        let scenario = Scenario {
            writers: 1,
            calls: 1,
            batch: 1,
        };
        let m = Measured {
            system: System::SqlFloor,
            scenario,
            elapsed: Duration::from_secs(1),
            latency: histogram().unwrap(),
        };
        assert!(row(&m).ends_with("| – | – |"));
        assert_eq!(JsonLine::of(&m).p50_ms, None);
    }
}
