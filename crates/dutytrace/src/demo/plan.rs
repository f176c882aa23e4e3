//! The demo district as a pure, deterministic plan: its organisation, the 2026 list and
//! key tasks, the logins, every duty entry of January to July, the filings, the problem
//! ledger, the oversight records and the accountability that followed (talks, decisions,
//! circulars, the year's assessment rules), each step at the instant it is taken.
//! The same plan every time: names and outcomes come from a seeded RNG, ids are UUIDv5 of
//! names, and event ids derive from each step's idempotency key.

pub mod accountability;
pub mod filings;
pub mod list;
pub mod logins;
pub mod org;
pub mod oversight;
pub mod problems;
pub mod schedule;

use app::IdempotencyKey;
use chrono::{DateTime, TimeDelta, Utc};
use domain::cadre::RegisterCadre;
use domain::calendar::start_of_day;
use domain::group::RegisterDisciplineGroup;
use domain::leader::RegisterLeaderInCharge;
use domain::list::{AssignList, ListCommand, PublishList};
use domain::org::CadreDuty;
use domain::oversight::{OrgIndex, RecordOversight};
use domain::task::SetKeyTask;
use domain::unit::RegisterUnit;
use domain::user::RegisterUser;
use event_store::Actor;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::Arc;
use uuid::Uuid;

pub use org::{District, Owner};
pub use schedule::Entry;

/// The list's year.
pub const YEAR: i32 = 2026;
/// The RNG seed: the same district every time.
pub const SEED: u64 = 0x2026_0731;
/// The demo's now, unless `--now` says otherwise.
pub const NOW: &str = "2026-07-31T18:00:00+08:00";
/// Names the demo's ids (UUIDv5).
const NAMESPACE: Uuid = Uuid::from_u128(0x6475_7479_7472_6163_652d_6465_6d6f_2026);
/// Bumped whenever the steps change, so that a demo log seeded by an older plan is
/// refused rather than resumed into a mixture.
const PLAN_REVISION: u32 = 5;
/// The commission administrator who sets the district up.
const ADMIN: &str = "user:admin";

/// The id named `name`.
pub fn id(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

/// The demo's now: 2026-07-31 18:00 in Shanghai.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The whole demo district.
#[derive(Debug, Clone)]
pub struct Plan {
    pub district: District,
    pub list: PublishList,
    pub assign: AssignList,
    pub tasks: Vec<SetKeyTask>,
    /// The logins of the cadres, the leaders in charge and the staff (see [`logins`]).
    pub logins: Vec<RegisterUser>,
    /// The filings (事项报备) of January to July, in order (see [`filings`]).
    pub filings: Vec<filings::PlannedFiling>,
    /// The problem ledger's steps (问题台账), February to July, in order (see [`problems`]).
    pub problems: Vec<problems::PlannedProblem>,
    /// The oversight records (廉情数据), February to July, in order (see [`oversight`]).
    pub oversight: Vec<oversight::PlannedOversight>,
    /// The assessment rules, the talks (约谈), the decisions (问责) and the circulars
    /// (通报), in order (see [`accountability`]).
    pub accountability: Vec<accountability::Planned>,
    /// The duty entries, in the order of recording.
    pub entries: Vec<Entry>,
}

/// A command of the plan.
#[derive(Debug, Clone)]
pub enum Command {
    Unit(RegisterUnit),
    Group(RegisterDisciplineGroup),
    Leader(RegisterLeaderInCharge),
    Cadre(RegisterCadre),
    List(ListCommand),
    KeyTask(SetKeyTask),
    User(RegisterUser),
    Duty(Box<Entry>),
    Filing(Box<domain::filing::FilingCommand>),
    Problem(Box<problems::PlannedProblem>),
    /// An oversight record, checked against the district (the same index for every one).
    Oversight {
        record: Box<RecordOversight>,
        org: Arc<OrgIndex>,
    },
    Accountability(Box<accountability::Planned>),
}

/// One command at its instant, by its actor, under its idempotency key.
#[derive(Debug, Clone)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// The idempotency key: fixes the ids of the events the step appends.
    pub key: String,
    pub command: Command,
}

