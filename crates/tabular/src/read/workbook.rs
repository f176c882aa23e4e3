//! XLSX input with calamine.
//!
//! Cells are streamed rather than loaded as one dense range: a range spans from the first to
//! the last used cell, so a stray cell far down or to the right would make calamine allocate
//! that whole rectangle before any limit could be checked.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{
    DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx, open_workbook_from_rs,
};

use super::{Builder, MAX_COLUMNS, MAX_ROWS, OLE_MAGIC, Table};
use crate::error::ReadError;

pub(super) fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ReadError::LegacyXls);
    }
    // calamine trusts some of a workbook's cross-references (0.31 indexes the shared strings
    // with a cell's number unchecked, and panics when a cell names a string the workbook does
    // not have; found by fuzzing): a malformed upload is a clear error, not a panic in the
    // request handler.
    std::panic::catch_unwind(|| read_cells(bytes)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ReadError::Xlsx(format!(
            "the workbook is malformed (the reader failed: {reason})"
        )))
    })
}

fn read_cells(bytes: &[u8]) -> Result<Table, ReadError> {
    let unreadable = |error: calamine::XlsxError| ReadError::Xlsx(error.to_string());
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let name = first_worksheet(workbook.sheets_metadata()).ok_or(ReadError::NoWorksheet)?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;

    // Non-empty cells by sheet row, each with its sheet column.
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let (mut first_column, mut last_column) = (u32::MAX, 0);
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let text = render(cell.get_value());
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        first_column = first_column.min(column);
        last_column = last_column.max(column);
        let columns = to_usize(last_column - first_column) + 1;
        if columns > MAX_COLUMNS {
            return Err(ReadError::TooManyColumns {
                line: to_usize(row) + 1,
                columns,
                max: MAX_COLUMNS,
            });
        }
        rows.entry(row).or_default().push((column, text.to_owned()));
        // The header plus the data rows.
        if rows.len() > MAX_ROWS + 1 {
            return Err(ReadError::TooManyRows { max: MAX_ROWS });
        }
    }

    let mut builder = Builder::default();
    for (row, cells) in rows {
        let width = cells
            .iter()
            .map(|&(column, _)| to_usize(column - first_column) + 1)
            .max()
            .unwrap_or(0);
        let mut dense = vec![String::new(); width];
        for (column, text) in cells {
            dense[to_usize(column - first_column)] = text;
        }
        // Excel numbers rows from 1, calamine from 0.
        builder.push(to_usize(row) + 1, dense)?;
    }
    builder.finish()
}

/// The first visible worksheet, else the first worksheet (chart sheets have no cells).
fn first_worksheet(sheets: &[calamine::Sheet]) -> Option<String> {
    let worksheets = || {
        sheets
            .iter()
            .filter(|sheet| sheet.typ == SheetType::WorkSheet)
    };
    worksheets()
        .find(|sheet| sheet.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|sheet| sheet.name.clone())
}

fn to_usize(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// A cell as Excel shows it in the General format, dates as ISO 8601.
fn render(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(value) => value.to_string(),
        DataRef::Float(value) => number(*value),
        DataRef::String(text) => text.clone(),
        DataRef::SharedString(text) => (*text).to_owned(),
        DataRef::Bool(true) => "TRUE".to_owned(),
        DataRef::Bool(false) => "FALSE".to_owned(),
        DataRef::DateTime(datetime) => date_time(*datetime),
        DataRef::DateTimeIso(text) => text.strip_suffix("T00:00:00").unwrap_or(text).to_owned(),
        DataRef::DurationIso(text) => text.clone(),
        DataRef::Error(error) => error.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// Excel keeps 15 significant digits; rounding to them drops the binary noise of arithmetic
/// (`0.1 + 0.2`), and Rust prints whole numbers without `.0`.
fn number(value: f64) -> String {
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    if rounded == 0.0 {
        // Not "-0".
        "0".to_owned()
    } else {
        rounded.to_string()
    }
}

fn date_time(value: ExcelDateTime) -> String {
    if value.is_duration() {
        let seconds = (value.as_f64() * 86_400.0).round();
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a duration of whole seconds"
        )]
        let seconds = seconds as i64;
        return format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds % 3600 / 60,
            seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
    let time = format!("{hour:02}:{minute:02}:{second:02}");
    if value.as_f64() < 1.0 {
        // A time of day without a date.
        time
    } else if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {time}")
    }
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    #[test]
    fn numbers_render_as_excel_shows_them() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1.25), "1.25");
        assert_eq!(number(123_456_789_012.0), "123456789012");
    }

    #[test]
    fn dates_render_as_iso() {
        let at = |value| ExcelDateTime::new(value, ExcelDateTimeType::DateTime, false);
        // 2026-07-01 is serial 46204 in the 1900 date system.
        assert_eq!(date_time(at(46_204.0)), "2026-07-01");
        assert_eq!(date_time(at(46_204.5)), "2026-07-01 12:00:00");
        assert_eq!(date_time(at(0.25)), "06:00:00");
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(date_time(duration), "36:00:00");
    }

    #[test]
    fn a_cell_naming_a_shared_string_the_workbook_lacks_is_an_error_not_a_panic() {
        // A fuzzer's find (fuzz/corpus/xlsx_import/crash-shared-string-index.xml): the
        // workbook has no shared strings, its cell A1 says it is shared string 0.
        let book = include_bytes!("../../tests/fixtures/shared-string-out-of-range.xlsx");
        match read(book) {
            Err(ReadError::Xlsx(message)) => {
                assert!(message.contains("malformed"), "{message}");
            }
            other => panic!("expected a malformed workbook, got {other:?}"),
        }
    }

    #[test]
    fn iso_dates_lose_a_midnight_time() {
        assert_eq!(
            render(&DataRef::DateTimeIso("2026-07-01T00:00:00".to_owned())),
            "2026-07-01"
        );
        assert_eq!(render(&DataRef::Bool(true)), "TRUE");
    }
}
