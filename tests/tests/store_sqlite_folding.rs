//! The shared event-store contract, run against the SQLite backend with its stream index
//! folded every three events or second commit: each case's streams then lie partly in the
//! index and partly at the end of the log, and reads and version checks have to join the two.

use dutytrace_tests::SqliteHarness;

store_contract::contract_tests!(SqliteHarness::folding_every(3));
