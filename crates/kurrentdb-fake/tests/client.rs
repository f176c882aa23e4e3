//! The official `kurrentdb` client against the fake: what our KurrentDB backend relies on.
//!
//! No rustls crypto provider is installed here on purpose: with `tls=false` the client must
//! still work (it installs aws-lc-rs as the process default itself when it connects).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};
use bytes::Bytes;
use kurrentdb::{
    AppendToStreamOptions, Client, ClientSettings, CurrentRevision, Error, EventData, Position,
    ReadAllOptions, ReadStream, ReadStreamOptions, RecordedEvent, StreamPosition, StreamState,
    SubscribeToAllOptions, SubscribeToStreamOptions, Subscription, SubscriptionEvent,
    SubscriptionFilter,
};
use kurrentdb_fake::FakeKurrent;
use kurrentdb_fake::proto::streams::ReadReq;
use kurrentdb_fake::proto::streams::read_req::options::{
    self as read_options, AllOptions, CountOption, FilterOption, StreamOption, StreamOptions,
    UuidOption, all_options::AllOption, stream_options::RevisionOption, uuid_option,
};
use kurrentdb_fake::proto::streams::read_resp::Content;
use kurrentdb_fake::proto::streams::streams_client::StreamsClient;
use kurrentdb_fake::proto::{StreamIdentifier, uuid as wire_uuid};
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;

/// Long enough for a loaded CI machine, short enough that a hang fails the test.
const PATIENCE: Duration = Duration::from_secs(10);

/// A fake and a client connected to it. The client waits its discovery interval (500 ms by
/// default) before it first connects, even to a single node: 0 here.
async fn spawn_fake() -> Result<(FakeKurrent, Client)> {
    let fake = FakeKurrent::start().await?;
    let client = connect(&format!("{}&discoveryInterval=0", fake.url()))?;
    Ok((fake, client))
}

fn connect(url: &str) -> Result<Client> {
    let settings: ClientSettings = url.parse()?;
    Client::new(settings).map_err(|e| anyhow::anyhow!("client: {e}"))
}

fn event(event_type: &str, n: u64) -> Result<EventData> {
    Ok(EventData::json(event_type, &serde_json::json!({ "n": n }))?)
}

fn events(event_type: &str, range: std::ops::Range<u64>) -> Result<Vec<EventData>> {
    range.map(|n| event(event_type, n)).collect()
}

fn expect(state: StreamState) -> AppendToStreamOptions {
    AppendToStreamOptions::default().stream_state(state)
}

async fn collect(mut stream: ReadStream) -> Result<Vec<RecordedEvent>> {
    let mut events = Vec::new();
    while let Some(resolved) = stream.next().await? {
        events.push(resolved.event.context("a read event carries its event")?);
    }
    Ok(events)
}

async fn read_all(client: &Client, options: &ReadAllOptions) -> Result<Vec<RecordedEvent>> {
    collect(client.read_all(options).await?).await
}

fn payload_n(event: &RecordedEvent) -> Result<u64> {
    let value: serde_json::Value = event.as_json()?;
    value["n"].as_u64().context("a payload with n")
}

/// The next subscription message, failing the test if none comes in time.
async fn next_message(subscription: &mut Subscription) -> Result<SubscriptionEvent> {
    tokio::time::timeout(PATIENCE, subscription.next_subscription_event())
        .await
        .context("no subscription message in time")?
        .map_err(Into::into)
}

/// The next event of a subscription, skipping confirmation, caught-up and checkpoints.
async fn next_event(subscription: &mut Subscription) -> Result<RecordedEvent> {
    loop {
        if let SubscriptionEvent::EventAppeared(resolved) = next_message(subscription).await? {
            return resolved
                .event
                .context("a subscription event carries its event");
        }
    }
}

fn now_secs() -> Result<i64> {
    Ok(i64::try_from(
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs(),
    )?)
}

