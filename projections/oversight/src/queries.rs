//! Reading the oversight records: one record, a page of records by kind, unit, cadre,
//! date range and import within what the reader may see, the imports, the organisation
//! as known now (to check an import against), and the counts the statistics need.

use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{CadreId, ImportId, OversightId, UnitId};
use domain::oversight::{OrgIndex, OversightKind};
use projector::Page;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde::Serialize;
use std::str::FromStr;

/// One oversight record, with the names of its unit and cadre as known now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordView {
    pub record_id: OversightId,
    pub kind: OversightKind,
    /// The kind in Chinese, e.g. 廉政谈话.
    pub kind_label: String,
    pub unit_id: UnitId,
    /// Empty if the unit is unknown (a record's unit is checked when it is recorded).
    pub unit_name: String,
    pub cadre_id: Option<CadreId>,
    pub cadre_name: Option<String>,
    /// The local date it happened.
    pub occurred_on: NaiveDate,
    pub summary: String,
    /// The document number (文号) or other reference.
    pub reference: Option<String>,
    /// The import it came with (none for a record entered by hand).
    pub import_id: Option<ImportId>,
    /// Its line in the imported file (the header is line 1).
    pub line: Option<u32>,
    /// When it was recorded or imported.
    pub recorded_at: DateTime<Utc>,
    /// Its place in the order of the records: the global position of its event × 65536 +
    /// its place in that event. Pass it as `before` for the next page.
    pub cursor: u64,
}

/// Which records to list, newest first (by cursor). Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub kind: Option<OversightKind>,
    pub unit: Option<UnitId>,
    pub cadre: Option<CadreId>,
    /// Occurred on or after / on or before these local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub import_id: Option<ImportId>,
    /// Only records with a cursor below this: the last [`RecordView::cursor`] of the
    /// previous page. Records of one import part share their event's position, so paging
    /// is by the cursor, never the position.
    pub before: Option<u64>,
    /// How many, at most.
    pub limit: u32,
}

/// One import of a file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportView {
    pub import_id: ImportId,
    pub file_name: String,
    /// How the file was read: `xlsx`, `utf-8` or `gb18030`.
    pub encoding: String,
    /// Records imported.
    pub rows: u32,
    pub recorded_at: DateTime<Utc>,
    /// Who imported it, as recorded on the event (`user:<username>`).
    pub actor: String,
}

/// How many records of one kind a unit has in one month.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: OversightKind,
    /// The kind in Chinese.
    pub label: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    /// 1–12, of the date the records occurred on.
    pub month: u32,
    pub count: u32,
}

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {value:?}").into(),
    )
}

fn parse<T: FromStr>(column: usize, s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| bad(column, s))
}

fn opt<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<T>> {
    r.get::<_, Option<String>>(column)?
        .map(|s| parse(column, &s))
        .transpose()
}

fn req<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    parse(column, &r.get::<_, String>(column)?)
}

fn instant(r: &Row<'_>, column: usize) -> rusqlite::Result<DateTime<Utc>> {
    let micros: i64 = r.get(column)?;
    DateTime::from_timestamp_micros(micros).ok_or_else(|| bad(column, &micros.to_string()))
}

fn kind(r: &Row<'_>, column: usize) -> rusqlite::Result<OversightKind> {
    let s: String = r.get(column)?;
    OversightKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| bad(column, &s))
}

/// A record from the columns of `sql::record_columns!`.
fn record_row(r: &Row<'_>) -> rusqlite::Result<RecordView> {
    let kind = kind(r, 4)?;
    let cursor: i64 = r.get(0)?;
    Ok(RecordView {
        record_id: req(r, 3)?,
        kind,
        kind_label: kind.label_zh().to_owned(),
        unit_id: req(r, 1)?,
        unit_name: r.get(5)?,
        cadre_id: opt(r, 2)?,
        cadre_name: r.get(6)?,
        occurred_on: req(r, 7)?,
        summary: r.get(8)?,
        reference: r.get(9)?,
        import_id: opt(r, 10)?,
        line: r.get(11)?,
        recorded_at: instant(r, 12)?,
        cursor: u64::try_from(cursor).map_err(|_| bad(0, &cursor.to_string()))?,
    })
}

/// One record, whoever may see it (the caller checks the scope).
pub fn record(c: &Connection, id: OversightId) -> rusqlite::Result<Option<RecordView>> {
    c.prepare_cached(sql::RECORD)?
        .query_row([id.to_string()], record_row)
        .optional()
}

