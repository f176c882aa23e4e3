//! The duty entries of January to July, in the order they are recorded.
//!
//! Each obligation whose period has begun by the demo's now gets an outcome: done on time
//! (most; a few with an extra entry), left red (nothing or too little, not made up),
//! made up late (补录, so orange), or — for work still open at now — done early, in part or
//! not yet. Entries are recorded in office hours on working days; all entries of one hour
//! of one day share one instant (the seeder runs them together).

use super::list::{ITEMS, ItemSpec, TASK_ATTACHMENT, TASK_ENTRIES, item_id, list_id};
use super::org::Owner;
use super::{YEAR, id, now};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc, Weekday};
use domain::calendar::{Cadence, DeadlineRule, Period, end_of_day, local_date, start_of_day};
use domain::duty::RecordDuty;
use domain::events::Attachment;
use domain::ids::{EntryId, ObligationId};
use domain::light::YELLOW_DAYS;
use domain::obligation::ObligationRef;
use domain::obligation::Source;
use domain::task::SetKeyTask;
use rand::Rng;
use rand::seq::IndexedRandom;

/// Share of past-due obligations left red.
const P_RED: f64 = 0.045;
/// Share of past-due obligations made up by late backfills (orange).
const P_ORANGE: f64 = 0.05;
/// Share of obligations done on time with one entry more than required.
const P_EXTRA: f64 = 0.04;
/// Share of the work due within the week (yellow window) already done at now: items due
/// on their period's last day (July's monthly items, due today) …
const P_DONE_DUE_TODAY: f64 = 0.9;
/// … and reports due days after the period (July's, due 5 August).
const P_DONE_REPORT: f64 = 0.3;
/// How much of a period's work is done early, per share of the period elapsed.
const EARLY: f64 = 0.5;
/// Share of entries with an attached file.
const P_ATTACHMENT: f64 = 0.45;
/// The first day entries are recorded: the day after the list was published.
const FIRST_DAY: (u32, u32) = (1, 6);
/// Office hours when entries are recorded, with their weights.
const HOURS: [(u32, u32); 8] = [
    (8, 2),
    (9, 5),
    (10, 5),
    (11, 3),
    (14, 4),
    (15, 5),
    (16, 5),
    (17, 3),
];
/// 2026's public holidays (元旦, 春节, 清明, 劳动节, 端午) as (month, first day, last day).
const HOLIDAYS: [(u32, u32, u32); 5] = [(1, 1, 3), (2, 15, 23), (4, 4, 6), (5, 1, 5), (6, 19, 21)];

/// One planned duty entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// When it is recorded.
    pub at: DateTime<Utc>,
    /// What names the obligation (its source, subject and period).
    pub obligation: ObligationRef,
    pub obligation_id: ObligationId,
    /// The obligation's deadline: an entry recorded after its last instant is a backfill.
    pub deadline: NaiveDate,
    pub record: RecordDuty,
}

impl Entry {
    /// Whether it is recorded after the deadline, so stored as a late backfill (补录).
    pub fn late(&self) -> bool {
        self.at > end_of_day(self.deadline)
    }
}

/// What entries of an obligation say, and how its work spreads over time.
#[derive(Debug, Clone, Copy)]
struct Texts {
    entries: &'static [&'static str],
    attachment: &'static str,
    /// Done after the period, up to the deadline (a report on the period).
    after_period: bool,
    early: f64,
}

impl From<&ItemSpec> for Texts {
    fn from(s: &ItemSpec) -> Self {
        Self {
            entries: s.entries,
            attachment: s.attachment,
            after_period: s.days_after > 0,
            early: s.early,
        }
    }
}

/// One obligation to plan entries for.
#[derive(Debug, Clone, Copy)]
struct Work<'a> {
    source: Source,
    obligation_id: ObligationId,
    period: Period,
    deadline: NaiveDate,
    required: u32,
    owner: &'a Owner,
    texts: Texts,
}