#[tokio::test]
async fn a_stream_reads_back_forwards_and_backwards() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    let ids = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
    let batch: Vec<_> = (0..3)
        .map(|n| Ok(event("UnitCreated", n)?.id(ids[n as usize])))
        .collect::<Result<_>>()?;
    let before = now_secs()?;
    let written = client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), batch)
        .await?;
    assert_eq!(written.next_expected_version, 2);

    let forwards = collect(
        client
            .read_stream("unit-1", &ReadStreamOptions::default())
            .await?,
    )
    .await?;
    assert_eq!(forwards.len(), 3);
    for (n, e) in forwards.iter().enumerate() {
        assert_eq!(e.id, ids[n]);
        assert_eq!(e.revision, n as u64);
        assert_eq!(e.stream_id(), "unit-1");
        assert_eq!(e.event_type, "UnitCreated");
        assert!(e.is_json);
        assert_eq!(payload_n(e)?, n as u64);
        let created = e.created.timestamp();
        assert!(
            (before..=now_secs()?).contains(&created),
            "created {created}, before {before}"
        );
    }
    assert_eq!(
        forwards[2].position, written.position,
        "the append answers its last event's position"
    );

    let backwards = ReadStreamOptions::default()
        .position(StreamPosition::End)
        .backwards()
        .max_count(2);
    let backwards = collect(client.read_stream("unit-1", &backwards).await?).await?;
    let revisions: Vec<_> = backwards.iter().map(|e| e.revision).collect();
    assert_eq!(revisions, [2, 1]);

    let from_one = ReadStreamOptions::default().position(StreamPosition::Position(1));
    let from_one = collect(client.read_stream("unit-1", &from_one).await?).await?;
    let revisions: Vec<_> = from_one.iter().map(|e| e.revision).collect();
    assert_eq!(revisions, [1, 2]);
    Ok(())
}

#[tokio::test]
async fn binary_events_and_custom_metadata_come_back_as_written() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    let data = EventData::binary("Blob", Bytes::from_static(&[0, 159, 146, 150]))
        .metadata(Bytes::from_static(b"{\"correlation\":\"c-1\"}"));
    client
        .append_to_stream("blob-1", &expect(StreamState::Any), data)
        .await?;

    let read = collect(
        client
            .read_stream("blob-1", &ReadStreamOptions::default())
            .await?,
    )
    .await?;
    let [only] = read.as_slice() else {
        bail!("one event expected, got {}", read.len());
    };
    assert!(!only.is_json);
    assert_eq!(only.data.as_ref(), [0, 159, 146, 150]);
    assert_eq!(only.custom_metadata.as_ref(), b"{\"correlation\":\"c-1\"}");
    assert_eq!(
        only.metadata.get("content-type").map(String::as_str),
        Some("application/octet-stream")
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_expected_version_reports_the_actual_revision() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("E", 0..2)?)
        .await?;

    let stale = client
        .append_to_stream(
            "unit-1",
            &expect(StreamState::StreamRevision(0)),
            event("E", 9)?,
        )
        .await;
    assert!(
        matches!(
            stale,
            Err(Error::WrongExpectedVersion {
                current: CurrentRevision::Current(1),
                expected: StreamState::StreamRevision(0),
            })
        ),
        "{stale:?}"
    );
    let exists = client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), event("E", 9)?)
        .await;
    assert!(
        matches!(
            exists,
            Err(Error::WrongExpectedVersion {
                current: CurrentRevision::Current(1),
                ..
            })
        ),
        "{exists:?}"
    );
    let missing = client
        .append_to_stream("unit-2", &expect(StreamState::StreamExists), event("E", 9)?)
        .await;
    assert!(
        matches!(
            missing,
            Err(Error::WrongExpectedVersion {
                current: CurrentRevision::NoStream,
                expected: StreamState::StreamExists,
            })
        ),
        "{missing:?}"
    );
    assert_eq!(fake.event_count(), 2);

    let next = client
        .append_to_stream(
            "unit-1",
            &expect(StreamState::StreamRevision(1)),
            event("E", 2)?,
        )
        .await?;
    assert_eq!(next.next_expected_version, 2);
    Ok(())
}

