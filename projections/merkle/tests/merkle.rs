//! The tree kept by the projector: its roots equal a root recomputed from the log's
//! canonical lines, every inclusion and consistency proof verifies, and a rebuild from
//! zero gives the same tree.

#![allow(clippy::unwrap_used, reason = "tests")]

use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, Filter, NewEvent, Payload, StreamName,
    canonical_json,
};
use merkle::Merkle;
use projector::{ReadModels, catch_up, rebuild};
use std::sync::Arc;
use store_sqlite::SqliteStore;

async fn append(store: &Arc<dyn EventStore>, n: usize, from: usize) {
    for i in from..from + n {
        let stream = StreamName::new(format!("unit-{}", i % 7)).unwrap();
        let e = NewEvent::new(
            EventType::new("UnitRegistered").unwrap(),
            Payload::from_json(format!(r#"{{"name":"单位{i}","n":{i}}}"#)).unwrap(),
            Actor::new("user:admin").unwrap(),
            chrono::Utc::now(),
        );
        store
            .append(&stream, ExpectedVersion::Any, vec![e])
            .await
            .unwrap();
    }
}

/// The leaves recomputed from the log itself.
async fn leaves_of_log(store: &Arc<dyn EventStore>) -> Vec<evidence::Hash> {
    let page = store.read_all(1, &Filter::all(), 100_000).await.unwrap();
    page.events
        .iter()
        .map(|e| evidence::leaf_hash(canonical_json(e).as_bytes()))
        .collect()
}

#[tokio::test]
async fn the_tree_follows_the_log_and_every_proof_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), Default::default()).unwrap());
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    append(&store, 37, 0).await;
    catch_up(store.clone(), &models, Arc::new(Merkle))
        .await
        .unwrap();
    append(&store, 28, 37).await;
    catch_up(store.clone(), &models, Arc::new(Merkle))
        .await
        .unwrap();

    let leaves = leaves_of_log(&store).await;
    assert_eq!(leaves.len(), 65);
    let conn = models.reader().unwrap();
    assert_eq!(merkle::size(&conn).unwrap(), 65);
    let mut hasher = evidence::Hasher::new();
    let mut roots = vec![evidence::empty_root()];
    for leaf in &leaves {
        hasher.push(*leaf);
        roots.push(hasher.root());
    }
    for (n, want) in roots.iter().enumerate() {
        assert_eq!(&merkle::root(&conn, n as u64).unwrap(), want, "root of {n}");
    }
    let stored = merkle::leaves(&conn, 1, 65).unwrap();
    assert_eq!(stored.len(), 65);
    for (i, (position, leaf)) in stored.iter().enumerate() {
        assert_eq!(*position, i as u64 + 1);
        assert_eq!(leaf, &leaves[i]);
    }
    for size in [1u64, 2, 3, 31, 32, 33, 64, 65] {
        for position in 1..=size {
            let proof = merkle::inclusion(&conn, position, size).unwrap();
            evidence::verify_inclusion(
                &leaves[position as usize - 1],
                position - 1,
                size,
                &proof,
                &roots[size as usize],
            )
            .unwrap();
        }
        for old in 1..=size {
            let proof = merkle::consistency(&conn, old, size).unwrap();
            evidence::verify_consistency(
                old,
                size,
                &roots[old as usize],
                &roots[size as usize],
                &proof,
            )
            .unwrap();
        }
    }

    // A rebuild from zero: the same tree.
    let fresh = ReadModels::open(dir.path().join("rebuilt.views.db")).unwrap();
    rebuild(store.clone(), &fresh, Arc::new(Merkle))
        .await
        .unwrap();
    let again = fresh.reader().unwrap();
    assert_eq!(merkle::root(&again, 65).unwrap(), roots[65]);
    assert_eq!(merkle::leaves(&again, 1, 65).unwrap(), stored);
}
