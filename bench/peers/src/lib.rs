//! The peer benchmark of issue 10: the durable-append workload of `dutytrace bench append`
//! through cqrs-es with postgres-es, and through plain SQL inserts of the same rows as the
//! floor, on one PostgreSQL server, each scenario in a new schema of its own.
//!
//! The pure parts (planning, the aggregate, the report) are in this library so that they
//! are tested; `main.rs` wires them to the server.

pub mod args;
pub mod cadre;
pub mod drive;
pub mod duty;
pub mod floor;
pub mod peer;
pub mod plan;
pub mod report;
pub mod scratch;
