#![allow(clippy::unwrap_used, reason = "tests")]
//! The oversight records built from a log written through the application: records by
//! hand and an import of 1,201 rows (three parts) are all there with their origin, every
//! filter and the scope select exactly what they should, paging by cursor returns each
//! record once even inside one import part, the organisation follows a transfer, the
//! counts are exact, the same file imported again is refused and counted once, and a
//! rebuild from zero answers every query as the incrementally built model does.

use app::{App, AppError, Meta, fingerprint};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use domain::cadre::{RegisterCadre, TransferCadre};
use domain::error::DomainError;
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, GroupId, ImportId, OversightId, UnitId};
use domain::org::{CadreDuty, UnitKind};
use domain::oversight::{
    ImportOversight, OrgIndex, OversightKind, OversightRecord, RecordOversight, import_id_for,
    record_id_for,
};
use domain::unit::RegisterUnit;
use event_store::{Actor, Clock as _, EventStore, ManualClock};
use oversight::{ImportView, KindCount, Oversight, RecordQuery, RecordView};
use projector::{ReadModels, catch_up, rebuild};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

/// Rows of the imported file.
const ROWS: usize = 1_201;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meta(actor: &str) -> Meta {
    Meta {
        actor: Actor::new(actor).unwrap(),
        key: None,
        fingerprint: fingerprint(actor),
    }
}

/// What the model should hold of one record, independently of it.
#[derive(Debug, Clone)]
struct Want {
    id: OversightId,
    kind: OversightKind,
    unit: UnitId,
    cadre: Option<CadreId>,
    on: NaiveDate,
    summary: String,
    reference: Option<String>,
    import: Option<ImportId>,
    line: Option<u32>,
}