#[tokio::test]
async fn an_identical_retry_is_idempotent_and_a_partial_one_is_refused() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let batch = |ids: [Uuid; 2]| -> Result<Vec<EventData>> {
        ids.iter().map(|&id| Ok(event("E", 0)?.id(id))).collect()
    };

    let first = client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), batch([a, b])?)
        .await?;
    client
        .append_to_stream("other", &expect(StreamState::Any), event("E", 0)?)
        .await?;
    let retry = client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), batch([a, b])?)
        .await?;
    assert_eq!(retry.next_expected_version, first.next_expected_version);
    assert_eq!(retry.position, first.position);
    let retry_any = client
        .append_to_stream("unit-1", &expect(StreamState::Any), batch([a, b])?)
        .await?;
    assert_eq!(retry_any.position, first.position);
    assert_eq!(fake.event_count(), 3, "retries write nothing");

    let partial = client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), batch([a, c])?)
        .await;
    assert!(
        matches!(
            partial,
            Err(Error::WrongExpectedVersion {
                current: CurrentRevision::Current(1),
                ..
            })
        ),
        "{partial:?}"
    );
    let partial_any = client
        .append_to_stream("unit-1", &expect(StreamState::Any), batch([b, c])?)
        .await;
    assert!(
        matches!(partial_any, Err(Error::WrongExpectedVersion { .. })),
        "{partial_any:?}"
    );
    assert_eq!(fake.event_count(), 3);
    Ok(())
}

#[tokio::test]
async fn malformed_appends_are_refused_without_harm() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    let empty_name = client
        .append_to_stream("", &expect(StreamState::Any), event("E", 0)?)
        .await;
    assert!(
        matches!(
            empty_name,
            Err(Error::Grpc {
                code: tonic::Code::InvalidArgument,
                ..
            })
        ),
        "{empty_name:?}"
    );
    let system = client
        .append_to_stream("$system", &expect(StreamState::Any), event("E", 0)?)
        .await;
    assert!(matches!(system, Err(Error::AccessDenied)), "{system:?}");
    assert_eq!(fake.event_count(), 0);

    // The server still serves afterwards.
    client
        .append_to_stream("unit-1", &expect(StreamState::Any), event("E", 0)?)
        .await?;
    assert_eq!(fake.event_count(), 1);
    Ok(())
}

#[tokio::test]
async fn an_event_type_missing_from_the_metadata_is_an_invalid_argument() -> Result<()> {
    use kurrentdb_fake::proto::streams::AppendReq;
    use kurrentdb_fake::proto::streams::append_req::{Content, Options, ProposedMessage, options};

    let fake = FakeKurrent::start().await?;
    let mut raw = StreamsClient::connect(format!("http://{}", fake.addr())).await?;
    let requests = vec![
        AppendReq {
            content: Some(Content::Options(Options {
                stream_identifier: Some(StreamIdentifier {
                    stream_name: Bytes::from_static(b"unit-1"),
                }),
                expected_stream_revision: Some(options::ExpectedStreamRevision::Any(())),
            })),
        },
        AppendReq {
            content: Some(Content::ProposedMessage(ProposedMessage {
                id: Some(kurrentdb_fake::proto::Uuid {
                    value: Some(wire_uuid::Value::String(Uuid::new_v4().to_string())),
                }),
                metadata: [("content-type".to_owned(), "application/json".to_owned())].into(),
                custom_metadata: Bytes::new(),
                data: Bytes::from_static(b"{}"),
            })),
        },
    ];
    let status = raw
        .append(futures::stream::iter(requests))
        .await
        .err()
        .context("an append without a type must fail")?;
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(fake.event_count(), 0);
    Ok(())
}

#[tokio::test]
async fn a_missing_stream_reads_as_not_found() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    let mut stream = client
        .read_stream("nobody", &ReadStreamOptions::default())
        .await?;
    let first = stream.next().await;
    assert!(matches!(first, Err(Error::ResourceNotFound)), "{first:?}");
    Ok(())
}

