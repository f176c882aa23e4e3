//! Signed checkpoints: signing, the note and JSON forms, and the ways a check fails.

#![allow(clippy::unwrap_used, reason = "tests")]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeZone as _, Utc};
use evidence::{
    Checkpoint, CheckpointError, KeyError, PublicKey, SignedCheckpoint, Signer, leaf_hash,
};

fn signer(seed: u8) -> Signer {
    Signer::from_secret_bytes(&[seed; 32])
}

fn checkpoint() -> Checkpoint {
    Checkpoint {
        origin: "dutytrace/7f3c2a10-district-demo".into(),
        tree_size: 15_004,
        root: leaf_hash(b"a root"),
        time: Utc.with_ymd_and_hms(2026, 6, 30, 23, 59, 59).unwrap(),
    }
}

#[test]
fn the_body_is_the_checkpoint_note_layout() {
    assert_eq!(
        checkpoint().body(),
        format!(
            "dutytrace/7f3c2a10-district-demo\n15004\n{}\n2026-06-30T23:59:59Z\n",
            base64_root()
        )
    );
}

fn base64_root() -> String {
    STANDARD.encode(leaf_hash(b"a root"))
}

#[test]
fn signs_and_verifies() {
    let signer = signer(1);
    let signed = signer.sign(checkpoint());
    assert_eq!(signed.checkpoint, checkpoint());
    assert_eq!(signed.key_id, signer.public_key().key_id());
    signed.verify(&signer.public_key()).unwrap();
}

#[test]
fn the_text_form_round_trips_and_is_exactly_as_documented() {
    let signed = signer(1).sign(checkpoint());
    let text = signed.to_text();
    let (body, signature_line) = text.split_once("\n\n").unwrap();
    assert_eq!(format!("{body}\n"), checkpoint().body());
    assert!(signature_line.starts_with("\u{2014} dutytrace/7f3c2a10-district-demo "));
    assert!(signature_line.ends_with('\n') && !signature_line.trim_end().contains('\n'));

    let parsed = SignedCheckpoint::from_text(&text).unwrap();
    assert_eq!(parsed, signed);
    assert_eq!(parsed.to_text(), text);
    parsed.verify(&signer(1).public_key()).unwrap();
    // Without the final newline too (a copy and paste loses it).
    assert_eq!(
        SignedCheckpoint::from_text(text.trim_end()).unwrap(),
        signed
    );
}

#[test]
fn sub_second_times_are_signed_to_the_second_and_still_round_trip() {
    let mut checkpoint = checkpoint();
    checkpoint.time = DateTime::from_timestamp(1_782_863_999, 987_654_321).unwrap();
    let signed = signer(1).sign(checkpoint);
    assert_eq!(signed.checkpoint.time.timestamp_subsec_nanos(), 0);
    assert_eq!(
        SignedCheckpoint::from_text(&signed.to_text()).unwrap(),
        signed
    );
    signed.verify(&signer(1).public_key()).unwrap();
}

#[test]
fn another_key_is_refused() {
    let signed = signer(1).sign(checkpoint());
    let other = signer(2).public_key();
    assert_eq!(
        signed.verify(&other),
        Err(CheckpointError::WrongKey {
            expected_key_id: other.key_id(),
            got: signer(1).public_key().key_id(),
        })
    );
    // A forger who relabels the signature with the expected key id still fails.
    let mut relabelled = signed.clone();
    relabelled.key_id = other.key_id();
    assert_eq!(
        relabelled.verify(&other),
        Err(CheckpointError::BadSignature)
    );
}

