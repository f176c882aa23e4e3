//! Who and what is on the board: the cadres known at an instant, and where an obligation
//! comes from.

use crate::codec::{micros, parse, parse_source, parse_subject};
use crate::projection::keys;
use crate::sql;
use chrono::{DateTime, Utc};
use domain::ids::{CadreId, GroupId, ObligationId, UnitId};
use domain::obligation::ObligationRef;
use domain::org::CadreDuty;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A cadre as known at an instant.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CadreView {
    pub cadre_id: CadreId,
    pub name: String,
    pub post: String,
    pub duty: CadreDuty,
    pub direct_leader: Option<CadreId>,
}

/// The cadres known at `as_of`, by name.
pub fn cadres(conn: &Connection, as_of: DateTime<Utc>) -> rusqlite::Result<Vec<CadreView>> {
    let mut stmt = conn.prepare_cached(sql::CADRES_AT)?;
    let rows = stmt.query_map(params![micros(as_of)], |r| {
        let duty: String = r.get(3)?;
        let owner: String = r.get(4)?;
        let duty = match duty.as_str() {
            "principal_leader" => CadreDuty::PrincipalLeader {
                unit_id: parse::<UnitId>(4, &owner)?,
            },
            "team_member" => CadreDuty::TeamMember {
                unit_id: parse::<UnitId>(4, &owner)?,
            },
            _ => CadreDuty::DisciplineGroup {
                group_id: parse::<GroupId>(4, &owner)?,
            },
        };
        let leader: Option<String> = r.get(5)?;
        Ok(CadreView {
            cadre_id: parse(0, &r.get::<_, String>(0)?)?,
            name: r.get(1)?,
            post: r.get(2)?,
            duty,
            direct_leader: leader.map(|l| parse(5, &l)).transpose()?,
        })
    })?;
    rows.collect()
}

/// What names the obligation — its source (a list item or a key task), subject and
/// period — if the board knows it.
pub fn obligation_ref(
    conn: &Connection,
    id: ObligationId,
) -> rusqlite::Result<Option<ObligationRef>> {
    let Some(key) = keys::known_obligation(conn, id)? else {
        return Ok(None);
    };
    conn.prepare_cached(sql::OBLIGATION_REF)?
        .query_row([key], |r| {
            let kind: String = r.get(0)?;
            let source: String = r.get(1)?;
            let item: Option<String> = r.get(2)?;
            let subject_kind: String = r.get(3)?;
            let subject_id: String = r.get(4)?;
            let period: String = r.get(5)?;
            Ok(ObligationRef {
                source: parse_source(0, &kind, &source, item.as_deref())?,
                subject: parse_subject(3, &subject_kind, &subject_id)?,
                period: parse(5, &period)?,
            })
        })
        .optional()
}
