//! `dutytrace seed --scale district|province|N`: a realistic, deterministic log of N
//! districts like the demo's (a province: 100, about 1.2M events for January to July),
//! written straight into a new SQLite log — for benchmarks and for trying the service at
//! a province's size.
//!
//! The demo district is lived once through the application service (every command decided
//! by the domain, as `dutytrace demo` does, with the deadline watcher's reminders at the
//! demo's now) into a scratch log; that log is the template. District 0 is the template
//! itself, so `--scale district` is the demo district exactly. District d > 0 is the same
//! history with its own ids and logins:
//!
//! - every id (event ids, stream ids, the ids inside payloads) is the template's XOR a
//!   128-bit mask drawn from d — the same mapping everywhere, so every reference holds —
//!   keeping the UUID's version and variant;
//! - every login `name` becomes `name.dNNN` (and `user:name` actors with it), and its user
//!   id is the one the domain derives from the new username, so signing in works;
//! - the district's one-off streams without an id (`assessment-2026`) are district 0's only.
//!
//! The districts' events are interleaved append by append in the template's order, so
//! `recorded_at` never decreases along the log and each append stays whole. The rows go in
//! by `store_sqlite::BulkLoad`: one transaction, the indexes built at the end, one sync.

use crate::demo::{plan, seed as demo_seed};
use crate::{serve, stores, watcher::Watcher};
use anyhow::{Context, bail};
use clap::Args;
use event_store::{Actor, Clock, CopiedEvent, ManualClock, Payload, RecordedEvent, StreamName};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

mod derivation;

use derivation::Derivation;

/// Arguments of `dutytrace seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many districts like the demo's: `district` (1), `province` (100) or a number.
    #[arg(long, default_value = "district", value_parser = parse_scale)]
    pub scale: u32,
    /// The new log: an SQLite file that does not exist yet or holds no events.
    #[arg(long, default_value = "sqlite://dutytrace-seed.db")]
    pub store: String,
}

/// The most districts a seed makes.
pub const MAX_DISTRICTS: u32 = 1_000;

fn parse_scale(s: &str) -> Result<u32, String> {
    match s {
        "district" => Ok(1),
        "province" => Ok(100),
        n => match n.parse::<u32>() {
            Ok(n) if (1..=MAX_DISTRICTS).contains(&n) => Ok(n),
            _ => Err(format!(
                "{n:?}: say district, province or a number of districts from 1 to {MAX_DISTRICTS}"
            )),
        },
    }
}

/// What a seed made and how long it took.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub districts: u32,
    pub events: u64,
    /// Living the template district through the application service.
    pub template: Duration,
    /// Making the districts' events and writing them into the log.
    pub writing: Duration,
}

impl Seeded {
    /// Events written per second (the template's time left out).
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.writing.as_secs_f64().max(1e-9)
    }
}

/// Runs `dutytrace seed`.
pub async fn run(args: SeedArgs) -> anyhow::Result<Seeded> {
    if !args.store.starts_with("sqlite:") {
        bail!(
            "--store {}: seed writes a new SQLite log (sqlite://PATH); copy it elsewhere with \
             dutytrace migrate-store",
            store_postgres::redact(&args.store)
        );
    }
    let path = store_sqlite::path_from_url(&args.store)?;
    // Before the template's seconds are spent: a log with events is refused.
    let load = store_sqlite::BulkLoad::begin(&path)
        .with_context(|| format!("seeding {}", path.display()))?;
    let started = Instant::now();
    let template = template().await?;
    let template_time = started.elapsed();
    let started = Instant::now();
    let districts = args.scale;
    let events = tokio::task::spawn_blocking(move || write_districts(load, &template, districts))
        .await
        .context("the writer thread")??;
    Ok(Seeded {
        districts,
        events,
        template: template_time,
        writing: started.elapsed(),
    })
}

/// The demo district as the service holds it at the demo's now: seeded through the
/// application service, with the reminders due, read back for copying.
pub async fn template() -> anyhow::Result<Vec<CopiedEvent>> {
    // On a memory file system when there is one: the scratch log's syncs cost nothing.
    let shm = PathBuf::from("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(&shm).or_else(|_| tempfile::tempdir())
    } else {
        tempfile::tempdir()
    }
    .context("a scratch directory for the template district")?;
    let url = format!("sqlite://{}", dir.path().join("template.db").display());
    let plan = plan::Plan::build();
    let clock = Arc::new(ManualClock::new(plan::now()));
    let opened = stores::open(&url, None, clock.clone()).await?;
    let result = async {
        // In the plan's order, so that the template, and so the seeded log, is the same
        // every time.
        demo_seed::prepare_with(
            opened.log.clone(),
            clock.clone(),
            &plan,
            demo_seed::Order::Planned,
        )
        .await?;
        clock.set(plan::now());
        for projection in serve::projections() {
            projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
        }
        let clock: Arc<dyn Clock> = clock.clone();
        Watcher::new(opened.log.clone(), opened.models.clone(), clock)
            .pass_with(1)
            .await?;
        let head = opened.log.head().await?;
        let mut events = Vec::with_capacity(head as usize);
        while (events.len() as u64) < head {
            let page = opened
                .log
                .read_for_copy(events.len() as u64 + 1, 10_000)
                .await?;
            if page.is_empty() {
                bail!("the template log ended at {} of {head}", events.len());
            }
            events.extend(page);
        }
        Ok(events)
    }
    .await;
    opened.close().await;
    result
}

