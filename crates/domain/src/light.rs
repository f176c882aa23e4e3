//! The traffic light of an obligation (DESIGN.md §2), a pure function of the obligation's
//! deadline and required count, the entries known, and an `as_of` instant.
//!
//! | light | when |
//! |---|---|
//! | green 绿 | the required count was reached by entries made on or before the deadline |
//! | yellow 黄 | not reached, and the deadline day is at most 6 days ahead (a 7-day window ending with the deadline day) |
//! | red 红 | the deadline has passed and the required count was not reached |
//! | orange 橙 | the deadline passed unreached (it went red) and late backfills (补录) have since made up the count — kept apart from green for good |
//! | pending | not reached, the deadline more than 7 days ahead |
//!
//! Only what was known at `as_of` counts: entries recorded after it, and withdrawals
//! recorded after it, are ignored, so the light of a past instant never changes.

use crate::calendar::{end_of_day, local_date};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Length of the yellow window, in local days, the deadline day included.
pub const YELLOW_DAYS: i64 = 7;

/// The light of an obligation. Wire values are exactly `green`, `yellow`, `red`, `orange`,
/// `pending` (DESIGN.md §5).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Light {
    Green,
    Yellow,
    Red,
    Orange,
    Pending,
}

impl Light {
    /// Every light, in board order.
    pub const ALL: [Light; 5] = [
        Light::Green,
        Light::Yellow,
        Light::Red,
        Light::Orange,
        Light::Pending,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Yellow => "yellow",
            Self::Red => "red",
            Self::Orange => "orange",
            Self::Pending => "pending",
        }
    }

    /// The Chinese name shown on the board.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Green => "绿灯",
            Self::Yellow => "黄灯",
            Self::Red => "红灯",
            Self::Orange => "橙灯",
            Self::Pending => "未到期",
        }
    }
}

/// What the light needs to know of one duty entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFact {
    /// When the platform recorded the entry.
    pub recorded_at: DateTime<Utc>,
    /// Whether it was stored as a late backfill (`DutyBackfilled`), i.e. recorded after the
    /// deadline.
    pub backfill: bool,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl EntryFact {
    /// Whether the entry counts at `as_of`: recorded by then and not withdrawn by then.
    pub fn counts_at(&self, as_of: DateTime<Utc>) -> bool {
        self.recorded_at <= as_of && self.withdrawn_at.is_none_or(|w| w > as_of)
    }
}

/// An obligation's state at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Status {
    pub light: Light,
    /// Entries that count at `as_of`.
    pub count: u32,
    /// Of those, entries made on or before the deadline.
    pub on_time: u32,
    /// When the required count was reached (by the entries counting at `as_of`).
    pub completed_at: Option<DateTime<Utc>>,
    /// Whether late backfills count towards it.
    pub backfilled: bool,
}

/// The light of an obligation due on `deadline` (a local date) needing `required` entries,
/// given its `entries`, as known at `as_of`.
pub fn status(
    deadline: NaiveDate,
    required: u32,
    entries: &[EntryFact],
    as_of: DateTime<Utc>,
) -> Status {
    let mut counting: Vec<&EntryFact> = entries.iter().filter(|e| e.counts_at(as_of)).collect();
    counting.sort_by_key(|e| e.recorded_at);
    let count = counting.len() as u32;
    let on_time = counting.iter().filter(|e| !e.backfill).count() as u32;
    let completed_at = (required > 0)
        .then(|| counting.get(required as usize - 1).map(|e| e.recorded_at))
        .flatten();
    let light = if on_time >= required {
        Light::Green
    } else if as_of > end_of_day(deadline) {
        if count >= required {
            Light::Orange
        } else {
            Light::Red
        }
    } else if (deadline - local_date(as_of)).num_days() < YELLOW_DAYS {
        Light::Yellow
    } else {
        Light::Pending
    };
    Status {
        light,
        count,
        on_time,
        completed_at,
        backfilled: counting.iter().any(|e| e.backfill),
    }
}

