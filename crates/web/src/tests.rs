//! The dashboard's files as served, and the labels both languages must have.

use super::*;
use axum::body::{Body, to_bytes};
use axum::http::Request;
use std::collections::BTreeSet;
use tower::ServiceExt as _;

async fn get(path: &str, if_none_match: Option<&str>) -> Response {
    let mut request = Request::get(path);
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    routes::<()>()
        .oneshot(request.body(Body::empty()).expect("a request"))
        .await
        .expect("an answer")
}

fn text(name: &str) -> &'static str {
    std::str::from_utf8(find(name).expect("embedded").bytes).expect("UTF-8")
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_their_types_and_a_strict_policy() {
    let page = get("/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    assert_eq!(
        page.headers()[header::CONTENT_SECURITY_POLICY],
        CONTENT_SECURITY_POLICY
    );
    assert_eq!(page.headers()[header::X_FRAME_OPTIONS], "DENY");
    let body = to_bytes(page.into_body(), usize::MAX)
        .await
        .expect("a body");
    assert!(
        std::str::from_utf8(&body)
            .expect("UTF-8")
            .contains("/assets/app.js")
    );

    for (name, media_type) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ] {
        let r = get(&format!("/assets/{name}"), None).await;
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        assert_eq!(r.headers()[header::CONTENT_TYPE], media_type, "{name}");
        assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    for missing in [
        "/assets/nothing.js",
        "/assets/..%2Fsrc%2Flib.rs",
        "/assets/index.html",
    ] {
        assert_eq!(
            get(missing, None).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn a_current_copy_is_revalidated_with_its_tag_and_not_sent_again() {
    let first = get("/assets/app.js", None).await;
    let tag = first.headers()[header::ETAG]
        .to_str()
        .expect("a tag")
        .to_owned();
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let again = get("/assets/app.js", Some(&tag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let other = get("/assets/app.css", Some(&tag)).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "another file's tag does not match"
    );
}

/// Every file is referenced by name and nothing is fetched from elsewhere (an intranet has
/// no internet): no absolute URL but the SVG namespace.
#[test]
fn nothing_is_fetched_from_another_origin() {
    for a in ASSETS {
        let text = String::from_utf8_lossy(a.bytes);
        let outside: Vec<&str> = text
            .match_indices("http")
            .map(|(i, _)| &text[i..(i + 40).min(text.len())])
            .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
            .filter(|s| !s.starts_with("http://www.w3.org/2000/svg"))
            .collect();
        assert!(outside.is_empty(), "{} fetches {outside:?}", a.name);
    }
    let index = text("index.html");
    for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
        let imported = index.contains(&format!("/assets/{}", a.name))
            || ASSETS
                .iter()
                .any(|o| String::from_utf8_lossy(o.bytes).contains(&format!("\"./{}\"", a.name)));
        assert!(imported, "{} is embedded but nothing loads it", a.name);
    }
}

/// The keys of one language's block in `i18n.js`.
fn keys_of(language: &str) -> BTreeSet<String> {
    let i18n = text("i18n.js");
    let headers = [
        format!("\n  {language}: {{\n"),
        format!("\n  \"{language}\": {{\n"),
    ];
    let (start, header) = headers
        .iter()
        .find_map(|h| i18n.find(h.as_str()).map(|i| (i, h.len())))
        .unwrap_or_else(|| panic!("no {language} block"));
    let block = &i18n[start + header..];
    let end = block.find("\n  },").expect("the block ends");
    block[..end]
        .lines()
        .filter_map(|l| l.trim().split_once(':').map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.is_empty() && !k.starts_with("//"))
        .collect()
}

/// Both languages have the same labels, and every label the pages ask for by name
/// (`t("…")`), and the name and meaning of every light, is among them.
#[test]
fn both_languages_have_every_label_the_pages_use() {
    let (zh, en) = (keys_of("zh-CN"), keys_of("en"));
    assert!(zh.len() > 40, "the Chinese block was read: {}", zh.len());
    assert_eq!(
        zh.symmetric_difference(&en).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "labels in one language only"
    );
    let mut used = BTreeSet::new();
    for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
        let text = String::from_utf8_lossy(a.bytes);
        for (i, _) in text.match_indices("t(\"") {
            // `t(` itself, not the end of `split(` or `createElement(`.
            let before = text[..i].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || before == '.' {
                continue;
            }
            let rest = &text[i + 3..];
            let key = &rest[..rest.find('"').expect("a closing quote")];
            used.insert(key.to_owned());
        }
    }
    // Labels the pages build from a value: `light_${light}`, `status_${status}`, ….
    for light in ["green", "yellow", "red", "orange", "pending"] {
        used.insert(format!("light_{light}"));
        used.insert(format!("light_{light}_meaning"));
    }
    for status in ["registered", "planned", "rectifying", "submitted", "closed"] {
        used.insert(format!("status_{status}"));
    }
    for status in ["filed", "revised", "cancelled", "returned"] {
        used.insert(format!("filing_status_{status}"));
    }
    for kind in ["entry", "problem"] {
        used.insert(format!("hit_{kind}"));
    }
    for part in ["closed", "open", "overdue"] {
        used.insert(format!("problems_{part}"));
    }
    for dimension in ["type", "unit"] {
        used.insert(format!("by_{dimension}"));
    }
    for source in ["supervision", "inspection", "audit", "platform", "other"] {
        used.insert(format!("source_{source}"));
    }
    for severity in ["minor", "moderate", "serious"] {
        used.insert(format!("severity_{severity}"));
    }
    for kind in ["travel", "family_event"] {
        used.insert(format!("filing_{kind}"));
    }
    for purpose in ["on_duty", "private"] {
        used.insert(format!("purpose_{purpose}"));
    }
    for event in ["wedding", "child_wedding", "funeral"] {
        used.insert(format!("family_{event}"));
    }
    for step in [
        "registered",
        "planned",
        "progressed",
        "closing_requested",
        "closing_rejected",
        "closed",
    ] {
        used.insert(format!("timeline_{step}"));
    }
    // …and the names they keep in tables, as string literals: "step_plan", "field_text".
    for a in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
        let text = String::from_utf8_lossy(a.bytes);
        for piece in text.split('"').skip(1).step_by(2) {
            let labelled = ["step_", "nav_", "status_", "timeline_", "subject_", "kind_"]
                .iter()
                .any(|p| piece.starts_with(p));
            if labelled && piece.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                used.insert(piece.to_owned());
            }
        }
    }
    for field in ["plan", "text", "summary", "conclusion", "reason"] {
        used.insert(format!("field_{field}"));
    }
    assert!(
        used.len() > 30,
        "the pages' labels were read: {}",
        used.len()
    );
    let missing: Vec<&String> = used.iter().filter(|k| !zh.contains(*k)).collect();
    assert!(missing.is_empty(), "labels without a text: {missing:?}");
}