/// The records asked for that `visible(unit, cadre)` lets the reader see, newest first:
/// up to `limit` of them, the scope applied before the limit (a page is full whenever
/// that many visible records are left). Records are read in order until the page is
/// full, so a reader who sees few of many records costs a longer walk.
pub fn records(
    c: &Connection,
    q: &RecordQuery,
    visible: impl Fn(UnitId, Option<CadreId>) -> bool,
) -> rusqlite::Result<Vec<RecordView>> {
    let before = q
        .before
        .map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    Page {
        select: sql::RECORDS,
        first: Value::Integer(before),
        filters: vec![
            (sql::AND_KIND, q.kind.map(|k| k.as_str().to_owned())),
            (sql::AND_UNIT, q.unit.map(|u| u.to_string())),
            (sql::AND_CADRE, q.cadre.map(|c| c.to_string())),
            (sql::AND_FROM, q.from.map(|d| d.to_string())),
            (sql::AND_TO, q.to.map(|d| d.to_string())),
            (sql::AND_IMPORT, q.import_id.map(|i| i.to_string())),
        ],
        order: sql::RECORDS_ORDER,
        limit: q.limit,
    }
    .read(c, |r| Ok(visible(req(r, 1)?, opt(r, 2)?)), record_row)
}

fn import_row(r: &Row<'_>) -> rusqlite::Result<ImportView> {
    Ok(ImportView {
        import_id: req(r, 0)?,
        file_name: r.get(1)?,
        encoding: r.get(2)?,
        rows: r.get(3)?,
        recorded_at: instant(r, 4)?,
        actor: r.get(5)?,
    })
}

/// Every import, newest first.
pub fn imports(c: &Connection) -> rusqlite::Result<Vec<ImportView>> {
    let mut stmt = c.prepare_cached(sql::IMPORTS)?;
    let rows = stmt.query_map([], import_row)?;
    rows.collect()
}

/// One import.
pub fn import(c: &Connection, id: ImportId) -> rusqlite::Result<Option<ImportView>> {
    c.prepare_cached(sql::IMPORT)?
        .query_row([id.to_string()], import_row)
        .optional()
}

/// The units and cadres as known now, each cadre with the unit of their current duty —
/// what a record or an import is checked against.
pub fn org_index(c: &Connection) -> rusqlite::Result<OrgIndex> {
    let mut org = OrgIndex::default();
    let mut stmt = c.prepare_cached(sql::UNITS)?;
    let units = stmt.query_map([], |r| Ok((req(r, 0)?, r.get(1)?)))?;
    for u in units {
        let (id, name) = u?;
        org.units.insert(id, name);
    }
    let mut stmt = c.prepare_cached(sql::CADRES)?;
    let cadres = stmt.query_map([], |r| Ok((req(r, 0)?, (r.get(1)?, opt(r, 2)?))))?;
    for cadre in cadres {
        let (id, entry) = cadre?;
        org.cadres.insert(id, entry);
    }
    Ok(org)
}

/// Per unit, kind and month, the records that occurred in `year`, by unit name, unit,
/// kind (in [`OversightKind::ALL`]'s order) and month. Empty combinations are absent.
pub fn counts_by_unit_kind_month(c: &Connection, year: i32) -> rusqlite::Result<Vec<KindCount>> {
    let (Some(start), Some(end)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        year.checked_add(1)
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
    ) else {
        return Ok(Vec::new());
    };
    let mut stmt = c.prepare_cached(sql::COUNTS_BY_UNIT_KIND_MONTH)?;
    let rows = stmt.query_map(params![start.to_string(), end.to_string()], |r| {
        let kind = kind(r, 2)?;
        Ok(KindCount {
            kind,
            label: kind.label_zh().to_owned(),
            unit_id: req(r, 0)?,
            unit_name: r.get(1)?,
            month: r.get(3)?,
            count: r.get(4)?,
        })
    })?;
    let mut counts = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    counts.sort_by(|a, b| {
        (&a.unit_name, a.unit_id, a.kind, a.month).cmp(&(&b.unit_name, b.unit_id, b.kind, b.month))
    });
    Ok(counts)
}

/// Per unit, the accountability (问责) records that occurred from `from` to `to`, both
/// included, by unit id. Units with none are absent.
pub fn accountability_records_by_unit(
    c: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> rusqlite::Result<Vec<(UnitId, u32)>> {
    let mut stmt = c.prepare_cached(sql::KIND_BY_UNIT)?;
    let rows = stmt.query_map(
        params![
            OversightKind::Accountability.as_str(),
            from.to_string(),
            to.to_string()
        ],
        |r| Ok((req(r, 0)?, r.get(1)?)),
    )?;
    rows.collect()
}
