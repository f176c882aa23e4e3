//! CSV input: encoding detection, then RFC 4180 parsing.

use std::borrow::Cow;

use csv::{ReaderBuilder, StringRecord};

use super::{Builder, Encoding, OLE_MAGIC, Table, ZIP_MAGIC};
use crate::error::ReadError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) fn read(bytes: &[u8]) -> Result<(Table, Encoding), ReadError> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        // Row widths are checked against the header with a message that names the line.
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut builder = Builder::default();
    let mut record = StringRecord::new();
    let mut lines = Lines::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let offset = record.position().map_or(0, csv::Position::byte);
                builder.push(lines.at(to_usize(offset)), record.iter())?;
            }
            Ok(false) => break,
            Err(error) => {
                return Err(ReadError::Csv {
                    line: error.position().map_or(0, csv::Position::line),
                    message: error.to_string(),
                });
            }
        }
    }
    Ok((builder.finish()?, encoding))
}

fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Line numbers of records, counted here because the csv crate's own `Position::line` is
/// wrong after CRLF line ends and does not count blank lines (BurntSushi/rust-csv#395).
struct Lines<'a> {
    text: &'a [u8],
    /// Where counting stopped: always the first byte of a record.
    offset: usize,
    /// The line at `offset`.
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8]) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record the csv crate reports at `offset`. That offset may point at
    /// the line ends before the record (the `\n` of a CRLF, blank lines), which no record
    /// starts with, so they are skipped first. Offsets only grow, so the text is scanned once.
    fn at(&mut self, offset: usize) -> usize {
        let start = self.text[offset.min(self.text.len())..]
            .iter()
            .position(|&byte| byte != b'\r' && byte != b'\n')
            .map_or(self.text.len(), |skipped| offset + skipped);
        if start > self.offset {
            let passed = &self.text[self.offset..start];
            // CRLF, a lone LF and a lone CR each end one line.
            let lone_lf = passed
                .iter()
                .enumerate()
                .filter(|&(i, &byte)| byte == b'\n' && (i == 0 || passed[i - 1] != b'\r'))
                .count();
            let cr = passed.iter().filter(|&&byte| byte == b'\r').count();
            self.line += cr + lone_lf;
            self.offset = start;
        }
        self.line
    }
}

/// Finds the encoding: a UTF-8 BOM, else UTF-8, else GB18030 if it decodes without a
/// malformed sequence. UTF-16 and workbooks are refused by name rather than read as garbage.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), ReadError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ReadError::Utf16);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return Err(ReadError::NotCsv);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ReadError::LegacyXls);
    }
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((Cow::Borrowed(text), Encoding::Utf8Bom)),
            Err(error) => Err(ReadError::InvalidUtf8 {
                offset: UTF8_BOM.len() + error.valid_up_to(),
            }),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), Encoding::Utf8)),
        Err(error) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| (text, Encoding::Gb18030))
            .ok_or(ReadError::UnknownEncoding {
                offset: error.valid_up_to(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<usize> {
        let mut reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = Lines::new(text.as_bytes());
        let mut record = StringRecord::new();
        let mut found = Vec::new();
        while reader.read_record(&mut record).expect("valid CSV") {
            let offset = record.position().map_or(0, csv::Position::byte);
            found.push(lines.at(to_usize(offset)));
        }
        found
    }

    #[test]
    fn lines_are_counted_for_every_kind_of_line_end() {
        assert_eq!(lines_of("a,b\r\n1,2\r\n3,4\r\n"), [1, 2, 3]);
        assert_eq!(lines_of("a,b\n1,2\n\n3,4\n"), [1, 2, 4]);
        assert_eq!(lines_of("a,b\r1,2\r3,4"), [1, 2, 3]);
        assert_eq!(lines_of("\r\n\r\na,b\r\n\r\n\n\r1,2"), [3, 7]);
        assert_eq!(lines_of("a,b\r\n1,\"x\r\ny\"\r\n3,4\r\n"), [1, 2, 4]);
        assert_eq!(lines_of("a,b\n1,\"x\n\ny\"\n3,4"), [1, 2, 5]);
    }

    #[test]
    fn detects_each_encoding() {
        let (text, encoding) = decode("单位".as_bytes()).expect("UTF-8");
        assert_eq!((text.as_ref(), encoding), ("单位", Encoding::Utf8));
        let (text, encoding) = decode(b"\xEF\xBB\xBFa,b").expect("UTF-8 with BOM");
        assert_eq!((text.as_ref(), encoding), ("a,b", Encoding::Utf8Bom));
        let (bytes, _, _) = encoding_rs::GBK.encode("单位");
        let (text, encoding) = decode(&bytes).expect("GBK");
        assert_eq!((text.as_ref(), encoding), ("单位", Encoding::Gb18030));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(decode(b"\xFF\xFEa\0").map(|_| ()), Err(ReadError::Utf16));
        assert_eq!(decode(b"\xFE\xFF\0a").map(|_| ()), Err(ReadError::Utf16));
        assert_eq!(
            decode(b"PK\x03\x04rest").map(|_| ()),
            Err(ReadError::NotCsv)
        );
        assert_eq!(decode(OLE_MAGIC).map(|_| ()), Err(ReadError::LegacyXls));
        assert_eq!(
            decode(b"\xEF\xBB\xBFab\xFF").map(|_| ()),
            Err(ReadError::InvalidUtf8 { offset: 5 })
        );
        assert_eq!(
            decode(b"a,b\n\xFF").map(|_| ()),
            Err(ReadError::UnknownEncoding { offset: 4 })
        );
    }
}