#[test]
fn any_altered_character_of_the_body_is_refused() {
    let key = signer(1).public_key();
    let text = signer(1).sign(checkpoint()).to_text();
    let body_len = checkpoint().body().len();
    let (mut refused, mut by_signature) = (0, 0);
    for (at, original) in text[..body_len].char_indices() {
        if original == '\n' {
            continue;
        }
        let replacement = if original == '1' { '2' } else { '1' };
        let altered = format!(
            "{}{replacement}{}",
            &text[..at],
            &text[at + original.len_utf8()..]
        );
        match SignedCheckpoint::from_text(&altered) {
            // Still well-formed (a digit of the size, a letter of the origin or the root):
            // the signature must catch it.
            Ok(parsed) => {
                assert_eq!(
                    parsed.verify(&key),
                    Err(CheckpointError::BadSignature),
                    "altered at {at}: {altered:?}"
                );
                by_signature += 1;
            }
            // The origin no longer matches the signature line, or a field became invalid.
            Err(CheckpointError::Malformed { .. }) => {}
            Err(other) => panic!("altered at {at}: unexpected {other}"),
        }
        refused += 1;
    }
    assert!(
        refused > 100 && by_signature > 50,
        "{refused} {by_signature}"
    );

    // A field changed in the struct is caught the same way.
    let mut signed = signer(1).sign(checkpoint());
    signed.checkpoint.tree_size += 1;
    assert_eq!(signed.verify(&key), Err(CheckpointError::BadSignature));
}

#[test]
fn an_altered_signature_is_refused() {
    let key = signer(1).public_key();
    let mut signed = signer(1).sign(checkpoint());
    signed.signature[10] ^= 0x01;
    assert_eq!(signed.verify(&key), Err(CheckpointError::BadSignature));
}

#[test]
fn malformed_notes_name_the_line() {
    let good = signer(1).sign(checkpoint()).to_text();
    let lines: Vec<&str> = good.lines().collect();
    let with_line = |n: usize, replacement: &str| {
        let mut lines = lines.clone();
        lines[n - 1] = replacement;
        lines.join("\n") + "\n"
    };
    let cases = [
        (with_line(1, ""), 1, "empty"),
        (with_line(1, "dutytrace/a b"), 1, "whitespace"),
        (with_line(2, "015004"), 2, "leading zeros"),
        (with_line(2, "-1"), 2, "decimal number"),
        (with_line(2, "99999999999999999999"), 2, "too large"),
        (with_line(3, "not base64"), 3, "base64"),
        (with_line(3, "AAAA"), 3, "3 bytes, not 32"),
        (
            with_line(4, "2026-06-30T23:59:59+00:00"),
            4,
            "UTC whole seconds",
        ),
        (
            with_line(4, "2026-06-30T23:59:59.5Z"),
            4,
            "UTC whole seconds",
        ),
        (with_line(4, "30 June 2026"), 4, "RFC 3339"),
        (with_line(5, "x"), 5, "empty line"),
        (
            with_line(6, "- dutytrace/7f3c2a10-district-demo AAAA"),
            6,
            "EM DASH",
        ),
        (
            with_line(6, "\u{2014} dutytrace/elsewhere AAAA"),
            6,
            "origin is",
        ),
        (
            with_line(6, "\u{2014} dutytrace/7f3c2a10-district-demo AAAA"),
            6,
            "expected 68",
        ),
        (good.replace('\n', "\r\n"), 1, "carriage return"),
        (lines[..4].join("\n") + "\n", 5, "ends early"),
        (
            good.clone() + "\u{2014} cosigner AAAA\n",
            7,
            "only one signature",
        ),
    ];
    for (text, expected_line, expected_reason) in cases {
        match SignedCheckpoint::from_text(&text) {
            Err(CheckpointError::Malformed { line, reason }) => {
                assert_eq!(line, expected_line, "{text:?}: {reason}");
                assert!(
                    reason.contains(expected_reason),
                    "{text:?}: {reason:?} does not say {expected_reason:?}"
                );
            }
            other => panic!("{text:?} gave {other:?}"),
        }
    }
}

