//! Reading oversight records from a spreadsheet's rows (the file itself is read by the
//! caller): the header names the columns, every row is checked, and either every row is
//! good or the whole file is refused with the bad rows by line number.
//!
//! Columns, in any order (Chinese as people write them, or the wire names):
//!
//! | column | also | required | holds |
//! |---|---|---|---|
//! | 类别 | 类型, kind | yes | [`OversightKind::parse`]: 党内监督, 廉政谈话, 正风肃纪, 选人用人, 问责, 审计发现, 巡视巡察发现 |
//! | 单位 | unit, unit_id | yes | the unit's exact name or id |
//! | 干部 | 姓名, cadre, cadre_id | no | a cadre of that unit, by exact name or id; empty for none |
//! | 日期 | 发生日期, occurred_on, date | yes | 2026-03-05, 2026/3/5, 2026.3.5 or 2026年3月5日; not in the future |
//! | 摘要 | 内容, summary | yes | 1–2000 characters |
//! | 文号 | 编号, reference | no | up to 100 characters |

use super::{
    ImportedRecord, MAX_IMPORT_ROWS, MAX_REFERENCE, MAX_SUMMARY, OrgIndex, OversightKind,
    OversightRecord, check_date, record_id_for,
};
use crate::ids::ImportId;
use chrono::NaiveDate;
use serde::Serialize;

/// Most row errors listed in one answer (all are counted).
pub const MAX_ERRORS_LISTED: usize = 1000;

/// One bad cell of a row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// The column as the file names it.
    pub column: String,
    pub message: String,
}

/// Why a file was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The header row is wrong: a column unknown, missing or twice.
    #[error("header: {0}")]
    Header(String),
    /// No data rows.
    #[error("the file has no records")]
    Empty,
    /// More rows than one import takes.
    #[error("{rows} records are more than one import takes ({max})")]
    TooManyRows { rows: usize, max: usize },
    /// Some rows are bad: the first [`MAX_ERRORS_LISTED`] of them, and how many in all.
    #[error("{bad_rows} of {rows} rows are bad")]
    Rows {
        errors: Vec<RowError>,
        bad_rows: usize,
        rows: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Kind,
    Unit,
    Cadre,
    Date,
    Summary,
    Reference,
}

const COLUMNS: &[(Column, &[&str], bool)] = &[
    (Column::Kind, &["类别", "类型", "kind"], true),
    (Column::Unit, &["单位", "unit", "unit_id"], true),
    (Column::Cadre, &["干部", "姓名", "cadre", "cadre_id"], false),
    (
        Column::Date,
        &["日期", "发生日期", "occurred_on", "date"],
        true,
    ),
    (Column::Summary, &["摘要", "内容", "summary"], true),
    (Column::Reference, &["文号", "编号", "reference"], false),
];

