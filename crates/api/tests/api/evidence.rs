//! Tamper evidence through the API: checkpoints signed over the Merkle tree of the whole
//! log, verified with the served public key against a root recomputed here from the log
//! itself; inclusion and consistency proofs; the published file; who may ask; and an
//! auditor's as-of board equal to the board the API answered at that instant.

use crate::access::World;
use crate::support::at;
use axum::http::StatusCode;
use event_store::{Filter, canonical_json};
use evidence::{PublicKey, SignedCheckpoint, hex};
use serde_json::{Value, json};

fn hash(v: &Value) -> evidence::Hash {
    hex::decode_hash(v.as_str().unwrap()).unwrap()
}

fn hashes(v: &Value) -> Vec<evidence::Hash> {
    v.as_array().unwrap().iter().map(hash).collect()
}

/// The roots of every prefix of the log, recomputed from its canonical lines.
async fn roots_of(w: &World) -> Vec<evidence::Hash> {
    let events =
        w.t.store
            .read_all(1, &Filter::all(), 1_000_000)
            .await
            .unwrap()
            .events;
    let mut hasher = evidence::Hasher::new();
    let mut roots = vec![evidence::empty_root()];
    for e in &events {
        hasher.push(evidence::leaf_hash(canonical_json(e).as_bytes()));
        roots.push(hasher.root());
    }
    roots
}

async fn key(w: &World) -> PublicKey {
    let r = w.t.get("/api/v1/checkpoints/public-key").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.ends_with('\n'), "{:?}", r.text);
    PublicKey::parse(&r.text).unwrap()
}

fn signed(v: &Value) -> SignedCheckpoint {
    serde_json::from_value(v.clone()).unwrap()
}

#[tokio::test]
async fn checkpoints_sign_the_log_and_proofs_verify_against_them() {
    let w = World::build().await;
    let key = key(&w).await;
    let head = w.t.store.head().await.unwrap();
    let first = w.t.get("/api/v1/checkpoints/latest").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json["tree_size"], head);
    let first_signed = signed(&first.json);
    first_signed.verify(&key).unwrap();
    let roots = roots_of(&w).await;
    assert_eq!(first_signed.checkpoint.root, roots[head as usize]);
    // Asked again with nothing new: the same checkpoint, not another.
    let again = w.t.get("/api/v1/checkpoints/latest").await;
    assert_eq!(again.json, first.json);

    // Every event's inclusion proof verifies with its recomputed leaf.
    for position in [1, 2, head / 2, head] {
        let p =
            w.t.get(&format!("/api/v1/proofs/inclusion?position={position}"))
                .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        let event = p.json["event"].as_str().unwrap();
        let leaf = evidence::leaf_hash(event.as_bytes());
        assert_eq!(leaf, hash(&p.json["leaf"]));
        assert_eq!(p.json["checkpoint"], first.json);
        evidence::verify_inclusion(
            &leaf,
            position - 1,
            head,
            &hashes(&p.json["proof"]),
            &roots[head as usize],
        )
        .unwrap();
        // The event is the log's.
        let stored = event_store::canonical::parse(event).unwrap();
        assert_eq!(stored.position, position);
    }

    // The log grows; a checkpoint on demand; the consistency proof between the two.
    let r =
        w.t.post(
            "/api/v1/units",
            json!({"name": "区审计局党组", "kind": "party_group"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let later = w.t.post("/api/v1/checkpoints", json!(null)).await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.text);
    let later_signed = signed(&later.json);
    later_signed.verify(&key).unwrap();
    let size = later_signed.checkpoint.tree_size;
    assert!(size > head);
    let roots = roots_of(&w).await;
    assert_eq!(later_signed.checkpoint.root, roots[size as usize]);
    let c =
        w.t.get(&format!("/api/v1/proofs/consistency?from={head}"))
            .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.json["to"], size);
    evidence::verify_consistency(
        head,
        size,
        &roots[head as usize],
        &roots[size as usize],
        &hashes(&c.json["proof"]),
    )
    .unwrap();
    // An older tree inside a newer one: proof of an event at an older size.
    let old =
        w.t.get(&format!(
            "/api/v1/proofs/inclusion?position=3&tree_size={head}"
        ))
        .await;
    assert_eq!(old.json["checkpoint"], Value::Null);
    let leaf = hash(&old.json["leaf"]);
    evidence::verify_inclusion(
        &leaf,
        2,
        head,
        &hashes(&old.json["proof"]),
        &roots[head as usize],
    )
    .unwrap();

    // The published file: both checkpoints, the second with its consistency proof.
    let published = std::fs::read_to_string(w.t.dir.path().join("log.checkpoints.jsonl")).unwrap();
    let lines: Vec<Value> = published
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{published}");
    assert_eq!(
        api::notary::Published::parse(published.lines().nth(1).unwrap())
            .unwrap()
            .checkpoint,
        later_signed
    );
    evidence::verify_consistency(
        head,
        size,
        &roots[head as usize],
        &roots[size as usize],
        &hashes(&lines[1]["consistency"]),
    )
    .unwrap();
    // The key file is the service's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.t.dir.path().join("log.signing.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    // Bad questions, and who may ask.
    for (path, field) in [
        ("/api/v1/proofs/inclusion?position=0".to_owned(), "position"),
        (
            format!("/api/v1/proofs/inclusion?position={}", size + 1),
            "position",
        ),
        (
            format!("/api/v1/proofs/inclusion?position=1&tree_size={}", size + 5),
            "tree_size",
        ),
        (
            format!("/api/v1/proofs/consistency?from={}", size + 1),
            "from",
        ),
        // Below the description's minimum of 1, each named itself.
        (
            "/api/v1/proofs/inclusion?position=1&tree_size=0".to_owned(),
            "tree_size",
        ),
        ("/api/v1/proofs/consistency?from=0".to_owned(), "from"),
        ("/api/v1/proofs/consistency?from=1&to=0".to_owned(), "to"),
    ] {
        let r = w.t.get(&path).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field, "{path}");
    }
    // The minimum itself is a tree: the first event's.
    for path in [
        "/api/v1/proofs/inclusion?position=1&tree_size=1",
        "/api/v1/proofs/consistency?from=1&to=1",
    ] {
        let r = w.t.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    }
    for (role, status) in [
        ("regulator", StatusCode::OK),
        ("auditor", StatusCode::OK),
        ("team_member", StatusCode::FORBIDDEN),
        ("discipline_group", StatusCode::FORBIDDEN),
    ] {
        let r =
            w.t.call(
                "GET",
                "/api/v1/proofs/inclusion?position=1",
                None,
                &[("authorization", &w.token[role])],
            )
            .await;
        assert_eq!(r.status, status, "{role}: {}", r.text);
        let latest =
            w.t.call(
                "GET",
                "/api/v1/checkpoints/latest",
                None,
                &[("authorization", &w.token[role])],
            )
            .await;
        assert_eq!(latest.status, StatusCode::OK, "{role}");
    }
}

