//! The load: `writers` tasks share one counter that hands out calls until all are made,
//! each timing its own calls. The same driver runs both systems.

use crate::report;
use hdrhistogram::Histogram;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One writer task's side of a system.
pub trait Writer: Send + 'static {
    /// What one call sends, built before the clock starts (as dutytrace's benchmark builds
    /// its events before it times the append).
    type Call: Send;

    /// The next call's input.
    fn prepare(&mut self) -> Self::Call;

    /// Makes the call and waits until it is durable.
    fn execute(&mut self, call: Self::Call) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Runs `writers` concurrently until `calls` calls are made between them; the wall-clock
/// time and every call's latency in microseconds. The first failure stops every writer.
pub async fn drive<W: Writer>(
    writers: Vec<W>,
    calls: usize,
) -> anyhow::Result<(Duration, Histogram<u64>)> {
    let counter = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(writers.len());
    for mut writer in writers {
        let counter = counter.clone();
        let failed = failed.clone();
        tasks.push(tokio::spawn(async move {
            let mut latency = report::histogram()?;
            while !failed.load(Ordering::Relaxed) && counter.fetch_add(1, Ordering::Relaxed) < calls
            {
                let call = writer.prepare();
                let t = Instant::now();
                if let Err(e) = writer.execute(call).await {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                latency
                    .saturating_record(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            anyhow::Ok(latency)
        }));
    }
    let mut latency = report::histogram()?;
    let mut first_error = None;
    for task in tasks {
        match task.await {
            Ok(Ok(h)) => latency.add(h)?,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(join) => {
                first_error.get_or_insert(anyhow::anyhow!("a writer task failed: {join}"));
            }
        }
    }
    let elapsed = start.elapsed();
    match first_error {
        Some(e) => Err(e),
        None => Ok((elapsed, latency)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts its calls; fails on the `fail_at`-th if asked.
    struct Counting {
        made: Arc<AtomicUsize>,
        fail_at: Option<usize>,
    }

    impl Writer for Counting {
        type Call = usize;

        fn prepare(&mut self) -> usize {
            self.made.fetch_add(1, Ordering::SeqCst) + 1
        }

        async fn execute(&mut self, call: usize) -> anyhow::Result<()> {
            tokio::task::yield_now().await;
            match self.fail_at {
                Some(n) if call >= n => anyhow::bail!("call {call} failed"),
                _ => Ok(()),
            }
        }
    }

    #[tokio::test]
    async fn writers_make_exactly_the_calls_between_them() {
        let made = Arc::new(AtomicUsize::new(0));
        let writers = (0..7)
            .map(|_| Counting {
                made: made.clone(),
                fail_at: None,
            })
            .collect();
        let (_, latency) = drive(writers, 1_000).await.unwrap();
        assert_eq!(made.load(Ordering::SeqCst), 1_000);
        assert_eq!(latency.len(), 1_000);
    }

    #[tokio::test]
    async fn a_failure_stops_the_run_and_is_reported() {
        let made = Arc::new(AtomicUsize::new(0));
        let writers = (0..4)
            .map(|_| Counting {
                made: made.clone(),
                fail_at: Some(10),
            })
            .collect();
        let err = drive(writers, 1_000_000).await.unwrap_err();
        assert!(err.to_string().ends_with("failed"), "{err}");
        assert!(made.load(Ordering::SeqCst) < 100);
    }
}
