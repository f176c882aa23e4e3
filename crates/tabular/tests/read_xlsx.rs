//! Reading XLSX uploads: round trips with `write`, workbooks shaped as people make them.

#![allow(clippy::unwrap_used, reason = "tests")]

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format as Style, Workbook};
use tabular::{Cell, Format, ReadError, Row, Sheet, read, read_xlsx, write};

fn row(line: usize, cells: &[&str]) -> Row {
    Row {
        line,
        cells: cells.iter().map(|&cell| cell.to_owned()).collect(),
    }
}

#[test]
fn round_trips_what_write_produces() {
    let mut sheet = Sheet::new("导入", &["单位", "绿", "比例", "日期"]);
    sheet.push(vec![
        " 第一纪检监察室 ".into(),
        12_u32.into(),
        0.25.into(),
        NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().into(),
    ]);
    sheet.push(vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
    sheet.push(vec!["办公室".into(), (-3_i64).into()]);
    let bytes = write(Format::Xlsx, &[sheet]).unwrap();

    let table = read_xlsx(&bytes).unwrap();
    assert_eq!(table.headers, ["单位", "绿", "比例", "日期"]);
    assert_eq!(
        table.rows,
        [
            row(2, &["第一纪检监察室", "12", "0.25", "2026-07-01"]),
            // Line 3 is blank: skipped, still counted.
            row(4, &["办公室", "-3", "", ""]),
        ]
    );
    assert_eq!(read(&bytes).unwrap(), table);
}

/// A workbook as a person might leave it: a title above the table, the table starting in
/// column B, a hidden first sheet, a computed float, a date with a time, a boolean.
#[test]
fn reads_the_first_visible_sheet_with_lines_as_excel_numbers_them() {
    let mut workbook = Workbook::new();
    let date = Style::new().set_num_format("yyyy-mm-dd");
    let date_time = Style::new().set_num_format("yyyy-mm-dd hh:mm");
    let hidden = workbook.add_worksheet();
    hidden.set_name("说明").unwrap();
    hidden.write_string(0, 0, "不要导入").unwrap();
    hidden.set_hidden(true);
    let sheet = workbook.add_worksheet();
    // Excel keeps the active sheet visible, so the data sheet is the active one.
    sheet.set_name("数据").unwrap().set_active(true);
    // Rows 1 and 2 are empty; the header is on Excel row 3, from column B.
    sheet.write_string(2, 1, "单位").unwrap();
    sheet.write_string(2, 2, "数量").unwrap();
    sheet.write_string(2, 3, "日期").unwrap();
    sheet.write_string(2, 4, "已办").unwrap();
    sheet.write_string(3, 1, "一处").unwrap();
    sheet.write_number(3, 2, 0.1 + 0.2).unwrap();
    let day = ExcelDateTime::from_ymd(2026, 7, 1).unwrap();
    sheet.write_datetime_with_format(3, 3, &day, &date).unwrap();
    sheet.write_boolean(3, 4, true).unwrap();
    sheet.write_string(5, 1, "二处").unwrap();
    sheet.write_number(5, 2, 40.0).unwrap();
    let moment = ExcelDateTime::parse_from_str("2026-07-02 09:30:00").unwrap();
    sheet
        .write_datetime_with_format(5, 3, &moment, &date_time)
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let table = read_xlsx(&bytes).unwrap();
    assert_eq!(table.headers, ["单位", "数量", "日期", "已办"]);
    assert_eq!(
        table.rows,
        [
            row(4, &["一处", "0.3", "2026-07-01", "TRUE"]),
            row(6, &["二处", "40", "2026-07-02 09:30:00", ""]),
        ]
    );
}

#[test]
fn a_row_wider_than_the_header_names_its_line() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "单位").unwrap();
    sheet.write_string(0, 1, "类别").unwrap();
    sheet.write_string(1, 0, "一处").unwrap();
    sheet.write_string(6, 0, "二处").unwrap();
    sheet.write_string(6, 2, "多余").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    assert_eq!(
        read_xlsx(&bytes).unwrap_err().to_string(),
        "line 7 has 3 cells, the header has 2"
    );
}

#[test]
fn a_stray_far_cell_is_refused_without_building_the_whole_rectangle() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "单位").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    assert_eq!(
        read_xlsx(&bytes).unwrap_err(),
        ReadError::TooManyColumns {
            line: 1_048_576,
            columns: 16_384,
            max: tabular::MAX_COLUMNS
        }
    );
}

#[test]
fn an_empty_sheet_has_no_header() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let bytes = workbook.save_to_buffer().unwrap();
    assert_eq!(read_xlsx(&bytes).unwrap_err(), ReadError::NoHeader);
}

#[test]
fn a_broken_zip_is_not_a_workbook() {
    let error = read(b"PK\x03\x04 this is not really a zip").unwrap_err();
    assert!(
        matches!(error, ReadError::Xlsx(_)),
        "expected an XLSX error, got {error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the file is not a readable XLSX workbook")
    );
}
