//! The shared event-store contract, run against the SQLite backend.

use dutytrace_tests::SqliteHarness;

store_contract::contract_tests!(SqliteHarness::new());
