//! Ten thousand rows each way: every row comes back, numbered to the last line.

#![allow(clippy::unwrap_used, reason = "tests")]

use chrono::{Days, NaiveDate};
use tabular::{Format, Sheet, read, read_csv};

const ROWS: usize = 10_000;

fn big() -> Sheet {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut sheet = Sheet::new("大表", &["序号", "单位", "日期"]);
    for i in 0..ROWS {
        sheet.push(vec![
            i.into(),
            format!("第{i}单位").into(),
            (start + Days::new(u64::try_from(i % 365).unwrap())).into(),
        ]);
    }
    sheet
}

fn check(table: &tabular::Table) {
    assert_eq!(table.rows.len(), ROWS);
    let last = table.rows.last().unwrap();
    assert_eq!(last.line, ROWS + 1);
    assert_eq!(last.cells, ["9999", "第9999单位", "2026-05-25"]);
    assert_eq!(table.rows[0].cells, ["0", "第0单位", "2026-01-01"]);
}

#[test]
fn ten_thousand_csv_rows() {
    let bytes = tabular::write(Format::Csv, &[big()]).unwrap();
    let (table, _) = read_csv(&bytes).unwrap();
    check(&table);
}

#[test]
fn ten_thousand_xlsx_rows() {
    let bytes = tabular::write(Format::Xlsx, &[big()]).unwrap();
    check(&read(&bytes).unwrap());
}
