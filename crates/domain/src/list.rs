//! A responsibility list (责任清单) of one year: published, revised, assigned to duty
//! subjects; stream `list-<id>`. Its obligations are derived, never stored: one per
//! (assigned subject, item of the subject's kind, period).

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{
    Event, ResponsibilityListAssigned, ResponsibilityListPublished, ResponsibilityListRevised,
};
use crate::ids::{CadreId, ItemId, ListId, ObligationId};
use crate::obligation::{DutyItem, Obligation, Source, derive_obligations};
use crate::org::{CadreDuty, Subject};
use crate::validate;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Longest list title, in characters.
pub const MAX_TITLE: usize = 200;
/// Most items in one list.
pub const MAX_ITEMS: usize = 500;
/// Longest item content, in characters.
pub const MAX_ITEM_CONTENT: usize = 1_000;
/// Longest item category, in characters.
pub const MAX_CATEGORY: usize = 100;
/// Most entries an item may require per period.
pub const MAX_REQUIRED_COUNT: u32 = 100;
/// Longest reason of a revision, in characters.
pub const MAX_REASON: usize = 500;

/// 责任清单发布.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishList {
    pub list_id: ListId,
    /// 2000–2999.
    pub year: i32,
    pub title: String,
    pub items: Vec<DutyItem>,
}

/// 责任清单修订: the whole set of items from now on, in the list's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviseList {
    pub list_id: ListId,
    pub items: Vec<DutyItem>,
    pub reason: String,
}

/// 责任清单分解: adds subjects the list applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignList {
    pub list_id: ListId,
    pub subjects: Vec<Subject>,
}

/// What may be asked of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListCommand {
    Publish(PublishList),
    Revise(ReviseList),
    Assign(AssignList),
}

impl From<PublishList> for ListCommand {
    fn from(c: PublishList) -> Self {
        Self::Publish(c)
    }
}

impl From<ReviseList> for ListCommand {
    fn from(c: ReviseList) -> Self {
        Self::Revise(c)
    }
}

impl From<AssignList> for ListCommand {
    fn from(c: AssignList) -> Self {
        Self::Assign(c)
    }
}

/// What the application knows about the subjects a command names (used by [`AssignList`]
/// and by key tasks); empty for commands that name none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectContext {
    /// Subjects whose unit, group or cadre is not registered.
    pub unknown_subjects: Vec<Subject>,
    /// The current duty of every registered cadre named by a personal subject. A personal
    /// subject whose cadre is missing here is treated as unknown.
    pub cadre_duties: BTreeMap<CadreId, CadreDuty>,
}

impl SubjectContext {
    /// Why `subject` cannot be given obligations, if it cannot: it does not exist, or its
    /// cadre's current duty is not of the subject's kind.
    pub fn problem(&self, subject: &Subject) -> Option<String> {
        let unknown = self.unknown_subjects.contains(subject);
        match *subject {
            Subject::LeadershipTeam { unit_id } if unknown => {
                Some(format!("unit {unit_id} does not exist"))
            }
            Subject::DisciplineGroup { group_id } if unknown => {
                Some(format!("discipline group {group_id} does not exist"))
            }
            Subject::LeadershipTeam { .. } | Subject::DisciplineGroup { .. } => None,
            Subject::PrincipalLeader { cadre_id } | Subject::TeamMember { cadre_id } => {
                let Some(duty) = self.cadre_duties.get(&cadre_id).filter(|_| !unknown) else {
                    return Some(format!("cadre {cadre_id} does not exist"));
                };
                let fits = matches!(
                    (subject, duty),
                    (
                        Subject::PrincipalLeader { .. },
                        CadreDuty::PrincipalLeader { .. }
                    ) | (Subject::TeamMember { .. }, CadreDuty::TeamMember { .. })
                );
                (!fits).then(|| {
                    format!(
                        "cadre {cadre_id} is not a {}: their current duty is {}",
                        subject.kind().label_zh(),
                        duty_label(duty)
                    )
                })
            }
        }
    }
}

fn duty_label(duty: &CadreDuty) -> String {
    match duty {
        CadreDuty::PrincipalLeader { unit_id } => format!("主要负责人 of unit {unit_id}"),
        CadreDuty::TeamMember { unit_id } => format!("班子成员 of unit {unit_id}"),
        CadreDuty::DisciplineGroup { group_id } => format!("纪检组 member of group {group_id}"),
    }
}

