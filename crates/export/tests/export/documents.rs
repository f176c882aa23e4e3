//! Published-checkpoint files and inclusion-proof documents.

use event_store::{Filter, canonical_json};
use evidence::{Signer, hex};
use export::{ProofDocument, VerifyErrorKind, published_line, verify_checkpoints, verify_proof};

use crate::support::Log;

#[tokio::test]
async fn a_file_of_published_checkpoints_verifies_and_a_bad_line_is_named() {
    let log = Log::new();
    log.fill(0, 300).await;
    let conn = log.models.reader().unwrap();
    let sizes = [0u64, 50, 100, 100, 257, 300];
    let mut lines = Vec::new();
    for (i, &size) in sizes.iter().enumerate() {
        let proof = (i > 0).then(|| merkle::consistency(&conn, sizes[i - 1], size).unwrap());
        lines.push(published_line(&log.checkpoint_at(size), proof.as_deref()));
    }
    // As the notary writes them: no proof from size 0, nor between equal sizes.
    assert!(!lines[1].contains("consistency") && !lines[3].contains("consistency"));
    let file = lines.join("\n") + "\n\n";
    let published = verify_checkpoints(file.as_bytes(), &log.key()).unwrap();
    assert_eq!(published.checkpoints.len(), 6);
    assert_eq!(published.checkpoints[4].checkpoint.tree_size, 257);

    // The export verifies against them all.
    let export = log.export(Default::default()).await;
    let report =
        export::verify(export.as_slice(), Some(&log.key()), &published.checkpoints).unwrap();
    assert_eq!(report.published_checked, 6);

    // A line without its proof, a wrong proof, another key, a line that is not JSON.
    let mut missing = lines.clone();
    missing[2] = published_line(&log.checkpoint_at(100), None);
    let e = verify_checkpoints(missing.join("\n").as_bytes(), &log.key()).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Format);
    assert!(
        e.message.starts_with("line 3: no \"consistency\" proof"),
        "{e}"
    );

    let mut wrong = lines.clone();
    let bad = merkle::consistency(&conn, 100, 256).unwrap();
    wrong[3] = published_line(&log.checkpoint_at(257), Some(&bad));
    let e = verify_checkpoints(wrong.join("\n").as_bytes(), &log.key()).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Rewritten);
    assert!(
        e.message
            .starts_with("line 4: the tree of size 257 does not extend"),
        "{e}"
    );

    let mut foreign = lines.clone();
    let stranger = Signer::generate();
    foreign[2] = published_line(
        &stranger.sign(log.checkpoint_at(100).checkpoint),
        Some(&merkle::consistency(&conn, 50, 100).unwrap()),
    );
    let e = verify_checkpoints(foreign.join("\n").as_bytes(), &log.key()).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Signature);
    assert!(
        e.message
            .starts_with("line 3: the checkpoint is signed by key"),
        "{e}"
    );

    let mut garbage = lines.clone();
    garbage[4] = "{\"origin\":".into();
    let e = verify_checkpoints(garbage.join("\n").as_bytes(), &log.key()).unwrap_err();
    assert!(
        e.message.starts_with("line 5: not a JSON checkpoint"),
        "{e}"
    );
}

#[tokio::test]
async fn an_inclusion_proof_document_verifies_offline() {
    let log = Log::new();
    log.fill(0, 100).await;
    let conn = log.models.reader().unwrap();
    let checkpoint = log.checkpoint();
    let event = log
        .store
        .read_all(42, &Filter::all(), 1)
        .await
        .unwrap()
        .events
        .remove(0);
    let leaf = merkle::leaves(&conn, 42, 42).unwrap()[0].1;
    let proof = merkle::inclusion(&conn, 42, 100).unwrap();

    // As the API serves it: the event as a string, the checkpoint with it.
    let doc = ProofDocument::new(
        42,
        100,
        &leaf,
        &proof,
        Some(canonical_json(&event)),
        Some(checkpoint.clone()),
    );
    let json = serde_json::to_string(&doc).unwrap();
    assert!(json.contains("\"event\":\"{\\\"position\\\":42,"), "{json}");
    let report = verify_proof(&json, &log.key(), &[]).unwrap();
    assert_eq!(
        (report.position, report.tree_size, report.event_checked),
        (42, 100, true)
    );

    // The event embedded as JSON, as in an export line, also reads.
    let embedded = json.replace(
        &serde_json::to_string(&canonical_json(&event)).unwrap(),
        &canonical_json(&event),
    );
    assert_ne!(embedded, json);
    assert!(
        verify_proof(&embedded, &log.key(), &[])
            .unwrap()
            .event_checked
    );

    // No event; no checkpoint: checked against a published one of its size, or refused.
    let bare = ProofDocument::new(42, 100, &leaf, &proof, None, None);
    let bare = serde_json::to_string(&bare).unwrap();
    assert!(!bare.contains("\"event\""));
    let e = verify_proof(&bare, &log.key(), &[]).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Format);
    let older = [log.checkpoint_at(99), checkpoint.clone()];
    assert!(
        !verify_proof(&bare, &log.key(), &older)
            .unwrap()
            .event_checked
    );

    // The event altered: named as altered, since its leaf is in the tree.
    let altered = json.replace("\\\"n\\\":41}", "\\\"n\\\":40}");
    assert_ne!(altered, json);
    let e = verify_proof(&altered, &log.key(), &[]).unwrap_err();
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Altered, Some(42)));

    // A proof hash altered.
    let first = hex::encode(&proof[0]);
    let e = verify_proof(&json.replace(&first, &"0".repeat(64)), &log.key(), &[]).unwrap_err();
    assert_eq!((e.kind, e.position), (VerifyErrorKind::Proof, Some(42)));

    // Another key.
    let e = verify_proof(&json, &Signer::generate().public_key(), &[]).unwrap_err();
    assert_eq!(e.kind, VerifyErrorKind::Signature);
}
