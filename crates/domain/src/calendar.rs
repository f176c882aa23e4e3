//! Local dates, cadences, periods and deadlines.
//!
//! Every rule of the platform is stated in local dates of Asia/Shanghai (UTC+8; China has
//! kept no daylight saving since 1991, so a fixed offset is exact for every date the
//! platform deals with). A deadline is a local date: an entry made at 23:59:59 on that day
//! is on time; one made at 00:00:00 the next day is late.

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Asia/Shanghai: UTC+08:00.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// The local (Asia/Shanghai) date of an instant.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&shanghai()).date_naive()
}

/// The first instant of a local date (00:00:00 in Shanghai).
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

/// The last instant of a local date (23:59:59.999999 in Shanghai; instants are kept to the
/// microsecond).
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    match date.checked_add_days(Days::new(1)) {
        Some(next) => start_of_day(next) - TimeDelta::microseconds(1),
        None => DateTime::<Utc>::MAX_UTC,
    }
}

/// How often a duty item falls due (履责频次).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// Once in the year (e.g. an annual key task).
    Once,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Cadence {
    /// Periods per year.
    pub fn periods_per_year(self) -> u8 {
        match self {
            Self::Once | Self::Yearly => 1,
            Self::HalfYearly => 2,
            Self::Quarterly => 4,
            Self::Monthly => 12,
        }
    }

    /// Months per period.
    fn months(self) -> u32 {
        12 / u32::from(self.periods_per_year())
    }

    /// The Chinese name, as the lists write it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Once => "一次性",
            Self::Monthly => "每月",
            Self::Quarterly => "每季度",
            Self::HalfYearly => "每半年",
            Self::Yearly => "每年",
        }
    }
}

/// One period of a cadence in a year: `2026`, `2026-H1`, `2026-Q3`, `2026-M07`, or
/// `2026-once`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    cadence: Cadence,
    /// 1-based: month 1–12, quarter 1–4, half 1–2, or 1.
    index: u8,
}

/// Why a period could not be made or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PeriodError(pub String);

impl Period {
    /// The `index`-th period (from 1) of `cadence` in `year`.
    pub fn new(year: i32, cadence: Cadence, index: u8) -> Result<Self, PeriodError> {
        if !(1..=cadence.periods_per_year()).contains(&index) {
            return Err(PeriodError(format!(
                "a {cadence:?} period index must be 1 to {}, not {index}",
                cadence.periods_per_year()
            )));
        }
        if !(2000..=2999).contains(&year) {
            return Err(PeriodError(format!("year {year} is out of range")));
        }
        Ok(Self {
            year,
            cadence,
            index,
        })
    }

    /// Every period of `cadence` in `year`, in order.
    pub fn all(year: i32, cadence: Cadence) -> Vec<Self> {
        (1..=cadence.periods_per_year())
            .map(|index| Self {
                year,
                cadence,
                index,
            })
            .collect()
    }