#[test]
fn json_has_the_served_shape_and_round_trips() {
    let signed = signer(1).sign(checkpoint());
    let json = serde_json::to_value(&signed).unwrap();
    let signature = STANDARD.encode(signed.signature);
    assert_eq!(
        json,
        serde_json::json!({
            "origin": "dutytrace/7f3c2a10-district-demo",
            "tree_size": 15004,
            "root": evidence::hex::encode(&leaf_hash(b"a root")),
            "time": "2026-06-30T23:59:59Z",
            "key_id": signer(1).public_key().key_id(),
            "signature": signature,
        })
    );
    let back: SignedCheckpoint = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, signed);

    let mut bad = json;
    bad["root"] = "abc".into();
    let error = serde_json::from_value::<SignedCheckpoint>(bad)
        .unwrap_err()
        .to_string();
    assert!(error.contains("field `root`"), "{error}");
}

#[test]
fn public_keys_parse_from_hex_and_base64() {
    let key = signer(3).public_key();
    let hex = key.to_hex();
    let b64 = key.to_base64();
    assert_eq!(hex.len(), 64);
    assert_eq!(b64.len(), 44);
    let url_safe_no_pad = b64
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_");
    for text in [
        hex.clone(),
        hex.to_uppercase(),
        format!("  {hex}\n"),
        b64.clone(),
        format!("{b64}\n"),
        b64.trim_end_matches('=').to_owned(),
        url_safe_no_pad,
    ] {
        assert_eq!(PublicKey::parse(&text), Ok(key), "{text:?}");
    }
    assert_eq!(hex.parse::<PublicKey>(), Ok(key));
    assert_eq!(key.to_string(), hex);
}

#[test]
fn bad_public_keys_say_what_is_wrong() {
    let hex = signer(3).public_key().to_hex();
    assert_eq!(PublicKey::parse("  \n"), Err(KeyError::Empty));
    let short = PublicKey::parse(&hex[..62]).unwrap_err();
    assert_eq!(short, KeyError::WrongLength { chars: 62 });
    assert!(
        short.to_string().contains("64 hex characters or 44 base64"),
        "{short}"
    );
    assert!(short.to_string().contains("got 62"), "{short}");
    let not_hex = format!("{}zz", &hex[..62]);
    let error = PublicKey::parse(&not_hex).unwrap_err();
    assert!(matches!(error, KeyError::InvalidHex { .. }), "{error:?}");
    assert!(error.to_string().contains("'z'"), "{error}");
    let not_base64 = "!".repeat(44);
    assert!(matches!(
        PublicKey::parse(&not_base64),
        Err(KeyError::InvalidBase64 { .. })
    ));
    // 33 bytes in 44 unpadded characters.
    assert!(matches!(
        PublicKey::parse(&"A".repeat(44)),
        Err(KeyError::InvalidBase64 { .. })
    ));
    // The identity point has small order: no key at all.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let error = PublicKey::from_bytes(&identity).unwrap_err();
    assert!(matches!(error, KeyError::NotAKey { .. }), "{error:?}");
    assert!(matches!(
        PublicKey::parse(&evidence::hex::encode(&identity)),
        Err(KeyError::NotAKey { .. })
    ));
}

#[test]
fn keys_round_trip_and_never_print_the_secret() {
    let signer = Signer::generate();
    let secret = signer.secret_bytes();
    let again = Signer::from_secret_bytes(&secret);
    assert_eq!(again.public_key(), signer.public_key());
    assert_ne!(Signer::generate().public_key(), signer.public_key());

    let debug = format!("{signer:?} {signer:#?}");
    assert!(!debug.contains(&evidence::hex::encode(&secret)), "{debug}");
    assert!(debug.contains(&signer.public_key().key_id()), "{debug}");
    for window in secret.windows(4) {
        assert!(!debug.contains(&format!(
            "{}, {}, {}, {}",
            window[0], window[1], window[2], window[3]
        )));
    }

    let key_id = signer.public_key().key_id();
    assert_eq!(key_id.len(), 8);
    assert!(
        key_id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
}
