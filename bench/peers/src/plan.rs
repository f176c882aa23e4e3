//! Which scenarios run, with how many calls, on how many connections; and when a cqrs-es
//! writer rolls to a fresh aggregate.

use crate::args::Args;
use std::fmt;

/// The two systems measured on each scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// cqrs-es's `CqrsFramework` over postgres-es's event repository.
    PostgresEs,
    /// Plain SQL inserts of the same rows into a table shaped like dutytrace's: the floor.
    SqlFloor,
}

impl System {
    /// Both, in the order they run on each scenario.
    pub const ALL: [System; 2] = [System::PostgresEs, System::SqlFloor];

    /// The name in the JSON lines (`system`).
    pub fn key(self) -> &'static str {
        match self {
            Self::PostgresEs => "postgres-es",
            Self::SqlFloor => "sql-floor",
        }
    }

    /// The name at the start of a table row.
    fn label(self) -> &'static str {
        match self {
            Self::PostgresEs => "cqrs-es + postgres-es",
            Self::SqlFloor => "plain SQL insert",
        }
    }

    /// What one call is, when it carries a single event.
    fn single(self) -> &'static str {
        match self {
            Self::PostgresEs => "single-event commands",
            Self::SqlFloor => "single-event inserts",
        }
    }
}

/// One workload: `writers` concurrent tasks make `calls` calls of `batch` events between
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// Concurrent writer tasks.
    pub writers: usize,
    /// Calls (commands or statements) in all.
    pub calls: usize,
    /// Events per call.
    pub batch: usize,
}

impl Scenario {
    /// Events written in all.
    pub fn events(&self) -> usize {
        self.calls * self.batch
    }

    /// Connections in the pool: the same rule as dutytrace's `bench append` on PostgreSQL.
    pub fn pool_size(&self) -> u32 {
        u32::try_from((self.writers / 4).clamp(4, 32)).unwrap_or(32)
    }

    /// The scenario's name in the table, e.g. `cqrs-es + postgres-es, 64 writer(s),
    /// single-event commands`.
    pub fn describe(&self, system: System) -> String {
        let calls = if self.batch == 1 {
            system.single().to_owned()
        } else {
            format!("{}-event batches", self.batch)
        };
        format!("{}, {} writer(s), {calls}", system.label(), self.writers)
    }
}

/// Why a command line cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// A scenario with no writers.
    NoWriters,
    /// A scenario that would make no call at all.
    NoCalls {
        /// The scenario's name, e.g. `1 writer(s)`.
        scenario: String,
        /// What to raise.
        hint: &'static str,
    },
    /// `--aggregate-events 0`.
    EmptyAggregates,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoWriters => f.write_str("--writers and --batch-writers must be at least 1"),
            Self::NoCalls { scenario, hint } => {
                write!(f, "the {scenario} scenario would write nothing: {hint}")
            }
            Self::EmptyAggregates => f.write_str("--aggregate-events must be at least 1"),
        }
    }
}

impl std::error::Error for PlanError {}

/// The scenarios of a command line, in order: each number of writers of single-event calls
/// (`events` calls, a tenth for one writer, as dutytrace's benchmark does), then the batches.
pub fn plan(args: &Args) -> Result<Vec<Scenario>, PlanError> {
    if args.aggregate_events == 0 {
        return Err(PlanError::EmptyAggregates);
    }
    let mut scenarios = Vec::new();
    for &writers in &args.writers {
        if writers == 0 {
            return Err(PlanError::NoWriters);
        }
        let calls = if writers == 1 {
            args.events / 10
        } else {
            args.events
        };
        if calls == 0 {
            return Err(PlanError::NoCalls {
                scenario: format!("{writers} writer(s)"),
                hint: "raise --events (the 1-writer scenario runs a tenth of it)",
            });
        }
        scenarios.push(Scenario {
            writers,
            calls,
            batch: 1,
        });
    }
    if let Some(calls) = args.batch_events.checked_div(args.batch) {
        if args.batch_writers == 0 {
            return Err(PlanError::NoWriters);
        }
        if calls == 0 {
            return Err(PlanError::NoCalls {
                scenario: format!("{}-event batch", args.batch),
                hint: "raise --batch-events to at least --batch",
            });
        }
        scenarios.push(Scenario {
            writers: args.batch_writers,
            calls,
            batch: args.batch,
        });
    }
    Ok(scenarios)
}

/// Commands a cqrs-es writer sends to one aggregate before it rolls to a fresh one: as
/// many as keep the aggregate at `aggregate_events` events, and at least one.
///
/// cqrs-es loads and replays an aggregate's events before every command on it, so one
/// aggregate per writer growing to thousands of events would make the run quadratic; a
/// cadre's year holds about 30 to 100 duty entries.
pub fn commands_per_aggregate(batch: usize, aggregate_events: usize) -> usize {
    (aggregate_events / batch.max(1)).max(1)
}