/// A published list, as things stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListState {
    pub list_id: ListId,
    pub year: i32,
    pub title: String,
    /// The items of the current revision.
    pub items: Vec<DutyItem>,
    /// 1 when published, then 2, 3, … per revision.
    pub revision: u32,
    /// The subjects assigned so far, in order of assignment.
    pub subjects: Vec<Subject>,
}

impl ListState {
    /// Every obligation the list imposes now (current items, assigned subjects).
    pub fn obligations(&self) -> Vec<Obligation> {
        derive_obligations(self.list_id, self.year, &self.items, &self.subjects)
    }

    /// The obligation of `item_id` for `subject` in `period`, if the list imposes it now:
    /// the item is current, binds the subject's kind at the period's cadence, the subject
    /// is assigned, and the period is of the list's year.
    pub fn obligation_at(
        &self,
        item_id: ItemId,
        subject: &Subject,
        period: &crate::calendar::Period,
    ) -> Option<Obligation> {
        let item = self.items.iter().find(|i| {
            i.item_id == item_id
                && i.subject_kind == subject.kind()
                && i.cadence == period.cadence()
        })?;
        if period.year() != self.year || !self.subjects.contains(subject) {
            return None;
        }
        let source = Source::ListItem {
            list_id: self.list_id,
            item_id,
        };
        Some(Obligation {
            obligation_id: ObligationId::derive(&source, subject, period),
            source,
            subject: *subject,
            period: *period,
            deadline: item.deadline.deadline(period),
            required_count: item.required_count,
            responsibility: item.responsibility,
            category: item.category.clone(),
            content: item.content.clone(),
        })
    }

    /// The obligation `id` of the list, if it imposes one, found by hashing every
    /// candidate id; prefer [`ListState::obligation_at`] when the subject and period are
    /// known.
    pub fn obligation(&self, id: ObligationId) -> Option<Obligation> {
        for subject in &self.subjects {
            for item in self
                .items
                .iter()
                .filter(|i| i.subject_kind == subject.kind())
            {
                let source = Source::ListItem {
                    list_id: self.list_id,
                    item_id: item.item_id,
                };
                for period in crate::calendar::Period::all(self.year, item.cadence) {
                    if ObligationId::derive(&source, subject, &period) == id {
                        return derive_obligations(
                            self.list_id,
                            self.year,
                            std::slice::from_ref(item),
                            std::slice::from_ref(subject),
                        )
                        .into_iter()
                        .find(|o| o.obligation_id == id);
                    }
                }
            }
        }
        None
    }
}

/// Checks a list's year.
fn check_year(year: i32) -> Result<(), DomainError> {
    if (2000..=2999).contains(&year) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "year",
            format!("must be 2000 to 2999, not {year}"),
        ))
    }
}

/// Checks the items of a list of `year`; returns them with content and category trimmed.
pub fn check_items(items: Vec<DutyItem>, year: i32) -> Result<Vec<DutyItem>, DomainError> {
    if items.is_empty() {
        return Err(DomainError::invalid("items", "must name at least one item"));
    }
    if items.len() > MAX_ITEMS {
        return Err(DomainError::invalid(
            "items",
            format!("at most {MAX_ITEMS} items, not {}", items.len()),
        ));
    }
    let mut seen: BTreeSet<ItemId> = BTreeSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (n, mut item) in items.into_iter().enumerate() {
        let bad = |what: String| {
            DomainError::invalid(
                "items",
                format!("item {} ({}): {what}", n + 1, item.item_id),
            )
        };
        if !seen.insert(item.item_id) {
            return Err(bad("the item id is used twice".into()));
        }
        item.content = validate::text("items", &item.content, MAX_ITEM_CONTENT).map_err(|_| {
            bad(format!(
                "content must have 1 to {MAX_ITEM_CONTENT} characters"
            ))
        })?;
        item.category = validate::name("items", &item.category, MAX_CATEGORY).map_err(|_| {
            bad(format!(
                "category must be one line of 1 to {MAX_CATEGORY} characters"
            ))
        })?;
        if !(1..=MAX_REQUIRED_COUNT).contains(&item.required_count) {
            return Err(bad(format!(
                "required_count must be 1 to {MAX_REQUIRED_COUNT}, not {}",
                item.required_count
            )));
        }
        if let Some(problem) = item.deadline.problem(item.cadence, year) {
            return Err(bad(problem));
        }
        out.push(item);
    }
    Ok(out)
}

