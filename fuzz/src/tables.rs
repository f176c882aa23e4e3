//! Properties of a table read from an upload (`tabular::read_csv`, `tabular::read_xlsx`) and
//! of the oversight import that reads its rows (`POST /api/v1/oversight-imports`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use domain::ids::{CadreId, ImportId, UnitId};
use domain::oversight::OrgIndex;
use domain::oversight::import::{ImportError, MAX_ERRORS_LISTED, read};
use tabular::{Cell, Format, MAX_COLUMNS, MAX_ROWS, Sheet, Table};
use uuid::Uuid;

/// A cell without white space or byte order marks around it.
fn trimmed(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// What every table `tabular` gives back must be, whatever the file held.
pub fn check_table(table: &Table) {
    let headers = &table.headers;
    assert!(!headers.is_empty(), "a table without headers");
    assert!(headers.len() <= MAX_COLUMNS, "{} columns", headers.len());
    assert!(
        headers.last().is_some_and(|h| !h.is_empty()),
        "trailing empty header cells are dropped: {headers:?}"
    );
    assert!(table.rows.len() <= MAX_ROWS, "{} rows", table.rows.len());
    for h in headers {
        assert_eq!(trimmed(h), h, "a header not trimmed");
    }
    let mut previous = 1;
    for row in &table.rows {
        assert!(
            row.line > previous,
            "row lines {previous} then {}: not after the header, or not increasing",
            row.line
        );
        previous = row.line;
        assert_eq!(row.cells.len(), headers.len(), "line {}", row.line);
        assert!(
            row.cells.iter().any(|c| !c.is_empty()),
            "line {}: a blank row is kept",
            row.line
        );
        for c in &row.cells {
            assert_eq!(trimmed(c), c, "line {}: a cell not trimmed", row.line);
        }
    }
}

/// The table as a report sheet of text cells, as an export of it would be written.
fn as_sheet(table: &Table) -> Sheet {
    Sheet {
        name: "导入".to_owned(),
        headers: table.headers.clone(),
        rows: table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| Cell::Text(c.clone())).collect())
            .collect(),
    }
}

/// The text `tabular::write` puts in a CSV cell for `text`: a text Excel would run as a
/// formula is prefixed with `'` (the rule of `write/csv_text.rs`, which is private).
fn csv_guarded(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A table written back as a file of `format` reads back as the same headers and cells
/// (lines aside: a cell holding a line break moves the CSV lines after it).
pub fn check_round_trip(table: &Table, format: Format) {
    let Ok(bytes) = tabular::write(format, &[as_sheet(table)]) else {
        // Past what the writer takes (e.g. an XLSX cell over 32,767 characters).
        return;
    };
    let again = match format {
        Format::Csv => match tabular::read_csv(&bytes) {
            Ok((t, encoding)) => {
                assert_eq!(encoding, tabular::Encoding::Utf8Bom);
                t
            }
            Err(e) => panic!("a table written as CSV does not read back: {e}"),
        },
        Format::Xlsx => crate::guarded(|| tabular::read_xlsx(&bytes))
            .unwrap_or_else(|e| panic!("a table written as XLSX does not read back: {e}")),
    };
    let expect = |cells: &[String]| -> Vec<String> {
        match format {
            Format::Csv => cells.iter().map(|c| csv_guarded(c)).collect(),
            Format::Xlsx => cells.to_vec(),
        }
    };
    assert_eq!(
        again.headers,
        expect(&table.headers),
        "headers after {format:?}"
    );
    assert_eq!(again.rows.len(), table.rows.len(), "rows after {format:?}");
    for (a, b) in again.rows.iter().zip(&table.rows) {
        assert_eq!(
            a.cells,
            expect(&b.cells),
            "line {} after {format:?}",
            b.line
        );
    }
}

/// The units and cadres the seeds name (`corpus/csv_import/`, `corpus/xlsx_import/`).
fn org() -> &'static OrgIndex {
    static ORG: OnceLock<OrgIndex> = OnceLock::new();
    ORG.get_or_init(|| {
        let unit = |n: u128| {
            UnitId(Uuid::from_u128(
                0x0190_a0a0_0000_7000_8000_0000_0000_0000 | n,
            ))
        };
        let cadre = |n: u128| {
            CadreId(Uuid::from_u128(
                0x0190_a0a0_1111_7000_8000_0000_0000_0000 | n,
            ))
        };
        OrgIndex {
            units: HashMap::from([
                (unit(1), "区财政局党组".to_owned()),
                (unit(2), "区教育局党委".to_owned()),
                // Two units of one name: a row must give the id.
                (unit(3), "区卫健局党委".to_owned()),
                (unit(4), "区卫健局党委".to_owned()),
            ]),
            cadres: HashMap::from([
                (cadre(1), ("张三".to_owned(), Some(unit(1)))),
                (cadre(2), ("李四".to_owned(), Some(unit(2)))),
                (cadre(3), ("王五".to_owned(), None)),
            ]),
        }
    })
}

