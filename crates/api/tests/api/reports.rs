//! Spreadsheet reports (报表导出) through HTTP, read back with calamine (an XLSX reader
//! independent of the writer): the Chinese headers and the exact cells of a known unit's
//! and a known problem's rows, equal to what the JSON routes answer; CSV with its byte
//! order mark; the attachment's Chinese file name; the scope of a principal leader.

use crate::access::World;
use crate::statistics::{P1, district};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;
use std::io::Cursor;
use tower::ServiceExt;

/// A report's answer: status, headers and the raw bytes.
pub(crate) struct Download {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) async fn download(w: &World, role: &str, path: &str) -> Download {
    let req = Request::builder()
        .uri(w.fill(path))
        .header("authorization", w.token[role].as_str())
        .body(Body::empty())
        .unwrap();
    let response = api::router(w.t.state.clone()).oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec();
    Download {
        status,
        headers,
        bytes,
    }
}

/// What a person sees in a cell: text, a whole number, a date as `yyyy-mm-dd`, or "".
fn shown(cell: &Data) -> String {
    match cell {
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// The sheets of an XLSX file: each name with its rows of shown cells.
pub(crate) fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| r.iter().map(shown).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// The row whose first cell is `first`.
fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first}: {rows:?}"))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const BOARD_HEADERS: [&str; 8] = ["单位", "类型", "绿", "黄", "红", "橙", "未到期", "合计"];
const LEDGER_HEADERS: [&str; 11] = [
    "单位",
    "干部",
    "来源",
    "类型",
    "严重程度",
    "问题描述",
    "发现日期",
    "整改期限",
    "状态",
    "灯",
    "销号日期",
];

#[tokio::test]
async fn the_board_report_has_the_boards_numbers_under_chinese_headers() {
    let w = district().await;
    let d = download(&w, "commission", "/api/v1/reports/board").await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.headers[header::CONTENT_TYPE], XLSX);
    assert_eq!(
        d.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"board-2026-09-25.xlsx\"; \
         filename*=UTF-8''%E5%B1%A5%E8%B4%A3%E7%9C%8B%E6%9D%BF-2026-09-25.xlsx"
    );
    let book = sheets(&d.bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["履责看板", "义务明细"]);
    let board = &book[0].1;
    assert_eq!(board[0], strings(&BOARD_HEADERS));
    // Two units and two groups.
    assert_eq!(board.len(), 5, "{board:?}");
    // A: Q1 green, Q3 yellow, Q2 orange (backfilled), Q4 and the yearly ones of the team
    // and its three cadres pending.
    let a = row(board, "区教育局党组");
    assert_eq!(
        a,
        strings(&["区教育局党组", "党组", "1", "1", "0", "1", "5", "8"])
    );
    assert_eq!(
        row(board, "第一派驻纪检组"),
        strings(&["第一派驻纪检组", "派驻纪检组", "0", "0", "0", "0", "1", "1"])
    );
    // The same numbers as the JSON board.
    let json = w
        .call("commission", "GET", "/api/v1/board", None)
        .await
        .json;
    for unit in json["units"].as_array().unwrap() {
        let cells = row(board, unit["name"].as_str().unwrap());
        let n = |l: &str| unit[l].as_u64().unwrap().to_string();
        assert_eq!(
            cells[2..7],
            [n("green"), n("yellow"), n("red"), n("orange"), n("pending")],
            "{unit}"
        );
    }
    // Every obligation in the detail sheet: 8 of A, 7 of B, 1 per group.
    let detail = &book[1].1;
    assert_eq!(detail[0][0], "单位");
    assert_eq!(detail[0][11], "灯");
    assert_eq!(detail.len(), 1 + 8 + 7 + 2);
    let a_detail: Vec<&Vec<String>> = detail.iter().filter(|r| r[0] == "区教育局党组").collect();
    assert_eq!(a_detail.len(), 8);
    // The one due on 30 June: the team's Q2, backfilled.
    let q2 = a_detail
        .iter()
        .find(|r| r[7] == "2026-06-30")
        .unwrap_or_else(|| panic!("{a_detail:?}"));
    assert_eq!(q2[1], "领导班子");
    assert_eq!(q2[2], "区教育局党组");
    assert_eq!(q2[8..], strings(&["1", "1", "0", "橙灯"]));
}