    /// The period of `cadence` containing `date`.
    pub fn containing(date: NaiveDate, cadence: Cadence) -> Self {
        let index = (date.month0() / cadence.months()) as u8 + 1;
        Self {
            year: date.year(),
            cadence,
            index,
        }
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn cadence(&self) -> Cadence {
        self.cadence
    }

    pub fn index(&self) -> u8 {
        self.index
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        let month = (u32::from(self.index) - 1) * self.cadence.months() + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("a valid first day")
    }

    /// The last day.
    pub fn end(&self) -> NaiveDate {
        let last_month = u32::from(self.index) * self.cadence.months();
        let next = if last_month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, last_month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).expect("a valid last day")
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// How a list writes it: 2026年上半年, 2026年第三季度, 2026年7月, 2026年度.
    pub fn label_zh(&self) -> String {
        const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];
        match self.cadence {
            Cadence::Once | Cadence::Yearly => format!("{}年度", self.year),
            Cadence::HalfYearly if self.index == 1 => format!("{}年上半年", self.year),
            Cadence::HalfYearly => format!("{}年下半年", self.year),
            Cadence::Quarterly => format!(
                "{}年第{}季度",
                self.year,
                QUARTERS[usize::from(self.index) - 1]
            ),
            Cadence::Monthly => format!("{}年{}月", self.year, self.index),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cadence {
            Cadence::Once => write!(f, "{}-once", self.year),
            Cadence::Yearly => write!(f, "{}", self.year),
            Cadence::HalfYearly => write!(f, "{}-H{}", self.year, self.index),
            Cadence::Quarterly => write!(f, "{}-Q{}", self.year, self.index),
            Cadence::Monthly => write!(f, "{}-M{:02}", self.year, self.index),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            PeriodError(format!(
                "{s:?} is not a period (e.g. 2026, 2026-H1, 2026-Q3, 2026-M07, 2026-once)"
            ))
        };
        let (year, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if year.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let (cadence, index) = match rest {
            None => (Cadence::Yearly, 1),
            Some("once") => (Cadence::Once, 1),
            Some(r) => {
                // Checked: "2026-" has nothing to split, "2026-é" no char boundary at 1 (both
                // panicked, found by fuzzing stored payloads).
                let (kind, n) = r.split_at_checked(1).ok_or_else(bad)?;
                let cadence = match kind {
                    "H" => Cadence::HalfYearly,
                    "Q" => Cadence::Quarterly,
                    "M" if n.len() == 2 => Cadence::Monthly,
                    _ => return Err(bad()),
                };
                (cadence, n.parse().map_err(|_| bad())?)
            }
        };
        Self::new(year, cadence, index)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The keys [`Period`]'s `FromStr` takes, as a regular expression.
#[cfg(any(feature = "openapi", feature = "schema"))]
const PERIOD_PATTERN: &str = "^[0-9]{4}(-(H[12]|Q[1-4]|M(0[1-9]|1[0-2])|once))?$";

/// On the wire a period is its key, a string (see [`Period`]'s `Display`).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(PERIOD_PATTERN))
            .description(Some(
                "A period of a cadence in a year: `2026` (yearly), `2026-H1` (half-yearly), \
                 `2026-Q3` (quarterly), `2026-M07` (monthly) or `2026-once`.",
            ))
            .examples(["2026-H1"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Period {}

/// The same string for the event schemas (`schemas/events/`).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": PERIOD_PATTERN,
            "description": "A period of a cadence in a year: `2026` (yearly), `2026-H1` \
                (half-yearly), `2026-Q3` (quarterly), `2026-M07` (monthly) or `2026-once`.",
        })
    }
}

/// When an item's obligation falls due, relative to its period (截止规则).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DeadlineRule {
    /// The last day of the period.
    EndOfPeriod,
    /// A number of days after the period's last day (e.g. a report due 10 days after the
    /// quarter).
    DaysAfterPeriodEnd { days: u16 },
    /// A fixed date (only for items done once a year, and key tasks).
    FixedDate { date: NaiveDate },
}

impl DeadlineRule {
    /// The deadline (a local date) of `period`.
    pub fn deadline(&self, period: &Period) -> NaiveDate {
        match *self {
            Self::EndOfPeriod => period.end(),
            Self::DaysAfterPeriodEnd { days } => period
                .end()
                .checked_add_days(Days::new(u64::from(days)))
                .unwrap_or(NaiveDate::MAX),
            Self::FixedDate { date } => date,
        }
    }