/// The oversight import of the table's rows: all or nothing, every accepted record one the
/// single-record check accepts unchanged, every refused row named by a line of the table.
pub fn check_import(table: &Table) {
    let today = NaiveDate::from_ymd_opt(2026, 7, 31).expect("a date");
    let import = ImportId(Uuid::from_u128(0x0190_a0a0_2222_7000_8000_0000_0000_0001));
    let rows = table.rows.iter().map(|r| (r.line, r.cells.as_slice()));
    let lines: HashSet<usize> = table.rows.iter().map(|r| r.line).collect();
    match read(&table.headers, rows, org(), import, today) {
        Ok(records) => {
            assert_eq!(records.len(), table.rows.len(), "every row is one record");
            for (record, row) in records.iter().zip(&table.rows) {
                assert_eq!(record.line as usize, row.line);
                let checked = domain::oversight::check(record.record.clone(), org(), today)
                    .unwrap_or_else(|e| {
                        panic!("line {}: imported, but refused on its own: {e}", row.line)
                    });
                assert_eq!(checked, record.record, "line {}", row.line);
            }
            let ids: HashSet<_> = records.iter().map(|r| r.record.record_id).collect();
            assert_eq!(ids.len(), records.len(), "two records of one id");
        }
        Err(ImportError::Rows {
            errors,
            bad_rows,
            rows,
        }) => {
            assert_eq!(rows, table.rows.len());
            assert!(bad_rows >= 1 && bad_rows <= rows, "{bad_rows} of {rows}");
            assert!(!errors.is_empty() && errors.len() <= MAX_ERRORS_LISTED);
            for e in &errors {
                assert!(lines.contains(&e.line), "an error names line {}", e.line);
            }
        }
        Err(ImportError::Empty) => assert!(table.rows.is_empty()),
        Err(ImportError::Header(_) | ImportError::TooManyRows { .. }) => {}
    }
}

/// The parts of a workbook that stay the same: content types and relationships, as Excel and
/// `rust_xlsxwriter` write them.
const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#,
    r#"</Types>"#
);

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
    r#"</Relationships>"#
);

const WORKBOOK_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#,
    r#"</Relationships>"#
);

/// The parts fuzzed, in the order the input gives them (separated by NUL bytes).
const PARTS: [&str; 4] = [
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
];

/// A workbook (zip, stored) of the XML parts in `data`, separated by NUL bytes; a part not
/// given is left out of the zip.
pub fn workbook_from_parts(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;

    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let fixed = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
    ];
    let given = PARTS.iter().copied().zip(data.split(|&b| b == 0));
    for (name, bytes) in fixed.into_iter().chain(given) {
        // Writing to memory fails only past zip's limits, which a fuzz input never reaches.
        if zip.start_file(name, options).is_err() || zip.write_all(bytes).is_err() {
            break;
        }
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .unwrap_or_default()
}
