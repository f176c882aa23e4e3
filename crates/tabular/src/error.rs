//! Why a table could not be read or written. Messages are in English, name the problem and,
//! where there is one, the line, so they can be shown to the person who uploaded the file.

use thiserror::Error;

/// A format name that is neither `csv` nor `xlsx`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown table format {0:?}: expected \"csv\" or \"xlsx\"")]
pub struct UnknownFormat(pub String);

/// An uploaded file that cannot be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadError {
    /// A CSV saved as UTF-16 ("Unicode text").
    #[error(
        "the file is UTF-16 text; save it as \"CSV UTF-8 (comma delimited)\" and upload it again"
    )]
    Utf16,
    /// A CSV that starts with a UTF-8 byte order mark and then is not UTF-8.
    #[error(
        "the file starts with a UTF-8 byte order mark but is not valid UTF-8 at byte offset {offset}"
    )]
    InvalidUtf8 {
        /// Offset in the file of the first invalid byte.
        offset: usize,
    },
    /// A CSV that is neither UTF-8 nor GBK/GB18030.
    #[error(
        "the file is neither UTF-8 nor GBK/GB18030 text (the first byte that is not UTF-8 is at \
         offset {offset}); save it as \"CSV UTF-8 (comma delimited)\" and upload it again"
    )]
    UnknownEncoding {
        /// Offset in the file of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// An Excel 97-2003 workbook, which is not supported.
    #[error("the file is an Excel 97-2003 workbook (.xls); save it as .xlsx or as CSV UTF-8")]
    LegacyXls,
    /// An XLSX workbook given where CSV text was expected.
    #[error("the file is an XLSX workbook, not CSV text")]
    NotCsv,
    /// CSV that the parser rejected.
    #[error("the CSV cannot be read at line {line}: {message}")]
    Csv {
        /// The line where the problem was found.
        line: u64,
        /// What the parser said.
        message: String,
    },
    /// A workbook that cannot be opened or read.
    #[error("the file is not a readable XLSX workbook: {0}")]
    Xlsx(String),
    /// A workbook without any worksheet.
    #[error("the workbook has no worksheet")]
    NoWorksheet,
    /// A file with no header row: empty, or only blank rows.
    #[error("the file has no header row: it is empty or all its cells are blank")]
    NoHeader,
    /// A data row with more cells than the header.
    #[error("line {line} has {cells} cells, the header has {header}")]
    TooManyCells {
        /// The row's line.
        line: usize,
        /// How many cells it has, up to its last non-empty one.
        cells: usize,
        /// How many columns the header has.
        header: usize,
    },
    /// More data rows than [`MAX_ROWS`](crate::MAX_ROWS).
    #[error("the file has more than {max} data rows; split it into smaller files")]
    TooManyRows {
        /// The limit.
        max: usize,
    },
    /// A row wider than [`MAX_COLUMNS`](crate::MAX_COLUMNS).
    #[error("line {line} has {columns} columns; at most {max} are supported")]
    TooManyColumns {
        /// The row's line.
        line: usize,
        /// How many columns it spans.
        columns: usize,
        /// The limit.
        max: usize,
    },
}

/// Sheets that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    /// Nothing to write.
    #[error("nothing to write: no sheets were given")]
    NoSheets,
    /// A sheet name that Excel does not accept.
    #[error("the sheet name {name:?} is not allowed: {reason}")]
    SheetName {
        /// The name.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Two sheets whose names differ only by case, or not at all.
    #[error("two sheets are named {name:?}; sheet names must be unique, ignoring case")]
    DuplicateSheetName {
        /// The repeated name.
        name: String,
    },
    /// A NaN or infinite number.
    #[error("sheet {sheet:?}, line {line}, column {column}: the number {value} is not finite")]
    NonFiniteNumber {
        /// The sheet's name.
        sheet: String,
        /// The line in the sheet (the header is line 1).
        line: usize,
        /// The 1-based column.
        column: usize,
        /// The number, printed.
        value: String,
    },
    /// A date Excel cannot hold (before 1900 or after 9999).
    #[error(
        "sheet {sheet:?}, line {line}, column {column}: the date {date} is outside Excel's range \
         (1900-01-01 to 9999-12-31)"
    )]
    DateOutOfRange {
        /// The sheet's name.
        sheet: String,
        /// The line in the sheet (the header is line 1).
        line: usize,
        /// The 1-based column.
        column: usize,
        /// The date.
        date: chrono::NaiveDate,
    },
    /// The XLSX writer refused (a sheet past Excel's size limits, a text too long for a cell).
    #[error("sheet {sheet:?} cannot be written as XLSX: {message}")]
    Xlsx {
        /// The sheet's name, or empty when the workbook as a whole failed.
        sheet: String,
        /// What the writer said.
        message: String,
    },
    /// The CSV writer failed.
    #[error("sheet {sheet:?} cannot be written as CSV: {message}")]
    Csv {
        /// The sheet's name.
        sheet: String,
        /// What the writer said.
        message: String,
    },
}
