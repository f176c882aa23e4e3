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
use event_store::{Actor, Clock, CopiedEvent, ManualClock, Payload, StreamName};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

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
    // Before the template's seconds are spent: a log with events is refused anyway.
    store_sqlite::BulkLoad::begin(&path).with_context(|| format!("seeding {}", path.display()))?;
    let started = Instant::now();
    let template = template().await?;
    let template_time = started.elapsed();
    let started = Instant::now();
    let districts = args.scale;
    let events = tokio::task::spawn_blocking(move || write_districts(&path, &template, districts))
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
        demo_seed::prepare(opened.log.clone(), clock.clone(), &plan).await?;
        clock.set(plan::now());
        for projection in serve::projections() {
            projector::catch_up(opened.log.clone(), &opened.models, projection).await?;
        }
        let clock: Arc<dyn Clock> = clock.clone();
        Watcher::new(opened.log.clone(), opened.models.clone(), clock)
            .pass()
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

/// Writes `districts` copies of `template` into a new log at `path`; its head. One thread
/// makes the copies, page by page, while this one writes them.
pub fn write_districts(
    path: &std::path::Path,
    template: &[CopiedEvent],
    districts: u32,
) -> anyhow::Result<u64> {
    let mut load = store_sqlite::BulkLoad::begin(path)
        .with_context(|| format!("seeding {}", path.display()))?;
    let shapes: Vec<Shape> = template.iter().map(Shape::of).collect();
    let derivation = Derivation::of(template);
    let maps: Vec<District> = (0..districts)
        .map(|d| District::new(d, &derivation))
        .collect();
    let (pages, next_page) = std::sync::mpsc::sync_channel::<Vec<CopiedEvent>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut page = Vec::with_capacity(PAGE + 2_000);
            let mut position = 1u64;
            let starts = template.chunk_by(|a, b| a.append_start == b.append_start);
            let mut first = 0;
            for append in starts {
                let shapes = &shapes[first..first + append.len()];
                first += append.len();
                for district in &maps {
                    let start = position;
                    for (c, shape) in append.iter().zip(shapes) {
                        if let Some(e) = district.copy(c, shape, position, start) {
                            page.push(e);
                            position += 1;
                        }
                    }
                }
                if page.len() >= PAGE {
                    let full = std::mem::replace(&mut page, Vec::with_capacity(PAGE + 2_000));
                    if pages.send(full).is_err() {
                        return; // the writer stopped: its error is the answer
                    }
                }
            }
            let _ = pages.send(page);
        });
        for page in next_page {
            load.push(&page)?;
        }
        anyhow::Ok(())
    })?;
    Ok(load.finish()?)
}

/// Events handed to the loader at once.
const PAGE: usize = 20_000;

/// What a template event is made of, found once for every district's copy: where the ids
/// in its payload are, its stream's category and id, its actor's login.
#[derive(Debug)]
struct Shape {
    /// Byte offsets of the ids in the payload, with the ids.
    ids: Vec<(usize, Uuid)>,
    /// `category-<id>`; `None` for a one-off stream (district 0's only).
    stream: Option<(String, Uuid)>,
    /// The login of a `user:` actor.
    login: Option<String>,
    /// A registration, whose username changes with the district.
    registers_user: bool,
}

