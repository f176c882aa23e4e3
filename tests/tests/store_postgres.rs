//! The shared event-store contract, run against the PostgreSQL backend, each case in a
//! schema of its own (see `dutytrace_tests::postgres` for the server it uses).

use dutytrace_tests::postgres::PostgresHarness;

store_contract::contract_tests!(optional PostgresHarness::new().await);
