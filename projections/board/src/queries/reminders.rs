//! What the deadline watcher asks: the reminders due and not yet in the log.

use crate::codec::{day, parse, parse_subject};
use crate::sql;
use chrono::{Datelike, Days, NaiveDate};
use domain::reminders::{AtBoundary, ReminderKind};
use rusqlite::{Connection, params};

/// How far back the watcher looks: deadlines up to this many days before today, so a
/// watcher that was down for up to a year still catches up on everything it missed.
pub const LOOK_BACK_DAYS: u64 = 400;

/// The obligations whose `kind` reminder is due by `today` (a local date) and not yet in
/// the log, each as the board showed it at the reminder's boundary instant, oldest deadline
/// first. The board must have applied the log up to its head for the answer to be
/// complete; a reminder found twice is still appended once (its event id is fixed).
pub fn due_reminders(
    conn: &Connection,
    kind: ReminderKind,
    today: NaiveDate,
) -> rusqlite::Result<Vec<AtBoundary>> {
    let from = today
        .checked_sub_days(Days::new(LOOK_BACK_DAYS))
        .unwrap_or(NaiveDate::MIN);
    // The last deadline whose boundary has come: boundary day = deadline − offset.
    let offset: i64 = match kind {
        ReminderKind::YellowWeek => 6,
        ReminderKind::Admonishment => -1,
    };
    let last = i64::from(today.num_days_from_ce()) + offset;
    let mut stmt = conn.prepare_cached(sql::DUE_REMINDERS)?;
    let rows = stmt.query_map(
        params![from.num_days_from_ce(), last, offset, kind.as_str()],
        |r| {
            let kind: String = r.get(1)?;
            let id: String = r.get(2)?;

            let obligation: String = r.get(0)?;
            Ok(AtBoundary {
                obligation_id: parse(0, &obligation)?,
                subject: parse_subject(1, &kind, &id)?,
                deadline: day(3, r.get(3)?)?,
                required_count: r.get(4)?,
                count: r.get(5)?,
            })
        },
    )?;
    rows.collect()
}
