//! The `dutytrace` command: argument parsing, wiring of store, projectors and API, and the
//! operational commands (serve, demo, bench). The binary in `main.rs` only calls [`entry::main`].

pub mod backup;
pub mod bench;
pub mod checkpoints;
pub mod cli;
pub mod config;
pub mod demo;
pub mod entry;
pub mod evidence;
pub mod leases;
pub mod migrate;
pub mod outbox;
pub mod report;
pub mod seed;
pub mod serve;
pub mod stores;
pub mod telemetry;
pub mod watcher;