impl Step {
    /// Names the stream the step writes: steps of one instant that share it run one after
    /// another, so every stream's order is the same on every run.
    pub fn stream_key(&self) -> String {
        match &self.command {
            Command::Duty(e) => e.obligation_id.to_string(),
            Command::Filing(f) => f.filing_id().to_string(),
            Command::Problem(p) => p.command.problem_id().to_string(),
            Command::Oversight { record, .. } => record.record.record_id.to_string(),
            Command::Accountability(p) => p
                .record_id()
                .map_or_else(|| self.key.clone(), |id| id.to_string()),
            _ => self.key.clone(),
        }
    }

    /// The id of the (one) event the step appends.
    pub fn event_id(&self) -> Option<Uuid> {
        IdempotencyKey::new(&self.actor, &self.key)
            .ok()
            .map(|k| k.event_id(0))
    }
}

/// 09:00 on 5 January 2026 in Shanghai, plus `minutes`: when the district is set up.
fn setup(minutes: i64) -> DateTime<Utc> {
    let day = chrono::NaiveDate::from_ymd_opt(YEAR, 1, 5).unwrap_or_default();
    start_of_day(day) + TimeDelta::minutes(9 * 60 + minutes)
}

impl Plan {
    /// Builds the plan (a pure function: the same plan every time).
    pub fn build() -> Self {
        let mut rng = StdRng::seed_from_u64(SEED);
        let district = District::build(&mut rng);
        let owners = district.owners();
        let tasks = list::key_tasks(&district.units);
        let entries = schedule::entries(&mut rng, &owners, &tasks);
        let filings = filings::filings(&district);
        let problems = problems::problems(&district);
        Self {
            logins: logins::logins(&district),
            oversight: oversight::records(&district),
            accountability: accountability::accountability(
                &district, &tasks, &entries, &problems, &filings,
            ),
            filings,
            problems,
            list: list::publish(),
            assign: AssignList {
                list_id: list::list_id(),
                subjects: owners.iter().map(|o| o.subject).collect(),
            },
            district,
            tasks,
            entries,
        }
    }

    /// The plan as far as `t`: its entries recorded by then (the district as it stood at
    /// `t`; for tests that need not seed seven months).
    pub fn until(mut self, t: DateTime<Utc>) -> Self {
        self.entries.retain(|e| e.at <= t);
        self.filings.retain(|f| f.at <= t);
        self.problems.retain(|p| p.at <= t);
        self.oversight.retain(|o| o.at <= t);
        self.accountability.retain(|a| a.at <= t);
        self
    }

    /// The organisation as an oversight record's check needs it (see
    /// [`oversight::org_index`]).
    pub fn org_index(&self) -> OrgIndex {
        oversight::org_index(&self.district)
    }

