//! The demo's filings (事项报备), January to July: travels out of Ningbo city — most filed
//! a few days ahead, some on or after the day of leaving (late), those back by the demo's
//! now with their return reported — and family events, most filed more than 30 days ahead,
//! some fewer (late). Drawn from their own seeded RNG, so the rest of the plan is unchanged.

use super::schedule::{instant, near_workday};
use super::{District, SEED, YEAR, id, now};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::calendar::local_date;
use domain::filing::{
    FamilyEvent, FamilyEventKind, FileFamilyEvent, FileTravel, FilingCommand, ReportReturn, Travel,
    TravelPurpose,
};
use domain::ids::{CadreId, FilingId};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// Travels filed.
pub const TRAVELS: usize = 48;
/// Family events filed.
pub const FAMILY_EVENTS: usize = 12;
/// Share of travels filed on or after the day of leaving.
const P_LATE_TRAVEL: f64 = 0.15;
/// Share of travels back by now whose return is reported.
const P_RETURN_REPORTED: f64 = 0.85;
/// Share of family events filed fewer than 30 days ahead.
const P_LATE_FAMILY: f64 = 0.3;

const DESTINATIONS: [&str; 10] = [
    "杭州", "上海", "北京", "南京", "合肥", "广州", "成都", "西安", "温州", "绍兴",
];
const VENUES: [&str; 4] = [
    "宁波市海曙区某酒店",
    "宁波市鄞州区家中",
    "宁波市江北区某饭店",
    "老家村文化礼堂",
];
const SCALES: [&str; 4] = [
    "宴请亲友6桌约60人",
    "宴请亲友10桌约100人",
    "家庭内部简办，约20人",
    "按规定从简办理，不收礼金",
];

/// One planned filing step: when, by whom, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFiling {
    pub at: DateTime<Utc>,
    pub cadre: CadreId,
    pub command: FilingCommand,
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).unwrap_or_default()
}

fn between(rng: &mut impl Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0).unsigned_abs();
    from.checked_add_days(Days::new(rng.random_range(0..=span)))
        .unwrap_or(from)
}

/// Every filing step, in the order of its instant.
pub fn filings(d: &District) -> Vec<PlannedFiling> {
    let mut rng = StdRng::seed_from_u64(SEED ^ 0xF11E);
    let (first, last) = (day(1, 6), local_date(now()));
    let mut out = Vec::new();
    for n in 0..TRAVELS {
        let Some(cadre) = d.cadres.choose(&mut rng).map(|c| c.cadre_id) else {
            break;
        };
        let leave_on = between(&mut rng, day(1, 12), day(7, 27));
        let return_on = leave_on
            .checked_add_days(Days::new(rng.random_range(0..=5)))
            .unwrap_or(leave_on);
        let filed_on = if rng.random_bool(P_LATE_TRAVEL) {
            leave_on.checked_add_days(Days::new(rng.random_range(0..=2)))
        } else {
            leave_on.checked_sub_days(Days::new(rng.random_range(1..=10)))
        }
        .unwrap_or(leave_on)
        .clamp(first, last);
        let filed_on = near_workday(filed_on, first, last);
        let filing_id = FilingId(id(&format!("filing-travel-{n}")));
        let purpose = if rng.random_bool(0.6) {
            TravelPurpose::OnDuty
        } else {
            TravelPurpose::Private
        };
        let destination = DESTINATIONS.choose(&mut rng).copied().unwrap_or("杭州");
        out.push(PlannedFiling {
            at: instant(&mut rng, filed_on),
            cadre,
            command: FilingCommand::FileTravel(FileTravel {
                filing_id,
                cadre_id: cadre,
                travel: Travel {
                    purpose,
                    destination: destination.to_owned(),
                    leave_on,
                    return_on,
                },
            }),
        });
        // Back by now: most report their return on the next working day.
        let reported = return_on
            .checked_add_days(Days::new(1))
            .unwrap_or(return_on);
        if reported.max(filed_on) < last && rng.random_bool(P_RETURN_REPORTED) {
            let on = near_workday(reported.max(filed_on), reported.max(filed_on), last);
            out.push(PlannedFiling {
                at: instant(&mut rng, on),
                cadre,
                command: FilingCommand::ReportReturn(ReportReturn {
                    filing_id,
                    cadre_id: cadre,
                    returned_on: return_on,
                }),
            });
        }
    }
    for n in 0..FAMILY_EVENTS {
        let Some(cadre) = d.cadres.choose(&mut rng).map(|c| c.cadre_id) else {
            break;
        };
        let date = between(&mut rng, day(3, 1), day(10, 31));
        let ahead = if rng.random_bool(P_LATE_FAMILY) {
            rng.random_range(5..=29)
        } else {
            rng.random_range(31..=60)
        };
        let filed_on = date
            .checked_sub_days(Days::new(ahead))
            .unwrap_or(date)
            .clamp(first, last);
        // Filed on a working day no later than the event, so never after it.
        let filed_on = near_workday(filed_on, first, filed_on.min(date));
        let kind = *[
            FamilyEventKind::Wedding,
            FamilyEventKind::ChildWedding,
            FamilyEventKind::Funeral,
        ]
        .choose(&mut rng)
        .unwrap_or(&FamilyEventKind::ChildWedding);
        out.push(PlannedFiling {
            at: instant(&mut rng, filed_on),
            cadre,
            command: FilingCommand::FileFamilyEvent(FileFamilyEvent {
                filing_id: FilingId(id(&format!("filing-family-{n}"))),
                cadre_id: cadre,
                event: FamilyEvent {
                    kind,
                    date,
                    scale: SCALES
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or("从简")
                        .to_owned(),
                    venue: VENUES
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or("家中")
                        .to_owned(),
                },
            }),
        });
    }
    out.retain(|f| f.at <= now());
    out.sort_by_key(|f| f.at);
    out
}

#[cfg(test)]
mod tests {
    use super::super::Plan;
    use super::*;

    #[test]
    fn some_filings_are_late_and_most_are_not() {
        let plan = Plan::build();
        let (mut travel, mut travel_late, mut family, mut family_late) = (0, 0, 0, 0);
        for f in &plan.filings {
            let filed_on = local_date(f.at);
            match &f.command {
                FilingCommand::FileTravel(t) if t.travel.days() >= 3 => {
                    travel += 1;
                    travel_late += usize::from(filed_on >= t.travel.leave_on);
                }
                FilingCommand::FileFamilyEvent(e) => {
                    family += 1;
                    assert!(filed_on <= e.event.date, "never filed after the event");
                    family_late += usize::from((e.event.date - filed_on).num_days() < 30);
                }
                _ => {}
            }
            assert!(f.at <= now());
        }
        assert!(
            travel_late > 0 && travel_late * 3 < travel,
            "{travel_late}/{travel}"
        );
        assert!(
            family_late > 0 && family_late * 2 < family,
            "{family_late}/{family}"
        );
        assert!(plan.filings.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
