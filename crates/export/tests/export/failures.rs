//! Exports that cannot be made fail before the first byte, saying why.

use event_store::{Category, StreamName};
use evidence::Checkpoint;
use export::{Export, ExportError, ExportRequest, RequestError};

use crate::support::{Log, ORIGIN, recorded};

async fn prepare(
    log: &Log,
    request: ExportRequest,
    checkpoint: evidence::SignedCheckpoint,
) -> ExportError {
    Export::prepare(
        log.store.clone(),
        log.models.clone(),
        request,
        checkpoint,
        log.key(),
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn an_export_fails_clearly_when_it_cannot_be_checked() {
    let log = Log::new();
    log.fill(0, 30).await;

    // The read model is behind the checkpoint.
    let ahead = log.signer.sign(Checkpoint {
        origin: ORIGIN.into(),
        tree_size: 35,
        root: [7; 32],
        time: recorded(35),
    });
    let e = prepare(&log, ExportRequest::default(), ahead).await;
    assert!(
        matches!(
            e,
            ExportError::NotCaughtUp {
                projected: 30,
                tree_size: 35
            }
        ),
        "{e:?}"
    );

    // A checkpoint of another tree.
    let other = log.signer.sign(Checkpoint {
        origin: ORIGIN.into(),
        tree_size: 30,
        root: [7; 32],
        time: recorded(30),
    });
    let e = prepare(&log, ExportRequest::default(), other).await;
    assert!(
        matches!(e, ExportError::CheckpointMismatch { tree_size: 30 }),
        "{e:?}"
    );

    // A checkpoint the given key did not sign.
    let forged = evidence::Signer::generate().sign(log.checkpoint().checkpoint);
    let e = prepare(&log, ExportRequest::default(), forged).await;
    assert!(matches!(e, ExportError::Checkpoint(_)), "{e:?}");

    // Nonsense requests.
    let e = prepare(
        &log,
        ExportRequest {
            after: 31,
            ..Default::default()
        },
        log.checkpoint(),
    )
    .await;
    assert!(
        matches!(
            e,
            ExportError::Request(RequestError::AfterBeyondCheckpoint {
                after: 31,
                tree_size: 30
            })
        ),
        "{e:?}"
    );
    let backwards = ExportRequest {
        recorded_from: Some(recorded(20)),
        recorded_to: Some(recorded(10)),
        ..Default::default()
    };
    let e = prepare(&log, backwards, log.checkpoint()).await;
    assert!(
        matches!(e, ExportError::Request(RequestError::TimeRange { .. })),
        "{e:?}"
    );
    let contradictory = ExportRequest {
        stream: Some(StreamName::new("unit-1").unwrap()),
        category: Some(Category::new("cadre").unwrap()),
        ..Default::default()
    };
    let e = prepare(&log, contradictory, log.checkpoint()).await;
    assert!(
        matches!(
            e,
            ExportError::Request(RequestError::StreamOutsideCategory { .. })
        ),
        "{e:?}"
    );

    // The stream form reports the same error as its only item.
    let mut out = Vec::new();
    let e = export::write_to(
        log.store.clone(),
        log.models.clone(),
        ExportRequest {
            after: 31,
            ..Default::default()
        },
        log.checkpoint(),
        log.key(),
        &mut out,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ExportError::Request(_)), "{e:?}");
    assert!(out.is_empty());
}

#[tokio::test]
async fn a_read_model_file_without_the_tree_is_not_caught_up() {
    let log = Log::new();
    log.fill(0, 3).await;
    let dir = tempfile::tempdir().unwrap();
    let empty = projector::ReadModels::open(dir.path().join("empty.db")).unwrap();
    let e = Export::prepare(
        log.store.clone(),
        empty,
        ExportRequest::default(),
        log.checkpoint(),
        log.key(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            ExportError::NotCaughtUp {
                projected: 0,
                tree_size: 3
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn an_empty_range_is_a_valid_empty_export() {
    let log = Log::new();
    log.fill(0, 30).await;
    let later = ExportRequest {
        recorded_from: Some(recorded(100)),
        ..Default::default()
    };
    let file = log.export(later).await;
    let report = log.verify(&file);
    assert_eq!(report.events, 0);
}