#[tokio::test]
async fn read_all_goes_forwards_from_the_start_or_a_position_and_backwards_from_the_end()
-> Result<()> {
    let (fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("A", 0..3)?)
        .await?;
    fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
    client
        .append_to_stream("unit-2", &expect(StreamState::NoStream), events("B", 3..5)?)
        .await?;

    let all = read_all(&client, &ReadAllOptions::default()).await?;
    let streams: Vec<_> = all
        .iter()
        .map(|e| (e.stream_id().to_owned(), e.revision))
        .collect();
    let expected: Vec<_> = [
        ("unit-1", 0),
        ("unit-1", 1),
        ("unit-1", 2),
        ("$stats-127.0.0.1:2113", 0),
        ("unit-2", 0),
        ("unit-2", 1),
    ]
    .iter()
    .map(|(s, r)| ((*s).to_owned(), *r))
    .collect();
    assert_eq!(streams, expected, "no filter: system events come too");
    assert!(
        all.windows(2)
            .all(|w| w[0].position.commit < w[1].position.commit)
    );
    assert!(
        all.iter()
            .all(|e| e.position.commit == e.position.prepare && e.position.commit > 0)
    );
    assert_eq!(fake.event_count(), 6);

    let from_third = ReadAllOptions::default().position(StreamPosition::Position(all[2].position));
    let from_third = read_all(&client, &from_third).await?;
    assert_eq!(
        from_third.len(),
        4,
        "a position includes the event exactly there"
    );
    assert_eq!(from_third[0].position, all[2].position);

    let between = Position {
        commit: all[2].position.commit - 1,
        prepare: all[2].position.prepare - 1,
    };
    let from_between = read_all(
        &client,
        &ReadAllOptions::default().position(StreamPosition::Position(between)),
    )
    .await?;
    assert_eq!(
        from_between.first().map(|e| e.position),
        Some(all[2].position)
    );

    let last = ReadAllOptions::default()
        .position(StreamPosition::End)
        .backwards()
        .max_count(1);
    let last = read_all(&client, &last).await?;
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].position, all[5].position);

    let before_third = ReadAllOptions::default()
        .position(StreamPosition::Position(all[2].position))
        .backwards();
    let before_third = read_all(&client, &before_third).await?;
    let positions: Vec<_> = before_third.iter().map(|e| e.position).collect();
    assert_eq!(
        positions,
        [all[1].position, all[0].position],
        "backwards from a position: strictly before"
    );

    let two = read_all(&client, &ReadAllOptions::default().max_count(2)).await?;
    assert_eq!(two.len(), 2);

    // The server's own epoch records are in the log but never read from $all.
    fake.append_system_event("$epoch-information", "$epoch");
    assert_eq!(fake.event_count(), 7);
    assert_eq!(
        read_all(&client, &ReadAllOptions::default()).await?.len(),
        6
    );
    Ok(())
}

#[tokio::test]
async fn an_event_type_regex_filter_skips_system_events() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
    client
        .append_to_stream(
            "unit-1",
            &expect(StreamState::Any),
            events("UnitCreated", 0..2)?,
        )
        .await?;
    fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
    fake.append_system_event("$scavenges", "$scavengeStarted");
    client
        .append_to_stream(
            "unit-2",
            &expect(StreamState::Any),
            event("UnitCreated", 2)?,
        )
        .await?;

    let filter = SubscriptionFilter::on_event_type().regex("^[^\\$]");
    let read = read_all(&client, &ReadAllOptions::default().filter(filter.clone())).await?;
    let ns: Vec<_> = read.iter().map(payload_n).collect::<Result<_>>()?;
    assert_eq!(ns, [0, 1, 2]);
    assert!(read.iter().all(|e| !e.event_type.starts_with('$')));

    let limited = ReadAllOptions::default().filter(filter).max_count(2);
    assert_eq!(
        read_all(&client, &limited).await?.len(),
        2,
        "count counts the events that pass"
    );
    assert_eq!(fake.event_count(), 6);
    Ok(())
}