/// Writes `districts` copies of `template` into the log `load` fills; its head. This thread
/// makes the copies page by page; the loader checks each page here and inserts it on a
/// thread of its own while the next one is made.
pub fn write_districts(
    mut load: store_sqlite::BulkLoad,
    template: &[CopiedEvent],
    districts: u32,
) -> anyhow::Result<u64> {
    let derivation = Derivation::of(template);
    let (maps, derived): (Vec<District>, Vec<_>) =
        District::all(districts, &derivation)?.into_iter().unzip();
    let derived = Derived::of(&derived);
    let shapes: Vec<Shape> = template
        .iter()
        .map(|c| Shape::of(c, &derived, &derivation.logins))
        .collect();
    let streams: HashSet<&str> = template.iter().map(|c| c.event.stream.as_str()).collect();
    load.expect_streams(streams.len() * districts as usize);
    let mut page = Vec::with_capacity(PAGE + 2_000);
    let mut position = 1u64;
    let mut first = 0;
    for append in template.chunk_by(|a, b| a.append_start == b.append_start) {
        let shapes = &shapes[first..first + append.len()];
        first += append.len();
        for district in &maps {
            let start = position;
            for (c, shape) in append.iter().zip(shapes) {
                if let Some(e) = district.copy(c, shape, &derived, position, start) {
                    page.push(e);
                    position += 1;
                }
            }
        }
        if page.len() >= PAGE {
            let full = std::mem::replace(&mut page, Vec::with_capacity(PAGE + 2_000));
            load.push(full)?;
        }
    }
    load.push(page)?;
    Ok(load.finish()?)
}

/// Events handed to the loader at once.
const PAGE: usize = 20_000;

/// An id of the template as its copies need it: the id, and its slot among the ids the
/// domain derives ([`Derived`]; `None` for an id drawn at random, which is masked).
#[derive(Debug, Clone, Copy)]
struct Id {
    template: Uuid,
    slot: Option<u32>,
}

/// Every district's ids for the template's that the domain derives from other ids or names
/// (users, obligations, reminders). Each template id some district derives is numbered
/// once (its slot), and the districts' ids for a slot lie side by side, so copying a
/// template event into every district in turn reads one run of memory, without hashing.
#[derive(Debug, Default)]
struct Derived {
    slots: HashMap<Uuid, u32>,
    districts: usize,
    /// District d's id for slot s at `s * districts + d`; `None` where it derives none
    /// (district 0, whose ids are the template's), and the id is masked.
    ids: Vec<Option<Uuid>>,
}

impl Derived {
    /// From each district's derived ids (template's → its own), by district number.
    fn of(by_district: &[HashMap<Uuid, Uuid>]) -> Self {
        let mut slots = HashMap::new();
        for derived in by_district {
            for id in derived.keys() {
                let next = slots.len() as u32;
                slots.entry(*id).or_insert(next);
            }
        }
        let districts = by_district.len();
        let mut ids = vec![None; slots.len() * districts];
        for (d, derived) in by_district.iter().enumerate() {
            for (template, own) in derived {
                ids[slots[template] as usize * districts + d] = Some(*own);
            }
        }
        Self {
            slots,
            districts,
            ids,
        }
    }

    fn id(&self, template: Uuid) -> Id {
        Id {
            template,
            slot: self.slots.get(&template).copied(),
        }
    }

    fn get(&self, slot: u32, district: u32) -> Option<Uuid> {
        self.ids[slot as usize * self.districts + district as usize]
    }
}

/// What a template event is made of, found once for every district's copy: where the ids
/// in its payload are, its stream's category and id, its actor's login.
#[derive(Debug)]
struct Shape {
    /// Byte offsets of the ids in the payload, with the ids.
    ids: Vec<(usize, Id)>,
    /// `category-<id>`; `None` for a one-off stream (district 0's only).
    stream: Option<(String, Id)>,
    event_id: Id,
    correlation_id: Option<Id>,
    causation_id: Option<Id>,
    /// The login of a `user:` actor, by its place in the template's logins.
    login: Option<usize>,
    /// A registration, whose username changes with the district.
    registers_user: bool,
}

