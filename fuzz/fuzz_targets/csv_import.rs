//! The CSV import parser (`tabular::read_csv`, what `POST /api/v1/oversight-imports` reads a
//! CSV upload with) and the oversight import of its rows.
//!
//! Input: the bytes of an uploaded file (see `corpus/csv_import/`: UTF-8 with and without a
//! BOM, GB18030, quoted cells over several lines, CRLF and CR line ends, rows too long).
//!
//! Properties, beyond "no panic" (`dutytrace_fuzz::tables`):
//! - the table has a header, at most `MAX_COLUMNS` columns and `MAX_ROWS` rows, every row
//!   as wide as the header, none blank, every cell trimmed, lines after the header and
//!   increasing;
//! - written back as CSV by `tabular::write` it reads back as the same cells (text Excel
//!   would run as a formula prefixed with `'`);
//! - the oversight import accepts all rows or none, each accepted record one the
//!   single-record check accepts unchanged, each refused row named by its line.
//! - `tabular::read` (format sniffing) gives the same table for anything not a zip.

#![no_main]

use dutytrace_fuzz::tables::{check_import, check_round_trip, check_table};
use libfuzzer_sys::fuzz_target;
use tabular::Format;

fuzz_target!(|data: &[u8]| {
    let read = tabular::read_csv(data);
    if !data.starts_with(b"PK\x03\x04") {
        assert_eq!(
            tabular::read(data).ok(),
            read.as_ref().ok().map(|(t, _)| t.clone()),
            "read and read_csv disagree"
        );
    }
    let Ok((table, _encoding)) = read else {
        return;
    };
    check_table(&table);
    check_round_trip(&table, Format::Csv);
    check_import(&table);
});