/// Every entry, in the order of recording.
pub fn entries(rng: &mut impl Rng, owners: &[Owner], tasks: &[SetKeyTask]) -> Vec<Entry> {
    let mut out = Vec::new();
    for owner in owners {
        for (n, spec) in ITEMS.iter().enumerate() {
            if spec.kind != owner.subject.kind() {
                continue;
            }
            let source = Source::ListItem {
                list_id: list_id(),
                item_id: item_id(n),
            };
            let rule = super::list::duty_item(n, spec).deadline;
            for period in Period::all(YEAR, spec.cadence) {
                let work = Work {
                    source,
                    obligation_id: ObligationId::derive(&source, &owner.subject, &period),
                    period,
                    deadline: rule.deadline(&period),
                    required: spec.required,
                    owner,
                    texts: spec.into(),
                };
                plan(rng, &work, &mut out);
            }
        }
    }
    for task in tasks {
        let Some(owner) = owners.iter().find(|o| o.subject == task.subject) else {
            continue;
        };
        let source = Source::KeyTask {
            task_id: task.task_id,
        };
        let period = Period::all(YEAR, Cadence::Once)[0];
        let work = Work {
            source,
            obligation_id: ObligationId::derive(&source, &task.subject, &period),
            period,
            deadline: DeadlineRule::FixedDate {
                date: task.deadline,
            }
            .deadline(&period),
            required: 1,
            owner,
            texts: Texts {
                entries: TASK_ENTRIES,
                attachment: TASK_ATTACHMENT,
                after_period: false,
                early: 1.0,
            },
        };
        plan(rng, &work, &mut out);
    }
    out.sort_by_key(|e| (e.at, e.obligation_id, e.record.entry_id));
    out
}

/// Plans the entries of one obligation.
fn plan(rng: &mut impl Rng, w: &Work<'_>, out: &mut Vec<Entry>) {
    let today = local_date(now());
    let start = w.period.start();
    if start > today {
        return;
    }
    let r = w.required;
    let end = if w.texts.after_period {
        w.deadline
    } else {
        w.period.end().min(w.deadline)
    };
    let (on_time, late) = if w.deadline < today {
        let u: f64 = rng.random();
        if u < P_RED {
            (rng.random_range(0..r), 0)
        } else if u < P_RED + P_ORANGE {
            let k = rng.random_range(0..r);
            (k, r - k)
        } else {
            (r + u32::from(rng.random_bool(P_EXTRA)), 0)
        }
    } else if (w.deadline - today).num_days() < YELLOW_DAYS {
        let p = if w.texts.after_period {
            P_DONE_REPORT
        } else {
            P_DONE_DUE_TODAY
        };
        if rng.random_bool(p) {
            (r, 0)
        } else {
            (rng.random_range(0..r), 0)
        }
    } else {
        let elapsed = days(start, today) as f64 / (days(start, end) + 1) as f64;
        let p = (elapsed * w.texts.early * EARLY).clamp(0.0, 1.0);
        ((0..r).filter(|_| rng.random_bool(p)).count() as u32, 0)
    };
    let first_day = date(FIRST_DAY.0, FIRST_DAY.1);
    // Reports are written in the last days of their period or after it.
    let performed_from = if w.texts.after_period {
        start.max(w.period.end() - Days::new(3))
    } else {
        start
    };
    // Nothing can be done before its time has come.
    let on_time = if performed_from > end.min(today) {
        0
    } else {
        on_time
    };
    for k in 0..on_time + late {
        let (performed_on, recorded_on) = if k < on_time {
            let performed = workday_in(rng, performed_from, end.min(today));
            let last = w.deadline.min(today);
            let from = performed.max(first_day);
            let delay = match rng.random_range(0..10) {
                0..5 => 0,
                5..7 => 1,
                _ => rng.random_range(2..=6),
            };
            let day = (from + Days::new(delay)).min(last);
            (performed, near_workday(day, from, last))
        } else {
            let from = w.deadline + Days::new(1);
            let day = (from + Days::new(rng.random_range(0..20))).min(today);
            let recorded = near_workday(day, from, today);
            (workday_in(rng, performed_from, end.min(recorded)), recorded)
        };
        let entry_id = EntryId(id(&format!("entry:{}:{k}", w.obligation_id)));
        out.push(Entry {
            at: instant(rng, recorded_on),
            obligation: ObligationRef {
                source: w.source,
                subject: w.owner.subject,
                period: w.period,
            },
            obligation_id: w.obligation_id,
            deadline: w.deadline,
            record: RecordDuty {
                entry_id,
                performed_on,
                content: content(rng, w),
                attachments: attachment(rng, w, entry_id),
                actor: w.owner.actor,
            },
        });
    }
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, month, day).unwrap_or(NaiveDate::MIN)
}

