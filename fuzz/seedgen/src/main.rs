//! Writes the seed corpora of the fuzz targets into the folder given (`fuzz/corpus`): see
//! `Cargo.toml`. Everything is deterministic: a fixed signing key, ids, instants and clock.

use std::fs;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use domain::events::Event;
use event_store::{
    Actor, Category, EventStore, EventType, ExpectedVersion, Filter, ManualClock, NewEvent,
    Payload, StreamName, canonical_json,
};
use evidence::{Checkpoint, MemoryTree, Signer, leaf_hash};
use export::{ExportRequest, ProofDocument, published_line};
use projector::ReadModels;
use store_sqlite::{SqliteOptions, SqliteStore};
use tabular::{Cell, Format, Sheet};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: seedgen <corpus folder>");
    tables(&out);
    exports(&out).await;
}

fn write(path: String, bytes: impl AsRef<[u8]>) {
    let dir = std::path::Path::new(&path).parent().expect("a folder");
    fs::create_dir_all(dir).expect("create the folder");
    fs::write(&path, bytes).expect("write a seed");
}

/// CSV and XLSX uploads of oversight records, good and bad.
fn tables(out: &str) {
    let mut sheet = Sheet::new(
        "廉情数据",
        &["类别", "单位", "干部", "日期", "摘要", "文号"],
    );
    let date = NaiveDate::from_ymd_opt(2026, 5, 20).expect("a date");
    sheet.push(vec![
        "党内监督".into(),
        "区财政局党组".into(),
        "张三".into(),
        "2026-03-05".into(),
        "年度民主生活会上开展批评与自我批评".into(),
        "区纪〔2026〕3号".into(),
    ]);
    sheet.push(vec![
        "廉政谈话".into(),
        "区教育局党委".into(),
        Cell::Empty,
        Cell::Date(date),
        "节前廉政提醒谈话，\"四风\"问题,逐条对照".into(),
        Cell::Empty,
    ]);
    sheet.push(vec![
        "审计发现".into(),
        "0190a0a0-0000-7000-8000-000000000003".into(),
        Cell::Empty,
        "2026年6月1日".into(),
        "=专项资金拨付不及时".into(),
        Cell::Int(42),
    ]);
    let csv = tabular::write(Format::Csv, std::slice::from_ref(&sheet)).expect("CSV");
    write(format!("{out}/csv_import/oversight-utf8-bom.csv"), &csv);
    let text = std::str::from_utf8(&csv[3..]).expect("UTF-8");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    write(format!("{out}/csv_import/oversight-gbk.csv"), &gbk[..]);
    write(
        format!("{out}/csv_import/wire-names-lf.csv"),
        "kind,unit,cadre,date,summary,reference\n选人用人,区财政局党组,,2026/3/5,\"跨行\n的摘要\",\n\n问责 , 区教育局党委 ,李四, 2026.3.5 ,  前后有空格  ,A-1\n",
    );
    write(
        format!("{out}/csv_import/bad-rows.csv"),
        "类型,单位,姓名,发生日期,内容,编号\r\n巡视巡察发现,区卫健局党委,,2026-02-30,重名单位,\r\n不存在的类别,没有这个单位,张三,2099-01-01,,\r\n正风肃纪,区财政局党组,王五,1999-12-31,日期太早,x\r\n党内监督,区财政局党组,,2026-01-01,多一格,,extra\r\n",
    );
    write(
        format!("{out}/csv_import/cr-quotes.csv"),
        "\u{feff}单位,类别,,\r一处,\"甲\"\"乙\"\r\r\"多\r行\",-3,+x,@y\r",
    );
    write(
        format!("{out}/csv_import/header-errors.csv"),
        "类别,类别,单位\n党内监督,问责,区财政局党组\n",
    );
    let xlsx = tabular::write(Format::Xlsx, &[sheet]).expect("XLSX");
    write(format!("{out}/xlsx_import/oversight.xlsx"), &xlsx);
}