    /// Checks the rule against the item's cadence and the list's year; `None` if it fits.
    pub fn problem(&self, cadence: Cadence, year: i32) -> Option<String> {
        match *self {
            Self::EndOfPeriod => None,
            Self::DaysAfterPeriodEnd { days } if days > 90 => Some(format!(
                "a deadline {days} days after the period is more than 90 days"
            )),
            Self::DaysAfterPeriodEnd { .. } => None,
            Self::FixedDate { .. } if cadence != Cadence::Once => {
                Some("a fixed-date deadline needs the cadence \"once\"".into())
            }
            Self::FixedDate { date } if date.year() != year => Some(format!(
                "the fixed deadline {date} is not in the list's year {year}"
            )),
            Self::FixedDate { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_cover_the_year_without_gaps_or_overlaps() {
        for cadence in [
            Cadence::Once,
            Cadence::Monthly,
            Cadence::Quarterly,
            Cadence::HalfYearly,
            Cadence::Yearly,
        ] {
            for year in [2023, 2024, 2100] {
                let periods = Period::all(year, cadence);
                assert_eq!(periods.first().unwrap().start(), d(year, 1, 1));
                assert_eq!(periods.last().unwrap().end(), d(year, 12, 31));
                for w in periods.windows(2) {
                    assert_eq!(w[0].end().succ_opt().unwrap(), w[1].start(), "{cadence:?}");
                }
            }
        }
    }

    #[test]
    fn period_ends_know_leap_years() {
        let feb = |y| Period::new(y, Cadence::Monthly, 2).unwrap().end();
        assert_eq!(feb(2024), d(2024, 2, 29));
        assert_eq!(feb(2026), d(2026, 2, 28));
        assert_eq!(feb(2100), d(2100, 2, 28)); // not a leap year
        assert_eq!(feb(2000), d(2000, 2, 29)); // a leap year
        assert_eq!(
            Period::new(2026, Cadence::HalfYearly, 1).unwrap().end(),
            d(2026, 6, 30)
        );
        assert_eq!(
            Period::new(2026, Cadence::Quarterly, 3).unwrap().end(),
            d(2026, 9, 30)
        );
    }

    #[test]
    fn periods_have_stable_names_and_chinese_labels() {
        let cases = [
            (
                Period::new(2026, Cadence::Yearly, 1).unwrap(),
                "2026",
                "2026年度",
            ),
            (
                Period::new(2026, Cadence::Once, 1).unwrap(),
                "2026-once",
                "2026年度",
            ),
            (
                Period::new(2026, Cadence::HalfYearly, 1).unwrap(),
                "2026-H1",
                "2026年上半年",
            ),
            (
                Period::new(2026, Cadence::HalfYearly, 2).unwrap(),
                "2026-H2",
                "2026年下半年",
            ),
            (
                Period::new(2026, Cadence::Quarterly, 3).unwrap(),
                "2026-Q3",
                "2026年第三季度",
            ),
            (
                Period::new(2026, Cadence::Monthly, 7).unwrap(),
                "2026-M07",
                "2026年7月",
            ),
        ];
        for (p, key, zh) in cases {
            assert_eq!(p.to_string(), key);
            assert_eq!(p.label_zh(), zh);
            assert_eq!(key.parse::<Period>().unwrap(), p);
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{key}\""));
        }
        for bad in [
            "",
            "26",
            "2026-Q5",
            "2026-M7",
            "2026-M13",
            "2026-H0",
            "2026-X1",
            "year",
            "2026-",
            "2026-é1",
            "2026-半年",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn deadline_rules() {
        let q2 = Period::new(2026, Cadence::Quarterly, 2).unwrap();
        assert_eq!(DeadlineRule::EndOfPeriod.deadline(&q2), d(2026, 6, 30));
        assert_eq!(
            DeadlineRule::DaysAfterPeriodEnd { days: 10 }.deadline(&q2),
            d(2026, 7, 10)
        );
        let once = Period::new(2026, Cadence::Once, 1).unwrap();
        let fixed = DeadlineRule::FixedDate {
            date: d(2026, 11, 30),
        };
        assert_eq!(fixed.deadline(&once), d(2026, 11, 30));
        assert!(fixed.problem(Cadence::Once, 2026).is_none());
        assert!(fixed.problem(Cadence::Quarterly, 2026).is_some());
        assert!(fixed.problem(Cadence::Once, 2027).is_some());
        assert!(
            DeadlineRule::DaysAfterPeriodEnd { days: 91 }
                .problem(Cadence::Monthly, 2026)
                .is_some()
        );
    }

    #[test]
    fn days_run_from_midnight_to_midnight_in_shanghai() {
        let day = d(2026, 6, 30);
        assert_eq!(start_of_day(day).to_rfc3339(), "2026-06-29T16:00:00+00:00");
        assert_eq!(
            end_of_day(day).to_rfc3339(),
            "2026-06-30T15:59:59.999999+00:00"
        );
        assert_eq!(local_date(end_of_day(day)), day);
        assert_eq!(
            local_date(end_of_day(day) + TimeDelta::microseconds(1)),
            d(2026, 7, 1)
        );
    }

    proptest! {
        #[test]
        fn every_date_is_in_exactly_one_period_of_each_cadence(days in 0u64..365 * 200) {
            let date = d(2000, 1, 1).checked_add_days(Days::new(days)).unwrap();
            for cadence in [Cadence::Monthly, Cadence::Quarterly, Cadence::HalfYearly, Cadence::Yearly] {
                let p = Period::containing(date, cadence);
                prop_assert!(p.contains(date));
                let holding = Period::all(date.year(), cadence).into_iter().filter(|q| q.contains(date)).count();
                prop_assert_eq!(holding, 1);
            }
        }

        #[test]
        fn local_date_and_day_bounds_agree(days in 0u64..365 * 200) {
            let date = d(2000, 1, 1).checked_add_days(Days::new(days)).unwrap();
            prop_assert_eq!(local_date(start_of_day(date)), date);
            prop_assert_eq!(local_date(end_of_day(date)), date);
            prop_assert_eq!(end_of_day(date) + TimeDelta::microseconds(1), start_of_day(date.succ_opt().unwrap()));
        }
    }
}
