//! Every kind of tampering with an export is caught, and the first bad position named.

use event_store::{Actor, Category, EventType, NewEvent, Payload};
use evidence::Signer;
use export::{ExportRequest, VerifyError, VerifyErrorKind};

use crate::support::{Log, event, header, join, line_of, lines, recorded};

fn fails(log: &Log, file: &[u8]) -> VerifyError {
    match export::verify(file, Some(&log.key()), &[]) {
        Ok(report) => panic!("verified: {report:?}"),
        Err(e) => e,
    }
}

async fn complete(log: &Log) -> Vec<String> {
    lines(&log.export(ExportRequest::default()).await)
}

#[tokio::test]
async fn a_file_cut_short_is_truncated() {
    let log = Log::new();
    log.fill(0, 300).await;
    let all = complete(&log).await;

    let e = fails(&log, &join(&all[..all.len() - 10]));
    assert_eq!(e.kind, VerifyErrorKind::Truncated);
    assert_eq!(e.position, Some(291));
    assert_eq!(
        e.message,
        "truncated: the last event is 290, the checkpoint covers 300"
    );

    // Cut inside a line.
    let file = join(&all);
    let e = fails(&log, &file[..file.len() - 40]);
    assert_eq!(e.kind, VerifyErrorKind::Truncated, "{e:?}");

    // Cut inside the gzip stream.
    let gz = log
        .export(ExportRequest {
            gzip: true,
            ..Default::default()
        })
        .await;
    let e = fails(&log, &gz[..gz.len() / 2]);
    assert_eq!(e.kind, VerifyErrorKind::Truncated, "{e:?}");

    // Only the header.
    let e = fails(&log, &join(&all[..1]));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Truncated, Some(1)));
}

#[tokio::test]
async fn a_missing_repeated_or_reordered_line_names_the_first_bad_position() {
    let log = Log::new();
    log.fill(0, 300).await;
    let all = complete(&log).await;
    let at = line_of(&all, 42);

    let mut swapped = all.clone();
    swapped.swap(at, at + 1);
    let e = fails(&log, &join(&swapped));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Sequence, Some(42)));
    assert_eq!(
        e.message,
        "position 42 is missing (the export goes from 41 to 43)"
    );

    let mut deleted = all.clone();
    deleted.remove(at);
    let e = fails(&log, &join(&deleted));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Sequence, Some(42)));
    assert_eq!(
        e.message,
        "position 42 is missing (the export goes from 41 to 43)"
    );

    let mut repeated = all.clone();
    repeated.insert(at, all[at].clone());
    let e = fails(&log, &join(&repeated));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Sequence, Some(43)));
    assert!(e.message.contains("position 42 is repeated"), "{e}");

    let mut moved = all.clone();
    let line = moved.remove(line_of(&all, 7));
    moved.insert(at, line);
    let e = fails(&log, &join(&moved));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Sequence, Some(7)));

    let mut extra = all.clone();
    extra.push(all[1].clone());
    let e = fails(&log, &join(&extra));
    assert_eq!(e.kind, VerifyErrorKind::Sequence);
}

#[tokio::test]
async fn one_byte_of_one_payload_altered_is_named_by_its_position() {
    let log = Log::new();
    log.fill(0, 300).await;
    let mut all = complete(&log).await;
    // Position 57 is event 56: its payload ends with "n":56.
    let at = line_of(&all, 57);
    assert!(all[at].ends_with("\"n\":56}}}"));
    all[at] = all[at].replace("\"n\":56}}", "\"n\":58}}");
    let e = fails(&log, &join(&all));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Altered, Some(57)));
    assert_eq!(
        e.message,
        "position 57: its content does not hash to its leaf in the signed tree (altered after it was recorded)"
    );

    // The same in a gzipped export.
    let gz = {
        use std::io::Write as _;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&join(&all)).unwrap();
        enc.finish().unwrap()
    };
    let e = fails(&log, &gz);
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Altered, Some(57)));
}

