//! Reading an uploaded table, for imports.

mod csv_text;
mod workbook;

use std::fmt;

use crate::error::ReadError;

/// The most data rows an upload may have.
pub const MAX_ROWS: usize = 100_000;
/// The most columns an upload may have.
pub const MAX_COLUMNS: usize = 200;

/// How every zip archive, and so every XLSX workbook, starts.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// How an OLE compound file, and so an Excel 97-2003 workbook, starts.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// An uploaded table: a header row and the non-blank data rows, every cell trimmed (of white
/// space and byte order marks).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The header row (the first row that is not blank), without trailing empty cells.
    pub headers: Vec<String>,
    /// The data rows, blank ones left out.
    pub rows: Vec<Row>,
}

impl Table {
    /// The index of the first column with this header.
    pub fn column(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }
}

/// One data row of an uploaded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line where the row starts: the header of an ordinary file is line 1 and
    /// its first data row line 2. For XLSX it is the row number Excel shows; for CSV the line
    /// a text editor shows, which is also Excel's row unless an earlier cell holds a line
    /// break. Blank rows are skipped but still counted.
    pub line: usize,
    /// The cells, trimmed, exactly as many as there are headers (short rows padded with "").
    pub cells: Vec<String>,
}

/// The text encoding a CSV upload was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark, as Excel's "CSV UTF-8" saves it.
    Utf8Bom,
    /// GB18030, a superset of GBK, as Excel on a Chinese Windows saves plain "CSV".
    Gb18030,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Gb18030 => "GB18030",
        })
    }
}

/// Reads an uploaded table: the first worksheet of an XLSX workbook (recognised by the zip
/// signature `PK\x03\x04`) or else a CSV.
///
/// # Errors
///
/// See [`read_csv`] and [`read_xlsx`]; an Excel 97-2003 `.xls` is refused by name.
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.starts_with(ZIP_MAGIC) {
        read_xlsx(bytes)
    } else {
        read_csv(bytes).map(|(table, _)| table)
    }
}

/// Reads a comma-separated CSV, telling which encoding it was read as.
///
/// A UTF-8 byte order mark is dropped; text that is not UTF-8 is read as GB18030 (which
/// covers GBK) if it is valid GB18030. Quoting is RFC 4180's; a quoted cell may span lines.
///
/// # Errors
///
/// UTF-16 text, text that is neither UTF-8 nor GB18030 (naming the offset of the first byte
/// that is not UTF-8), a workbook passed as CSV, no header row, a row with more cells than
/// the header, more than [`MAX_ROWS`] data rows or more than [`MAX_COLUMNS`] columns.
pub fn read_csv(bytes: &[u8]) -> Result<(Table, Encoding), ReadError> {
    csv_text::read(bytes)
}

/// Reads the first worksheet of an XLSX workbook (the first visible one, if any is visible).
///
/// Numbers show as Excel shows them in the General format (whole numbers without `.0`, at
/// most 15 significant digits), dates as `YYYY-MM-DD` (with ` HH:MM:SS` when there is a time),
/// booleans as `TRUE`/`FALSE`, error values as Excel writes them (`#N/A`). Formulas give their
/// last computed value.
///
/// # Errors
///
/// A file that is no readable workbook, a workbook without a worksheet, no header row, a row
/// with more cells than the header, more than [`MAX_ROWS`] data rows or more than
/// [`MAX_COLUMNS`] columns.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    workbook::read(bytes)
}

/// Builds a [`Table`] from raw rows, the same way for both formats.
#[derive(Debug, Default)]
struct Builder {
    table: Table,
    has_header: bool,
}