#[tokio::test]
async fn a_stream_name_prefix_filter_keeps_matching_streams() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    for stream in ["unit-1", "cadre-1", "unit-2", "duty-1"] {
        client
            .append_to_stream(stream, &expect(StreamState::Any), event("E", 0)?)
            .await?;
    }
    let filter = SubscriptionFilter::on_stream_name()
        .add_prefix("unit-")
        .add_prefix("duty-");
    let read = read_all(&client, &ReadAllOptions::default().filter(filter)).await?;
    let streams: Vec<_> = read.iter().map(|e| e.stream_id().to_owned()).collect();
    assert_eq!(streams, ["unit-1", "unit-2", "duty-1"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_to_all_sees_past_then_concurrent_events_in_order() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("E", 0..3)?)
        .await?;

    let mut subscription = client
        .subscribe_to_all(&SubscribeToAllOptions::default())
        .await;
    let writer = {
        let client = client.clone();
        tokio::spawn(async move {
            for n in 3..40 {
                let stream = format!("unit-{}", n % 4);
                client
                    .append_to_stream(stream, &expect(StreamState::Any), event("E", n)?)
                    .await?;
            }
            anyhow::Ok(())
        })
    };

    let mut seen = Vec::new();
    while seen.len() < 40 {
        seen.push(next_event(&mut subscription).await?);
    }
    writer.await??;

    let ns: Vec<_> = seen.iter().map(payload_n).collect::<Result<_>>()?;
    assert_eq!(
        ns,
        (0..40).collect::<Vec<_>>(),
        "every event once, in log order"
    );
    let log = read_all(&client, &ReadAllOptions::default()).await?;
    let log_positions: Vec<_> = log.iter().map(|e| e.position).collect();
    let seen_positions: Vec<_> = seen.iter().map(|e| e.position).collect();
    assert_eq!(seen_positions, log_positions);

    // And it stays live.
    fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
    assert_eq!(
        next_event(&mut subscription).await?.event_type,
        "$statsCollected"
    );
    Ok(())
}

#[tokio::test]
async fn a_subscription_confirms_then_catches_up_then_goes_live() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("E", 0..2)?)
        .await?;
    let mut subscription = client
        .subscribe_to_all(&SubscribeToAllOptions::default())
        .await;

    assert!(matches!(
        next_message(&mut subscription).await?,
        SubscriptionEvent::Confirmed(_)
    ));
    let e0 = next_event(&mut subscription).await?;
    let e1 = next_event(&mut subscription).await?;
    let SubscriptionEvent::CaughtUp(Some(caught_up)) = next_message(&mut subscription).await?
    else {
        bail!("caught-up expected after the past events");
    };
    assert_eq!(caught_up.position, Some(e1.position));
    assert_eq!((payload_n(&e0)?, payload_n(&e1)?), (0, 1));

    client
        .append_to_stream(
            "unit-1",
            &expect(StreamState::StreamRevision(1)),
            event("E", 2)?,
        )
        .await?;
    assert_eq!(payload_n(&next_event(&mut subscription).await?)?, 2);
    Ok(())
}

#[tokio::test]
async fn a_subscription_from_a_position_starts_after_it() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("E", 0..3)?)
        .await?;
    let all = read_all(&client, &ReadAllOptions::default()).await?;

    let options =
        SubscribeToAllOptions::default().position(StreamPosition::Position(all[1].position));
    let mut subscription = client.subscribe_to_all(&options).await;
    assert_eq!(payload_n(&next_event(&mut subscription).await?)?, 2);
    client
        .append_to_stream("unit-2", &expect(StreamState::Any), event("E", 3)?)
        .await?;
    assert_eq!(payload_n(&next_event(&mut subscription).await?)?, 3);

    let from_end = SubscribeToAllOptions::default().position(StreamPosition::End);
    let mut live_only = client.subscribe_to_all(&from_end).await;
    assert!(matches!(
        next_message(&mut live_only).await?,
        SubscriptionEvent::Confirmed(_)
    ));
    assert!(matches!(
        next_message(&mut live_only).await?,
        SubscriptionEvent::CaughtUp(_)
    ));
    client
        .append_to_stream("unit-2", &expect(StreamState::Any), event("E", 4)?)
        .await?;
    assert_eq!(payload_n(&next_event(&mut live_only).await?)?, 4);
    Ok(())
}