#[tokio::test]
async fn an_altered_leaf_or_an_event_not_in_canonical_form_is_refused() {
    let log = Log::new();
    log.fill(0, 100).await;
    let all = complete(&log).await;
    let at = line_of(&all, 57);

    // The content is what was signed, but a leaf was changed: the tree no longer adds up.
    let mut leaf = all.clone();
    let old = &all[at][9..73];
    leaf[at] = all[at].replacen(old, &"0".repeat(64), 1);
    let e = fails(&log, &join(&leaf));
    assert_eq!(e.kind, VerifyErrorKind::RootMismatch, "{e:?}");
    assert_eq!(e.position, Some(57));
    assert!(
        e.message
            .starts_with("the leaves do not add up to the signed root")
    );

    // The event re-spelt (same data, a space): not canonical, so not the signed bytes.
    let mut spelt = all.clone();
    spelt[at] = all[at].replacen("\"version\":", "\"version\": ", 1);
    let e = fails(&log, &join(&spelt));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Format, Some(57)));
    assert!(e.message.contains("not a canonical event line"), "{e}");

    // A header whose checkpoint has another size than the export says.
    let mut h = header(&join(&all));
    h["to_position"] = 99.into();
    let mut short = all.clone();
    short[0] = h.to_string();
    let e = fails(&log, &join(&short));
    assert_eq!(e.kind, VerifyErrorKind::Format);
}

#[tokio::test]
async fn a_checkpoint_signed_by_another_key_is_refused_naming_the_key() {
    let log = Log::new();
    log.fill(0, 60).await;
    let all = complete(&log).await;
    let intruder = Signer::generate();

    // The header's checkpoint re-signed by another key (same size and root).
    let mut h = header(&join(&all));
    let forged = intruder.sign(log.checkpoint().checkpoint);
    h["checkpoint"] = serde_json::to_value(&forged).unwrap();
    let mut file = all.clone();
    file[0] = h.to_string();
    let e = fails(&log, &join(&file));
    assert_eq!(e.kind, VerifyErrorKind::Signature);
    assert_eq!(
        e.message,
        format!(
            "the export's checkpoint is signed by key {}, not by the given key {}",
            intruder.public_key().key_id(),
            log.key().key_id()
        )
    );
    // Without a key, the header's own key does not sign it either.
    let e = export::verify(join(&file).as_slice(), None, &[]).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Signature);

    // A valid export checked with the wrong --public-key.
    let e = export::verify(join(&all).as_slice(), Some(&intruder.public_key()), &[]).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Signature);
    assert!(e.message.contains(&log.key().key_id()), "{e}");
    assert!(e.message.contains(&intruder.public_key().key_id()), "{e}");

    // The checkpoint's size changed after signing.
    let mut h = header(&join(&all));
    h["checkpoint"]["tree_size"] = 59.into();
    h["to_position"] = 59.into();
    h["events"] = 59.into();
    let mut resized = all[..60].to_vec();
    resized[0] = h.to_string();
    let e = fails(&log, &join(&resized));
    assert_eq!(e.kind, VerifyErrorKind::Signature);
    assert!(e.message.contains("does not verify"), "{e}");
}