/// A cell without the white space around it, nor byte order marks (U+FEFF, which no one
/// means as content: a BOM after stray white space at the start of a CSV stayed in its first
/// header, which then matched no column name; found by fuzzing).
fn trim(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

impl Builder {
    /// Adds the row that starts at `line`.
    fn push<S: AsRef<str>>(
        &mut self,
        line: usize,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), ReadError> {
        let mut cells: Vec<String> = cells
            .into_iter()
            .map(|cell| trim(cell.as_ref()).to_owned())
            .collect();
        // Excel often saves empty cells past the last column; they carry nothing.
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        if cells.len() > MAX_COLUMNS {
            return Err(ReadError::TooManyColumns {
                line,
                columns: cells.len(),
                max: MAX_COLUMNS,
            });
        }
        if !self.has_header {
            self.table.headers = cells;
            self.has_header = true;
            return Ok(());
        }
        let header = self.table.headers.len();
        if cells.len() > header {
            return Err(ReadError::TooManyCells {
                line,
                cells: cells.len(),
                header,
            });
        }
        if self.table.rows.len() == MAX_ROWS {
            return Err(ReadError::TooManyRows { max: MAX_ROWS });
        }
        cells.resize(header, String::new());
        self.table.rows.push(Row { line, cells });
        Ok(())
    }

    fn finish(self) -> Result<Table, ReadError> {
        if self.has_header {
            Ok(self.table)
        } else {
            Err(ReadError::NoHeader)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(rows: &[(usize, &[&str])]) -> Result<Table, ReadError> {
        let mut builder = Builder::default();
        for &(line, cells) in rows {
            builder.push(line, cells)?;
        }
        builder.finish()
    }

    #[test]
    fn trims_pads_and_skips_blank_rows() {
        let table = build(&[
            (1, &[" 单位 ", "类别", ""]),
            (2, &["一处", " 甲 "]),
            (3, &[" ", "\u{3000}", ""]),
            (4, &["二处", "乙", "", ""]),
        ])
        .expect("read");
        assert_eq!(table.headers, ["单位", "类别"]);
        assert_eq!(
            table.rows,
            [
                Row {
                    line: 2,
                    cells: vec!["一处".into(), "甲".into()]
                },
                Row {
                    line: 4,
                    cells: vec!["二处".into(), "乙".into()]
                },
            ]
        );
        assert_eq!(table.column("类别"), Some(1));
    }

    #[test]
    fn byte_order_marks_are_trimmed_like_white_space() {
        let table = build(&[
            (1, &["\u{feff}单位", "类别\u{feff} "]),
            (2, &["\u{feff}", "甲"]),
            (3, &[" \u{feff} ", ""]),
        ])
        .expect("read");
        assert_eq!(table.headers, ["单位", "类别"]);
        assert_eq!(
            table.rows,
            [Row {
                line: 2,
                cells: vec![String::new(), "甲".into()]
            }]
        );
        // A vertical tab, then a BOM: the text is read as UTF-8 without a BOM, and the BOM
        // used to stay in the first header.
        let (table, _) =
            read_csv(b"\x0b\xEF\xBB\xBF\xE5\x8D\x95\xE4\xBD\x8D,b\n1,2\n").expect("read");
        assert_eq!(table.headers, ["单位", "b"]);
    }

    #[test]
    fn blank_rows_before_the_header_are_skipped() {
        let table = build(&[(1, &["", ""]), (2, &["单位"]), (3, &["一处"])]).expect("read");
        assert_eq!(table.headers, ["单位"]);
        assert_eq!(table.rows[0].line, 3);
    }

    #[test]
    fn no_header_is_an_error() {
        assert_eq!(build(&[]), Err(ReadError::NoHeader));
        assert_eq!(build(&[(1, &[" ", ""])]), Err(ReadError::NoHeader));
    }

    #[test]
    fn a_row_longer_than_the_header_names_its_line() {
        let error = build(&[(1, &["a", "b"]), (2, &["1", "2"]), (7, &["1", "2", "3"])])
            .expect_err("too long");
        assert_eq!(error.to_string(), "line 7 has 3 cells, the header has 2");
    }

    #[test]
    fn limits_are_enforced() {
        let wide = vec!["x"; MAX_COLUMNS + 1];
        assert_eq!(
            build(&[(1, &wide)]),
            Err(ReadError::TooManyColumns {
                line: 1,
                columns: MAX_COLUMNS + 1,
                max: MAX_COLUMNS
            })
        );
        let mut builder = Builder::default();
        builder.push(1, ["n"]).expect("header");
        for line in 2..=MAX_ROWS + 1 {
            builder.push(line, ["1"]).expect("within the limit");
        }
        assert_eq!(
            builder.push(MAX_ROWS + 2, ["1"]),
            Err(ReadError::TooManyRows { max: MAX_ROWS })
        );
    }
}
