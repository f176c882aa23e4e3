//! The ids a district's copy must derive again rather than mask (see the parent module).

use super::{splice_ids, username, uuids_in};
use event_store::CopiedEvent;
use std::collections::HashMap;
use uuid::Uuid;

/// What the template's derived ids are derived from, found once for every district: the
/// ids the domain derives rather than draws — a user's from its username, an obligation's
/// from its source, subject and period (`ObligationId::derive`), a reminder's event id
/// from its obligation or problem — are derived again from each district's own ids, so
/// that the watcher, the board and sign-in find the copies where they look for them.
#[derive(Debug, Default)]
pub(super) struct Derivation {
    /// The logins that act in the template.
    pub(super) logins: Vec<String>,
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
    pub(super) fn of(template: &[CopiedEvent]) -> Self {
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
    pub(super) fn ids(&self, xor: impl Fn(Uuid) -> Uuid, number: u32) -> HashMap<Uuid, Uuid> {
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