#[tokio::test]
async fn a_principal_leaders_board_report_holds_only_their_unit() {
    let w = district().await;
    let d = download(&w, "principal_leader", "/api/v1/reports/board").await;
    assert_eq!(d.status, StatusCode::OK);
    let book = sheets(&d.bytes);
    let board = &book[0].1;
    assert_eq!(
        *board,
        vec![
            strings(&BOARD_HEADERS),
            strings(&["区教育局党组", "党组", "1", "1", "0", "1", "5", "8"]),
        ]
    );
    let detail = &book[1].1;
    assert_eq!(detail.len(), 1 + 8, "{detail:?}");
    for (_, rows) in &book {
        for r in rows {
            for cell in r {
                assert!(
                    ![
                        "区卫健局党组",
                        "赵四",
                        "钱五",
                        "第一派驻纪检组",
                        "第二派驻纪检组"
                    ]
                    .contains(&cell.as_str()),
                    "{r:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_ledger_report_lists_every_problem_with_its_cells() {
    let w = district().await;
    let d = download(&w, "commission", "/api/v1/reports/ledger").await;
    assert_eq!(d.status, StatusCode::OK);
    let book = sheets(&d.bytes);
    assert_eq!(book.len(), 1);
    assert_eq!(book[0].0, "问题台账");
    let rows = &book[0].1;
    assert_eq!(rows[0], strings(&LEDGER_HEADERS));
    assert_eq!(rows.len(), 4, "{rows:?}");
    let p1 = rows.iter().find(|r| r[5] == P1).unwrap();
    assert_eq!(
        *p1,
        strings(&[
            "区教育局党组",
            "李二",
            "巡视巡察",
            "违反中央八项规定精神",
            "较重",
            P1,
            "2026-01-02",
            "2026-01-31",
            "已登记",
            "红灯",
            "",
        ])
    );
    // Newest first, as the JSON ledger.
    let json: Value = w
        .call("commission", "GET", "/api/v1/problems", None)
        .await
        .json;
    let order: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["description"].as_str().unwrap())
        .collect();
    let reported: Vec<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
    assert_eq!(reported, order);
    // Found from 3 January: P2 and P3.
    let d = download(&w, "commission", "/api/v1/reports/ledger?from=2026-01-03").await;
    assert_eq!(sheets(&d.bytes)[0].1.len(), 3);
    // A's principal leader: A's two problems only.
    let d = download(&w, "principal_leader", "/api/v1/reports/ledger").await;
    let rows = &sheets(&d.bytes)[0].1;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[1..].iter().all(|r| r[0] == "区教育局党组"), "{rows:?}");
}

#[tokio::test]
async fn csv_reports_start_with_a_byte_order_mark_and_the_chinese_headers() {
    let w = district().await;
    let d = download(&w, "commission", "/api/v1/reports/ledger?format=csv").await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        d.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"ledger-2026-09-25.csv\"; \
         filename*=UTF-8''%E9%97%AE%E9%A2%98%E5%8F%B0%E8%B4%A6-2026-09-25.csv"
    );
    assert_eq!(d.bytes[..3], [0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(d.bytes[3..].to_vec()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(lines.next().unwrap(), LEDGER_HEADERS.join(","));
    assert!(
        text.contains(&format!(
            "区教育局党组,李二,巡视巡察,违反中央八项规定精神,较重,{P1},2026-01-02,2026-01-31,已登记,红灯,"
        )),
        "{text}"
    );
    // Several sheets: each after a line with its name.
    let d = download(&w, "commission", "/api/v1/reports/board?format=CSV").await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.bytes[..3], [0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(d.bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "履责看板");
    assert_eq!(lines[1], BOARD_HEADERS.join(","));
    assert!(lines.contains(&"区教育局党组,党组,1,1,0,1,5,8"), "{text}");
}

#[tokio::test]
async fn the_statistics_report_has_district_sheets_only_for_those_who_see_the_district() {
    let w = district().await;
    let d = download(&w, "auditor", "/api/v1/reports/statistics").await;
    assert_eq!(
        d.status,
        StatusCode::OK,
        "{:?}",
        String::from_utf8_lossy(&d.bytes)
    );
    assert!(
        d.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .ends_with("''%E7%BB%9F%E8%AE%A1%E5%88%86%E6%9E%90-2026-09-25.xlsx")
    );
    let book = sheets(&d.bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "各单位各月亮灯",
            "完成率",
            "问题类型",
            "问题来源",
            "报备按月"
        ]
    );
    let lights = &book[0].1;
    assert_eq!(
        lights[0],
        strings(&["单位", "月份", "绿", "黄", "红", "橙", "未到期", "合计"])
    );
    assert_eq!(lights.len(), 1 + 8);
    assert!(lights.contains(&strings(&[
        "区教育局党组",
        "2026-06",
        "0",
        "0",
        "0",
        "1",
        "0",
        "1"
    ])));
    assert!(lights.contains(&strings(&[
        "区卫健局党组",
        "2026-12",
        "0",
        "0",
        "0",
        "0",
        "4",
        "4"
    ])));
    let completion = &book[1].1;
    assert_eq!(
        *row(completion, "区教育局党组"),
        strings(&["区教育局党组", "2", "1", "1", "0", "100", "50"])
    );
    assert_eq!(
        *row(&book[2].1, "违反中央八项规定精神"),
        strings(&["违反中央八项规定精神", "2", "2", "1", "0"])
    );
    assert_eq!(
        *row(&book[3].1, "审计"),
        strings(&["审计", "2", "2", "0", "0"])
    );
    let filings = &book[4].1;
    assert_eq!(filings.len(), 1 + 12);
    assert_eq!(
        *row(filings, "2026-07"),
        strings(&["2026-07", "1", "1", "2", "0"])
    );

    // A principal leader: the per-unit sheets, with A's rows only.
    let d = download(&w, "principal_leader", "/api/v1/reports/statistics").await;
    let book = sheets(&d.bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["各单位各月亮灯", "完成率"]);
    assert_eq!(book[0].1.len(), 1 + 4);
    assert!(book[0].1[1..].iter().all(|r| r[0] == "区教育局党组"));
    assert_eq!(book[1].1.len(), 2);
}

#[tokio::test]
async fn unknown_reports_and_formats_are_refused() {
    let w = district().await;
    let r = w
        .call("commission", "GET", "/api/v1/reports/payroll", None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(r.json["code"], "not_found");
    for (path, field) in [
        ("/api/v1/reports/board?format=pdf", "format"),
        ("/api/v1/reports/board?as_of=today", "as_of"),
        ("/api/v1/reports/statistics?year=1999", "year"),
        ("/api/v1/reports/ledger?from=2026-05-01&to=2026-04-01", "to"),
    ] {
        let r = w.call("commission", "GET", path, None).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field, "{path}");
    }
    let r = w
        .call("regulator", "GET", "/api/v1/reports/board", None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // As of the past, the board is as it was then, and the file is named for that day.
    let d = download(
        &w,
        "commission",
        "/api/v1/reports/board?as_of=2026-04-10T00:00:00%2B08:00",
    )
    .await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(
        d.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"board-2026-04-10.xlsx\"")
    );
    let book = sheets(&d.bytes);
    // A then: Q1 green, Q2 pending (the backfill came in July), the rest pending.
    assert_eq!(
        *row(&book[0].1, "区教育局党组"),
        strings(&["区教育局党组", "党组", "1", "0", "0", "0", "7", "8"])
    );
}