impl Shape {
    fn of(c: &CopiedEvent, slots: &Derived, logins: &[String]) -> Self {
        let e = &c.event;
        Self {
            ids: uuids_in(e.payload.as_str())
                .into_iter()
                .map(|(at, u)| (at, slots.id(u)))
                .collect(),
            stream: e
                .stream
                .as_str()
                .split_once('-')
                .and_then(|(cat, id)| Some((cat.to_owned(), slots.id(Uuid::parse_str(id).ok()?)))),
            event_id: slots.id(e.event_id),
            correlation_id: e.correlation_id.map(|u| slots.id(u)),
            causation_id: e.causation_id.map(|u| slots.id(u)),
            login: e
                .actor
                .as_str()
                .strip_prefix("user:")
                .and_then(|name| logins.iter().position(|l| l == name)),
            registers_user: e.event_type.as_str() == "UserRegistered",
        }
    }
}

/// How one district's copy differs from the template.
#[derive(Debug)]
struct District {
    number: u32,
    /// XORed into every id (0 for district 0).
    mask: u128,
    /// This district's actors for the template's logins, in their order.
    actors: Vec<Actor>,
}

impl District {
    /// Every district's, with the derived ids (template's → its own) still by the
    /// template's; made on two threads, the derivations being most of the work.
    fn all(
        districts: u32,
        derivation: &Derivation,
    ) -> anyhow::Result<Vec<(Self, HashMap<Uuid, Uuid>)>> {
        let make = |numbers: std::ops::Range<u32>| -> Vec<_> {
            numbers.map(|d| Self::new(d, derivation)).collect()
        };
        let half = districts / 2;
        std::thread::scope(|scope| {
            let second = scope.spawn(|| make(half..districts));
            let mut all = make(0..half);
            all.extend(
                second.join().map_err(|_| {
                    anyhow::anyhow!("a thread deriving the districts' ids panicked")
                })?,
            );
            Ok(all)
        })
    }

    fn new(number: u32, derivation: &Derivation) -> (Self, HashMap<Uuid, Uuid>) {
        let mut district = Self {
            number,
            mask: if number == 0 { 0 } else { mask(number) },
            actors: Vec::new(),
        };
        if number == 0 {
            return (district, HashMap::new());
        }
        district.actors = derivation
            .logins
            .iter()
            .map(|name| Actor::from_stored(format!("user:{}", username(name, number))))
            .collect();
        let mask = district.mask;
        let derived = derivation.ids(|u| Uuid::from_u128(u.as_u128() ^ mask), number);
        (district, derived)
    }

    /// Its id for a template's.
    fn id(&self, id: Id, derived: &Derived) -> Uuid {
        if self.number == 0 {
            return id.template;
        }
        match id.slot.and_then(|s| derived.get(s, self.number)) {
            Some(v) => v,
            None => Uuid::from_u128(id.template.as_u128() ^ self.mask),
        }
    }

    /// The district's copy of a template event at `position`, in an append that began at
    /// `start`; `None` for a one-off stream of district 0.
    fn copy(
        &self,
        c: &CopiedEvent,
        shape: &Shape,
        derived: &Derived,
        position: u64,
        start: u64,
    ) -> Option<CopiedEvent> {
        let e = &c.event;
        if self.number == 0 {
            let mut event = e.clone();
            event.position = position;
            return Some(CopiedEvent {
                event,
                append_start: start,
            });
        }
        let id = |i| self.id(i, derived);
        let (category, stream_id) = shape.stream.as_ref()?;
        let mut buf = Uuid::encode_buffer();
        let mut stream = String::with_capacity(category.len() + 37);
        stream.push_str(category);
        stream.push('-');
        stream.push_str(id(*stream_id).hyphenated().encode_lower(&mut buf));
        let mut payload = splice_ids(e.payload.as_str(), &shape.ids, id);
        if shape.registers_user {
            payload = rename_user(&payload, self.number);
        }
        // Made field by field, not cloned and overwritten: the template's names are shared
        // with the thread that drops the pages, and every clone of one is a write to it.
        let event = RecordedEvent {
            position,
            stream: StreamName::from_stored(stream),
            version: e.version,
            event_id: id(shape.event_id),
            event_type: e.event_type.clone(),
            schema_version: e.schema_version,
            occurred_at: e.occurred_at,
            recorded_at: e.recorded_at,
            actor: match shape.login.and_then(|l| self.actors.get(l)) {
                Some(actor) => actor.clone(),
                None => e.actor.clone(),
            },
            correlation_id: shape.correlation_id.map(id),
            causation_id: shape.causation_id.map(id),
            payload: Payload::from_stored(payload),
        };
        Some(CopiedEvent {
            event,
            append_start: start,
        })
    }
}

