//! Reading CSV uploads: encodings, quoting, line numbers, limits.

#![allow(clippy::unwrap_used, reason = "tests")]

use tabular::{Encoding, ReadError, Row, read, read_csv};

fn row(line: usize, cells: &[&str]) -> Row {
    Row {
        line,
        cells: cells.iter().map(|&cell| cell.to_owned()).collect(),
    }
}

const SAMPLE: &str = "单位,类别\n第一纪检监察室,约谈\n办公室,函询\n";

fn sample_rows() -> Vec<Row> {
    vec![
        row(2, &["第一纪检监察室", "约谈"]),
        row(3, &["办公室", "函询"]),
    ]
}

#[test]
fn reads_utf8() {
    let (table, encoding) = read_csv(SAMPLE.as_bytes()).unwrap();
    assert_eq!(encoding, Encoding::Utf8);
    assert_eq!(table.headers, ["单位", "类别"]);
    assert_eq!(table.rows, sample_rows());
}

#[test]
fn reads_utf8_with_a_bom() {
    let bytes = [b"\xEF\xBB\xBF", SAMPLE.as_bytes()].concat();
    let (table, encoding) = read_csv(&bytes).unwrap();
    assert_eq!(encoding, Encoding::Utf8Bom);
    // The BOM does not end up in the first header.
    assert_eq!(table.headers, ["单位", "类别"]);
    assert_eq!(table.rows, sample_rows());
}

#[test]
fn reads_gbk_as_gb18030() {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(SAMPLE);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the sample must not be UTF-8"
    );
    let (table, encoding) = read_csv(&bytes).unwrap();
    assert_eq!(encoding, Encoding::Gb18030);
    assert_eq!(encoding.to_string(), "GB18030");
    assert_eq!(table.headers, ["单位", "类别"]);
    assert_eq!(table.rows, sample_rows());
}

#[test]
fn refuses_garbage_naming_the_offset() {
    // Valid up to "ab,", then bytes that are neither UTF-8 nor GB18030.
    let error = read_csv(b"ab,\xFF\xFF\n").unwrap_err();
    assert_eq!(error, ReadError::UnknownEncoding { offset: 3 });
    assert!(error.to_string().contains("neither UTF-8 nor GBK/GB18030"));
    assert!(error.to_string().contains("offset 3"));
}

#[test]
fn refuses_utf16_asking_for_utf8() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "单位,类别\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let error = read_csv(&bytes).unwrap_err();
    assert_eq!(error, ReadError::Utf16);
    assert!(error.to_string().contains("save it as \"CSV UTF-8"));
}

#[test]
fn quoted_cells_keep_commas_and_line_breaks_and_rows_keep_their_starting_line() {
    let text = "单位,说明,数量\r\n\
                一处,\"甲,乙\",1\r\n\
                二处,\"第一行\r\n第二行\",2\r\n\
                三处,\"他说\"\"好\"\"\",3\r\n";
    let (table, _) = read_csv(text.as_bytes()).unwrap();
    assert_eq!(
        table.rows,
        [
            row(2, &["一处", "甲,乙", "1"]),
            row(3, &["二处", "第一行\r\n第二行", "2"]),
            // The previous row spans lines 3 and 4.
            row(5, &["三处", "他说\"好\"", "3"]),
        ]
    );
}

#[test]
fn blank_rows_are_skipped_but_counted() {
    let text = "单位,类别\n一处,甲\n\n,\n  ,\u{3000}\n二处,乙\n";
    let (table, _) = read_csv(text.as_bytes()).unwrap();
    assert_eq!(
        table.rows,
        [row(2, &["一处", "甲"]), row(6, &["二处", "乙"])]
    );
}

#[test]
fn cells_and_headers_are_trimmed_and_short_rows_padded() {
    let text = " 单位 , 类别 ,备注,,\n 一处 ,\n二处,乙,,,\n";
    let (table, _) = read_csv(text.as_bytes()).unwrap();
    assert_eq!(table.headers, ["单位", "类别", "备注"]);
    assert_eq!(
        table.rows,
        [row(2, &["一处", "", ""]), row(3, &["二处", "乙", ""])]
    );
}

#[test]
fn a_row_with_too_many_cells_is_refused_naming_its_line() {
    let mut text = String::from("a,b,c,d,e,f,g,h\n");
    for _ in 2..7 {
        text.push_str("1,2,3,4,5,6,7,8\n");
    }
    text.push_str("1,2,3,4,5,6,7,8,9\n");
    let error = read_csv(text.as_bytes()).unwrap_err();
    assert_eq!(
        error,
        ReadError::TooManyCells {
            line: 7,
            cells: 9,
            header: 8
        }
    );
    assert_eq!(error.to_string(), "line 7 has 9 cells, the header has 8");
}

#[test]
fn an_empty_file_has_no_header() {
    assert_eq!(read_csv(b"").unwrap_err(), ReadError::NoHeader);
    assert_eq!(
        read_csv(b"\xEF\xBB\xBF\r\n , \r\n").unwrap_err(),
        ReadError::NoHeader
    );
}

#[test]
fn a_header_only_file_has_no_rows() {
    let (table, _) = read_csv("单位,类别\r\n".as_bytes()).unwrap();
    assert_eq!(table.headers, ["单位", "类别"]);
    assert!(table.rows.is_empty());
}

#[test]
fn read_takes_anything_that_is_not_a_zip_as_csv() {
    assert_eq!(read(SAMPLE.as_bytes()).unwrap().rows, sample_rows());
    assert_eq!(
        read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap_err(),
        ReadError::LegacyXls
    );
}

#[test]
fn too_many_columns_are_refused() {
    let header = (0..=tabular::MAX_COLUMNS)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let error = read_csv(header.as_bytes()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1 has 201 columns; at most 200 are supported"
    );
}
