//! CSV output: UTF-8 with a BOM, RFC 4180 quoting, CRLF line ends.

use csv::{Terminator, WriterBuilder};

use crate::error::WriteError;
use crate::sheet::{Cell, Sheet};

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) fn write(sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    let mut out = BOM.to_vec();
    let titled = sheets.len() > 1;
    for (index, sheet) in sheets.iter().enumerate() {
        if index > 0 {
            out.extend_from_slice(b"\r\n");
        }
        write_sheet(&mut out, sheet, titled).map_err(|error| WriteError::Csv {
            sheet: sheet.name.clone(),
            message: error.to_string(),
        })?;
    }
    Ok(out)
}

fn write_sheet(out: &mut Vec<u8>, sheet: &Sheet, titled: bool) -> Result<(), csv::Error> {
    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        // The title line has one field, and rows need not match the header's width.
        .flexible(true)
        .from_writer(out);
    if titled {
        writer.write_record([guard(&sheet.name)])?;
    }
    writer.write_record(sheet.headers.iter().map(|header| guard(header)))?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(text))?;
    }
    writer.flush()?;
    Ok(())
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => guard(text),
        Cell::Int(value) => value.to_string(),
        Cell::Number(value) => value.to_string(),
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        Cell::Empty => String::new(),
    }
}

/// Prefixes text that Excel would evaluate as a formula with `'` (OWASP's advice on CSV
/// injection). Plain numbers such as `-3` are left alone: Excel reads them as numbers anyway.
fn guard(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn as_text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes.strip_prefix(BOM).expect("starts with a BOM")).expect("UTF-8")
    }

    #[test]
    fn one_sheet_is_header_and_rows_quoted_with_crlf() {
        let mut sheet = Sheet::new("台账", &["单位", "说明", "数量", "比例", "日期"]);
        let date = NaiveDate::from_ymd_opt(2026, 7, 1).expect("valid date");
        sheet.push(vec![
            "一处".into(),
            "甲,乙 \"丙\"\n丁".into(),
            12_i64.into(),
            0.25.into(),
            date.into(),
        ]);
        sheet.push(vec![
            "二处".into(),
            Cell::Empty,
            (-1_i64).into(),
            3.0.into(),
            Cell::Empty,
        ]);
        let bytes = write(&[sheet]).expect("written");
        assert_eq!(
            as_text(&bytes),
            "单位,说明,数量,比例,日期\r\n\
             一处,\"甲,乙 \"\"丙\"\"\n丁\",12,0.25,2026-07-01\r\n\
             二处,,-1,3,\r\n"
        );
    }

    #[test]
    fn several_sheets_are_titled_and_separated_by_an_empty_line() {
        let mut first = Sheet::new("绿黄红", &["单位", "绿"]);
        first.push(vec!["一处".into(), 1_u32.into()]);
        let second = Sheet::new("明细", &["问题"]);
        let bytes = write(&[first, second]).expect("written");
        assert_eq!(
            as_text(&bytes),
            "绿黄红\r\n单位,绿\r\n一处,1\r\n\r\n明细\r\n问题\r\n"
        );
    }

    #[test]
    fn formula_like_text_is_neutralised_but_numbers_are_not() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("-3"), "-3");
        assert_eq!(guard("+86"), "+86");
        assert_eq!(guard("单位=一处"), "单位=一处");
    }
}