/// District `d`'s login for the template's `name`.
fn username(name: &str, d: u32) -> String {
    if d == 0 {
        name.to_owned()
    } else {
        format!("{name}.d{d:03}")
    }
}

/// The `"username":"…"` of a registration, renamed for district `d`.
fn rename_user(payload: &str, d: u32) -> String {
    const KEY: &str = "\"username\":\"";
    let Some(at) = payload.find(KEY) else {
        return payload.to_owned();
    };
    let from = at + KEY.len();
    let Some(len) = payload[from..].find('"') else {
        return payload.to_owned();
    };
    format!(
        "{}{}{}",
        &payload[..from],
        username(&payload[from..from + len], d),
        &payload[from + len..]
    )
}

/// A 128-bit mask for district `d` that leaves a UUID's version and variant as they are.
fn mask(d: u32) -> u128 {
    let mut x = u64::from(d).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2026_0731;
    let mut next = || {
        // splitmix64
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let m = (u128::from(next()) << 64) | u128::from(next());
    // Version: the high nibble of byte 6; variant: the top two bits of byte 8.
    m & !(0xF_u128 << 76) & !(0b11_u128 << 62)
}

/// Where the UUIDs in canonical form (8-4-4-4-12 lower-case hex, not inside a longer
/// word) are in `text`, with the ids.
fn uuids_in(text: &str) -> Vec<(usize, Uuid)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 36 <= bytes.len() {
        if is_uuid_at(bytes, i)
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes.get(i + 36).is_none_or(|b| !b.is_ascii_alphanumeric())
            && let Ok(u) = Uuid::parse_str(&text[i..i + 36])
        {
            found.push((i, u));
            i += 36;
        } else {
            i += 1;
        }
    }
    found
}

/// `text` with the ids at `ids` (from [`uuids_in`], or the same places with what the caller
/// knows of each id) replaced by `f` of them.
fn splice_ids<I: Copy>(text: &str, ids: &[(usize, I)], f: impl Fn(I) -> Uuid) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = Uuid::encode_buffer();
    let mut copied = 0;
    for &(at, u) in ids {
        out.push_str(&text[copied..at]);
        out.push_str(f(u).hyphenated().encode_lower(&mut buf));
        copied = at + 36;
    }
    out.push_str(&text[copied..]);
    out
}

fn is_uuid_at(b: &[u8], i: usize) -> bool {
    (0..36).all(|k| {
        let c = b[i + k];
        if matches!(k, 8 | 13 | 18 | 23) {
            c == b'-'
        } else {
            c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_text_are_mapped_and_nothing_else_changes() {
        let a = Uuid::from_u128(0x0001_d091_1d38_5f28_a542_6d29_a2c0_5c41);
        let text = format!(
            r#"{{"a":"{a}","b":"x{a}","c":"不是{a}","n":"{}"}}"#,
            "0".repeat(36)
        );
        let mapped = splice_ids(&text, &uuids_in(&text), |u| {
            Uuid::from_u128(u.as_u128() ^ 1)
        });
        let b = Uuid::from_u128(a.as_u128() ^ 1);
        assert_eq!(
            mapped,
            format!(
                r#"{{"a":"{b}","b":"x{a}","c":"不是{b}","n":"{}"}}"#,
                "0".repeat(36)
            )
        );
    }

    #[test]
    fn a_mask_keeps_the_version_and_variant_and_differs_by_district() {
        let u = Uuid::new_v5(&Uuid::NAMESPACE_OID, b"unit");
        let (m1, m2) = (mask(1), mask(2));
        assert_ne!(m1, m2);
        for m in [m1, m2, mask(99)] {
            let v = Uuid::from_u128(u.as_u128() ^ m);
            assert_eq!(v.get_version_num(), 5);
            assert_eq!(v.get_variant(), u.get_variant());
            assert_ne!(v, u);
        }
    }

    #[test]
    fn logins_get_the_district_in_their_name_and_the_derived_id() {
        assert_eq!(username("c037", 0), "c037");
        assert_eq!(username("c037", 42), "c037.d042");
        assert_eq!(
            rename_user(
                r#"{"display_name":"甲","user_id":"x","username":"jiwei"}"#,
                7
            ),
            r#"{"display_name":"甲","user_id":"x","username":"jiwei.d007"}"#
        );
        assert!(parse_scale("province") == Ok(100) && parse_scale("3") == Ok(3));
        assert!(parse_scale("0").is_err() && parse_scale("town").is_err());
    }
}