#[tokio::test]
async fn a_bad_proof_or_altered_event_in_a_filtered_export_is_named() {
    let log = Log::new();
    log.fill(0, 300).await;
    let request = ExportRequest {
        category: Some(Category::new("problem").unwrap()),
        ..Default::default()
    };
    let all = lines(&log.export(request).await);
    // Position 123 is event 122, a problem.
    let at = line_of(&all, 123);

    let mut bad_proof = all.clone();
    let proof_start = bad_proof[at].find("\"proof\":[\"").unwrap() + 10;
    let flipped = if &bad_proof[at][proof_start..=proof_start] == "0" {
        "1"
    } else {
        "0"
    };
    bad_proof[at].replace_range(proof_start..=proof_start, flipped);
    let e = fails(&log, &join(&bad_proof));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Proof, Some(123)));
    assert!(
        e.message
            .starts_with("position 123: its inclusion proof does not verify")
    );

    let mut short_proof = all.clone();
    short_proof[at] = all[at].replacen("\"proof\":[\"", "\"proof\":[\"00\",\"", 1);
    let e = fails(&log, &join(&short_proof));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Format, Some(123)));

    let mut altered = all.clone();
    altered[at] = all[at].replace("\"n\":122}}", "\"n\":123}}");
    let e = fails(&log, &join(&altered));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Altered, Some(123)));

    let mut swapped = all.clone();
    swapped.swap(at, at + 1);
    let e = fails(&log, &join(&swapped));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Sequence, Some(123)));
    assert_eq!(
        e.message,
        "position 123 is out of order (it comes after 127)"
    );

    let mut deleted = all.clone();
    deleted.remove(at);
    let e = fails(&log, &join(&deleted));
    assert_eq!(e.kind, VerifyErrorKind::Truncated);

    // An event of another category slipped in, with a valid proof.
    let complete = complete(&log).await;
    let mut smuggled = all.clone();
    let other = &complete[line_of(&complete, 124)];
    let proof = lines(
        &log.export(ExportRequest {
            category: Some(Category::new("cadre").unwrap()),
            ..Default::default()
        })
        .await,
    );
    let with_proof = &proof[line_of(&proof, 124)];
    assert!(other.ends_with(&with_proof[with_proof.find(",\"event\":").unwrap()..]));
    smuggled.insert(at + 1, with_proof.clone());
    let e = fails(&log, &join(&smuggled));
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Filter, Some(124)));
}

#[tokio::test]
async fn a_log_rewritten_after_a_checkpoint_was_published_is_caught_by_that_checkpoint() {
    let original = Log::new();
    original.fill(0, 300).await;
    let published = [original.checkpoint_at(50)];

    // The same log, signed by the same (leaked) key, but event 10 (i = 9) says otherwise; its
    // tree and checkpoint are recomputed consistently.
    let rewritten = Log::with_signer(original.signer.clone());
    let forged = |i: u64| {
        if i == 9 {
            NewEvent::new(
                EventType::new("DutyRecorded").unwrap(),
                Payload::from_json(r#"{"summary":"此记录已被篡改","n":9}"#).unwrap(),
                Actor::new("user:管理员").unwrap(),
                recorded(i),
            )
            .with_id(event(i).event_id)
        } else {
            event(i)
        }
    };
    rewritten.fill_with(0, 300, forged).await;
    assert_eq!(
        original.checkpoint_at(9).checkpoint.root,
        rewritten.checkpoint_at(9).checkpoint.root
    );
    assert_ne!(
        original.checkpoint_at(10).checkpoint.root,
        rewritten.checkpoint_at(10).checkpoint.root
    );

    let file = rewritten.export(ExportRequest::default()).await;
    // On its own, the rewritten export checks out: only the published checkpoint shows it.
    rewritten.verify(&file);
    let e = export::verify(file.as_slice(), Some(&original.key()), &published).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Rewritten);
    assert!(
        e.message.starts_with(&format!(
            "the published checkpoint of size 50 ({}) has root",
            recorded(50).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )),
        "{e}"
    );
    assert!(
        e.message.contains("rewritten at or before position 50"),
        "{e}"
    );

    // A published checkpoint signed by another key is refused, named.
    let stranger = Log::new();
    stranger.fill(0, 5).await;
    let e = export::verify(
        file.as_slice(),
        Some(&original.key()),
        &[stranger.checkpoint_at(5)],
    )
    .unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Signature);
    assert!(
        e.message
            .starts_with("the published checkpoint of size 5 ("),
        "{e}"
    );
}
