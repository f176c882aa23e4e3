//! Live head updates from every process: a connection of its own LISTENs on the log's
//! channel, to which each commit notifies its new head (`pg_notify` inside the appending
//! transaction, delivered when it commits). If the connection drops it is opened again,
//! with back-off, and the head read afresh; subscriptions also poll the head, so a missed
//! notification only delays them.

use crate::Target;
use crate::errors::map;
use crate::row::head;
use deadpool_postgres::Pool;
use event_store::queue::advance;
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::watch;
use tokio_postgres::AsyncMessage;

/// Longest wait between two attempts to listen again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Listens until the task is aborted.
pub(crate) async fn listen(
    target: Target,
    pool: Pool,
    channel: String,
    head_tx: watch::Sender<u64>,
) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match listen_once(&target, &pool, &channel, &head_tx).await {
            Ok(()) => backoff = Duration::from_millis(250),
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64,
                    "listening for new events failed; subscriptions poll meanwhile");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One connection's life: LISTEN, read the head (a commit between the last notification
/// and the LISTEN would be missed otherwise), then pass every notification on.
async fn listen_once(
    target: &Target,
    pool: &Pool,
    channel: &str,
    head_tx: &watch::Sender<u64>,
) -> Result<(), event_store::StoreError> {
    let (client, mut connection) = target.connect().await.map_err(map)?;
    let (tx, mut notifications) = futures::channel::mpsc::unbounded();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.unbounded_send(n.payload().to_owned()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the listening connection failed");
                    break;
                }
            }
        }
    });
    let quoted = channel.replace('"', "\"\"");
    client
        .batch_execute(&format!("LISTEN \"{quoted}\""))
        .await
        .map_err(map)?;
    advance(head_tx, head(pool).await?);
    while let Some(payload) = notifications.next().await {
        if let Ok(h) = payload.parse::<u64>() {
            advance(head_tx, h);
        }
    }
    driver.abort();
    drop(client);
    Ok(())
}