    /// Every step in chronological order: on 5 January the list, then the district
    /// (units; groups and leaders; principal leaders and group heads; team members), the
    /// list's assignment, the key tasks, the logins and the year's assessment rules; then
    /// the entries, filings, problems, oversight records, talks, decisions and circulars.
    pub fn steps(&self) -> Vec<Step> {
        let admin = Actor::new(ADMIN).expect("a valid actor");
        let mut steps = Vec::new();
        let mut push = |minutes: i64, key: String, command: Command| {
            steps.push(Step {
                at: setup(minutes),
                actor: admin.clone(),
                key: format!("demo-{YEAR}-{key}"),
                command,
            });
        };
        // The list comes first, alone at its instant: its event is the log's first, the
        // same on every run, and so recognises the demo's log (of this revision of the
        // plan: an older demo's log is not resumed into a different district).
        push(
            0,
            format!("list-publish-r{PLAN_REVISION}"),
            Command::List(self.list.clone().into()),
        );
        let d = &self.district;
        for (n, u) in d.units.iter().enumerate() {
            push(5, format!("unit-{n}"), Command::Unit(u.clone()));
        }
        for (n, g) in d.groups.iter().enumerate() {
            push(10, format!("group-{n}"), Command::Group(g.clone()));
        }
        for (n, l) in d.leaders.iter().enumerate() {
            push(10, format!("leader-{n}"), Command::Leader(l.clone()));
        }
        for (n, c) in d.cadres.iter().enumerate() {
            let minutes = match c.duty {
                CadreDuty::TeamMember { .. } => 30,
                _ => 20,
            };
            push(minutes, format!("cadre-{n}"), Command::Cadre(c.clone()));
        }
        push(
            65,
            "list-assign".into(),
            Command::List(self.assign.clone().into()),
        );
        for (n, t) in self.tasks.iter().enumerate() {
            push(70, format!("task-{n}"), Command::KeyTask(t.clone()));
        }
        for u in &self.logins {
            push(80, format!("user-{}", u.username), Command::User(u.clone()));
        }
        // Entries are made by the cadres themselves, signed in with their own logins.
        let username: std::collections::HashMap<_, _> = d
            .cadres
            .iter()
            .enumerate()
            .map(|(n, c)| (c.cadre_id, logins::cadre_username(n)))
            .collect();
        for e in &self.entries {
            let who = username
                .get(&e.record.actor)
                .cloned()
                .unwrap_or_else(|| e.record.actor.to_string());
            let actor = Actor::new(format!("user:{who}")).expect("a valid actor");
            steps.push(Step {
                at: e.at,
                actor,
                key: format!("demo-{YEAR}-entry-{}", e.record.entry_id),
                command: Command::Duty(Box::new(e.clone())),
            });
        }
        // Filings, by the cadres' own logins, among the entries by their instants.
        for (n, f) in self.filings.iter().enumerate() {
            let who = username
                .get(&f.cadre)
                .cloned()
                .unwrap_or_else(|| f.cadre.to_string());
            steps.push(Step {
                at: f.at,
                actor: Actor::new(format!("user:{who}")).expect("a valid actor"),
                key: format!("demo-{YEAR}-filing-step-{n}"),
                command: Command::Filing(Box::new(f.command.clone())),
            });
        }
        // Problems, by the commission's, the stationed group's or the principal's login.
        for (n, p) in self.problems.iter().enumerate() {
            steps.push(Step {
                at: p.at,
                actor: Actor::new(format!("user:{}", p.username)).expect("a valid actor"),
                key: format!("demo-{YEAR}-problem-step-{n}"),
                command: Command::Problem(Box::new(p.clone())),
            });
        }
        // Oversight records, entered by the commission.
        let commission = Actor::new("user:jiwei").expect("a valid actor");
        let org = Arc::new(self.org_index());
        for (n, o) in self.oversight.iter().enumerate() {
            steps.push(Step {
                at: o.at,
                actor: commission.clone(),
                key: format!("demo-{YEAR}-oversight-{n}"),
                command: Command::Oversight {
                    record: Box::new(RecordOversight {
                        record: o.record.clone(),
                    }),
                    org: org.clone(),
                },
            });
        }
        // Talks by the stationed group's head; rules, decisions and circulars by the
        // commission.
        for (n, a) in self.accountability.iter().enumerate() {
            steps.push(Step {
                at: a.at,
                actor: Actor::new(format!("user:{}", a.username)).expect("a valid actor"),
                key: format!("demo-{YEAR}-accountability-step-{n}"),
                command: Command::Accountability(Box::new(a.clone())),
            });
        }
        // Stable: steps of one instant keep their planned order.
        steps.sort_by_key(|s| s.at);
        steps
    }

    /// The id of the log's first event when the demo is seeded: how a store holding the
    /// demo district is recognised.
    pub fn first_event_id(&self) -> Option<Uuid> {
        self.steps().first().and_then(Step::event_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_the_same_every_time() {
        let (a, b) = (Plan::build(), Plan::build());
        assert_eq!(a.district, b.district);
        assert_eq!(a.entries, b.entries);
        assert_eq!(a.first_event_id(), b.first_event_id());
    }

    #[test]
    fn steps_are_chronological_and_their_keys_distinct() {
        let steps = Plan::build().steps();
        assert!(steps.windows(2).all(|w| w[0].at <= w[1].at));
        let keys: std::collections::BTreeSet<_> = steps.iter().map(|s| &s.key).collect();
        assert_eq!(keys.len(), steps.len());
        assert!(steps.iter().all(|s| s.key.len() <= 200 && s.key.is_ascii()));
        assert!(
            steps[0].at < steps[1].at,
            "the first step is alone at its instant"
        );
    }
}