/// Whether the writer's `call`-th command (from 0) goes to a fresh aggregate.
pub fn rolls_before(call: usize, per_aggregate: usize) -> bool {
    call.is_multiple_of(per_aggregate.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec!["peers", "--postgres", "postgres://x@127.0.0.1/db"];
        argv.extend_from_slice(extra);
        Args::try_parse_from(argv).unwrap()
    }

    #[test]
    fn defaults_plan_four_writer_counts_and_the_batches() {
        let plan = plan(&args(&[])).unwrap();
        assert_eq!(
            plan,
            vec![
                Scenario {
                    writers: 1,
                    calls: 20_000,
                    batch: 1
                },
                Scenario {
                    writers: 16,
                    calls: 200_000,
                    batch: 1
                },
                Scenario {
                    writers: 64,
                    calls: 200_000,
                    batch: 1
                },
                Scenario {
                    writers: 256,
                    calls: 200_000,
                    batch: 1
                },
                Scenario {
                    writers: 1,
                    calls: 1_000,
                    batch: 1_000
                },
            ]
        );
        assert_eq!(plan[4].events(), 1_000_000);
    }

    #[test]
    fn the_counts_come_from_the_command_line() {
        let plan = plan(&args(&[
            "--writers",
            "1,8",
            "--events",
            "5000",
            "--batch",
            "500",
            "--batch-events",
            "20000",
            "--batch-writers",
            "2",
        ]))
        .unwrap();
        assert_eq!(
            plan,
            vec![
                Scenario {
                    writers: 1,
                    calls: 500,
                    batch: 1
                },
                Scenario {
                    writers: 8,
                    calls: 5_000,
                    batch: 1
                },
                Scenario {
                    writers: 2,
                    calls: 40,
                    batch: 500
                },
            ]
        );
    }

    #[test]
    fn batch_zero_skips_the_batches() {
        let plan = plan(&args(&["--writers", "4", "--batch", "0"])).unwrap();
        assert_eq!(
            plan,
            vec![Scenario {
                writers: 4,
                calls: 200_000,
                batch: 1
            }]
        );
    }

    #[test]
    fn zero_writers_or_nothing_to_write_is_an_error() {
        assert_eq!(
            plan(&args(&["--writers", "1,0"])),
            Err(PlanError::NoWriters)
        );
        assert_eq!(
            plan(&args(&["--batch-writers", "0"])),
            Err(PlanError::NoWriters)
        );
        assert!(matches!(
            plan(&args(&["--writers", "1", "--events", "9"])),
            Err(PlanError::NoCalls { .. })
        ));
        assert!(matches!(
            plan(&args(&["--batch-events", "999"])),
            Err(PlanError::NoCalls { .. })
        ));
        assert_eq!(
            plan(&args(&["--aggregate-events", "0"])),
            Err(PlanError::EmptyAggregates)
        );
        assert_eq!(
            PlanError::NoWriters.to_string(),
            "--writers and --batch-writers must be at least 1"
        );
    }

    #[test]
    fn pool_size_follows_dutytraces_rule() {
        let pool = |writers| {
            Scenario {
                writers,
                calls: 1,
                batch: 1,
            }
            .pool_size()
        };
        assert_eq!(
            [pool(1), pool(16), pool(17), pool(64), pool(256)],
            [4, 4, 4, 16, 32]
        );
        assert_eq!(pool(100_000), 32);
    }

    #[test]
    fn scenario_names() {
        let single = Scenario {
            writers: 64,
            calls: 10,
            batch: 1,
        };
        let batches = Scenario {
            writers: 1,
            calls: 10,
            batch: 1000,
        };
        assert_eq!(
            single.describe(System::PostgresEs),
            "cqrs-es + postgres-es, 64 writer(s), single-event commands"
        );
        assert_eq!(
            single.describe(System::SqlFloor),
            "plain SQL insert, 64 writer(s), single-event inserts"
        );
        assert_eq!(
            batches.describe(System::PostgresEs),
            "cqrs-es + postgres-es, 1 writer(s), 1000-event batches"
        );
        assert_eq!(
            batches.describe(System::SqlFloor),
            "plain SQL insert, 1 writer(s), 1000-event batches"
        );
    }

    #[test]
    fn writers_roll_aggregates_every_hundred_events() {
        assert_eq!(commands_per_aggregate(1, 100), 100);
        assert_eq!(commands_per_aggregate(10, 100), 10);
        // A batch larger than an aggregate's share gets an aggregate of its own.
        assert_eq!(commands_per_aggregate(1000, 100), 1);
        let rolls: Vec<usize> = (0..250).filter(|&c| rolls_before(c, 100)).collect();
        assert_eq!(rolls, vec![0, 100, 200]);
        assert!((0..5).all(|c| rolls_before(c, 1)));
    }
}
