//! Oversight records (廉情数据): entered by hand and imported from spreadsheets, all or
//! nothing, with every bad row reported by its line.

use crate::access::World;
use axum::http::StatusCode;
use serde_json::{Value, json};

const HEADER: &str = "类别,单位,干部,日期,摘要,文号";

/// A CSV of `n` good rows, alternating the two units and naming their cadres.
fn rows(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 3 {
            0 => format!(
                "廉政谈话,区教育局党组,张一,2025-03-{:02},节前廉政谈话第{i}次,",
                1 + i % 28
            ),
            1 => format!(
                "正风肃纪,区卫健局党组,,2025/11/{},明察暗访第{i}次,卫纪〔2025〕{i}号",
                1 + i % 30
            ),
            _ => format!(
                "选人用人,区教育局党组,李二,2025年6月{}日,干部选拔任用检查第{i}次,",
                1 + i % 30
            ),
        })
        .collect()
}

fn csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

/// Every record of an import, paging through `GET /oversight-records`.
async fn all_records(w: &World, import_id: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut before = String::new();
    loop {
        let r =
            w.t.get(&format!(
                "/api/v1/oversight-records?import_id={import_id}&limit=1000{before}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let page = r.json.as_array().unwrap().clone();
        let Some(last) = page.last() else {
            return out;
        };
        before = format!("&before={}", last["cursor"]);
        out.extend(page);
    }
}

#[tokio::test]
async fn ten_thousand_rows_with_three_bad_store_nothing_and_the_corrected_file_stores_all() {
    let w = World::build().await;
    let mut lines = rows(10_000);
    let good = lines.clone();
    // Line numbers as the user sees them: the header is line 1.
    lines[0] = "谈心谈话,区教育局党组,张一,2025-03-01,类别不存在,".into();
    lines[4_999] = "廉政谈话,区教育局党组,赵四,2025-03-01,赵四不在教育局,".into();
    lines[9_999] = "正风肃纪,区卫健局党组,,2025-02-30,日期不存在,".into();
    let head = w.t.store.head().await.unwrap();
    let r =
        w.t.upload(
            "/api/v1/oversight-imports?file_name=廉情数据.csv",
            csv(&lines),
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["code"], "import_rejected");
    assert_eq!(r.json["bad_rows"], 3);
    assert_eq!(r.json["rows"], 10_000);
    let found: Vec<(u64, String)> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (2, "类别".into()),
            (5_001, "干部".into()),
            (10_001, "日期".into())
        ]
    );
    assert!(
        r.json["detail"].as_str().unwrap().contains("line 2"),
        "{}",
        r.text
    );
    // Nothing was stored: not one event, not one record.
    assert_eq!(w.t.store.head().await.unwrap(), head);
    let listed = w.t.get("/api/v1/oversight-records").await;
    assert_eq!(listed.json, json!([]));

    let r =
        w.t.upload(
            "/api/v1/oversight-imports?file_name=廉情数据.csv",
            csv(&good),
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["rows"], 10_000);
    assert_eq!(r.json["encoding"], "utf-8");
    let import_id = r.json["import_id"].as_str().unwrap().to_owned();
    let records = all_records(&w, &import_id).await;
    assert_eq!(records.len(), 10_000);
    let mut lines_seen: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    lines_seen.sort_unstable();
    assert_eq!(lines_seen, (2..=10_001).collect::<Vec<u64>>());
    let line_3 = records.iter().find(|r| r["line"] == 3).unwrap();
    assert_eq!(line_3["kind"], "discipline_enforcement");
    assert_eq!(line_3["unit_name"], "区卫健局党组");
    assert_eq!(line_3["occurred_on"], "2025-11-02");
    assert_eq!(line_3["reference"], "卫纪〔2025〕1号");
    let line_2 = records.iter().find(|r| r["line"] == 2).unwrap();
    assert_eq!(line_2["cadre_id"], w.id["pa"].as_str());
    let imports =
        w.t.get(&format!("/api/v1/oversight-imports/{import_id}"))
            .await;
    assert_eq!(imports.json["rows"], 10_000, "{}", imports.text);
    assert_eq!(imports.json["file_name"], "廉情数据.csv");

    // The same file again is refused, and nothing doubles.
    let head = w.t.store.head().await.unwrap();
    let again =
        w.t.upload(
            "/api/v1/oversight-imports?file_name=again.csv",
            csv(&good),
            "",
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(again.json["code"], "already_exists");
    assert_eq!(w.t.store.head().await.unwrap(), head);
}

#[tokio::test]
async fn gbk_csv_and_xlsx_are_read_and_a_wrong_file_is_refused_clearly() {
    let w = World::build().await;
    let text =
        format!("{HEADER}\n廉政谈话,区教育局党组,张一,2025-03-05,节前廉政谈话,教纪〔2025〕1号\n");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the test file must really be GBK"
    );
    let r =
        w.t.upload(
            "/api/v1/oversight-imports?file_name=gbk.csv",
            gbk.into_owned(),
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["encoding"], "gb18030");
    let id = r.json["import_id"].as_str().unwrap().to_owned();
    let records = all_records(&w, &id).await;
    assert_eq!(records[0]["summary"], "节前廉政谈话");
    assert_eq!(records[0]["reference"], "教纪〔2025〕1号");

    let mut sheet = tabular::Sheet::new("廉情数据", &["类别", "单位", "日期", "摘要"]);
    sheet.push(vec![
        "审计发现".into(),
        "区卫健局党组".into(),
        chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap().into(),
        "专项审计发现票据不规范".into(),
    ]);
    let xlsx = tabular::write(tabular::Format::Xlsx, &[sheet]).unwrap();
    let r =
        w.t.upload("/api/v1/oversight-imports?file_name=audit.xlsx", xlsx, "")
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["encoding"], "xlsx");
    let id = r.json["import_id"].as_str().unwrap().to_owned();
    let records = all_records(&w, &id).await;
    assert_eq!(records[0]["occurred_on"], "2025-09-01");
    assert_eq!(records[0]["kind"], "audit_finding");

    let head = w.t.store.head().await.unwrap();
    let wrong_header = "类别,部门,日期,摘要\n廉政谈话,区教育局党组,2025-03-05,谈话\n";
    let r =
        w.t.upload(
            "/api/v1/oversight-imports",
            wrong_header.as_bytes().to_vec(),
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["field"], "header");
    assert!(
        r.json["detail"].as_str().unwrap().contains("部门"),
        "{}",
        r.text
    );
    let garbage = vec![0xff, 0xfe, 0x00, 0x41, 0x80, 0x81, 0xff, 0xff];
    let r = w.t.upload("/api/v1/oversight-imports", garbage, "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["code"], "unreadable_file");
    let r =
        w.t.upload("/api/v1/oversight-imports", Vec::new(), "")
            .await;
    assert_eq!(r.json["field"], "file", "{}", r.text);
    assert_eq!(w.t.store.head().await.unwrap(), head);
    // Only the commission imports.
    let r =
        w.t.upload(
            "/api/v1/oversight-imports",
            csv(&rows(3)),
            &w.token["discipline_group"],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn a_record_by_hand_is_checked_and_read_only_within_the_scope() {
    let w = World::build().await;
    let r =
        w.t.post(
            "/api/v1/oversight-records",
            json!({"kind": "integrity_talk", "unit_id": w.id["unit_b"], "cadre_id": w.id["pb"],
                   "occurred_on": "2026-01-04", "summary": "任前廉政谈话"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    for (body, field) in [
        (
            json!({"kind": "integrity_talk", "unit_id": w.id["unit_b"], "cadre_id": w.id["pa"],
                "occurred_on": "2026-01-04", "summary": "张一不在卫健局"}),
            "cadre_id",
        ),
        (
            json!({"kind": "integrity_talk", "unit_id": w.id["unit_b"],
                "occurred_on": "2026-01-06", "summary": "明天"}),
            "occurred_on",
        ),
        (
            json!({"kind": "integrity_talk", "unit_id": w.id["unit_b"],
                "occurred_on": "2026-01-04", "summary": " "}),
            "summary",
        ),
    ] {
        let r = w.t.post("/api/v1/oversight-records", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["field"], field, "{}", r.text);
    }
    // The group stationed in A does not see B's record; the one in B would.
    let call = |role: &'static str| {
        let token = w.token[role].clone();
        let t = &w.t;
        async move {
            t.call(
                "GET",
                "/api/v1/oversight-records",
                None,
                &[("authorization", &token)],
            )
            .await
        }
    };
    let group = call("discipline_group").await;
    assert_eq!(group.json, json!([]), "{}", group.text);
    let all = w.t.get("/api/v1/oversight-records").await;
    assert_eq!(all.json.as_array().unwrap().len(), 1);
    assert_eq!(all.json[0]["cadre_name"], "赵四");
    let member =
        w.t.call(
            "POST",
            "/api/v1/oversight-records",
            Some(json!({"kind": "integrity_talk", "unit_id": w.id["unit_a"],
                        "occurred_on": "2026-01-04", "summary": "x"})),
            &[("authorization", &w.token["principal_leader"])],
        )
        .await;
    assert_eq!(member.status, StatusCode::FORBIDDEN, "{}", member.text);
}
