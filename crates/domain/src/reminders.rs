//! The time-driven facts (DESIGN.md §3): an obligation entered its yellow week with its
//! required count not reached (履责提醒), or its deadline passed without it (约谈提醒); a
//! problem's rectification went past its rectify-by date (整改逾期提醒). The
//! deadline watcher appends each once, whenever it gets to it: its event id is derived from
//! the obligation (or problem) and the kind, so a second watcher, a restart or a catch-up after downtime
//! appends nothing new.

use crate::calendar::start_of_day;
use crate::events::{AdmonishmentDue, Event, RectificationOverdue, YellowWeekEntered};
use crate::ids::{CadreId, ObligationId, ProblemId, UnitId};
use crate::light::YELLOW_DAYS;
use crate::org::Subject;
use chrono::{DateTime, Days, NaiveDate, Utc};
use uuid::Uuid;

/// The two reminders of an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReminderKind {
    /// 履责提醒: the deadline is at most 7 days away and the count is not reached.
    YellowWeek,
    /// 约谈提醒: the deadline has passed and the count was not reached.
    Admonishment,
}

/// The namespace of reminder event ids (UUIDv5 of kind and obligation).
const NAMESPACE: Uuid = Uuid::from_u128(0x6475_7479_7472_6163_6572_656d_696e_0001);

impl ReminderKind {
    pub const ALL: [ReminderKind; 2] = [ReminderKind::YellowWeek, ReminderKind::Admonishment];

    /// The stable key (also the board's `kind` column).
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::YellowWeek => "yellow_week",
            ReminderKind::Admonishment => "admonishment",
        }
    }

    /// The local date the reminder falls due for an obligation due on `deadline`: the
    /// first day of its yellow week (deadline − 6), or the day after the deadline.
    pub fn due_on(self, deadline: NaiveDate) -> NaiveDate {
        match self {
            ReminderKind::YellowWeek => deadline
                .checked_sub_days(Days::new((YELLOW_DAYS - 1).unsigned_abs()))
                .unwrap_or(deadline),
            ReminderKind::Admonishment => {
                deadline.checked_add_days(Days::new(1)).unwrap_or(deadline)
            }
        }
    }

    /// The instant the light changes: the start (00:00 Shanghai) of [`due_on`](Self::due_on).
    /// The count that decides is the one known at this instant.
    pub fn boundary(self, deadline: NaiveDate) -> DateTime<Utc> {
        start_of_day(self.due_on(deadline))
    }

    /// The id of this reminder's event for `obligation`: the same in every process, so the
    /// store keeps it once.
    pub fn event_id(self, obligation: ObligationId) -> Uuid {
        Uuid::new_v5(
            &NAMESPACE,
            format!("{}:{obligation}", self.as_str()).as_bytes(),
        )
    }
}

/// What the watcher knows of one obligation at a reminder's boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtBoundary {
    pub obligation_id: ObligationId,
    pub subject: Subject,
    pub deadline: NaiveDate,
    pub required_count: u32,
    /// Entries counting at the boundary instant.
    pub count: u32,
}

/// The reminder's event, if it is due at `now`: the boundary has come and the count known
/// then fell short.
pub fn due(kind: ReminderKind, o: &AtBoundary, now: DateTime<Utc>) -> Option<Event> {
    if now < kind.boundary(o.deadline) || o.count >= o.required_count {
        return None;
    }
    Some(match kind {
        ReminderKind::YellowWeek => YellowWeekEntered {
            obligation_id: o.obligation_id,
            subject: o.subject,
            deadline: o.deadline,
            required_count: o.required_count,
            count: o.count,
            first_day: kind.due_on(o.deadline),
        }
        .into(),
        ReminderKind::Admonishment => AdmonishmentDue {
            obligation_id: o.obligation_id,
            subject: o.subject,
            deadline: o.deadline,
            required_count: o.required_count,
            count: o.count,
        }
        .into(),
    })
}

/// A problem not closed by its rectify-by date, as the ledger knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueProblem {
    pub problem_id: ProblemId,
    pub unit_id: UnitId,
    pub cadre_id: Option<CadreId>,
    pub rectify_by: NaiveDate,
    /// The local date it was closed on, if it was.
    pub closed_on: Option<NaiveDate>,
}

impl OverdueProblem {
    /// The instant the rectification goes overdue: the start of the day after rectify-by.
    pub fn boundary(&self) -> DateTime<Utc> {
        start_of_day(
            self.rectify_by
                .checked_add_days(Days::new(1))
                .unwrap_or(self.rectify_by),
        )
    }

