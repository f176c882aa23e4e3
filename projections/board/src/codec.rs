//! How domain values are written to and read from the board's columns: instants as
//! microseconds, enums as their snake_case wire names, subjects as a kind and an id.

use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{CadreId, GroupId, ObligationId, UnitId};
use domain::obligation::Source;
use domain::org::{CadreDuty, Responsibility, Subject, UnitKind};
use std::fmt;
use std::str::FromStr;

/// A stored value that does not parse back: the file was written by something else.
#[derive(Debug)]
pub(crate) struct BadValue(pub String);

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected stored value: {}", self.0)
    }
}

impl std::error::Error for BadValue {}

/// A column value that cannot be read back as what it should be.
pub(crate) fn bad(column: usize, what: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        Box::new(BadValue(what.into())),
    )
}

/// Parses a text column.
pub(crate) fn parse<T: FromStr>(column: usize, s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| bad(column, s))
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn instant(column: usize, us: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us).ok_or(rusqlite::Error::IntegralValueOutOfRange(column, us))
}

pub(crate) fn date(column: usize, s: &str) -> rusqlite::Result<NaiveDate> {
    parse(column, s)
}

/// An obligation id stored as its 16 bytes.
pub(crate) fn obligation_id(column: usize, bytes: &[u8]) -> rusqlite::Result<ObligationId> {
    uuid::Uuid::from_slice(bytes)
        .map(ObligationId)
        .map_err(|_| {
            bad(
                column,
                format!("{} bytes for an obligation id", bytes.len()),
            )
        })
}

/// A date stored as days from 0001-01-01 (CE), as `Datelike::num_days_from_ce` counts.
pub(crate) fn day(column: usize, days: i64) -> rusqlite::Result<NaiveDate> {
    i32::try_from(days)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(column, days))
}

pub(crate) fn unit_kind(k: UnitKind) -> &'static str {
    match k {
        UnitKind::PartyCommittee => "party_committee",
        UnitKind::WorkingCommittee => "working_committee",
        UnitKind::PartyGroup => "party_group",
    }
}

pub(crate) fn parse_unit_kind(column: usize, s: &str) -> rusqlite::Result<UnitKind> {
    Ok(match s {
        "party_committee" => UnitKind::PartyCommittee,
        "working_committee" => UnitKind::WorkingCommittee,
        "party_group" => UnitKind::PartyGroup,
        _ => return Err(bad(column, s)),
    })
}

pub(crate) fn responsibility(r: Responsibility) -> &'static str {
    match r {
        Responsibility::Principal => "principal",
        Responsibility::Supervisory => "supervisory",
    }
}

pub(crate) fn parse_responsibility(column: usize, s: &str) -> rusqlite::Result<Responsibility> {
    Ok(match s {
        "principal" => Responsibility::Principal,
        "supervisory" => Responsibility::Supervisory,
        _ => return Err(bad(column, s)),
    })
}

/// Who counts an obligation on the board: a unit, a group, or (for personal subjects) the
/// cadre, whose owner is looked up at the instant asked.
pub(crate) const OWNER_UNIT: &str = "unit";
pub(crate) const OWNER_GROUP: &str = "group";
pub(crate) const OWNER_CADRE: &str = "cadre";

/// A subject as (subject_kind, subject_id, owner_kind).
pub(crate) fn subject(s: &Subject) -> (&'static str, String, &'static str) {
    match s {
        Subject::LeadershipTeam { unit_id } => ("leadership_team", unit_id.to_string(), OWNER_UNIT),
        Subject::PrincipalLeader { cadre_id } => {
            ("principal_leader", cadre_id.to_string(), OWNER_CADRE)
        }
        Subject::TeamMember { cadre_id } => ("team_member", cadre_id.to_string(), OWNER_CADRE),
        Subject::DisciplineGroup { group_id } => {
            ("discipline_group", group_id.to_string(), OWNER_GROUP)
        }
    }
}

pub(crate) fn parse_subject(column: usize, kind: &str, id: &str) -> rusqlite::Result<Subject> {
    Ok(match kind {
        "leadership_team" => Subject::LeadershipTeam {
            unit_id: parse::<UnitId>(column, id)?,
        },
        "principal_leader" => Subject::PrincipalLeader {
            cadre_id: parse::<CadreId>(column, id)?,
        },
        "team_member" => Subject::TeamMember {
            cadre_id: parse::<CadreId>(column, id)?,
        },
        "discipline_group" => Subject::DisciplineGroup {
            group_id: parse::<GroupId>(column, id)?,
        },
        _ => return Err(bad(column, kind)),
    })
}

/// A source as (source_kind, source_id, item_id).
pub(crate) fn source(s: &Source) -> (&'static str, String, Option<String>) {
    match s {
        Source::ListItem { list_id, item_id } => {
            ("list_item", list_id.to_string(), Some(item_id.to_string()))
        }
        Source::KeyTask { task_id } => ("key_task", task_id.to_string(), None),
    }
}

pub(crate) fn parse_source(
    column: usize,
    kind: &str,
    id: &str,
    item: Option<&str>,
) -> rusqlite::Result<Source> {
    Ok(match (kind, item) {
        ("list_item", Some(item)) => Source::ListItem {
            list_id: parse(column, id)?,
            item_id: parse(column, item)?,
        },
        ("key_task", None) => Source::KeyTask {
            task_id: parse(column, id)?,
        },
        _ => return Err(bad(column, kind)),
    })
}

/// A cadre's duty as (duty, owner_kind, owner_id).
pub(crate) fn duty(d: &CadreDuty) -> (&'static str, &'static str, String) {
    match d {
        CadreDuty::PrincipalLeader { unit_id } => {
            ("principal_leader", OWNER_UNIT, unit_id.to_string())
        }
        CadreDuty::TeamMember { unit_id } => ("team_member", OWNER_UNIT, unit_id.to_string()),
        CadreDuty::DisciplineGroup { group_id } => {
            ("discipline_group", OWNER_GROUP, group_id.to_string())
        }
    }
}