/// Just the light (see [`status`]).
pub fn light(
    deadline: NaiveDate,
    required: u32,
    entries: &[EntryFact],
    as_of: DateTime<Utc>,
) -> Light {
    status(deadline, required, entries, as_of).light
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::start_of_day;
    use chrono::TimeDelta;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Local wall-clock time in Shanghai.
    fn at(date: NaiveDate, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        start_of_day(date) + TimeDelta::seconds(i64::from(h * 3600 + m * 60 + s))
    }

    fn entry(recorded_at: DateTime<Utc>, deadline: NaiveDate) -> EntryFact {
        EntryFact {
            recorded_at,
            backfill: recorded_at > end_of_day(deadline),
            withdrawn_at: None,
        }
    }

    const DEADLINE: (i32, u32, u32) = (2026, 6, 30);

    fn deadline() -> NaiveDate {
        d(DEADLINE.0, DEADLINE.1, DEADLINE.2)
    }

    #[test]
    fn with_no_entries_the_light_goes_pending_yellow_red() {
        let dl = deadline();
        assert_eq!(
            light(dl, 1, &[], at(d(2026, 6, 23), 23, 59, 59)),
            Light::Pending
        );
        // First day of the 7-day window: the deadline day is 6 days ahead.
        assert_eq!(
            light(dl, 1, &[], at(d(2026, 6, 24), 0, 0, 0)),
            Light::Yellow
        );
        // Last day of the window: the deadline day itself, to its last instant.
        assert_eq!(light(dl, 1, &[], at(dl, 0, 0, 0)), Light::Yellow);
        assert_eq!(light(dl, 1, &[], end_of_day(dl)), Light::Yellow);
        // The first instant after it.
        assert_eq!(light(dl, 1, &[], start_of_day(d(2026, 7, 1))), Light::Red);
    }

    #[test]
    fn an_entry_at_235959_on_the_deadline_is_on_time_and_at_000000_the_next_day_is_late() {
        let dl = deadline();
        let on_time = entry(at(dl, 23, 59, 59), dl);
        assert!(!on_time.backfill);
        assert_eq!(
            light(dl, 1, &[on_time], at(d(2026, 7, 2), 9, 0, 0)),
            Light::Green
        );
        let late = entry(at(d(2026, 7, 1), 0, 0, 0), dl);
        assert!(late.backfill);
        assert_eq!(light(dl, 1, &[late], late.recorded_at), Light::Orange);
        // Red until a backfill is recorded, orange from then on, never green.
        let backfill = entry(at(d(2026, 7, 1), 9, 0, 0), dl);
        assert_eq!(
            light(dl, 1, &[backfill], at(d(2026, 6, 30), 23, 59, 59)),
            Light::Yellow
        );
        assert_eq!(
            light(dl, 1, &[backfill], at(d(2026, 7, 1), 8, 59, 59)),
            Light::Red
        );
        assert_eq!(
            light(dl, 1, &[backfill], backfill.recorded_at),
            Light::Orange
        );
        assert_eq!(
            light(dl, 1, &[backfill], at(d(2027, 1, 1), 0, 0, 0)),
            Light::Orange
        );
    }

    #[test]
    fn green_needs_the_whole_required_count_on_time() {
        let dl = deadline();
        let e1 = entry(at(d(2026, 3, 1), 10, 0, 0), dl);
        let e2 = entry(at(d(2026, 6, 29), 10, 0, 0), dl);
        let s = status(dl, 2, &[e1], at(d(2026, 5, 1), 0, 0, 0));
        assert_eq!(
            (s.light, s.count, s.completed_at),
            (Light::Pending, 1, None)
        );
        let s = status(dl, 2, &[e2, e1], at(d(2026, 6, 29), 12, 0, 0));
        assert_eq!((s.light, s.count, s.on_time), (Light::Green, 2, 2));
        assert_eq!(s.completed_at, Some(e2.recorded_at));
        // One on time and one late: orange, with the completion at the backfill.
        let late = entry(at(d(2026, 7, 3), 8, 0, 0), dl);
        let s = status(dl, 2, &[e1, late], at(d(2026, 8, 1), 0, 0, 0));
        assert_eq!((s.light, s.on_time, s.backfilled), (Light::Orange, 1, true));
        assert_eq!(s.completed_at, Some(late.recorded_at));
        // Partly made up is still red.
        let s = status(dl, 3, &[e1, late], at(d(2026, 8, 1), 0, 0, 0));
        assert_eq!(s.light, Light::Red);
    }

    #[test]
    fn a_withdrawal_counts_from_when_it_was_recorded() {
        let dl = deadline();
        let mut e = entry(at(d(2026, 6, 1), 10, 0, 0), dl);
        e.withdrawn_at = Some(at(d(2026, 7, 5), 10, 0, 0));
        assert_eq!(light(dl, 1, &[e], at(d(2026, 7, 4), 0, 0, 0)), Light::Green);
        assert_eq!(light(dl, 1, &[e], at(d(2026, 7, 5), 10, 0, 0)), Light::Red);
    }

    #[test]
    fn leap_day_deadlines() {
        let dl = d(2028, 2, 29);
        assert_eq!(
            light(dl, 1, &[], at(d(2028, 2, 23), 12, 0, 0)),
            Light::Yellow
        );
        assert_eq!(
            light(dl, 1, &[], at(d(2028, 2, 22), 12, 0, 0)),
            Light::Pending
        );
        assert_eq!(light(dl, 1, &[], at(d(2028, 3, 1), 0, 0, 0)), Light::Red);
    }

    #[test]
    fn lights_have_their_wire_names() {
        let names: Vec<_> = Light::ALL
            .iter()
            .map(|l| serde_json::to_string(l).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "\"green\"",
                "\"yellow\"",
                "\"red\"",
                "\"orange\"",
                "\"pending\""
            ]
        );
        for l in Light::ALL {
            assert_eq!(
                serde_json::to_string(&l).unwrap(),
                format!("\"{}\"", l.as_str())
            );
        }
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        // Around the 2026-06-30 deadline, to the second, over ±60 days.
        (-60i64 * 86_400..60 * 86_400)
            .prop_map(|s| start_of_day(deadline()) + TimeDelta::seconds(s))
    }

    proptest! {
        #[test]
        fn without_entries_the_light_depends_only_on_the_local_day(as_of in instant()) {
            let dl = deadline();
            let days_left = (dl - local_date(as_of)).num_days();
            let expected = if days_left < 0 {
                Light::Red
            } else if days_left < YELLOW_DAYS {
                Light::Yellow
            } else {
                Light::Pending
            };
            prop_assert_eq!(light(dl, 1, &[], as_of), expected);
        }

        #[test]
        fn the_light_of_a_past_instant_never_changes_when_later_entries_arrive(
            times in proptest::collection::vec(instant(), 0..6),
            later in proptest::collection::vec(instant(), 1..4),
            as_of in instant(),
            required in 1u32..4,
        ) {
            let dl = deadline();
            let known: Vec<_> = times.iter().map(|t| entry(*t, dl)).collect();
            let before = status(dl, required, &known, as_of);
            // Entries recorded after as_of, whatever they are, change nothing at as_of.
            let mut more = known.clone();
            more.extend(later.iter().map(|t| entry(as_of + TimeDelta::seconds(1) + (*t - start_of_day(d(2026, 1, 1))).abs(), dl)));
            prop_assert_eq!(status(dl, required, &more, as_of), before);
        }

        #[test]
        fn green_and_orange_are_final_and_never_mixed_up(
            times in proptest::collection::vec(instant(), 0..6),
            required in 1u32..4,
            a in instant(),
            b in instant(),
        ) {
            let dl = deadline();
            let entries: Vec<_> = times.iter().map(|t| entry(*t, dl)).collect();
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            let first = light(dl, required, &entries, early);
            let second = light(dl, required, &entries, late);
            // Once green or orange (and nothing is withdrawn), it stays so.
            if matches!(first, Light::Green | Light::Orange) {
                prop_assert_eq!(second, first);
            }
            // Orange only after the deadline, and only with a backfill counting.
            if second == Light::Orange {
                prop_assert!(late > end_of_day(dl));
                prop_assert!(entries.iter().any(|e| e.backfill && e.recorded_at <= late));
            }
            // Green means enough entries on time, whenever asked.
            if second == Light::Green {
                let on_time = entries.iter().filter(|e| !e.backfill && e.recorded_at <= late).count();
                prop_assert!(on_time >= required as usize);
            }
        }

        #[test]
        fn red_means_past_the_deadline_and_short(
            times in proptest::collection::vec(instant(), 0..6),
            required in 1u32..4,
            as_of in instant(),
        ) {
            let dl = deadline();
            let entries: Vec<_> = times.iter().map(|t| entry(*t, dl)).collect();
            let s = status(dl, required, &entries, as_of);
            let counting = entries.iter().filter(|e| e.recorded_at <= as_of).count() as u32;
            prop_assert_eq!(s.count, counting);
            if s.light == Light::Red {
                prop_assert!(as_of > end_of_day(dl));
                prop_assert!(counting < required);
            }
            if as_of > end_of_day(dl) {
                prop_assert!(matches!(s.light, Light::Green | Light::Red | Light::Orange));
            } else {
                prop_assert!(s.light != Light::Red && s.light != Light::Orange);
            }
            prop_assert_eq!(s.completed_at.is_some(), counting >= required);
        }
    }
}
