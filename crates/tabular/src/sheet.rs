//! What a report is made of: sheets of typed cells.

use chrono::NaiveDate;

/// One cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as is (in XLSX always as a string, never as a formula).
    Text(String),
    /// A whole number, written as a number.
    Int(i64),
    /// A number; it must be finite.
    Number(f64),
    /// A calendar date: ISO 8601 in CSV, a real Excel date shown as `yyyy-mm-dd` in XLSX.
    Date(NaiveDate),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_owned())
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::Text(value)
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Int(value)
    }
}

impl From<u32> for Cell {
    fn from(value: u32) -> Self {
        Cell::Int(i64::from(value))
    }
}

impl From<usize> for Cell {
    /// A count that does not fit an `i64` (impossible in practice) is written as text.
    fn from(value: usize) -> Self {
        i64::try_from(value).map_or_else(|_| Cell::Text(value.to_string()), Cell::Int)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// One sheet of a report: its name, a header row and the data rows.
///
/// The name becomes the XLSX sheet tab, so Excel's rules apply: 1 to 31 characters (Chinese
/// is fine), none of `[ ] : * ? / \`, not starting or ending with `'`, and unique within one
/// file regardless of case. [`write`](crate::write()) checks them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The header row.
    pub headers: Vec<String>,
    /// The data rows, in order.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet with a name and a header row, and no rows yet.
    pub fn new(name: impl Into<String>, headers: &[&str]) -> Self {
        Sheet {
            name: name.into(),
            headers: headers.iter().map(|&header| header.to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a data row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_pick_the_right_kind() {
        let date = NaiveDate::from_ymd_opt(2026, 7, 1).expect("valid date");
        assert_eq!(Cell::from("绿"), Cell::Text("绿".to_owned()));
        assert_eq!(Cell::from(String::from("红")), Cell::Text("红".to_owned()));
        assert_eq!(Cell::from(-3_i64), Cell::Int(-3));
        assert_eq!(Cell::from(7_u32), Cell::Int(7));
        assert_eq!(Cell::from(9_usize), Cell::Int(9));
        assert_eq!(Cell::from(1.5_f64), Cell::Number(1.5));
        assert_eq!(Cell::from(date), Cell::Date(date));
        assert_eq!(Cell::from(Some(4_u32)), Cell::Int(4));
        assert_eq!(Cell::from(None::<NaiveDate>), Cell::Empty);
        assert_eq!(Cell::from(Some("黄")), Cell::Text("黄".to_owned()));
    }

    #[test]
    fn a_new_sheet_has_its_headers_and_no_rows() {
        let mut sheet = Sheet::new("台账", &["单位", "绿"]);
        assert_eq!(sheet.headers, ["单位", "绿"]);
        assert!(sheet.rows.is_empty());
        sheet.push(vec!["一处".into(), 3_u32.into()]);
        assert_eq!(sheet.rows, [vec![Cell::from("一处"), Cell::Int(3)]]);
    }
}
