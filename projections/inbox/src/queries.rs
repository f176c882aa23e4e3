//! Reading an inbox: the items addressed to one user, by their role and scope now.

use crate::sql;
use chrono::{DateTime, Utc};
use domain::ids::{CadreId, GroupId, UnitId, UserId};
use domain::user::{Role, Scope};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::str::FromStr;
use uuid::Uuid;

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub user_id: UserId,
    pub role: Role,
    pub scope: &'a Scope,
    /// The cadre the user is, for a cadre's login.
    pub cadre: Option<CadreId>,
}

/// One notification.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// Stable everywhere: the id of the event it tells of (also the id a webhook delivery
    /// carries).
    pub key: Uuid,
    /// The position of that event in the log.
    pub position: u64,
    /// `yellow_week` (履责提醒), `admonishment` (约谈提醒), `filing` (待阅报备) or
    /// `rectification_overdue` (整改逾期提醒).
    pub kind: String,
    pub title: String,
    pub occurred_at: DateTime<Utc>,
    pub read: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obligation_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filing_id: Option<Uuid>,
    /// The personal subject of a reminder, or the filer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadre_id: Option<CadreId>,
    /// A reminder's obligation deadline, or a problem's rectify-by date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// The problem of a rectification reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem_id: Option<Uuid>,
}

/// A row before addressing.
struct Candidate {
    n: Notification,
    subject_kind: Option<String>,
    subject_id: Option<String>,
    acknowledged: bool,
}

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {value:?}").into(),
    )
}

fn parse<T: FromStr>(column: usize, s: Option<String>) -> rusqlite::Result<Option<T>> {
    s.map(|s| s.parse().map_err(|_| bad(column, &s)))
        .transpose()
}

/// Whether an item is addressed to the recipient (DESIGN.md §2 and ADR 0008):
/// - a yellow-week reminder to the cadre it is for; a leadership team's to its unit's
///   principal leader; a discipline group's to its members;
/// - an admonishment also to whoever holds or oversees the talk: the principal leader, the
///   stationed discipline group and the leader in charge who see the subject, and the
///   commission for leadership teams and principal leaders;
/// - a filing to the principal leader and the leader in charge who see the filer (not the
///   filer), until they acknowledge it;
/// - a problem's overdue rectification to the cadre it names, the commission, and the
///   principal leader, stationed discipline group and leader in charge who see its unit.
fn addressed(r: &Recipient<'_>, c: &Candidate) -> bool {
    use Role::*;
    let id = c.subject_id.as_deref().unwrap_or_default();
    let unit = || id.parse::<UnitId>().is_ok_and(|u| r.scope.sees_unit(u));
    let group = || id.parse::<GroupId>().is_ok_and(|g| r.scope.sees_group(g));
    let me = c.n.cadre_id.is_some() && c.n.cadre_id == r.cadre;
    let others = c.n.cadre_id.is_some_and(|x| r.scope.sees_cadre(x)) && !me;
    let overseer = matches!(r.role, PrincipalLeader | DisciplineGroup | LeaderInCharge);
    match (c.n.kind.as_str(), c.subject_kind.as_deref()) {
        ("yellow_week", Some("leadership_team")) => r.role == PrincipalLeader && unit(),
        ("yellow_week", Some("discipline_group")) => r.role == DisciplineGroup && group(),
        ("yellow_week", _) => me,
        ("admonishment", Some("leadership_team")) => r.role == Commission || (overseer && unit()),
        ("admonishment", Some("discipline_group")) => {
            r.role == Commission || (r.role == DisciplineGroup && group())
        }
        ("admonishment", Some(kind)) => {
            me || (overseer && others) || (r.role == Commission && kind == "principal_leader")
        }
        ("rectification_overdue", _) => me || r.role == Commission || (overseer && unit()),
        ("filing", _) => {
            matches!(r.role, PrincipalLeader | LeaderInCharge) && others && !c.acknowledged
        }
        _ => false,
    }
}