#[tokio::test]
async fn a_filtered_subscription_skips_system_events_and_sends_checkpoints() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::Any), event("E", 0)?)
        .await?;
    for _ in 0..3 {
        fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
    }
    client
        .append_to_stream("unit-1", &expect(StreamState::Any), event("E", 1)?)
        .await?;
    let all = read_all(&client, &ReadAllOptions::default()).await?;

    // A window of 2 and the client's multiplier of 1: a checkpoint every 2 events examined.
    let filter = SubscriptionFilter::on_event_type()
        .exclude_system_events()
        .max(2);
    let mut subscription = client
        .subscribe_to_all(&SubscribeToAllOptions::default().filter(filter))
        .await;
    let mut messages = Vec::new();
    loop {
        let message = next_message(&mut subscription).await?;
        let done = matches!(message, SubscriptionEvent::CaughtUp(_));
        messages.push(match message {
            SubscriptionEvent::Confirmed(_) => "confirmed".to_owned(),
            SubscriptionEvent::EventAppeared(e) => {
                format!("event {}", payload_n(e.get_original_event())?)
            }
            SubscriptionEvent::Checkpoint(p) => {
                let index = all
                    .iter()
                    .position(|e| e.position == p)
                    .context("a checkpoint at an event")?;
                format!("checkpoint {index}")
            }
            SubscriptionEvent::CaughtUp(_) => "caught up".to_owned(),
            other => bail!("unexpected {other:?}"),
        });
        if done {
            break;
        }
    }
    assert_eq!(
        messages,
        [
            "confirmed",
            "event 0",
            "checkpoint 1",
            "checkpoint 3",
            "event 1",
            "checkpoint 4",
            "caught up"
        ]
    );

    fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
    client
        .append_to_stream("unit-1", &expect(StreamState::Any), event("E", 2)?)
        .await?;
    let live = next_event(&mut subscription).await?;
    assert_eq!(payload_n(&live)?, 2);
    let SubscriptionEvent::Checkpoint(checkpoint) = next_message(&mut subscription).await? else {
        bail!("two more events examined live: a checkpoint");
    };
    assert_eq!(checkpoint, live.position);
    Ok(())
}

#[tokio::test]
async fn a_stream_subscription_follows_one_stream() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("E", 0..2)?)
        .await?;
    let from_zero = SubscribeToStreamOptions::default().start_from(StreamPosition::Position(0));
    let mut subscription = client.subscribe_to_stream("unit-1", &from_zero).await;
    client
        .append_to_stream("unit-2", &expect(StreamState::Any), event("E", 100)?)
        .await?;
    client
        .append_to_stream(
            "unit-1",
            &expect(StreamState::StreamRevision(1)),
            event("E", 2)?,
        )
        .await?;

    let next = next_event(&mut subscription).await?;
    assert_eq!((next.revision, payload_n(&next)?), (1, 1));
    let next = next_event(&mut subscription).await?;
    assert_eq!((next.revision, payload_n(&next)?), (2, 2));
    Ok(())
}

#[tokio::test]
async fn shutdown_ends_open_subscriptions_with_an_error() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    let mut subscription = client
        .subscribe_to_all(&SubscribeToAllOptions::default())
        .await;
    assert!(matches!(
        next_message(&mut subscription).await?,
        SubscriptionEvent::Confirmed(_)
    ));
    assert!(matches!(
        next_message(&mut subscription).await?,
        SubscriptionEvent::CaughtUp(_)
    ));

    let addr = fake.addr();
    tokio::time::timeout(PATIENCE, fake.shutdown())
        .await
        .context("shutdown in time")?;
    let ended = tokio::time::timeout(PATIENCE, subscription.next_subscription_event())
        .await
        .context("the subscription must end, not hang")?;
    assert!(ended.is_err(), "{ended:?}");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port is closed"
    );
    Ok(())
}

#[tokio::test]
async fn the_client_falls_back_to_plain_append_without_server_features() -> Result<()> {
    let (_fake, client) = spawn_fake().await?;
    let info = client.server_info().await?;
    assert_eq!(
        info.version().major(),
        0,
        "ServerFeatures is unimplemented: no version known"
    );
    let batch = client.batch_append(&Default::default()).await;
    assert!(
        matches!(batch, Err(Error::UnsupportedFeature)),
        "{:?}",
        batch.err()
    );
    client
        .append_to_stream("unit-1", &expect(StreamState::Any), event("E", 0)?)
        .await?;
    Ok(())
}

