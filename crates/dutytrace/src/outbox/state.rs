//! The outbox's state file: the deliveries and the position queued through.

use super::body::Addressees;
use super::webhook::Failure;
use super::{Backoff, sql};
use anyhow::Context as _;
use projector::ReadModels;
use rusqlite::{Connection, params};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

/// The outbox's state in numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Status {
    /// Inbox items up to this log position are queued.
    pub enqueued_through: u64,
    pub pending: u64,
    pub delivered: u64,
}

/// One delivery as the state file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub key: Uuid,
    pub position: u64,
    pub attempts: u32,
    pub delivered: bool,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
}

/// A delivery due.
#[derive(Debug)]
pub(super) struct Due {
    pub key: Uuid,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// Microseconds since the Unix epoch by the wall clock: the outbox's own schedule, kept
/// apart from the service's clock, which a demo fixes.
fn now_micros() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_micros()).unwrap_or(i64::MAX)
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

/// The state file, one connection. Every method blocks: call it on a blocking thread.
#[derive(Debug)]
pub(super) struct State(Mutex<Connection>);

impl State {
    /// Opens (creating if needed) the file and its tables.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)
            .with_context(|| format!("opening the outbox {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Losing the last marks to a power cut only sends them again: NORMAL is enough.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(sql::SCHEMA)
            .with_context(|| format!("creating the outbox tables in {}", path.display()))?;
        Ok(Self(Mutex::new(conn)))
    }

    fn conn(&self) -> anyhow::Result<MutexGuard<'_, Connection>> {
        self.0
            .lock()
            .map_err(|_| anyhow::anyhow!("the outbox state is poisoned"))
    }

    /// Queues the inbox items after the position queued through, each with its body, and
    /// moves that position: `batch` items per transaction. Returns how many were new.
    pub fn enqueue(&self, models: &ReadModels, batch: u32) -> anyhow::Result<usize> {
        // Until the inbox projector first ran, its tables may not exist.
        if models.checkpoint(inbox::Inbox::NAME)?.is_none() {
            return Ok(0);
        }
        let reader = models.reader()?;
        let mut conn = self.conn()?;
        let mut through: i64 = conn.query_row(sql::CURSOR, [], |r| r.get(0))?;
        let mut addressees = None;
        let mut enqueued = 0;
        loop {
            let items = inbox::items_after(&reader, to_u64(through), batch)?;
            let Some(last) = items.last() else {
                break;
            };
            let who = match &mut addressees {
                Some(who) => who,
                None => addressees.insert(Addressees::load(&reader)?),
            };
            let now = now_micros();
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached(sql::ENQUEUE)?;
                for item in &items {
                    let n = &item.notification;
                    let body = who.body(item)?;
                    enqueued += insert.execute(params![
                        n.key.to_string(),
                        to_i64(n.position),
                        body,
                        now
                    ])?;
                }
            }
            through = to_i64(last.notification.position);
            tx.execute(sql::SET_CURSOR, [through])?;
            tx.commit()?;
            if items.len() < batch as usize {
                break;
            }
        }
        Ok(enqueued)
    }

    /// At most `limit` pending deliveries due now, the longest waiting first.
    pub fn due(&self, limit: u32) -> anyhow::Result<Vec<Due>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(sql::DUE)?;
        let rows = stmt.query_map(params![now_micros(), limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, body, attempts) = row?;
            out.push(Due {
                key: key.parse()?,
                body,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            });
        }
        Ok(out)
    }

    /// Records an attempt: delivered (a 2xx), or failed and due again after its back-off.
    pub fn record(
        &self,
        d: &Due,
        r: Result<u16, Failure>,
        backoff: &Backoff,
    ) -> anyhow::Result<()> {
        let conn = self.conn()?;
        let now = now_micros();
        let key = d.key.to_string();
        match r {
            Ok(status) => {
                conn.prepare_cached(sql::DELIVERED)?
                    .execute(params![key, now, status])?;
            }
            Err(f) => {
                let wait = backoff.jittered(d.attempts.saturating_add(1));
                let next = now.saturating_add(micros(wait));
                conn.prepare_cached(sql::FAILED)?
                    .execute(params![key, next, f.status, f.error])?;
            }
        }
        Ok(())
    }

    pub fn status(&self) -> anyhow::Result<Status> {
        let conn = self.conn()?;
        let through: i64 = conn.query_row(sql::CURSOR, [], |r| r.get(0))?;
        let (pending, delivered): (i64, i64) =
            conn.query_row(sql::COUNTS, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Status {
            enqueued_through: to_u64(through),
            pending: to_u64(pending),
            delivered: to_u64(delivered),
        })
    }

    pub fn deliveries(&self) -> anyhow::Result<Vec<Delivery>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(sql::DELIVERIES)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, position, attempts, delivered_at, status, error) = row?;
            out.push(Delivery {
                key: key.parse()?,
                position: to_u64(position),
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                delivered: delivered_at.is_some(),
                last_status: status.and_then(|s| u16::try_from(s).ok()),
                last_error: error,
            });
        }
        Ok(out)
    }
}