fn days(from: NaiveDate, to: NaiveDate) -> u64 {
    u64::try_from((to - from).num_days()).unwrap_or(0)
}

/// Whether offices are open: not a weekend, not a public holiday.
pub(crate) fn is_workday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        && !HOLIDAYS
            .iter()
            .any(|&(m, a, b)| d.month() == m && (a..=b).contains(&d.day()))
}

/// A random day in `[from, to]`, a working day if one is drawn in a few tries.
fn workday_in(rng: &mut impl Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = days(from, to);
    let mut day = from;
    for _ in 0..6 {
        day = from + Days::new(rng.random_range(0..=span));
        if is_workday(day) {
            break;
        }
    }
    day
}

/// The first working day from `day` to `last`, else the last one from `day` back to
/// `first`, else `day`.
pub(crate) fn near_workday(day: NaiveDate, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    let forward = day.iter_days().take_while(|d| *d <= last);
    let backward = day.iter_days().rev().take_while(|d| *d >= first);
    forward
        .chain(backward)
        .find(|d| is_workday(*d))
        .unwrap_or(day)
}

/// An office-hours instant of `day`. Every entry of one hour of a day gets the same
/// minute, so the hour's entries share one instant.
pub(crate) fn instant(rng: &mut impl Rng, day: NaiveDate) -> DateTime<Utc> {
    let total: u32 = HOURS.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    let mut hour = HOURS[0].0;
    for (h, w) in HOURS {
        if pick < w {
            hour = h;
            break;
        }
        pick -= w;
    }
    let minute = (day.ordinal() * 37 + hour * 11) % 50 + 5;
    start_of_day(day) + TimeDelta::minutes(i64::from(hour * 60 + minute))
}

fn content(rng: &mut impl Rng, w: &Work<'_>) -> String {
    let template = w
        .texts
        .entries
        .choose(rng)
        .copied()
        .unwrap_or("已按要求完成");
    let place = w.owner.places.choose(rng).map_or("本单位", String::as_str);
    template
        .replace("{place}", place)
        .replace("{n}", &rng.random_range(2..=6).to_string())
}

fn attachment(rng: &mut impl Rng, w: &Work<'_>, entry: EntryId) -> Vec<Attachment> {
    if !rng.random_bool(P_ATTACHMENT) {
        return Vec::new();
    }
    // Stands for the file's SHA-256: 64 lowercase hex digits, deterministic.
    let hex = |label: &str| id(&format!("file:{entry}:{label}")).simple().to_string();
    vec![Attachment {
        sha256: format!("{}{}", hex("a"), hex("b")),
        file_name: w.texts.attachment.to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_and_weekends_are_not_workdays() {
        assert!(!is_workday(date(1, 1)));
        assert!(!is_workday(date(2, 17)));
        assert!(!is_workday(date(7, 4))); // a Saturday
        assert!(is_workday(date(7, 31))); // a Friday
        assert_eq!(
            near_workday(date(7, 4), date(7, 1), date(7, 31)),
            date(7, 6)
        );
        assert_eq!(near_workday(date(7, 4), date(7, 1), date(7, 5)), date(7, 3));
    }

    #[test]
    fn an_hour_of_a_day_is_one_instant_in_office_hours() {
        let mut rng = rand::rng();
        for _ in 0..100 {
            let t = instant(&mut rng, date(3, 10));
            let local = t.with_timezone(&domain::calendar::shanghai());
            assert!((8..=17).contains(&chrono::Timelike::hour(&local)), "{t}");
            assert!(t < now() || local_date(t) != local_date(now()));
        }
    }
}
