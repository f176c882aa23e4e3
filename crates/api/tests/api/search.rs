//! Search (检索) through HTTP: Chinese keywords found inside words, in entries and problem
//! texts; kinds, dates and pages; hits outside the reader's scope neither answered nor
//! counted; bad input named.

use crate::access::World;
use crate::support::Answer;
use axum::http::StatusCode;
use serde_json::json;

/// The world, with A's leadership team's entry "召开党风廉政建设专题会议" (5 January) and a
/// problem of unit B "专题民主生活会查摆问题整改不到位" (found 4 January).
async fn world() -> World {
    let w = World::build().await;
    let r = w
        .call(
            "principal_leader",
            "POST",
            "/api/v1/obligations/{o:unit_a}/entries",
            Some(json!({"performed_on": "2026-01-05", "content": "召开党风廉政建设专题会议"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = w
        .call(
            "commission",
            "POST",
            "/api/v1/problems",
            Some(json!({"unit_id": w.id["unit_b"], "source": "supervision",
                        "type": "main_responsibility", "severity": "minor",
                        "description": "专题民主生活会查摆问题整改不到位",
                        "found_on": "2026-01-04", "rectify_by": "2026-03-31"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    w
}

async fn search(w: &World, who: &str, query: &str) -> Answer {
    let path = format!("/api/v1/search?{query}");
    if who.starts_with("Bearer ") {
        w.t.call("GET", &path, None, &[("authorization", who)])
            .await
    } else {
        w.call(who, "GET", &path, None).await
    }
}

/// `(total, [(kind, field)])` of a successful search.
async fn found(w: &World, who: &str, query: &str) -> (u64, Vec<(String, String)>) {
    let r = search(w, who, query).await;
    assert_eq!(r.status, StatusCode::OK, "{who} {query}: {}", r.text);
    let hits = r.json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap().to_owned(),
                h["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (r.json["total"].as_u64().unwrap(), hits)
}

fn hits(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(k, f)| ((*k).to_owned(), (*f).to_owned()))
        .collect()
}

// Percent-encoded keywords: 廉政, 专题, 腐败, 专题 会议.
const LIANZHENG: &str = "%E5%BB%89%E6%94%BF";
const ZHUANTI: &str = "%E4%B8%93%E9%A2%98";
const FUBAI: &str = "%E8%85%90%E8%B4%A5";

#[tokio::test]
async fn a_chinese_keyword_is_found_inside_entries_and_problem_texts() {
    let w = world().await;
    let r = search(&w, "commission", &format!("q={LIANZHENG}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["total"], 1, "{}", r.text);
    let hit = &r.json["hits"][0];
    assert_eq!(hit["kind"], "entry");
    assert_eq!(hit["field"], "entry");
    assert_eq!(hit["date"], "2026-01-05");
    assert_eq!(hit["unit_id"], w.id["unit_a"].as_str());
    assert!(
        hit["snippet"].as_str().unwrap().contains("廉政"),
        "{}",
        r.text
    );
    // 专题: the entry and the problem; newest first (the entry is dated 5 January).
    assert_eq!(
        found(&w, "commission", &format!("q={ZHUANTI}")).await,
        (2, hits(&[("entry", "entry"), ("problem", "description")]))
    );
    // Every keyword must occur: 专题 and 会议 only in the entry.
    assert_eq!(
        found(
            &w,
            "commission",
            &format!("q={ZHUANTI}%20%E4%BC%9A%E8%AE%AE")
        )
        .await,
        (1, hits(&[("entry", "entry")]))
    );
    // A word absent from every text finds nothing.
    assert_eq!(
        found(&w, "commission", &format!("q={FUBAI}")).await,
        (0, vec![])
    );
    // By kind, by date, by page.
    assert_eq!(
        found(&w, "auditor", &format!("q={ZHUANTI}&kind=problem")).await,
        (1, hits(&[("problem", "description")]))
    );
    assert_eq!(
        found(&w, "auditor", &format!("q={ZHUANTI}&kind=entry")).await,
        (1, hits(&[("entry", "entry")]))
    );
    assert_eq!(
        found(&w, "commission", &format!("q={ZHUANTI}&from=2026-01-05")).await,
        (1, hits(&[("entry", "entry")]))
    );
    assert_eq!(
        found(&w, "commission", &format!("q={ZHUANTI}&to=2026-01-04")).await,
        (1, hits(&[("problem", "description")]))
    );
    assert_eq!(
        found(&w, "commission", &format!("q={ZHUANTI}&limit=1")).await,
        (2, hits(&[("entry", "entry")]))
    );
    assert_eq!(
        found(&w, "commission", &format!("q={ZHUANTI}&limit=1&offset=1")).await,
        (2, hits(&[("problem", "description")]))
    );
    assert_eq!(
        found(&w, "commission", &format!("q={ZHUANTI}&offset=2")).await,
        (2, vec![])
    );
}

#[tokio::test]
async fn hits_outside_the_scope_are_neither_answered_nor_counted() {
    let w = world().await;
    // A's side sees A's entry, not B's problem, and does not count it.
    for role in ["principal_leader", "discipline_group", "leader_in_charge"] {
        let r = search(&w, role, &format!("q={ZHUANTI}")).await;
        assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.text);
        assert_eq!(r.json["total"], 1, "{role}: {}", r.text);
        assert_eq!(r.json["hits"][0]["kind"], "entry", "{role}");
        assert!(!r.text.contains(&w.id["unit_b"]), "{role}: {}", r.text);
        assert!(!r.text.contains("民主生活会"), "{role}: {}", r.text);
    }
    // A team member sees only their own record: not the team's entry.
    assert_eq!(
        found(&w, "team_member", &format!("q={ZHUANTI}")).await,
        (0, vec![])
    );
    // B's principal leader: B's problem, not A's entry.
    let pb = w.t.cadre_login(&w.id["pb"]).await;
    assert_eq!(
        found(&w, &pb, &format!("q={ZHUANTI}")).await,
        (1, hits(&[("problem", "description")]))
    );
    assert_eq!(found(&w, &pb, &format!("q={LIANZHENG}")).await, (0, vec![]));
    // Regulators do not read records.
    let r = search(&w, "regulator", &format!("q={ZHUANTI}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn a_missing_keyword_and_bad_paging_are_named() {
    let w = world().await;
    let long = "%E5%BB%89".repeat(101);
    let most = "%E5%BB%89".repeat(100);
    for (query, field) in [
        (String::new(), "q"),
        ("q=".to_owned(), "q"),
        ("q=%20%20".to_owned(), "q"),
        (format!("q={long}"), "q"),
        // 101 characters as sent, 100 once the blank is trimmed: still too long.
        (format!("q={most}%20"), "q"),
        (format!("q=%20{most}"), "q"),
        (format!("q={ZHUANTI}&limit=0"), "limit"),
        (format!("q={ZHUANTI}&limit=201"), "limit"),
        (format!("q={ZHUANTI}&limit=ten"), "limit"),
        (format!("q={ZHUANTI}&limit=%205"), "limit"),
        (format!("q={ZHUANTI}&offset=0%20"), "offset"),
        (format!("q={ZHUANTI}&offset=10001"), "offset"),
        (format!("q={ZHUANTI}&kind=filing"), "kind"),
        (format!("q={ZHUANTI}&from=2026-02-30"), "from"),
        (format!("q={ZHUANTI}&from=2026-02-02&to=2026-02-01"), "to"),
    ] {
        let r = search(&w, "commission", &query).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field, "{query}: {}", r.text);
    }
    let r = search(&w, "commission", "").await;
    assert_eq!(r.json["detail"], "keyword must not be empty");
    // The limits themselves are fine.
    assert_eq!(
        found(
            &w,
            "commission",
            &format!("q={ZHUANTI}&limit=200&offset=10000")
        )
        .await,
        (2, vec![])
    );
    let r = search(&w, "commission", &format!("q={most}")).await;
    assert_eq!(r.status, StatusCode::OK, "100 characters: {}", r.text);
}

#[tokio::test]
async fn the_commission_and_a_leader_get_the_same_answer_on_what_both_see() {
    let w = world().await;
    let entries = "/api/v1/obligations/{o:unit_a}/entries";
    let record = |content: &'static str, on: &'static str| {
        let w = &w;
        async move {
            let body = json!({"performed_on": on, "content": content});
            let r = w
                .call("principal_leader", "POST", entries, Some(body))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.json["id"].as_str().unwrap().to_owned()
        }
    };
    // Three more entries of A with 廉政 (today is 5 January): one corrected to an earlier
    // date, one withdrawn.
    record("开展廉政教育", "2026-01-05").await;
    let moved = record("廉政谈话记录", "2026-01-04").await;
    let withdrawn = record("廉政提醒", "2026-01-03").await;
    let path = |id: &str, what: &str| format!("{entries}/{id}/{what}");
    let body = json!({"performed_on": "2026-01-02", "content": "廉政谈话记录（更正）", "reason": "日期有误"});
    let r = w
        .call(
            "principal_leader",
            "POST",
            &path(&moved, "corrections"),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = json!({"reason": "重复"});
    let r = w
        .call(
            "principal_leader",
            "POST",
            &path(&withdrawn, "withdrawal"),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for query in [
        format!("q={LIANZHENG}"),
        format!("q={LIANZHENG}&limit=1&offset=1"),
        format!("q={LIANZHENG}&from=2026-01-04"),
        format!("q={LIANZHENG}&to=2026-01-04&kind=entry"),
    ] {
        let commission = search(&w, "commission", &query).await;
        let leader = search(&w, "principal_leader", &query).await;
        assert_eq!(commission.status, StatusCode::OK, "{}", commission.text);
        assert_eq!(commission.json, leader.json, "{query}");
    }
    // The corrected entry once, in its new place (2 January, the oldest); not the withdrawn.
    // Of one date, the later written first.
    let r = search(&w, "commission", &format!("q={LIANZHENG}")).await;
    assert_eq!(r.json["total"], 3, "{}", r.text);
    let dates: Vec<_> = r.json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(dates, ["2026-01-05", "2026-01-05", "2026-01-02"]);
    assert!(
        r.json["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("教育")
    );
    assert_eq!(r.json["hits"][2]["id"], moved.as_str());
    assert!(!r.text.contains(&withdrawn), "{}", r.text);
}