/// Two units with cadres, and a discipline group's cadre.
struct World {
    _dir: tempfile::TempDir,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    app: App,
    models: ReadModels,
    /// 区教育局党组, 区卫健局党组.
    a: UnitId,
    b: UnitId,
    /// 丁一 leads A, 甲二 sits on A's team, 王五 leads B, 孙六 is in the group.
    a1: CadreId,
    a2: CadreId,
    b1: CadreId,
    g1: CadreId,
    /// Every record, in the order of the log.
    wants: Vec<Want>,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2026-01-05T09:00:00+08:00")));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let store: Arc<dyn EventStore> = Arc::new(sqlite);
        let app = App::new(store.clone(), clock.clone());
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        let admin = meta("user:admin");
        let mut units = Vec::new();
        for name in ["区教育局党组", "区卫健局党组"] {
            let unit_id = UnitId::new();
            let c = RegisterUnit {
                unit_id,
                name: name.into(),
                kind: UnitKind::PartyGroup,
            };
            app.register_unit(c, &admin).await.unwrap();
            units.push(unit_id);
        }
        let (a, b) = (units[0], units[1]);
        let group_id = GroupId::new();
        let c = RegisterDisciplineGroup {
            group_id,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![a, b],
        };
        app.group_command(group_id, c.into(), &admin).await.unwrap();
        let mut cadres = Vec::new();
        for (name, duty) in [
            ("丁一", CadreDuty::PrincipalLeader { unit_id: a }),
            ("甲二", CadreDuty::TeamMember { unit_id: a }),
            ("王五", CadreDuty::PrincipalLeader { unit_id: b }),
            ("孙六", CadreDuty::DisciplineGroup { group_id }),
        ] {
            let cadre_id = CadreId::new();
            let c = RegisterCadre {
                cadre_id,
                name: name.into(),
                post: "职务".into(),
                duty,
                direct_leader: None,
            };
            app.cadre_command(cadre_id, c.into(), &admin).await.unwrap();
            cadres.push(cadre_id);
        }
        World {
            _dir: dir,
            store,
            clock,
            app,
            models,
            a,
            b,
            a1: cadres[0],
            a2: cadres[1],
            b1: cadres[2],
            g1: cadres[3],
            wants: Vec::new(),
        }
    }

    fn reader(&self) -> Connection {
        self.models.reader().unwrap()
    }

    async fn caught_up(&self) {
        catch_up(self.store.clone(), &self.models, Arc::new(Oversight))
            .await
            .unwrap();
    }

    fn org(&self) -> OrgIndex {
        oversight::org_index(&self.reader()).unwrap()
    }

    /// Records one by hand, at `when`, against the organisation as the model knows it.
    async fn record(
        &mut self,
        when: &str,
        kind: OversightKind,
        unit: UnitId,
        cadre: Option<CadreId>,
        on: &str,
    ) -> OversightId {
        self.clock.set(at(when));
        let record_id = OversightId::new();
        let summary = format!("{}：手工登记第{}条", kind.label_zh(), self.wants.len() + 1);
        let reference = Some(format!("甬纪〔2026〕{}号", self.wants.len() + 1));
        let record = OversightRecord {
            record_id,
            kind,
            unit_id: unit,
            cadre_id: cadre,
            occurred_on: date(on),
            summary: summary.clone(),
            reference: reference.clone(),
        };
        self.app
            .record_oversight(RecordOversight { record }, &self.org(), &meta("user:jiwei"))
            .await
            .unwrap();
        self.wants.push(Want {
            id: record_id,
            kind,
            unit,
            cadre,
            on: date(on),
            summary,
            reference,
            import: None,
            line: None,
        });
        record_id
    }

    /// The file's header and rows: kinds in turn (some written as aliases), three rows in
    /// five of A, a principal leader named in every fourth row and A's team member in some
    /// others, dates from November 2025 to June 2026 in the three ways people write them,
    /// a reference in every other row.
    fn file(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["类别", "单位", "干部", "日期", "摘要", "文号"].map(String::from);
        let first = date("2025-11-01");
        let rows = (0..ROWS)
            .map(|i| {
                let kind = OversightKind::ALL[i % 7];
                let kind = match kind {
                    OversightKind::InspectionFinding if i % 2 == 0 => "巡察".to_owned(),
                    OversightKind::AuditFinding if i % 2 == 0 => kind.as_str().to_owned(),
                    _ => kind.label_zh().to_owned(),
                };
                let in_a = i % 5 < 3;
                let unit = if in_a {
                    "区教育局党组"
                } else {
                    "区卫健局党组"
                };
                let cadre = match (i % 4, in_a) {
                    (0, true) => "丁一",
                    (0, false) => "王五",
                    (1, true) => "甲二",
                    _ => "",
                };
                let on = first + Days::new(u64::try_from(i * 7 % 240).unwrap());
                let on = match i % 3 {
                    0 => format!("{}/{}/{}", on.year(), on.month(), on.day()),
                    1 => format!("{}年{}月{}日", on.year(), on.month(), on.day()),
                    _ => on.to_string(),
                };
                let reference = if i % 2 == 0 {
                    format!("甬纪〔2026〕{i}号")
                } else {
                    String::new()
                };
                [
                    kind,
                    unit.into(),
                    cadre.into(),
                    on,
                    format!("第{i}条 廉情记录"),
                    reference,
                ]
                .into()
            })
            .collect();
        (header.into(), rows)
    }

    /// The import of [`World::file`], its rows read against the model's organisation.
    fn import_command(&self) -> ImportOversight {
        let import_id = import_id_for(&"5e".repeat(32));
        let (header, rows) = self.file();
        let records = domain::oversight::import::read(
            &header,
            rows.iter().enumerate().map(|(i, r)| (i + 2, r.as_slice())),
            &self.org(),
            import_id,
            domain::calendar::local_date(self.clock.now()),
        )
        .unwrap();
        ImportOversight {
            import_id,
            file_name: "2026年上半年廉情数据.xlsx".into(),
            encoding: "xlsx".into(),
            records,
        }
    }

    /// What the file's rows should become, worked out from the rows, not the reader.
    fn want_imported(&self, import_id: ImportId) -> Vec<Want> {
        let cadre = |name: &str| match name {
            "丁一" => Some(self.a1),
            "甲二" => Some(self.a2),
            "王五" => Some(self.b1),
            _ => None,
        };
        let (_, rows) = self.file();
        rows.iter()
            .zip(2..)
            .map(|(r, line)| Want {
                id: record_id_for(import_id, line),
                kind: OversightKind::parse(&r[0]).unwrap(),
                unit: if r[1] == "区教育局党组" {
                    self.a
                } else {
                    self.b
                },
                cadre: cadre(&r[2]),
                on: domain::oversight::import::parse_date(&r[3]).unwrap(),
                summary: r[4].clone(),
                reference: (!r[5].is_empty()).then(|| r[5].clone()),
                import: Some(import_id),
                line: Some(line),
            })
            .collect()
    }
}

