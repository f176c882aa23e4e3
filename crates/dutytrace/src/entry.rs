//! The process entry point, shared by the `dutytrace` binary and the copy the black-box
//! tests build (`tests/src/bin/dutytrace_under_test.rs`).

use crate::cli::{Cli, run};
use clap::Parser;
use std::process::ExitCode;

/// Parses the command line, starts the runtime, runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init(cli.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
