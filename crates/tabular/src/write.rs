//! Turning sheets into a file.

mod csv_text;
mod width;
mod workbook;

use std::collections::HashSet;

use crate::error::WriteError;
use crate::format::Format;
use crate::sheet::{Cell, Sheet};

/// Writes sheets as one file.
///
/// CSV is UTF-8 with a byte order mark (so Excel on a Chinese Windows opens it as UTF-8),
/// quoted as RFC 4180 asks, with CRLF line ends and dates as ISO 8601 (`2026-07-01`). A
/// single sheet is written as its header row and its rows, nothing else, so the file can be
/// imported again. Several sheets are written one after another, each preceded by a line
/// holding the sheet's name and separated by an empty line. A text cell that Excel would run
/// as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a plain
/// number) is prefixed with `'`, the usual guard against formula injection in CSV files.
///
/// XLSX has one worksheet per sheet, the header row bold and frozen, numbers as numbers
/// (whole numbers beyond Excel's 15 significant digits as text, since Excel would round
/// them), dates as real Excel dates shown as `yyyy-mm-dd`, and column widths fitted to the
/// content, Chinese characters counting double, capped at 60.
///
/// # Errors
///
/// No sheets, a sheet name Excel does not accept (see [`Sheet`]), a number that is not finite,
/// and for XLSX a date outside 1900–9999 or a sheet past Excel's limits.
pub fn write(format: Format, sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    check(sheets)?;
    match format {
        Format::Csv => csv_text::write(sheets),
        Format::Xlsx => workbook::write(sheets),
    }
}

/// The line (header = 1) and 1-based column of a data cell, for error messages.
fn position(row: usize, column: usize) -> (usize, usize) {
    (row + 2, column + 1)
}

fn check(sheets: &[Sheet]) -> Result<(), WriteError> {
    if sheets.is_empty() {
        return Err(WriteError::NoSheets);
    }
    let mut names = HashSet::new();
    for sheet in sheets {
        check_name(&sheet.name)?;
        if !names.insert(sheet.name.to_lowercase()) {
            return Err(WriteError::DuplicateSheetName {
                name: sheet.name.clone(),
            });
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Cell::Number(value) = cell
                    && !value.is_finite()
                {
                    let (line, column) = position(r, c);
                    return Err(WriteError::NonFiniteNumber {
                        sheet: sheet.name.clone(),
                        line,
                        column,
                        value: value.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Excel's rules for sheet names, checked for CSV too so that a report can be written in
/// either format.
fn check_name(name: &str) -> Result<(), WriteError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.chars().count() > 31 {
        Some("it is longer than 31 characters")
    } else if name.contains(['[', ']', ':', '*', '?', '/', '\\']) {
        Some("it contains one of [ ] : * ? / \\")
    } else if name.starts_with('\'') || name.ends_with('\'') {
        Some("it starts or ends with an apostrophe")
    } else if name.eq_ignore_ascii_case("history") {
        Some("Excel reserves it")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(WriteError::SheetName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_no_sheets() {
        assert_eq!(write(Format::Csv, &[]), Err(WriteError::NoSheets));
    }

    #[test]
    fn refuses_bad_sheet_names() {
        for (name, reason) in [
            ("", "it is empty"),
            (
                "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二",
                "it is longer than 31 characters",
            ),
            ("2026/07", "it contains one of [ ] : * ? / \\"),
            ("'台账'", "it starts or ends with an apostrophe"),
        ] {
            let sheet = Sheet::new(name, &["单位"]);
            assert_eq!(
                write(Format::Xlsx, &[sheet]),
                Err(WriteError::SheetName {
                    name: name.to_owned(),
                    reason
                }),
                "{name}"
            );
        }
        // 31 Chinese characters are fine.
        let name = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一";
        assert!(write(Format::Xlsx, &[Sheet::new(name, &["单位"])]).is_ok());
    }

    #[test]
    fn refuses_duplicate_names_ignoring_case() {
        let sheets = [Sheet::new("Lights", &["a"]), Sheet::new("lights", &["a"])];
        assert_eq!(
            write(Format::Csv, &sheets),
            Err(WriteError::DuplicateSheetName {
                name: "lights".to_owned()
            })
        );
    }

    #[test]
    fn refuses_non_finite_numbers_naming_the_cell() {
        let mut sheet = Sheet::new("统计", &["单位", "比例"]);
        sheet.push(vec!["一处".into(), 0.5.into()]);
        sheet.push(vec!["二处".into(), f64::NAN.into()]);
        let error = write(Format::Csv, &[sheet]).expect_err("NaN is refused");
        assert_eq!(
            error.to_string(),
            r#"sheet "统计", line 3, column 2: the number NaN is not finite"#
        );
    }
}