/// The expected header, for messages.
fn expected() -> String {
    COLUMNS
        .iter()
        .map(|(_, names, required)| {
            if *required {
                names[0].to_owned()
            } else {
                format!("{} (optional)", names[0])
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where each column is in the header.
fn columns(headers: &[String]) -> Result<Vec<Option<usize>>, ImportError> {
    let mut at: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}');
        if h.is_empty() {
            continue;
        }
        let Some(c) = COLUMNS
            .iter()
            .position(|(_, names, _)| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
        else {
            return Err(ImportError::Header(format!(
                "unknown column {h:?} (column {}); the columns are {}",
                i + 1,
                expected()
            )));
        };
        if let Some(first) = at[c] {
            return Err(ImportError::Header(format!(
                "column {h:?} (column {}) repeats column {}",
                i + 1,
                first + 1
            )));
        }
        at[c] = Some(i);
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|((_, _, required), found)| *required && found.is_none())
        .map(|((_, names, _), _)| names[0])
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Header(format!(
            "missing column{} {}; the columns are {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            expected()
        )));
    }
    Ok(at)
}

/// A date as people write it: 2026-03-05, 2026/3/5, 2026.3.5 or 2026年3月5日.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = t
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Reads every row (line number and cells) under `headers` into records of import
/// `import`, all or nothing. `today` is the local date now.
pub fn read<'a>(
    headers: &[String],
    rows: impl IntoIterator<Item = (usize, &'a [String])>,
    org: &OrgIndex,
    import: ImportId,
    today: NaiveDate,
) -> Result<Vec<ImportedRecord>, ImportError> {
    let at = columns(headers)?;
    let name = |c: Column| -> String {
        let i = COLUMNS.iter().position(|(col, _, _)| *col == c);
        i.and_then(|i| at[i])
            .and_then(|h| headers.get(h))
            .map_or_else(String::new, |h| h.trim().to_owned())
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut bad_rows = 0;
    let mut count = 0;
    for (line, cells) in rows {
        count += 1;
        if count > MAX_IMPORT_ROWS {
            continue;
        }
        let cell = |c: Column| -> &str {
            COLUMNS
                .iter()
                .position(|(col, _, _)| *col == c)
                .and_then(|i| at[i])
                .and_then(|h| cells.get(h))
                .map_or("", |s| s.trim())
        };
        let mut bad = Vec::new();
        let mut flag = |c: Column, message: String| {
            bad.push(RowError {
                line,
                column: name(c),
                message,
            });
        };
        let kind = OversightKind::parse(cell(Column::Kind));
        if kind.is_none() {
            let t = cell(Column::Kind);
            flag(
                Column::Kind,
                if t.is_empty() {
                    "is empty".to_owned()
                } else {
                    format!(
                        "{t:?} is not a kind; the kinds are {}",
                        OversightKind::ALL.map(|k| k.label_zh()).join(", ")
                    )
                },
            );
        }
        let unit = match cell(Column::Unit) {
            "" => {
                flag(Column::Unit, "is empty".to_owned());
                None
            }
            t => org.unit(t).map_err(|m| flag(Column::Unit, m)).ok(),
        };
        let cadre = match (unit, cell(Column::Cadre)) {
            (_, "") | (None, _) => None,
            (Some(u), t) => match org.cadre(u, t) {
                Ok(c) => Some(c),
                Err(m) => {
                    flag(Column::Cadre, m);
                    None
                }
            },
        };
        let date = match cell(Column::Date) {
            "" => {
                flag(Column::Date, "is empty".to_owned());
                None
            }
            t => match parse_date(t) {
                None => {
                    flag(
                        Column::Date,
                        format!("{t:?} is not a date (e.g. 2026-03-05)"),
                    );
                    None
                }
                Some(d) => check_date(d, today)
                    .map_err(|m| flag(Column::Date, m))
                    .ok()
                    .map(|()| d),
            },
        };
        let summary = cell(Column::Summary);
        let summary_len = summary.chars().count();
        if summary_len == 0 {
            flag(Column::Summary, "is empty".to_owned());
        } else if summary_len > MAX_SUMMARY {
            flag(
                Column::Summary,
                format!("has {summary_len} characters, at most {MAX_SUMMARY}"),
            );
        }
        let reference = cell(Column::Reference);
        let reference_len = reference.chars().count();
        if reference_len > MAX_REFERENCE {
            flag(
                Column::Reference,
                format!("has {reference_len} characters, at most {MAX_REFERENCE}"),
            );
        } else if reference.chars().any(char::is_control) {
            flag(
                Column::Reference,
                "must be one line without control characters".to_owned(),
            );
        }
        match (kind, unit, date) {
            (Some(kind), Some(unit_id), Some(occurred_on)) if bad.is_empty() => {
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                records.push(ImportedRecord {
                    line,
                    record: OversightRecord {
                        record_id: record_id_for(import, line),
                        kind,
                        unit_id,
                        cadre_id: cadre,
                        occurred_on,
                        summary: summary.to_owned(),
                        reference: (!reference.is_empty()).then(|| reference.to_owned()),
                    },
                });
            }
            _ => {
                bad_rows += 1;
                let room = MAX_ERRORS_LISTED.saturating_sub(errors.len());
                errors.extend(bad.into_iter().take(room));
            }
        }
    }
    if count > MAX_IMPORT_ROWS {
        return Err(ImportError::TooManyRows {
            rows: count,
            max: MAX_IMPORT_ROWS,
        });
    }
    if bad_rows > 0 {
        return Err(ImportError::Rows {
            errors,
            bad_rows,
            rows: count,
        });
    }
    if records.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(records)
}