/// A few real domain events (from the event_decode seeds, which must all decode) in an
/// SQLite log, its Merkle tree caught up, and exports of it by the export crate's writer.
async fn exports(out: &str) {
    let mut seeds = Vec::new();
    for entry in fs::read_dir(format!("{out}/event_decode")).expect("event_decode seeds") {
        let path = entry.expect("a seed").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with("crash-") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a text seed");
        let mut parts = text.splitn(3, '\n');
        let (t, v, p) = (
            parts.next().unwrap_or_default().to_owned(),
            parts
                .next()
                .unwrap_or_default()
                .parse::<u32>()
                .expect("a version"),
            parts.next().unwrap_or_default().to_owned(),
        );
        let event = Event::decode(&t, v, &p).unwrap_or_else(|e| panic!("{name}: {e}"));
        seeds.push((name, t, v, p, event));
    }
    let pick = [
        "UnitRegistered.v1",
        "CadreRegistered.v1",
        "UnitRegistered.v1-alt",
        "HistoryRead.v1",
        "DutyRecorded.v1",
        "SigningKeyAdopted.v1",
    ];
    let dir = tempfile::tempdir().expect("a temporary folder");
    let start: DateTime<Utc> = "2026-03-05T01:00:00Z".parse().expect("an instant");
    let clock = Arc::new(ManualClock::new(start));
    let options = SqliteOptions {
        clock: clock.clone(),
        ..SqliteOptions::default()
    };
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), options).expect("a store"));
    let models = ReadModels::open(dir.path().join("log.views.db")).expect("read models");
    for (i, name) in pick.iter().enumerate() {
        let (_, t, v, p, event) = seeds
            .iter()
            .find(|s| s.0 == *name)
            .unwrap_or_else(|| panic!("no seed {name}"));
        let minutes = TimeDelta::minutes(i as i64 * 7);
        clock.set(start + minutes);
        let id = |n: u128| uuid::Uuid::from_u128(0x0190_a0a0_4444_7000_8000_0000_0000_0000 | n);
        let mut new = NewEvent::new(
            EventType::new(t).expect("a type"),
            Payload::from_json(p.clone()).expect("a payload"),
            Actor::new("user:0190a0a0-3333-7000-8000-000000000001").expect("an actor"),
            start + minutes - TimeDelta::minutes(30),
        )
        .with_id(id(i as u128))
        .with_schema_version(*v);
        if i == 4 {
            new = new.caused_by(id(100), Some(id(3)));
        }
        let stream = StreamName::new(event.stream()).expect("a stream");
        store
            .append(&stream, ExpectedVersion::Any, vec![new])
            .await
            .expect("append");
    }
    projector::catch_up(store.clone(), &models, Arc::new(merkle::Merkle))
        .await
        .expect("catch up");

    let signer = Signer::from_secret_bytes(&[7; 32]);
    let checkpoint_at = |size: u64| {
        let conn = models.reader().expect("a reader");
        signer.sign(Checkpoint {
            origin: "dutytrace/fuzz".into(),
            tree_size: size,
            root: merkle::root(&conn, size).expect("a root"),
            time: start + TimeDelta::hours(size as i64),
        })
    };
    let size = pick.len() as u64;
    let checkpoint = checkpoint_at(size);
    let key = signer.public_key();
    for (name, request) in [
        ("complete.ndjson", ExportRequest::default()),
        (
            "complete-after.ndjson",
            ExportRequest {
                after: 3,
                ..ExportRequest::default()
            },
        ),
        (
            "filtered.ndjson",
            ExportRequest {
                category: Some(Category::new("unit").expect("a category")),
                ..ExportRequest::default()
            },
        ),
        (
            "complete.ndjson.gz",
            ExportRequest {
                after: 2,
                gzip: true,
                ..ExportRequest::default()
            },
        ),
    ] {
        let mut file = Vec::new();
        export::write_to(
            store.clone(),
            models.clone(),
            request,
            checkpoint.clone(),
            key,
            &mut file,
        )
        .await
        .expect("export");
        export::verify(file.as_slice(), Some(&key), &[]).expect("the export verifies");
        write(format!("{out}/export_verify/{name}"), &file);
    }

    let events = store
        .read_all(1, &Filter::all(), 100)
        .await
        .expect("read the log")
        .events;
    let mut tree = MemoryTree::new();
    for e in &events {
        let line = canonical_json(e);
        tree.push(leaf_hash(line.as_bytes()));
        let name = format!("{}-{}.line", e.position, e.event_type.as_str());
        write(format!("{out}/canonical_line/{name}"), &line);
    }
    let index = 3;
    let line = canonical_json(&events[index as usize]);
    let proof = evidence::inclusion_proof(&tree, index, size).expect("a proof");
    let document = ProofDocument::new(
        index + 1,
        size,
        &leaf_hash(line.as_bytes()),
        &proof,
        Some(line),
        Some(checkpoint.clone()),
    );
    let document = serde_json::to_string(&document).expect("JSON");
    export::verify_proof(&document, &key, &[]).expect("the proof verifies");
    write(format!("{out}/export_verify/proof.json"), &document);
    let consistency = evidence::consistency_proof(&tree, 2, size).expect("a proof");
    let published = format!(
        "{}\n{}\n",
        published_line(&checkpoint_at(2), None),
        published_line(&checkpoint, Some(&consistency))
    );
    export::verify_checkpoints(published.as_bytes(), &key).expect("the checkpoints verify");
    write(format!("{out}/export_verify/checkpoints.jsonl"), &published);
}
