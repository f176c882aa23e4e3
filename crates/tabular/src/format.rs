//! The two file formats, as named in URLs and shown in downloads.

use std::fmt;
use std::str::FromStr;

use crate::error::UnknownFormat;

/// A spreadsheet file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values, UTF-8 with a byte order mark.
    Csv,
    /// An Excel workbook (Office Open XML).
    Xlsx,
}

impl Format {
    /// The media type for a `Content-Type` header.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses `csv` or `xlsx`, ignoring ASCII case.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.eq_ignore_ascii_case("csv") {
            Ok(Format::Csv)
        } else if value.eq_ignore_ascii_case("xlsx") {
            Ok(Format::Xlsx)
        } else {
            Err(UnknownFormat(value.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_names_and_names_a_bad_one() {
        assert_eq!("csv".parse(), Ok(Format::Csv));
        assert_eq!("XLSX".parse(), Ok(Format::Xlsx));
        let error = "xls".parse::<Format>().expect_err("xls is not supported");
        assert_eq!(error, UnknownFormat("xls".to_owned()));
        assert_eq!(
            error.to_string(),
            r#"unknown table format "xls": expected "csv" or "xlsx""#
        );
    }

    #[test]
    fn content_types_and_extensions() {
        assert_eq!(Format::Csv.content_type(), "text/csv; charset=utf-8");
        assert_eq!(
            Format::Xlsx.content_type(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(Format::Csv.extension(), "csv");
        assert_eq!(Format::Xlsx.to_string(), "xlsx");
    }
}