    /// The id of its reminder's event: the same in every process.
    pub fn event_id(&self) -> Uuid {
        Uuid::new_v5(
            &NAMESPACE,
            format!("rectification_overdue:{}", self.problem_id).as_bytes(),
        )
    }
}

/// 整改逾期提醒, if due at `now`: the boundary has come and the problem was not closed by
/// the end of its rectify-by date.
pub fn rectification_overdue(p: &OverdueProblem, now: DateTime<Utc>) -> Option<Event> {
    if now < p.boundary() || p.closed_on.is_some_and(|d| d <= p.rectify_by) {
        return None;
    }
    Some(
        RectificationOverdue {
            problem_id: p.problem_id,
            unit_id: p.unit_id,
            cadre_id: p.cadre_id,
            rectify_by: p.rectify_by,
        }
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::end_of_day;
    use crate::ids::CadreId;
    use crate::light::{Light, light};
    use chrono::TimeDelta;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at_boundary(count: u32) -> AtBoundary {
        AtBoundary {
            obligation_id: ObligationId::new(),
            subject: Subject::TeamMember {
                cadre_id: CadreId::new(),
            },
            deadline: d("2026-06-30"),
            required_count: 2,
            count,
        }
    }

    #[test]
    fn the_boundaries_are_where_the_light_changes() {
        let deadline = d("2026-06-30");
        let yellow = ReminderKind::YellowWeek.boundary(deadline);
        let red = ReminderKind::Admonishment.boundary(deadline);
        assert_eq!(ReminderKind::YellowWeek.due_on(deadline), d("2026-06-24"));
        assert_eq!(red, end_of_day(deadline) + TimeDelta::microseconds(1));
        let us = TimeDelta::microseconds(1);
        assert_eq!(light(deadline, 1, &[], yellow - us), Light::Pending);
        assert_eq!(light(deadline, 1, &[], yellow), Light::Yellow);
        assert_eq!(light(deadline, 1, &[], red - us), Light::Yellow);
        assert_eq!(light(deadline, 1, &[], red), Light::Red);
    }

    #[test]
    fn a_reminder_is_due_from_its_boundary_and_only_if_the_count_fell_short() {
        let o = at_boundary(1);
        for kind in ReminderKind::ALL {
            let b = kind.boundary(o.deadline);
            assert_eq!(
                due(kind, &o, b - TimeDelta::microseconds(1)),
                None,
                "{kind:?}"
            );
            let e = due(kind, &o, b).unwrap_or_else(|| panic!("{kind:?} due"));
            assert_eq!(e.stream(), format!("reminder-{}", o.obligation_id));
            assert!(due(kind, &o, b + TimeDelta::days(300)).is_some());
            assert_eq!(due(kind, &at_boundary(2), b), None, "reached: nothing due");
        }
    }

    #[test]
    fn a_rectification_is_overdue_from_the_day_after_unless_closed_by_then() {
        let p = OverdueProblem {
            problem_id: ProblemId::new(),
            unit_id: UnitId::new(),
            cadre_id: None,
            rectify_by: d("2026-05-31"),
            closed_on: None,
        };
        let b = p.boundary();
        assert_eq!(b, end_of_day(d("2026-05-31")) + TimeDelta::microseconds(1));
        assert_eq!(
            rectification_overdue(&p, b - TimeDelta::microseconds(1)),
            None
        );
        let e = rectification_overdue(&p, b).expect("due");
        assert_eq!(e.stream(), format!("reminder-{}", p.problem_id));
        let on_time = OverdueProblem {
            closed_on: Some(d("2026-05-31")),
            ..p.clone()
        };
        assert_eq!(rectification_overdue(&on_time, b), None);
        let late = OverdueProblem {
            closed_on: Some(d("2026-06-02")),
            ..p.clone()
        };
        assert!(
            rectification_overdue(&late, b).is_some(),
            "it was overdue for two days"
        );
        assert_ne!(
            p.event_id(),
            ReminderKind::YellowWeek.event_id(ObligationId(p.problem_id.0))
        );
    }

    #[test]
    fn event_ids_are_stable_and_distinct() {
        let a = ObligationId::new();
        let b = ObligationId::new();
        let y = ReminderKind::YellowWeek;
        let r = ReminderKind::Admonishment;
        assert_eq!(y.event_id(a), y.event_id(a));
        assert_ne!(y.event_id(a), r.event_id(a));
        assert_ne!(y.event_id(a), y.event_id(b));
    }
}
