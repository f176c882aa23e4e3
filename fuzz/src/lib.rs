//! What the fuzz targets share: the properties of an uploaded table and of the oversight
//! import that reads it (`tables`), the exports the verifier targets start from
//! (`exports`), and [`guarded`].

pub mod exports;
pub mod tables;

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs project code that catches panics of a third-party parser itself (`tabular` turns a
/// panic inside calamine into `ReadError::Xlsx`): libFuzzer's panic hook aborts on any
/// panic, caught or not, so inside `f` the hook only notes the message. A panic that `f`
/// lets out is still a crash, reported with that message.
pub fn guarded<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let outer = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.get() {
                LAST_PANIC.set(info.to_string());
            } else {
                outer(info);
            }
        }));
    });
    GUARDED.set(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.set(false);
    match result {
        Ok(value) => value,
        Err(_) => panic!("uncaught panic: {}", LAST_PANIC.take()),
    }
}