#[tokio::test]
async fn an_auditors_as_of_board_is_the_board_the_api_answered_then() {
    let w = World::build().await;
    w.t.clock.set(at("2026-12-20T10:00:00+08:00"));
    // What the board showed on 20 December, saved.
    let then = w.t.get("/api/v1/board").await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.text);
    let instant = then.json["as_of"].as_str().unwrap().to_owned();
    let unit =
        w.t.get(&format!("/api/v1/units/{}/obligations", w.id["unit_a"]))
            .await;
    // Later: deadlines pass, entries are recorded and backfilled.
    w.t.clock.set(at("2027-01-10T09:00:00+08:00"));
    let entry = json!({"performed_on": "2026-12-30", "content": "召开党风廉政建设专题会议", "attachments": []});
    let r =
        w.t.call(
            "POST",
            &format!("/api/v1/obligations/{}/entries", w.obligation["pa"]),
            Some(entry),
            &[("authorization", &w.token["principal_leader"])],
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let now = w.t.get("/api/v1/board").await;
    assert_ne!(
        now.json["totals"], then.json["totals"],
        "the board moved on"
    );
    // The auditor asks as of that instant and gets exactly what was answered then.
    let q = instant.replace('+', "%2B");
    let replay =
        w.t.call(
            "GET",
            &format!("/api/v1/board?as_of={q}"),
            None,
            &[("authorization", &w.token["auditor"])],
        )
        .await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text);
    assert_eq!(replay.json, then.json);
    let replay_unit =
        w.t.call(
            "GET",
            &format!("/api/v1/units/{}/obligations?as_of={q}", w.id["unit_a"]),
            None,
            &[("authorization", &w.token["auditor"])],
        )
        .await;
    assert_eq!(replay_unit.json, unit.json);
}

#[tokio::test]
async fn a_regulators_export_verifies_offline_and_others_may_not_export() {
    let w = World::build().await;
    let key = key(&w).await;
    let head = w.t.store.head().await.unwrap();
    let r =
        w.t.call(
            "GET",
            "/api/v1/export",
            None,
            &[("authorization", &w.token["regulator"])],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.content_type, "application/x-ndjson");
    let report = export::verify(r.text.as_bytes(), Some(&key), &[]).unwrap();
    assert!(report.complete);
    assert_eq!(report.events, head);
    // Filtered by category: each event with its proof.
    let r =
        w.t.call(
            "GET",
            "/api/v1/export?category=unit",
            None,
            &[("authorization", &w.token["regulator"])],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let report = export::verify(r.text.as_bytes(), Some(&key), &[]).unwrap();
    assert!(!report.complete);
    assert_eq!(report.events, 2, "the two units");
    // One byte altered in transit: refused, naming the event.
    let line = r.text.lines().nth(1).unwrap();
    let altered = r
        .text
        .replacen(line, &line.replacen("party_group", "partz_group", 1), 1);
    let err = export::verify(altered.as_bytes(), Some(&key), &[]).unwrap_err();
    assert!(err.position.is_some(), "{err}");
    for (query, field) in [
        ("recorded_from=yesterday", "recorded_from"),
        ("stream=unit-1&category=cadre", "query"),
    ] {
        let r = w.t.get(&format!("/api/v1/export?{query}")).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field, "{query}");
    }
    let r =
        w.t.call(
            "GET",
            "/api/v1/export",
            None,
            &[("authorization", &w.token["principal_leader"])],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
