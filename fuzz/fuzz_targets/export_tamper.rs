//! Tampering with a valid export: the verifier never accepts a file mutated from a valid
//! export unless it says the same thing.
//!
//! Input: which export to start from (`dutytrace_fuzz::exports`, real exports: complete,
//! resumed after a position, filtered, gzip — edited packed, or unpacked and packed again),
//! then up to 8 edits of 4 bytes each: set a byte, flip a bit, delete or insert a byte,
//! drop, repeat or swap lines.
//!
//! Property: the mutated file, verified with the key that signed the original, is refused,
//! or it is the same export spelt otherwise — the same signed checkpoint and
//! - for a complete export, the same events (the exact canonical lines) in the same order,
//!   and the same range, count, filter and schema ids;
//! - for a filtered export, events each exactly one of the original's, in the original's
//!   order (a filtered export proves that each event it holds is in the log; by design it
//!   cannot prove that it holds every event matching its filter, so the range, count and
//!   filter in its header are claims the signature does not cover).
//!
//! And verifying without a key (the export's own) agrees with verifying with the key.

#![no_main]

use dutytrace_fuzz::exports::{Original, originals, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, edits)) = data.split_first() else {
        return;
    };
    let originals = originals();
    let original = &originals[usize::from(which) % originals.len()];
    // A gzip export is edited as it is (its CRC catches most edits), or, with the top bit
    // of the first byte set, unpacked, edited and packed again: what a forger would do.
    let repack = which & 0x80 != 0 && original.bytes.starts_with(&[0x1f, 0x8b]);
    let mut file = if repack {
        gunzip(original.bytes)
    } else {
        original.bytes.to_vec()
    };
    for edit in edits.chunks_exact(4).take(8) {
        apply(&mut file, edit);
    }
    if repack {
        file = gzip(&file);
    }
    if file == original.bytes {
        return;
    }
    let keyed = export::verify(file.as_slice(), Some(&original.key), &[]);
    let own = export::verify(file.as_slice(), None, &[]);
    assert_eq!(
        keyed.is_ok(),
        own.is_ok(),
        "with the key: {keyed:?}; with the export's own: {own:?}"
    );
    if let Ok(report) = keyed {
        same_export(original, &file, &report);
    }
});

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut out)
        .expect("the seed unpacks");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, bytes).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// One edit: `[op, offset (2 bytes), value]`.
fn apply(file: &mut Vec<u8>, edit: &[u8]) {
    if file.is_empty() {
        return;
    }
    let at = usize::from(u16::from_le_bytes([edit[1], edit[2]])) % file.len();
    let value = edit[3];
    match edit[0] % 7 {
        0 => file[at] = value,
        1 => file[at] ^= 1 << (value % 8),
        2 => {
            file.remove(at);
        }
        3 => file.insert(at, value),
        op => {
            // Line edits (on the bytes as they are: for gzip, on the compressed stream).
            let mut lines: Vec<Vec<u8>> = file
                .split_inclusive(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            let n = lines.len();
            let i = at % n;
            match op {
                4 => {
                    lines.remove(i);
                }
                5 => {
                    let line = lines[i].clone();
                    lines.insert(i, line);
                }
                _ => lines.swap(i, (i + 1 + usize::from(value)) % n),
            }
            *file = lines.concat();
        }
    }
}

fn same_export(original: &Original, file: &[u8], report: &export::VerifyReport) {
    let name = original.name;
    let want = &original.report;
    assert_eq!(
        report.checkpoint, want.checkpoint,
        "{name}: another checkpoint accepted"
    );
    let Some((_, events)) = split(file) else {
        panic!("{name}: accepted, but its lines are not an export's");
    };
    if want.complete {
        assert!(
            report.complete,
            "{name}: a complete export accepted as filtered"
        );
        assert_eq!(events, original.events, "{name}: other events accepted");
        assert_eq!(
            (report.from_position, report.to_position, report.events),
            (want.from_position, want.to_position, want.events),
            "{name}: another range accepted"
        );
        assert_eq!(report.filter, want.filter, "{name}");
        assert_eq!(
            report.schemas, want.schemas,
            "{name}: other schema ids accepted"
        );
    } else {
        let mut rest = original.events.iter();
        for e in &events {
            assert!(
                rest.any(|o| o == e),
                "{name}: an event not in the original, or out of its order, accepted: {e}"
            );
        }
        assert_eq!(report.events, events.len() as u64);
    }
}
