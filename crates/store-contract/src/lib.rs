//! The contract every event-store backend must pass (DESIGN.md §3: "Every backend passes one
//! shared contract test suite"), written once against the [`EventStore`] port.
//!
//! A backend's test crate implements [`Harness`] (how to open, close and name one store
//! location) and invokes [`contract_tests!`], which expands to one test per case:
//!
//! ```text
//! store_contract::contract_tests!(SqliteHarness::new());
//! ```
//!
//! Each case gets a fresh harness, so it starts from an empty log. Harnesses must stamp
//! `recorded_at` with the system clock. The crash test ([`crash::crash_recovery`]) needs a
//! writer binary that calls [`crash::run_writer`]; see the `crash` module.

mod appends;
mod copy;
pub mod crash;
mod fixtures;
mod idempotency;
mod input;
mod load;
mod payloads;
mod persistence;
pub mod processes;
mod reads;
mod subscriptions;

use async_trait::async_trait;
use event_store::EventStore;
use std::sync::Arc;

pub use appends::{
    a_conflict_writes_nothing_of_the_batch, a_failed_batch_writes_nothing,
    any_appends_whatever_the_version, exact_version_conflicts_report_the_actual_version,
    exact_zero_means_no_stream, no_stream_conflicts_once_the_stream_exists,
};
pub use copy::{
    a_bad_import_is_refused_and_writes_nothing, an_import_is_stored_exactly_and_the_log_carries_on,
    events_read_for_copying_carry_their_append,
};
pub use fixtures::{event, read_everything, stream};
pub use idempotency::{
    a_batch_only_partly_stored_is_a_conflict, a_retry_of_part_of_an_append_is_a_conflict,
    a_retry_returns_the_original_result, concurrent_identical_appends_are_stored_once,
    the_same_id_in_another_stream_is_a_conflict, the_same_id_with_other_content_is_a_conflict,
};
pub use input::{
    bad_names_and_payloads_are_refused_with_typed_errors,
    invalid_appends_are_refused_and_write_nothing, the_largest_allowed_append_is_stored,
};
pub use load::{
    concurrent_writers_to_many_streams_all_succeed,
    concurrent_writers_to_one_stream_get_one_winner_per_version,
    refused_appends_do_not_fail_the_appends_beside_them,
};
pub use payloads::{large_and_chinese_payloads_round_trip_byte_for_byte, the_envelope_round_trips};
pub use persistence::the_log_survives_close_and_reopen;
pub use reads::{
    global_positions_are_contiguous_and_recorded_at_never_decreases,
    read_all_filters_by_category_and_event_type, read_all_pages_from_any_position,
    read_stream_reads_forward_and_backward, read_streams_reads_each_stream_whole,
};
pub use subscriptions::{
    a_filtered_subscription_turns_live, a_subscription_from_a_checkpoint_starts_there,
    a_subscription_turns_live_without_gaps_or_duplicates,
};

/// How the contract reaches one store location of a backend.
#[async_trait]
pub trait Harness: Send + Sync {
    /// Opens the store at this harness's location (the same one on every call, so that a
    /// case can close the store and open it again).
    async fn open(&self) -> Arc<dyn EventStore>;

    /// Closes a store opened by [`Harness::open`], so that the location can be opened again
    /// (by this process or another one).
    async fn close(&self, store: Arc<dyn EventStore>);

    /// The URL of this harness's location, for a child process (the crash test's writer).
    fn url(&self) -> String;
}

#[doc(hidden)]
pub mod __private {
    pub use tokio;
}

/// Expands to one `#[tokio::test]` per contract case, in a module `contract`, each on a fresh
/// harness built by the given expression (evaluated inside an async fn, so it may `.await`;
/// names visible where the macro is invoked are visible to it). The invoking crate must
/// depend on this crate under its own name, `store_contract`.
///
/// `contract_tests!(optional EXPR)` takes an expression giving `Option<impl Harness>`: a case
/// whose harness is `None` (its backend is not available here, which the harness has said
/// on stderr) returns at once.
#[macro_export]
macro_rules! contract_tests {
    (optional $harness:expr) => {
        $crate::__contract_cases! { $harness; }
    };
    ($harness:expr) => {
        $crate::contract_tests!(optional Some($harness));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __contract_cases {
    ($harness:expr;) => {
        $crate::__contract_case_fns! {
            $harness;
            no_stream_conflicts_once_the_stream_exists,
            exact_version_conflicts_report_the_actual_version,
            exact_zero_means_no_stream,
            any_appends_whatever_the_version,
            a_failed_batch_writes_nothing,
            a_conflict_writes_nothing_of_the_batch,
            a_retry_returns_the_original_result,
            the_same_id_with_other_content_is_a_conflict,
            a_batch_only_partly_stored_is_a_conflict,
            a_retry_of_part_of_an_append_is_a_conflict,
            the_same_id_in_another_stream_is_a_conflict,
            concurrent_identical_appends_are_stored_once,
            bad_names_and_payloads_are_refused_with_typed_errors,
            invalid_appends_are_refused_and_write_nothing,
            the_largest_allowed_append_is_stored,
            read_stream_reads_forward_and_backward,
            read_streams_reads_each_stream_whole,
            read_all_pages_from_any_position,
            read_all_filters_by_category_and_event_type,
            global_positions_are_contiguous_and_recorded_at_never_decreases,
            concurrent_writers_to_one_stream_get_one_winner_per_version,
            concurrent_writers_to_many_streams_all_succeed,
            refused_appends_do_not_fail_the_appends_beside_them,
            a_subscription_turns_live_without_gaps_or_duplicates,
            a_filtered_subscription_turns_live,
            a_subscription_from_a_checkpoint_starts_there,
            the_envelope_round_trips,
            large_and_chinese_payloads_round_trip_byte_for_byte,
            the_log_survives_close_and_reopen,
            events_read_for_copying_carry_their_append,
            an_import_is_stored_exactly_and_the_log_carries_on,
            a_bad_import_is_refused_and_writes_nothing,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __contract_case_fns {
    ($harness:expr; $($case:ident),* $(,)?) => {
        mod contract {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[$crate::__private::tokio::test(
                    flavor = "multi_thread",
                    worker_threads = 4,
                    crate = "::store_contract::__private::tokio"
                )]
                async fn $case() {
                    let Some(harness) = $harness else {
                        return;
                    };
                    $crate::$case(&harness).await;
                }
            )*
        }
    };
}
