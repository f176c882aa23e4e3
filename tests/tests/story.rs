//! The whole duty story against the real binary, restarted with a later `DUTYTRACE_NOW`
//! at each step: the administrator sets up the organisation, the list and a login for the
//! cadre; the cadre signs in and records on time; an obligation goes yellow, then red; the
//! cadre backfills it to orange — and the board as of a past instant never changes.

use domain::calendar::{Cadence, Period};
use domain::ids::{CadreId, ItemId, ListId, ObligationId};
use domain::obligation::Source;
use domain::org::Subject;
use dutytrace_tests::server::{Client, Server};
use serde_json::{Value, json};
use std::path::Path;

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");
/// The cadre's login.
const CADRE_USERNAME: &str = "zhangsan";
const CADRE_PASSWORD: &str = "zhangsan-story-password";

fn enc(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// The light of one obligation in a cadre's obligations as of `as_of`.
fn light(s: &Client<'_>, cadre: CadreId, id: ObligationId, as_of: &str, min: u64) -> String {
    let v = s.get_json(&format!(
        "/api/v1/cadres/{cadre}/obligations?as_of={}&min_position={min}",
        enc(as_of)
    ));
    v["obligations"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|o| o["obligation_id"] == id.to_string())
        .map(|o| o["light"].as_str().expect("a light").to_owned())
        .unwrap_or_else(|| panic!("{id} not among {v}"))
}

fn board(s: &Server, as_of: &str) -> Value {
    s.admin()
        .get_json(&format!("/api/v1/board?as_of={}", enc(as_of)))
}

fn position(v: &Value) -> u64 {
    v["position"].as_u64().expect("a position")
}

#[test]
fn publish_record_yellow_red_backfill_orange_across_restarts() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = format!("sqlite://{}", dir.path().join("story.db").display());
    let bin = Path::new(BIN);

    // 5 January: the organisation and the list.
    let s = Server::start(bin, &store, "2026-01-05T09:00:00+08:00");
    let (st, unit) = s.post(
        "/api/v1/units",
        &json!({"name": "区教育局党组", "kind": "party_group"}),
        &[],
    );
    assert_eq!(st, 201, "{unit}");
    let unit_id = unit["id"].as_str().expect("an id").to_owned();
    let (st, cadre) = s.post(
        "/api/v1/cadres",
        &json!({"name": "张三", "post": "党组成员、副局长",
                "duty": {"kind": "team_member", "unit_id": unit_id}}),
        &[],
    );
    assert_eq!(st, 201, "{cadre}");
    let cadre_id: CadreId = cadre["id"]
        .as_str()
        .expect("an id")
        .parse()
        .expect("a uuid");
    let (list_id, half, quarter) = (ListId::new(), ItemId::new(), ItemId::new());
    let item = |id: ItemId, cadence: &str, content: &str| {
        json!({"item_id": id, "subject_kind": "team_member", "responsibility": "principal",
               "category": "一岗双责", "content": content, "cadence": cadence,
               "required_count": 1, "deadline": {"kind": "end_of_period"}})
    };
    let (st, body) = s.post(
        "/api/v1/lists",
        &json!({"list_id": list_id, "year": 2026, "title": "2026年度全面从严治党主体责任清单",
                "items": [item(half, "half_yearly", "每半年对分管领域党风廉政建设情况进行分析"),
                          item(quarter, "quarterly", "每季度对分管领域廉政风险进行排查")]}),
        &[],
    );
    assert_eq!(st, 201, "{body}");
    let subject = Subject::TeamMember { cadre_id };
    let (st, body) = s.post(
        &format!("/api/v1/lists/{list_id}/assignments"),
        &json!({"subjects": [subject]}),
        &[],
    );
    assert_eq!(st, 200, "{body}");
    let oblig = |item_id, cadence, i| {
        ObligationId::derive(
            &Source::ListItem { list_id, item_id },
            &subject,
            &Period::new(2026, cadence, i).expect("a period"),
        )
    };
    let h1 = oblig(half, Cadence::HalfYearly, 1);
    let q2 = oblig(quarter, Cadence::Quarterly, 2);

    // The cadre gets a login (一人一个ID): the password goes to the credential file only.
    let (st, user) = s.post(
        "/api/v1/users",
        &json!({"username": CADRE_USERNAME, "display_name": "张三",
                "account": {"kind": "cadre", "cadre_id": cadre_id},
                "password": CADRE_PASSWORD}),
        &[],
    );
    assert_eq!(st, 201, "{user}");

    // Nobody records anything without signing in; nor does the administrator, who is no
    // cadre: an entry is made by the cadre, with their own login.
    let entry =
        json!({"performed_on": "2026-01-05", "content": "召开分管科室党风廉政建设专题会议"});
    let h1_entries = format!("/api/v1/obligations/{h1}/entries");
    let (st, body) = s.anonymous().post(&h1_entries, &entry, &[]);
    assert_eq!(
        (st, body["code"].as_str()),
        (401, Some("unauthenticated")),
        "{body}"
    );
    let (st, body) = s.anonymous().get("/api/v1/board");
    assert_eq!(st, 401, "{body}");
    let (st, body) = s.post(&h1_entries, &entry, &[]);
    assert_eq!(
        (st, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );

    // Recorded on time, by the cadre himself.
    let zhang = s.sign_in(CADRE_USERNAME, CADRE_PASSWORD);
    let (st, rec) = zhang.post(&h1_entries, &entry, &[]);
    assert_eq!((st, rec["kind"].as_str()), (201, Some("recorded")), "{rec}");
    let p = position(&rec);
    // The cadre sees his own record.
    assert_eq!(
        light(&zhang, cadre_id, h1, "2026-01-05T10:00:00+08:00", p),
        "green"
    );
    assert_eq!(
        light(&zhang, cadre_id, q2, "2026-01-05T10:00:00+08:00", p),
        "pending"
    );
    s.stop();

    // 25 June: Q2 is due on 30 June and still empty — yellow.
    let s = Server::start(bin, &store, "2026-06-25T10:00:00+08:00");
    let now = s.get_json(&format!("/api/v1/cadres/{cadre_id}/obligations"));
    let q2_now = now["obligations"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|o| o["obligation_id"] == q2.to_string())
        .expect("Q2 is listed")
        .clone();
    assert_eq!(q2_now["light"], "yellow");
    assert_eq!(q2_now["deadline"], "2026-06-30");
    s.stop();

    // 2 July: it went red.
    let s = Server::start(bin, &store, "2026-07-02T10:00:00+08:00");
    assert_eq!(
        light(&s.admin(), cadre_id, q2, "2026-07-02T10:00:00+08:00", 0),
        "red"
    );
    let board_before = board(&s, "2026-07-03T00:00:00+08:00");
    s.stop();

    // 5 July: the backfill (补录) is stored as such and turns it orange from then on. The
    // login outlives the restarts; the cadre signs in again.
    let s = Server::start(bin, &store, "2026-07-05T10:00:00+08:00");
    let zhang = s.sign_in(CADRE_USERNAME, CADRE_PASSWORD);
    let (st, late) = zhang.post(
        &format!("/api/v1/obligations/{q2}/entries"),
        &json!({"performed_on": "2026-06-29", "content": "补录：6月29日开展分管领域廉政风险排查"}),
        &[],
    );
    assert_eq!(
        (st, late["kind"].as_str()),
        (201, Some("backfilled")),
        "{late}"
    );
    let p = position(&late);
    assert_eq!(
        light(&s.admin(), cadre_id, q2, "2026-07-05T11:00:00+08:00", p),
        "orange"
    );
    // What the board showed on 3 July is what it still shows.
    assert_eq!(board(&s, "2026-07-03T00:00:00+08:00"), board_before);
    let row = |b: &Value| {
        b["units"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|u| u["unit_id"] == unit_id.as_str())
            .expect("the unit's row")
            .clone()
    };
    let before = row(&board_before);
    let after = row(&board(&s, "2026-07-05T11:00:00+08:00"));
    // Q1 was missed too, and stays red; Q2 moves from red to orange.
    assert_eq!(
        (before["red"].as_u64(), before["orange"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(
        (after["red"].as_u64(), after["orange"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(after["green"], 1);
    // Both entries are on the cadre's record under his own login.
    let history = s.get_json(&format!("/api/v1/cadres/{cadre_id}/history"));
    let entries: Vec<(&str, &str)> = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| {
            e["event_type"]
                .as_str()
                .is_some_and(|t| t.starts_with("Duty"))
        })
        .map(|e| {
            (
                e["event_type"].as_str().expect("a type"),
                e["actor"].as_str().expect("an actor"),
            )
        })
        .collect();
    let by_cadre = format!("user:{CADRE_USERNAME}");
    assert_eq!(
        entries,
        [
            ("DutyRecorded", by_cadre.as_str()),
            ("DutyBackfilled", by_cadre.as_str())
        ],
        "{history}"
    );
    s.stop();
}