impl Shape {
    fn of(c: &CopiedEvent) -> Self {
        let e = &c.event;
        Self {
            ids: uuids_in(e.payload.as_str()),
            stream: e
                .stream
                .as_str()
                .split_once('-')
                .and_then(|(cat, id)| Some((cat.to_owned(), Uuid::parse_str(id).ok()?))),
            login: e.actor.as_str().strip_prefix("user:").map(str::to_owned),
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
    /// The template's ids that the domain derives from other ids or names (users,
    /// obligations, reminders) → this district's, derived again from its own.
    users: HashMap<Uuid, Uuid>,
    /// The template's actors → this district's.
    actors: HashMap<String, Actor>,
}

impl District {
    fn new(number: u32, derivation: &Derivation) -> Self {
        let mut district = Self {
            number,
            mask: if number == 0 { 0 } else { mask(number) },
            users: HashMap::new(),
            actors: HashMap::new(),
        };
        if number == 0 {
            return district;
        }
        district.actors = derivation
            .logins
            .iter()
            .map(|name| {
                let actor = Actor::from_stored(format!("user:{}", username(name, number)));
                (name.clone(), actor)
            })
            .collect();
        let mask = district.mask;
        district.users = derivation.ids(|u| Uuid::from_u128(u.as_u128() ^ mask), number);
        district
    }

    fn id(&self, u: Uuid) -> Uuid {
        if self.number == 0 {
            return u;
        }
        match self.users.get(&u) {
            Some(v) => *v,
            None => Uuid::from_u128(u.as_u128() ^ self.mask),
        }
    }

    /// The district's copy of a template event at `position`, in an append that began at
    /// `start`; `None` for a one-off stream of district 0.
    fn copy(
        &self,
        c: &CopiedEvent,
        shape: &Shape,
        position: u64,
        start: u64,
    ) -> Option<CopiedEvent> {
        let e = &c.event;
        let mut event = e.clone();
        event.position = position;
        if self.number > 0 {
            let (category, id) = shape.stream.as_ref()?;
            let mut buf = Uuid::encode_buffer();
            let mut stream = String::with_capacity(category.len() + 37);
            stream.push_str(category);
            stream.push('-');
            stream.push_str(self.id(*id).hyphenated().encode_lower(&mut buf));
            event.stream = StreamName::from_stored(stream);
            event.event_id = self.id(e.event_id);
            event.correlation_id = e.correlation_id.map(|u| self.id(u));
            event.causation_id = e.causation_id.map(|u| self.id(u));
            if let Some(actor) = shape.login.as_ref().and_then(|l| self.actors.get(l)) {
                event.actor = actor.clone();
            }
            let mut payload = splice_ids(e.payload.as_str(), &shape.ids, |u| self.id(u));
            if shape.registers_user {
                payload = rename_user(&payload, self.number);
            }
            event.payload = Payload::from_stored(payload);
        }
        Some(CopiedEvent {
            event,
            append_start: start,
        })
    }
}

/// What the template's derived ids are derived from, found once for every district: the
/// ids the domain derives rather than draws — a user's from its username, an obligation's
/// from its source, subject and period (`ObligationId::derive`), a reminder's event id
/// from its obligation or problem — are derived again from each district's own ids, so
/// that the watcher, the board and sign-in find the copies where they look for them.
#[derive(Debug, Default)]
struct Derivation {
    /// The logins that act in the template.
    logins: Vec<String>,
    /// (user id, username).
    users: Vec<(Uuid, String)>,
    /// The distinct sources and subjects of the obligations below, as JSON with the
    /// places of their ids.
    sources: Vec<(String, Vec<(usize, Uuid)>)>,
    subjects: Vec<(String, Vec<(usize, Uuid)>)>,
    /// (obligation id, source, subject, period) of every obligation the log names.
    obligations: Vec<(Uuid, usize, usize, domain::calendar::Period)>,
    /// (event id, what it is derived from) of every reminder.
    reminders: Vec<(Uuid, Reminded)>,
}

#[derive(Debug)]
enum Reminded {
    Obligation(domain::reminders::ReminderKind, Uuid),
    Problem(Uuid),
}

impl Derivation {
    fn of(template: &[CopiedEvent]) -> Self {
        use domain::events::{
            KeyTaskSet, ResponsibilityListAssigned, ResponsibilityListPublished,
            ResponsibilityListRevised,
        };
        use domain::ids::ObligationId;
        use domain::reminders::{OverdueProblem, ReminderKind};
        let mut d = Self::default();
        let mut logins = std::collections::BTreeSet::new();
        // Every id the log names: only those need deriving.
        let mut named = std::collections::HashSet::new();
        type List = (
            i32,
            Vec<domain::obligation::DutyItem>,
            Vec<domain::org::Subject>,
        );
        let mut lists: HashMap<Uuid, List> = HashMap::new();
        let mut obligations = Vec::new();
        for c in template {
            let e = &c.event;
            if let Some(name) = e.actor.as_str().strip_prefix("user:") {
                logins.insert(name.to_owned());
            }
            named.extend(uuids_in(e.payload.as_str()).into_iter().map(|(_, u)| u));
            let payload = e.payload.as_str();
            match e.event_type.as_str() {
                "UserRegistered" => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(payload)
                        && let (Some(id), Some(name)) = (
                            v["user_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()),
                            v["username"].as_str(),
                        )
                    {
                        d.users.push((id, name.to_owned()));
                    }
                }
                "ResponsibilityListPublished" => {
                    if let Ok(e) = serde_json::from_str::<ResponsibilityListPublished>(payload) {
                        let list = lists.entry(e.list_id.uuid()).or_default();
                        list.0 = e.year;
                        list.1.extend(e.items);
                    }
                }
                "ResponsibilityListRevised" => {
                    if let Ok(e) = serde_json::from_str::<ResponsibilityListRevised>(payload) {
                        lists.entry(e.list_id.uuid()).or_default().1.extend(e.items);
                    }
                }
                "ResponsibilityListAssigned" => {
                    if let Ok(e) = serde_json::from_str::<ResponsibilityListAssigned>(payload) {
                        lists
                            .entry(e.list_id.uuid())
                            .or_default()
                            .2
                            .extend(e.subjects);
                    }
                }
                "KeyTaskSet" => {
                    if let Ok(e) = serde_json::from_str::<KeyTaskSet>(payload) {
                        obligations.push(domain::task::key_task_obligation(&e));
                    }
                }
                "RectificationOverdue" => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(payload)
                        && let Some(problem) = v["problem_id"]
                            .as_str()
                            .and_then(|s| Uuid::parse_str(s).ok())
                        && overdue(problem).event_id() == e.event_id
                    {
                        d.reminders.push((e.event_id, Reminded::Problem(problem)));
                    }
                }
                _ => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(payload)
                        && let Some(old) = v["obligation_id"]
                            .as_str()
                            .and_then(|s| Uuid::parse_str(s).ok())
                        && let Some(kind) = ReminderKind::ALL
                            .into_iter()
                            .find(|k| k.event_id(ObligationId(old)) == e.event_id)
                    {
                        d.reminders
                            .push((e.event_id, Reminded::Obligation(kind, old)));
                    }
                }
            }
        }
        d.logins = logins.into_iter().collect();
        for (list_id, (year, items, subjects)) in &lists {
            obligations.extend(domain::obligation::derive_obligations(
                domain::ids::ListId(*list_id),
                *year,
                items,
                subjects,
            ));
        }
        let mut sources: HashMap<String, usize> = HashMap::new();
        let mut subjects: HashMap<String, usize> = HashMap::new();
        let index = |json: String, seen: &mut HashMap<String, usize>, all: &mut Vec<_>| {
            *seen.entry(json.clone()).or_insert_with(|| {
                let ids = uuids_in(&json);
                all.push((json, ids));
                all.len() - 1
            })
        };
        for o in obligations {
            let id = o.obligation_id.uuid();
            if !named.contains(&id) {
                continue;
            }
            let (Ok(source), Ok(subject)) = (
                serde_json::to_string(&o.source),
                serde_json::to_string(&o.subject),
            ) else {
                continue;
            };
            let source = index(source, &mut sources, &mut d.sources);
            let subject = index(subject, &mut subjects, &mut d.subjects);
            d.obligations.push((id, source, subject, o.period));
        }
        return d;

        fn overdue(p: Uuid) -> OverdueProblem {
            OverdueProblem {
                problem_id: domain::ids::ProblemId(p),
                unit_id: domain::ids::UnitId(Uuid::nil()),
                cadre_id: None,
                rectify_by: chrono::NaiveDate::MIN,
                closed_on: None,
            }
        }
    }

