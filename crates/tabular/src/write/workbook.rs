//! XLSX output with rust_xlsxwriter.

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format as Style, Workbook, Worksheet, XlsxError};

use super::{position, width};
use crate::error::WriteError;
use crate::sheet::{Cell, Sheet};

/// Excel keeps 15 significant digits; a whole number past them is written as text so that no
/// digit is silently lost.
const EXACT_INT: i64 = 999_999_999_999_999;

struct Styles {
    header: Style,
    date: Style,
    wrapped: Style,
}

pub(super) fn write(sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    let styles = Styles {
        header: Style::new().set_bold(),
        date: Style::new().set_num_format("yyyy-mm-dd"),
        wrapped: Style::new().set_text_wrap(),
    };
    let mut workbook = Workbook::new();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        write_sheet(worksheet, sheet, &styles)?;
    }
    workbook.save_to_buffer().map_err(|error| WriteError::Xlsx {
        sheet: String::new(),
        message: error.to_string(),
    })
}

fn write_sheet(
    worksheet: &mut Worksheet,
    sheet: &Sheet,
    styles: &Styles,
) -> Result<(), WriteError> {
    let failed = |error: XlsxError| WriteError::Xlsx {
        sheet: sheet.name.clone(),
        message: error.to_string(),
    };
    worksheet.set_name(&sheet.name).map_err(failed)?;

    let columns = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.headers.len()])
        .max()
        .unwrap_or(0);
    let mut widest = vec![0; columns];
    for (c, header) in sheet.headers.iter().enumerate() {
        worksheet
            .write_string_with_format(0, column(c).map_err(failed)?, header, &styles.header)
            .map_err(failed)?;
        widest[c] = width::of_text(header);
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let excel_row = u32::try_from(r + 1).map_err(|_| failed(XlsxError::RowColumnLimitError))?;
        for (c, cell) in row.iter().enumerate() {
            let excel_column = column(c).map_err(failed)?;
            write_cell(worksheet, excel_row, excel_column, cell, styles).map_err(|error| {
                match error {
                    CellError::Date(date) => {
                        let (line, column) = position(r, c);
                        WriteError::DateOutOfRange {
                            sheet: sheet.name.clone(),
                            line,
                            column,
                            date,
                        }
                    }
                    CellError::Xlsx(error) => failed(error),
                }
            })?;
            widest[c] = widest[c].max(width::of_cell(cell));
        }
    }
    for (c, widest) in widest.into_iter().enumerate() {
        worksheet
            .set_column_width(column(c).map_err(failed)?, width::fit(widest))
            .map_err(failed)?;
    }
    if !sheet.headers.is_empty() {
        worksheet.set_freeze_panes(1, 0).map_err(failed)?;
    }
    Ok(())
}

enum CellError {
    Date(chrono::NaiveDate),
    Xlsx(XlsxError),
}

impl From<XlsxError> for CellError {
    fn from(error: XlsxError) -> Self {
        CellError::Xlsx(error)
    }
}

fn write_cell(
    worksheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    styles: &Styles,
) -> Result<(), CellError> {
    match cell {
        Cell::Text(text) if text.contains('\n') => {
            worksheet.write_string_with_format(row, column, text, &styles.wrapped)?;
        }
        Cell::Text(text) => {
            worksheet.write_string(row, column, text)?;
        }
        Cell::Int(value) if (-EXACT_INT..=EXACT_INT).contains(value) => {
            #[expect(
                clippy::cast_precision_loss,
                reason = "at most 15 digits, exact in f64"
            )]
            worksheet.write_number(row, column, *value as f64)?;
        }
        Cell::Int(value) => {
            worksheet.write_string(row, column, value.to_string())?;
        }
        Cell::Number(value) => {
            worksheet.write_number(row, column, *value)?;
        }
        Cell::Date(date) => {
            let excel = u16::try_from(date.year())
                .ok()
                .filter(|year| (1900..=9999).contains(year))
                .and_then(|year| {
                    // Month and day always fit a u8.
                    let month = u8::try_from(date.month()).ok()?;
                    let day = u8::try_from(date.day()).ok()?;
                    ExcelDateTime::from_ymd(year, month, day).ok()
                })
                .ok_or(CellError::Date(*date))?;
            worksheet.write_datetime_with_format(row, column, &excel, &styles.date)?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}
