//! The offline verifier, as `dutytrace verify FILE` runs it: the file's kind from its start
//! (`export::file_kind`), then `export::verify` (an NDJSON export, plain or gzip),
//! `export::verify_proof` (an inclusion-proof document) or `export::verify_checkpoints` (a
//! file of published checkpoints), with the key that signed the seeds and with none.
//!
//! Input: any file (see `corpus/export_verify/`: real exports, complete, resumed and
//! filtered, plain and gzip).
//!
//! Properties, beyond "no panic, no hang" (every line is bounded, gzip is streamed):
//! - an export accepted without a key is accepted with the key it names, and the other way
//!   round when that key is the seeds' key;
//! - an accepted export's report holds together: its checkpoint verifies with the key; a
//!   complete export has exactly the events of its range, up to the checkpoint's size;
//! - whatever is accepted with the seeds' key is signed by it: the fuzzer cannot forge a
//!   signature, so an accepted checkpoint is one of the seeds'.

#![no_main]

use dutytrace_fuzz::exports::originals;
use export::FileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let originals = originals();
    let key = &originals[0].key;
    let known: Vec<_> = originals.iter().map(|o| &o.report.checkpoint).collect();
    match export::file_kind(data) {
        Some(FileKind::Export) => {
            let keyed = export::verify(data, Some(key), &[]);
            let own = export::verify(data, None, &[]);
            if let Ok(report) = &own {
                assert!(!report.key_given);
                if report.checkpoint.verify(key).is_ok() {
                    assert!(
                        keyed.is_ok(),
                        "accepted with its own key, not with the same key given"
                    );
                }
            }
            let Ok(report) = keyed else {
                return;
            };
            assert!(
                own.is_ok(),
                "accepted with the key, not with the same key it names"
            );
            assert!(report.key_given);
            assert!(report.checkpoint.verify(key).is_ok());
            assert!(
                known.contains(&&report.checkpoint),
                "accepted a checkpoint the seeds' key never signed"
            );
            let cp = &report.checkpoint.checkpoint;
            if report.complete {
                assert_eq!(report.to_position, cp.tree_size);
                assert_eq!(report.events, report.to_position + 1 - report.from_position);
            } else {
                assert!(report.to_position <= cp.tree_size);
            }
        }
        Some(FileKind::Proof) => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            let published: Vec<_> = known.iter().map(|&c| c.clone()).collect();
            if let Ok(report) = export::verify_proof(text, key, &published) {
                assert!(report.position >= 1 && report.position <= report.tree_size);
                assert!(known.contains(&&report.checkpoint));
            }
        }
        Some(FileKind::Checkpoints) => {
            if let Ok(checked) = export::verify_checkpoints(data, key) {
                for cp in &checked.checkpoints {
                    assert!(cp.verify(key).is_ok());
                }
            }
        }
        None => {
            // Nothing verify reads; the verifier still refuses it without panicking.
            assert!(export::verify(data, Some(key), &[]).is_err());
        }
    }
});