/// The list's stream; the state is `None` until the list is published.
#[derive(Debug)]
pub struct ListAggregate;

impl Aggregate for ListAggregate {
    type State = Option<ListState>;
    type Command = ListCommand;
    type Context = SubjectContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        match event {
            Event::ResponsibilityListPublished(e) => {
                *state = Some(ListState {
                    list_id: e.list_id,
                    year: e.year,
                    title: e.title.clone(),
                    items: e.items.clone(),
                    revision: 1,
                    subjects: Vec::new(),
                });
            }
            Event::ResponsibilityListRevised(e) => {
                if let Some(s) = state {
                    s.items = e.items.clone();
                    s.revision = e.revision;
                }
            }
            Event::ResponsibilityListAssigned(e) => {
                if let Some(s) = state {
                    for subject in &e.subjects {
                        if !s.subjects.contains(subject) {
                            s.subjects.push(*subject);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: ListCommand,
        context: &SubjectContext,
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        let published = |list_id: ListId| {
            state
                .as_ref()
                .filter(|s| s.list_id == list_id)
                .ok_or_else(|| DomainError::not_found("responsibility list", list_id))
        };
        match command {
            ListCommand::Publish(c) => {
                if state.is_some() {
                    return Err(DomainError::AlreadyExists {
                        what: "responsibility list",
                        id: c.list_id.to_string(),
                    });
                }
                check_year(c.year)?;
                let title = validate::name("title", &c.title, MAX_TITLE)?;
                let items = check_items(c.items, c.year)?;
                Ok(vec![
                    ResponsibilityListPublished {
                        list_id: c.list_id,
                        year: c.year,
                        title,
                        items,
                    }
                    .into(),
                ])
            }
            ListCommand::Revise(c) => {
                let list = published(c.list_id)?;
                let items = check_items(c.items, list.year)?;
                let reason = validate::text("reason", &c.reason, MAX_REASON)?;
                if items == list.items {
                    return Err(DomainError::invalid(
                        "items",
                        "unchanged: the revision has exactly the current items",
                    ));
                }
                // An obligation is (subject, item, period): an item that kept its id but
                // changed whom it binds or how often would orphan the entries recorded
                // against its obligations. Such a change is a new item.
                for new in &items {
                    if let Some(old) = list.items.iter().find(|o| o.item_id == new.item_id)
                        && (old.subject_kind != new.subject_kind || old.cadence != new.cadence)
                    {
                        return Err(DomainError::invalid(
                            "items",
                            format!(
                                "item {} cannot change its subject kind or cadence; \
                                 remove it and add a new item instead",
                                new.item_id
                            ),
                        ));
                    }
                }
                Ok(vec![
                    ResponsibilityListRevised {
                        list_id: c.list_id,
                        revision: list.revision + 1,
                        items,
                        reason,
                    }
                    .into(),
                ])
            }
            ListCommand::Assign(c) => {
                let list = published(c.list_id)?;
                if c.subjects.is_empty() {
                    return Err(DomainError::invalid(
                        "subjects",
                        "must name at least one subject",
                    ));
                }
                let mut seen = BTreeSet::new();
                let mut new = Vec::new();
                for subject in c.subjects {
                    if !seen.insert(subject) {
                        return Err(DomainError::invalid(
                            "subjects",
                            format!("{subject} is named twice"),
                        ));
                    }
                    if list.subjects.contains(&subject) {
                        continue;
                    }
                    if let Some(problem) = context.problem(&subject) {
                        return Err(DomainError::invalid("subjects", problem));
                    }
                    new.push(subject);
                }
                if new.is_empty() {
                    return Err(DomainError::invalid("subjects", "already assigned"));
                }
                Ok(vec![
                    ResponsibilityListAssigned {
                        list_id: c.list_id,
                        subjects: new,
                    }
                    .into(),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests;