fn candidate(row: &rusqlite::Row<'_>) -> rusqlite::Result<Candidate> {
    let key: String = row.get(0)?;
    Ok(Candidate {
        n: Notification {
            key: key.parse().map_err(|_| bad(0, &key))?,
            position: u64::try_from(row.get::<_, i64>(1)?).unwrap_or_default(),
            kind: row.get(2)?,
            cadre_id: parse(5, row.get(5)?)?,
            obligation_id: parse(6, row.get(6)?)?,
            filing_id: parse(7, row.get(7)?)?,
            deadline: row.get(8)?,
            title: row.get(9)?,
            occurred_at: DateTime::from_timestamp_micros(row.get(10)?)
                .ok_or_else(|| bad(10, "instant"))?,
            read: row.get(11)?,
            problem_id: parse(13, row.get(13)?)?,
        },
        subject_kind: row.get(3)?,
        subject_id: row.get(4)?,
        acknowledged: row.get(12)?,
    })
}

/// An item as stored, for delivery: the notification (its `read` is false) and what it is
/// about, so that [`addressed`] can tell whom it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub notification: Notification,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
}

/// Every item after `position` (whether or not closed since), oldest first, at most
/// `limit`: what a webhook outbox delivers, in order.
pub fn items_after(conn: &Connection, position: u64, limit: u32) -> rusqlite::Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(sql::ITEMS_AFTER)?;
    let rows = stmt.query_map(
        params![i64::try_from(position).unwrap_or(i64::MAX), limit],
        candidate,
    )?;
    rows.map(|c| {
        c.map(|c| Item {
            notification: c.n,
            subject_kind: c.subject_kind,
            subject_id: c.subject_id,
        })
    })
    .collect()
}

/// A marking of notifications read, as its event recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marking {
    /// Whose notifications.
    pub user_id: UserId,
    /// The fingerprint of the request that made it (the event's correlation id).
    pub request: Option<Uuid>,
    /// How many notifications it marked.
    pub marked: usize,
    /// The position of its event.
    pub position: u64,
}

/// The marking recorded by the event with this id, if there is one.
pub fn marking(conn: &Connection, event_id: Uuid) -> rusqlite::Result<Option<Marking>> {
    conn.prepare_cached(sql::MARKING_OF)?
        .query_row([event_id.to_string()], |r| {
            let user: String = r.get(0)?;
            Ok(Marking {
                user_id: user.parse().map_err(|_| bad(0, &user))?,
                request: parse(1, r.get(1)?)?,
                marked: usize::try_from(r.get::<_, i64>(2)?).unwrap_or_default(),
                position: u64::try_from(r.get::<_, i64>(3)?).unwrap_or_default(),
            })
        })
        .optional()
}

/// Whether `item` is addressed to `r` (the rules of the inbox; a filing's acknowledgement
/// is not looked at here).
pub fn is_addressed(r: &Recipient<'_>, item: &Item) -> bool {
    addressed(
        r,
        &Candidate {
            n: item.notification.clone(),
            subject_kind: item.subject_kind.clone(),
            subject_id: item.subject_id.clone(),
            acknowledged: false,
        },
    )
}

/// The recipient's notifications, newest first, and how many are unread.
pub fn inbox(conn: &Connection, r: &Recipient<'_>) -> rusqlite::Result<(Vec<Notification>, u32)> {
    let (everything, ids) = match r.scope {
        Scope::Everything => (true, Vec::new()),
        Scope::Only(v) => (
            false,
            v.units
                .iter()
                .map(ToString::to_string)
                .chain(v.groups.iter().map(ToString::to_string))
                .chain(v.cadres.iter().map(ToString::to_string))
                .collect(),
        ),
    };
    let ids = serde_json::to_string(&ids).map_err(|e| bad(0, &e.to_string()))?;
    let mut stmt = conn.prepare_cached(sql::CANDIDATES)?;
    let rows = stmt.query_map(params![r.user_id.to_string(), everything, ids], candidate)?;
    let mut out = Vec::new();
    let mut unread = 0;
    for c in rows {
        let c = c?;
        if addressed(r, &c) {
            if !c.n.read {
                unread += 1;
            }
            out.push(c.n);
        }
    }
    Ok((out, unread))
}