/// [`all`] with `f` applied.
fn q(f: impl FnOnce(&mut RecordQuery)) -> RecordQuery {
    let mut q = all();
    f(&mut q);
    q
}

fn all() -> RecordQuery {
    RecordQuery {
        limit: 100_000,
        ..RecordQuery::default()
    }
}

fn everyone(_: UnitId, _: Option<CadreId>) -> bool {
    true
}

fn ids(views: &[RecordView]) -> Vec<OversightId> {
    views.iter().map(|v| v.record_id).collect()
}

/// The ids of the records `keep` selects, newest first.
fn newest_first(wants: &[Want], keep: impl Fn(&Want) -> bool) -> Vec<OversightId> {
    wants
        .iter()
        .rev()
        .filter(|w| keep(w))
        .map(|w| w.id)
        .collect()
}

/// Which records a query should select.
type Keep = Box<dyn Fn(&Want) -> bool>;

/// Every page of `q` of `size` records, each asked with the last cursor of the one before.
fn pages(
    c: &Connection,
    q: &RecordQuery,
    size: u32,
    visible: impl Fn(UnitId, Option<CadreId>) -> bool + Copy,
) -> Vec<Vec<RecordView>> {
    let mut q = RecordQuery {
        limit: size,
        before: None,
        ..q.clone()
    };
    let mut pages = Vec::new();
    loop {
        let page = oversight::records(c, &q, visible).unwrap();
        let Some(last) = page.last() else { break };
        q.before = Some(last.cursor);
        let full = page.len() == usize::try_from(size).unwrap();
        pages.push(page);
        if !full {
            break;
        }
    }
    pages
}

/// Pages `q` by `size` and checks they hold what one long query holds, in the same order,
/// each record once, every page full but the last.
fn pages_match(
    c: &Connection,
    q: &RecordQuery,
    size: u32,
    visible: impl Fn(UnitId, Option<CadreId>) -> bool + Copy,
) -> usize {
    let whole = oversight::records(c, q, visible).unwrap();
    let pages = pages(c, q, size, visible);
    let (last, full) = pages.split_last().unwrap();
    assert!(
        full.iter()
            .all(|p| p.len() == usize::try_from(size).unwrap())
    );
    assert!(!last.is_empty() && last.len() <= usize::try_from(size).unwrap());
    let paged: Vec<RecordView> = pages.concat();
    assert_eq!(ids(&paged), ids(&whole), "pages of {size}");
    let unique: HashSet<OversightId> = paged.iter().map(|v| v.record_id).collect();
    assert_eq!(unique.len(), paged.len(), "no record twice");
    assert!(paged.windows(2).all(|w| w[0].cursor > w[1].cursor));
    paged.len()
}

/// Every row of every table, in key order.
fn dump(c: &Connection) -> BTreeMap<&'static str, Vec<Vec<Value>>> {
    Oversight::TABLES
        .iter()
        .map(|t| {
            let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).unwrap();
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
                .unwrap()
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .unwrap();
            (*t, rows)
        })
        .collect()
}

/// Every query's answer.
type Answers = (
    Vec<RecordView>,
    Vec<ImportView>,
    OrgIndex,
    Vec<KindCount>,
    Vec<KindCount>,
    Vec<(UnitId, u32)>,
);

fn answers(c: &Connection) -> Answers {
    (
        oversight::records(c, &all(), everyone).unwrap(),
        oversight::imports(c).unwrap(),
        oversight::org_index(c).unwrap(),
        oversight::counts_by_unit_kind_month(c, 2025).unwrap(),
        oversight::counts_by_unit_kind_month(c, 2026).unwrap(),
        oversight::accountability_records_by_unit(c, date("2025-01-01"), date("2026-12-31"))
            .unwrap(),
    )
}

