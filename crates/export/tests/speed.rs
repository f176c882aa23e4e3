//! How fast `verify` checks an export. The figure is printed; run it in release:
//! `cargo test -p export --release --test speed -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, reason = "tests")]

#[test]
fn the_speed_measure_checks_a_made_up_export() {
    let speed = export::verify_speed(500, false).unwrap();
    assert_eq!(speed.events, 500);
    assert!(speed.bytes > 500 * 500);
    let speed = export::verify_speed(500, true).unwrap();
    assert!(speed.gzip && speed.file_bytes < speed.bytes);
}

#[test]
#[ignore = "benchmark: run with --release --ignored"]
fn verify_speed() {
    for gzip in [false, true] {
        let s = export::verify_speed(300_000, gzip).unwrap();
        println!(
            "verify (gzip={gzip}): {} events, {:.1} MB in {:.2?}: {:.0} MB/s ({} profile)",
            s.events,
            s.bytes as f64 / 1e6,
            s.elapsed,
            s.mb_per_s,
            if cfg!(debug_assertions) {
                "dev"
            } else {
                "release"
            }
        );
    }
}
