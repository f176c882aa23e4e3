//! Reports written by `tabular::write`, read back by independent readers: calamine used
//! directly (not through this crate's `read`), the raw CSV bytes, and openpyxl when present.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::{Cursor, Write as _};
use std::process::{Command, Stdio};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use tabular::{Cell, Format, Sheet, write};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// A lights report: Chinese headers and text, ints, a fraction, dates and empty cells.
fn lights() -> Sheet {
    let mut sheet = Sheet::new(
        "七月灯色",
        &["单位", "绿", "黄", "红", "橙", "比例", "日期"],
    );
    sheet.push(vec![
        "第一纪检监察室".into(),
        12_u32.into(),
        3_i64.into(),
        0_usize.into(),
        Cell::Empty,
        0.25.into(),
        date(2026, 7, 1).into(),
    ]);
    sheet.push(vec![
        "办公室（综合）".into(),
        None::<u32>.into(),
        1_i64.into(),
        (-2_i64).into(),
        7_u32.into(),
        Some(1.5).into(),
        None::<NaiveDate>.into(),
    ]);
    sheet
}

fn text(value: &str) -> Data {
    Data::String(value.to_owned())
}

#[test]
fn xlsx_reads_back_with_calamine_cell_for_cell() {
    let bytes = write(Format::Xlsx, &[lights()]).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));

    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["七月灯色"]);
    let range = workbook.worksheet_range("七月灯色").unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3);

    let header: Vec<Data> = ["单位", "绿", "黄", "红", "橙", "比例", "日期"]
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(rows[0], header);

    let first = &rows[1];
    assert_eq!(first[0], text("第一纪检监察室"));
    // Numbers are stored as numbers, not as text.
    assert_eq!(first[1], Data::Float(12.0));
    assert_eq!(first[2], Data::Float(3.0));
    assert_eq!(first[3], Data::Float(0.0));
    assert_eq!(first[4], Data::Empty);
    assert_eq!(first[5], Data::Float(0.25));
    // The date is a real date: calamine sees the date format, and the serial is 2026-07-01.
    let Data::DateTime(datetime) = &first[6] else {
        panic!("expected a date, got {:?}", first[6]);
    };
    assert!(datetime.is_datetime());
    assert_eq!(datetime.to_ymd_hms_milli(), (2026, 7, 1, 0, 0, 0, 0));
    assert!((datetime.as_f64() - 46_204.0).abs() < f64::EPSILON);

    let second = &rows[2];
    assert_eq!(second[0], text("办公室（综合）"));
    assert_eq!(second[1], Data::Empty);
    assert_eq!(second[3], Data::Float(-2.0));
    assert_eq!(second[4], Data::Float(7.0));
    assert_eq!(second[5], Data::Float(1.5));
    assert_eq!(second[6], Data::Empty);
}

#[test]
fn xlsx_holds_one_worksheet_per_sheet_in_order() {
    let second = Sheet::new("明细", &["问题"]);
    let bytes = write(Format::Xlsx, &[lights(), second]).unwrap();
    let workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["七月灯色", "明细"]);
}

#[test]
fn xlsx_writes_huge_ints_as_text_rather_than_rounding_them() {
    let mut sheet = Sheet::new("ids", &["n"]);
    sheet.push(vec![9_007_199_254_740_993_i64.into()]);
    sheet.push(vec![999_999_999_999_999_i64.into()]);
    let bytes = write(Format::Xlsx, &[sheet]).unwrap();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("ids").unwrap();
    assert_eq!(range.get((1, 0)), Some(&text("9007199254740993")));
    assert_eq!(range.get((2, 0)), Some(&Data::Float(999_999_999_999_999.0)));
}

#[test]
fn xlsx_refuses_dates_excel_cannot_hold() {
    let mut sheet = Sheet::new("s", &["日期"]);
    sheet.push(vec![date(1899, 12, 31).into()]);
    let error = write(Format::Xlsx, &[sheet.clone()]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "sheet \"s\", line 2, column 1: the date 1899-12-31 is outside Excel's range \
         (1900-01-01 to 9999-12-31)"
    );
    // CSV has no such limit.
    assert!(write(Format::Csv, &[sheet]).is_ok());
}

#[test]
fn csv_has_a_bom_and_the_exact_text() {
    let bytes = write(Format::Csv, &[lights()]).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    assert_eq!(
        std::str::from_utf8(body).unwrap(),
        "单位,绿,黄,红,橙,比例,日期\r\n\
         第一纪检监察室,12,3,0,,0.25,2026-07-01\r\n\
         办公室（综合）,,1,-2,7,1.5,\r\n"
    );
}

#[test]
fn csv_reads_back_through_the_csv_crate_with_quotes_intact() {
    let mut sheet = Sheet::new("s", &["单位", "说明"]);
    sheet.push(vec![
        "一处".into(),
        "第一行，\"引号\"\r\n第二行, 逗号".into(),
    ]);
    let bytes = write(Format::Csv, &[sheet]).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(reader.headers().unwrap(), vec!["单位", "说明"]);
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][1], "第一行，\"引号\"\r\n第二行, 逗号");
}

/// openpyxl is a second, unrelated XLSX reader. It is optional here: when it is missing this
/// test says so and returns, which is acceptable only because
/// `xlsx_reads_back_with_calamine_cell_for_cell` already checks the same file independently.
#[test]
fn xlsx_reads_back_with_openpyxl_when_installed() {
    let available = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        // CI installs openpyxl and says so: there, missing it is a failure, not a skip.
        assert!(
            std::env::var_os("DUTYTRACE_REQUIRE_OPENPYXL").is_none(),
            "DUTYTRACE_REQUIRE_OPENPYXL is set but python3 cannot import openpyxl"
        );
        eprintln!(
            "SKIPPED xlsx_reads_back_with_openpyxl_when_installed: python3 with openpyxl is not \
             available (calamine checks the file in another test)"
        );
        return;
    }
    let bytes = write(Format::Xlsx, &[lights()]).unwrap();
    let script = r#"
import io, sys, datetime, openpyxl
wb = openpyxl.load_workbook(io.BytesIO(sys.stdin.buffer.read()))
ws = wb.worksheets[0]
def show(v):
    if isinstance(v, datetime.datetime):
        return "date:" + v.date().isoformat()
    if v is None:
        return "none"
    return type(v).__name__ + ":" + str(v)
print(ws.title)
print(ws.freeze_panes)
print(ws["A1"].font.b)
for row in ws.iter_rows(values_only=True):
    print("|".join(show(v) for v in row))
print(ws["G2"].number_format)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "openpyxl failed");
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        [
            "七月灯色",
            "A2",
            "True",
            "str:单位|str:绿|str:黄|str:红|str:橙|str:比例|str:日期",
            "str:第一纪检监察室|int:12|int:3|int:0|none|float:0.25|date:2026-07-01",
            "str:办公室（综合）|none|int:1|int:-2|int:7|float:1.5|none",
            "yyyy-mm-dd",
        ]
    );
}