    /// District `number`'s derived ids for the template's (`xor`: the mapping of every
    /// drawn id).
    fn ids(&self, xor: impl Fn(Uuid) -> Uuid, number: u32) -> HashMap<Uuid, Uuid> {
        use domain::ids::ObligationId;
        use domain::obligation::Source;
        use domain::org::Subject;
        let mut ids = HashMap::with_capacity(self.users.len() + self.obligations.len() * 2);
        for (id, name) in &self.users {
            ids.insert(
                *id,
                domain::user::user_id_for(&username(name, number)).uuid(),
            );
        }
        let remap = |(json, at): &(String, Vec<(usize, Uuid)>)| splice_ids(json, at, &xor);
        let sources: Vec<Option<Source>> = self
            .sources
            .iter()
            .map(|s| serde_json::from_str(&remap(s)).ok())
            .collect();
        let subjects: Vec<Option<Subject>> = self
            .subjects
            .iter()
            .map(|s| serde_json::from_str(&remap(s)).ok())
            .collect();
        for (id, source, subject, period) in &self.obligations {
            if let (Some(source), Some(subject)) = (&sources[*source], &subjects[*subject]) {
                ids.insert(*id, ObligationId::derive(source, subject, period).uuid());
            }
        }
        for (event_id, reminded) in &self.reminders {
            let new = match reminded {
                Reminded::Obligation(kind, old) => match ids.get(old) {
                    Some(new) => kind.event_id(ObligationId(*new)),
                    None => continue,
                },
                Reminded::Problem(p) => domain::reminders::OverdueProblem {
                    problem_id: domain::ids::ProblemId(xor(*p)),
                    unit_id: domain::ids::UnitId(Uuid::nil()),
                    cadre_id: None,
                    rectify_by: chrono::NaiveDate::MIN,
                    closed_on: None,
                }
                .event_id(),
            };
            ids.insert(*event_id, new);
        }
        ids
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

/// `text` with the ids at `ids` (from [`uuids_in`]) replaced by `f` of them.
fn splice_ids(text: &str, ids: &[(usize, Uuid)], f: impl Fn(Uuid) -> Uuid) -> String {
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