#[tokio::test]
async fn records_by_hand_and_imported_are_listed_filtered_paged_counted_and_rebuilt() {
    let mut w = World::new().await;
    w.caught_up().await;
    let org = w.org();
    assert_eq!(org.units.len(), 2);
    assert_eq!(org.units[&w.a], "区教育局党组");
    assert_eq!(org.cadres[&w.a2], ("甲二".to_owned(), Some(w.a)));
    assert_eq!(org.cadres[&w.g1], ("孙六".to_owned(), None));

    // By hand, then caught up.
    let (a, b, a1, a2, b1) = (w.a, w.b, w.a1, w.a2, w.b1);
    let h1 = w
        .record(
            "2026-03-02T10:00:00+08:00",
            OversightKind::Accountability,
            a,
            Some(a1),
            "2026-02-10",
        )
        .await;
    w.record(
        "2026-03-02T10:05:00+08:00",
        OversightKind::IntegrityTalk,
        b,
        None,
        "2026-03-01",
    )
    .await;
    w.record(
        "2026-03-02T10:10:00+08:00",
        OversightKind::AuditFinding,
        a,
        Some(a2),
        "2025-12-20",
    )
    .await;
    w.caught_up().await;

    // The import: 1,201 records in three parts.
    w.clock.set(at("2026-06-30T10:00:00+08:00"));
    let import = w.import_command();
    let import_id = import.import_id;
    let imported_at = w.clock.now();
    let outcome = w
        .app
        .import_oversight(import.clone(), &meta("user:jiwei"))
        .await
        .unwrap();
    assert_eq!(outcome.positions.len(), 3);
    let imported = w.want_imported(import_id);
    assert_eq!(imported.len(), ROWS);
    w.wants.extend(imported);
    // One more by hand after it, then 甲二 moves to B.
    let h4 = w
        .record(
            "2026-06-30T11:00:00+08:00",
            OversightKind::Accountability,
            b,
            Some(b1),
            "2026-06-01",
        )
        .await;
    let c = TransferCadre {
        cadre_id: a2,
        post: "党组成员、副局长".into(),
        duty: CadreDuty::TeamMember { unit_id: b },
        direct_leader: None,
    };
    w.app
        .cadre_command(a2, c.into(), &meta("user:admin"))
        .await
        .unwrap();
    // The same file again: refused, nothing written.
    let head = w.store.head().await.unwrap();
    let again = w.app.import_oversight(import, &meta("user:jiwei")).await;
    assert!(
        matches!(
            again,
            Err(AppError::Domain(DomainError::AlreadyExists { .. }))
        ),
        "{again:?}"
    );
    assert_eq!(w.store.head().await.unwrap(), head);
    w.caught_up().await;
    let c = w.reader();
    let wants = w.wants.clone();

    // Everything, newest first, each as it was recorded.
    let everything = oversight::records(&c, &all(), everyone).unwrap();
    assert_eq!(everything.len(), ROWS + 4);
    assert_eq!(ids(&everything), newest_first(&wants, |_| true));
    let names = BTreeMap::from([(a1, "丁一"), (a2, "甲二"), (b1, "王五")]);
    for (view, want) in everything.iter().zip(wants.iter().rev()) {
        assert_eq!(view.kind, want.kind);
        assert_eq!(view.kind_label, want.kind.label_zh());
        assert_eq!(view.unit_id, want.unit);
        let unit_name = if want.unit == a {
            "区教育局党组"
        } else {
            "区卫健局党组"
        };
        assert_eq!(view.unit_name, unit_name);
        assert_eq!(view.cadre_id, want.cadre);
        assert_eq!(view.cadre_name.as_deref(), want.cadre.map(|c| names[&c]));
        assert_eq!(view.occurred_on, want.on);
        assert_eq!(view.summary, want.summary);
        assert_eq!(view.reference, want.reference);
        assert_eq!(view.import_id, want.import);
        assert_eq!(view.line, want.line);
        assert_eq!(oversight::record(&c, want.id).unwrap().as_ref(), Some(view));
    }
    assert_eq!(oversight::record(&c, OversightId::new()).unwrap(), None);
    // Imported lines 2 to 1,202, each recorded when the import was.
    let lines: Vec<u32> = everything.iter().rev().filter_map(|v| v.line).collect();
    assert_eq!(lines, (2..=1_202).collect::<Vec<u32>>());
    assert!(
        everything
            .iter()
            .filter(|v| v.import_id.is_some())
            .all(|v| v.recorded_at == imported_at)
    );
    let first = oversight::record(&c, h1).unwrap().unwrap();
    assert_eq!(first.recorded_at, at("2026-03-02T10:00:00+08:00"));
    assert_eq!((first.import_id, first.line), (None, None));
    assert_eq!(first.cadre_name.as_deref(), Some("丁一"));
    assert_eq!(everything[0].record_id, h4);

    // The import, once.
    let row = ImportView {
        import_id,
        file_name: "2026年上半年廉情数据.xlsx".into(),
        encoding: "xlsx".into(),
        rows: 1_201,
        recorded_at: imported_at,
        actor: "user:jiwei".into(),
    };
    assert_eq!(oversight::import(&c, import_id).unwrap(), Some(row.clone()));
    assert_eq!(oversight::imports(&c).unwrap(), vec![row]);
    assert_eq!(oversight::import(&c, ImportId::new()).unwrap(), None);

    // Each filter, alone and together, against what it should select.
    let (stranger, jan, jun) = (ImportId::new(), date("2026-01-01"), date("2026-06-30"));
    let cases: Vec<(RecordQuery, Keep)> = vec![
        (
            q(|q| q.kind = Some(OversightKind::Accountability)),
            Box::new(|w| w.kind == OversightKind::Accountability),
        ),
        (q(|q| q.unit = Some(b)), Box::new(move |w| w.unit == b)),
        (
            q(|q| q.cadre = Some(a2)),
            Box::new(move |w| w.cadre == Some(a2)),
        ),
        (
            q(|q| {
                q.from = Some(date("2026-02-10"));
                q.to = Some(date("2026-03-01"));
            }),
            Box::new(|w| w.on >= date("2026-02-10") && w.on <= date("2026-03-01")),
        ),
        (
            q(|q| q.to = Some(date("2025-12-31"))),
            Box::new(|w| w.on.year() == 2025),
        ),
        (
            q(|q| q.import_id = Some(import_id)),
            Box::new(|w| w.import.is_some()),
        ),
        (q(|q| q.import_id = Some(stranger)), Box::new(|_| false)),
        (
            q(|q| {
                q.kind = Some(OversightKind::InspectionFinding);
                q.unit = Some(a);
                q.cadre = Some(a1);
                q.from = Some(jan);
                q.to = Some(jun);
                q.import_id = Some(import_id);
            }),
            Box::new(move |w| {
                w.kind == OversightKind::InspectionFinding
                    && w.unit == a
                    && w.cadre == Some(a1)
                    && w.on >= jan
                    && w.on <= jun
                    && w.import.is_some()
            }),
        ),
    ];
    for (query, keep) in &cases {
        let want = newest_first(&wants, keep);
        let got = oversight::records(&c, query, everyone).unwrap();
        assert_eq!(ids(&got), want, "{query:?}");
        if query.import_id != Some(stranger) {
            assert!(!want.is_empty(), "{query:?} selects something");
        }
    }
    assert_eq!(
        oversight::records(&c, &q(|q| q.import_id = Some(import_id)), everyone)
            .unwrap()
            .len(),
        ROWS,
        "imported once, not twice"
    );

    // Paging: across everything, inside the import (whose parts share positions) with
    // page sizes that cut parts in the middle, and with a filter.
    assert_eq!(pages_match(&c, &all(), 97, everyone), ROWS + 4);
    let by_import = q(|q| q.import_id = Some(import_id));
    assert_eq!(pages_match(&c, &by_import, 50, everyone), ROWS);
    assert_eq!(pages_match(&c, &by_import, 7, everyone), ROWS);
    assert_eq!(pages_match(&c, &by_import, 1, everyone), ROWS);
    let by_kind = q(|q| q.kind = Some(OversightKind::Accountability));
    assert!(pages_match(&c, &by_kind, 13, everyone) > 13);
    // A page starting inside the import: strictly older records only.
    let mid = &everything[600];
    let after = oversight::records(
        &c,
        &RecordQuery {
            before: Some(mid.cursor),
            ..all()
        },
        everyone,
    )
    .unwrap();
    assert_eq!(ids(&after), ids(&everything[601..]));

    // Scope: B's records and those naming 甲二 (made while they were in A), applied before
    // the limit, so every page but the last is full.
    let scope = move |u: UnitId, c: Option<CadreId>| u == b || c == Some(a2);
    let want = newest_first(&wants, |w| w.unit == b || w.cadre == Some(a2));
    let seen = oversight::records(&c, &all(), scope).unwrap();
    assert_eq!(ids(&seen), want);
    assert!(
        want.iter()
            .any(|id| wants.iter().any(|w| w.id == *id && w.unit == a))
    );
    assert_eq!(pages_match(&c, &all(), 40, scope), want.len());
    let page = oversight::records(&c, &RecordQuery { limit: 25, ..all() }, scope).unwrap();
    assert_eq!(ids(&page), want[..25]);
    let nobody = oversight::records(&c, &all(), |_, _| false).unwrap();
    assert!(nobody.is_empty());

    // The organisation now: 甲二 in B; their records keep their unit (and a name).
    let org = w.org();
    assert_eq!(org.cadres[&a2], ("甲二".to_owned(), Some(b)));
    assert_eq!(org.cadres[&a1], ("丁一".to_owned(), Some(a)));
    assert_eq!(org.cadres[&w.g1], ("孙六".to_owned(), None));
    assert_eq!(org.cadre(b, "甲二"), Ok(a2));
    assert!(org.cadre(a, "甲二").is_err());

    // Counts per unit, kind and month, and accountability per unit.
    for year in [2025, 2026] {
        let mut want: BTreeMap<(String, UnitId, OversightKind, u32), u32> = BTreeMap::new();
        for x in wants.iter().filter(|x| x.on.year() == year) {
            let name = if x.unit == a {
                "区教育局党组"
            } else {
                "区卫健局党组"
            };
            *want
                .entry((name.to_owned(), x.unit, x.kind, x.on.month()))
                .or_default() += 1;
        }
        let want: Vec<KindCount> = want
            .into_iter()
            .map(|((unit_name, unit_id, kind, month), count)| KindCount {
                kind,
                label: kind.label_zh().to_owned(),
                unit_id,
                unit_name,
                month,
                count,
            })
            .collect();
        let got = oversight::counts_by_unit_kind_month(&c, year).unwrap();
        assert_eq!(got, want, "{year}");
        let total: u32 = got.iter().map(|k| k.count).sum();
        let in_year = wants.iter().filter(|x| x.on.year() == year).count();
        assert_eq!(usize::try_from(total).unwrap(), in_year);
    }
    assert!(
        oversight::counts_by_unit_kind_month(&c, 2024)
            .unwrap()
            .is_empty()
    );
    let (from, to) = (date("2026-02-10"), date("2026-06-01"));
    let mut want: BTreeMap<UnitId, u32> = BTreeMap::new();
    for x in wants
        .iter()
        .filter(|x| x.kind == OversightKind::Accountability && x.on >= from && x.on <= to)
    {
        *want.entry(x.unit).or_default() += 1;
    }
    assert_eq!(want.len(), 2);
    assert_eq!(
        oversight::accountability_records_by_unit(&c, from, to).unwrap(),
        want.into_iter().collect::<Vec<_>>()
    );

    // A rebuild from zero: the same rows, the same answers.
    let dir = tempfile::tempdir().unwrap();
    let fresh = ReadModels::open(dir.path().join("rebuilt.views.db")).unwrap();
    let report = rebuild(w.store.clone(), &fresh, Arc::new(Oversight))
        .await
        .unwrap();
    assert_eq!(report.through, w.store.head().await.unwrap());
    let rebuilt = fresh.reader().unwrap();
    assert_eq!(dump(&rebuilt), dump(&c));
    assert_eq!(answers(&rebuilt), answers(&c));
    assert_eq!(dump(&c)["oversight_records"].len(), ROWS + 4);
}