/// A raw read, to see what the official client hides: the uuid form and `created`.
fn raw_read(stream: Option<&str>, uuid: uuid_option::Content) -> ReadReq {
    let stream_option = match stream {
        Some(name) => StreamOption::Stream(StreamOptions {
            stream_identifier: Some(StreamIdentifier {
                stream_name: Bytes::from(name.to_owned()),
            }),
            revision_option: Some(RevisionOption::Start(())),
        }),
        None => StreamOption::All(AllOptions {
            all_option: Some(AllOption::Start(())),
        }),
    };
    ReadReq {
        options: Some(kurrentdb_fake::proto::streams::read_req::Options {
            stream_option: Some(stream_option),
            read_direction: read_options::ReadDirection::Forwards.into(),
            resolve_links: false,
            count_option: Some(CountOption::Count(u64::MAX)),
            filter_option: Some(FilterOption::NoFilter(())),
            uuid_option: Some(UuidOption {
                content: Some(uuid),
            }),
            control_option: Some(read_options::ControlOption { compatibility: 1 }),
        }),
    }
}

#[tokio::test]
async fn raw_reads_honour_the_uuid_option_and_send_created_as_unix_ticks() -> Result<()> {
    let (fake, client) = spawn_fake().await?;
    let id = Uuid::new_v4();
    client
        .append_to_stream("unit-1", &expect(StreamState::Any), event("E", 0)?.id(id))
        .await?;
    let mut raw = StreamsClient::connect(format!("http://{}", fake.addr())).await?;

    for (form, expected) in [
        (
            uuid_option::Content::String(()),
            wire_uuid::Value::String(id.to_string()),
        ),
        (
            uuid_option::Content::Structured(()),
            wire_uuid::Value::Structured(wire_uuid::Structured {
                most_significant_bits: (id.as_u128() >> 64) as u64 as i64,
                least_significant_bits: id.as_u128() as u64 as i64,
            }),
        ),
    ] {
        let mut answers = raw.read(raw_read(Some("unit-1"), form)).await?.into_inner();
        let Some(Content::Event(read_event)) = answers.message().await?.and_then(|r| r.content)
        else {
            bail!("an event first");
        };
        let recorded = read_event.event.context("the event")?;
        assert_eq!(recorded.id.and_then(|i| i.value), Some(expected));

        let created: u64 = recorded
            .metadata
            .get("created")
            .context("created")?
            .parse()?;
        let now_ticks =
            u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos() / 100)?;
        ensure!(
            created <= now_ticks && now_ticks - created < 600_000_000,
            "created {created} vs now {now_ticks}"
        );

        let Some(Content::LastStreamPosition(last)) =
            answers.message().await?.and_then(|r| r.content)
        else {
            bail!("a stream read ends with the last stream position");
        };
        assert_eq!(last, 0);
        assert!(answers.message().await?.is_none());
    }

    let mut all = raw
        .read(raw_read(None, uuid_option::Content::String(())))
        .await?
        .into_inner();
    let mut count = 0;
    while let Some(answer) = all.message().await? {
        assert!(matches!(answer.content, Some(Content::Event(_))));
        count += 1;
    }
    assert_eq!(count, 1);
    Ok(())
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves_child_processes() -> Result<()> {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kurrentdb-fake"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("piped stdout")?;
    let mut first_line = String::new();
    tokio::time::timeout(PATIENCE, BufReader::new(stdout).read_line(&mut first_line))
        .await
        .context("the url in time")??;
    let url = first_line.trim();
    ensure!(
        url.starts_with("kurrentdb://127.0.0.1:") && url.ends_with("?tls=false"),
        "url {url:?}"
    );

    let client = connect(url)?;
    client
        .append_to_stream("unit-1", &expect(StreamState::NoStream), events("E", 0..2)?)
        .await?;
    let read = collect(
        client
            .read_stream("unit-1", &ReadStreamOptions::default())
            .await?,
    )
    .await?;
    assert_eq!(read.len(), 2);

    child.kill().await?;
    Ok(())
}
