//! The XLSX import parser (`tabular::read_xlsx`, what `POST /api/v1/oversight-imports`
//! reads an XLSX upload with) and the oversight import of its rows.
//!
//! Input, two ways (see `corpus/xlsx_import/`):
//! - a file starting `PK\x03\x04` is read as it is: real workbooks, their bytes mutated;
//! - anything else is the XML of a workbook's parts, separated by NUL bytes — the workbook,
//!   the first sheet, the shared strings and the styles, in that order — zipped here (stored,
//!   with the content types and relationships Excel writes) into a workbook, so that the
//!   fuzzer mutates the XML calamine parses rather than deflate streams and CRCs.
//!
//! Properties, beyond "no panic" (`dutytrace_fuzz::tables`): those of the CSV target —
//! the table's shape, its round trip (written as XLSX, read back as the same cells) and the
//! oversight import of its rows.

#![no_main]

use dutytrace_fuzz::guarded;
use dutytrace_fuzz::tables::{check_import, check_round_trip, check_table};
use libfuzzer_sys::fuzz_target;
use tabular::Format;

fuzz_target!(|data: &[u8]| {
    let file = if data.starts_with(b"PK\x03\x04") {
        data.to_vec()
    } else {
        dutytrace_fuzz::tables::workbook_from_parts(data)
    };
    let read = guarded(|| tabular::read_xlsx(&file));
    assert_eq!(
        guarded(|| tabular::read(&file)).ok(),
        read.as_ref().ok().cloned()
    );
    let Ok(table) = read else {
        return;
    };
    check_table(&table);
    check_round_trip(&table, Format::Xlsx);
    check_import(&table);
});
