//! A rough speed figure for `verify` over a large export: printed, not asserted (run with
//! `--nocapture` to see it; the dev profile is several times slower than release).

#![allow(clippy::unwrap_used, reason = "tests")]

use std::time::Instant;

use evidence::Hasher;

#[test]
fn hasher_push_speed() {
    const LEAVES: u64 = 1_000_000;
    // Distinct leaf hashes without a SHA-256 each, so only `push` is timed.
    let leaf = |i: u64| {
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&i.to_le_bytes());
        hash
    };

    let started = Instant::now();
    let mut hasher = Hasher::new();
    for i in 0..LEAVES {
        hasher.push(leaf(i));
    }
    let streamed = hasher.root();
    let elapsed = started.elapsed();
    println!(
        "Hasher::push: {LEAVES} leaves in {elapsed:.2?}, {:.0} leaves/s ({} profile)",
        LEAVES as f64 / elapsed.as_secs_f64(),
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        },
    );
    assert_eq!(hasher.size(), LEAVES);
    assert_ne!(streamed, evidence::empty_root());
}
