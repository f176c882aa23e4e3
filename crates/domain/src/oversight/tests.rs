use super::import::{self, ImportError, MAX_ERRORS_LISTED, parse_date};
use super::*;
use crate::calendar::end_of_day;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

struct World {
    org: OrgIndex,
    finance: UnitId,
    health: UnitId,
    wang: CadreId,
    li_finance: CadreId,
    li_health: CadreId,
}

fn world() -> World {
    let finance = UnitId::new();
    let health = UnitId::new();
    let wang = CadreId::new();
    let li_finance = CadreId::new();
    let li_health = CadreId::new();
    let mut org = OrgIndex::default();
    org.units.insert(finance, "区财政局".into());
    org.units.insert(health, "区卫健局".into());
    org.cadres.insert(wang, ("王强".into(), Some(finance)));
    org.cadres
        .insert(li_finance, ("李明".into(), Some(finance)));
    org.cadres.insert(li_health, ("李明".into(), Some(health)));
    World {
        org,
        finance,
        health,
        wang,
        li_finance,
        li_health,
    }
}

const TODAY: (i32, u32, u32) = (2026, 6, 30);

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1, TODAY.2)
}

fn header() -> Vec<String> {
    ["类别", "单位", "干部", "日期", "摘要", "文号"]
        .map(String::from)
        .to_vec()
}

fn row(cells: [&str; 6]) -> Vec<String> {
    cells.map(String::from).to_vec()
}

fn read(
    w: &World,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<ImportedRecord>, ImportError> {
    import::read(
        headers,
        rows.iter().enumerate().map(|(i, r)| (i + 2, r.as_slice())),
        &w.org,
        ImportId::new(),
        today(),
    )
}

fn row_errors(r: Result<Vec<ImportedRecord>, ImportError>) -> Vec<(usize, String)> {
    match r {
        Err(ImportError::Rows { errors, .. }) => {
            errors.into_iter().map(|e| (e.line, e.column)).collect()
        }
        other => panic!("expected row errors, got {other:?}"),
    }
}

#[test]
fn kinds_read_as_people_write_them() {
    assert_eq!(
        OversightKind::parse(" 廉政谈话 "),
        Some(OversightKind::IntegrityTalk)
    );
    assert_eq!(
        OversightKind::parse("巡察"),
        Some(OversightKind::InspectionFinding)
    );
    assert_eq!(
        OversightKind::parse("personnel_selection"),
        Some(OversightKind::PersonnelSelection)
    );
    assert_eq!(OversightKind::parse("谈话"), None);
    for k in OversightKind::ALL {
        assert_eq!(OversightKind::parse(k.label_zh()), Some(k));
        assert_eq!(OversightKind::parse(k.as_str()), Some(k));
    }
}

#[test]
fn dates_read_in_the_usual_spellings_and_nothing_else() {
    for t in [
        "2026-03-05",
        "2026/3/5",
        "2026.3.5",
        "2026年3月5日",
        " 2026-3-05 ",
    ] {
        assert_eq!(parse_date(t), Some(day(2026, 3, 5)), "{t}");
    }
    for t in ["26-3-5", "2026-02-30", "2026-03", "3/5/2026", "昨天", ""] {
        assert_eq!(parse_date(t), None, "{t}");
    }
}

#[test]
fn a_good_file_reads_every_row_with_its_line_and_names_resolved_within_the_unit() {
    let w = world();
    let rows = vec![
        row([
            "廉政谈话",
            "区财政局",
            "王强",
            "2026-03-05",
            "节前廉政谈话",
            "财纪〔2026〕3号",
        ]),
        row([
            "审计",
            "区卫健局",
            "李明",
            "2026/4/1",
            "审计发现报销不规范",
            "",
        ]),
        row([
            "正风肃纪",
            &w.finance.to_string(),
            "",
            "2026年6月30日",
            "明察暗访",
            "",
        ]),
    ];
    let got = read(&w, &header(), &rows).unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].line, 2);
    assert_eq!(got[0].record.kind, OversightKind::IntegrityTalk);
    assert_eq!(got[0].record.cadre_id, Some(w.wang));
    assert_eq!(got[0].record.reference.as_deref(), Some("财纪〔2026〕3号"));
    // 李明 of the health bureau, not the one of finance.
    assert_eq!(got[1].record.unit_id, w.health);
    assert_eq!(got[1].record.cadre_id, Some(w.li_health));
    assert_ne!(got[1].record.cadre_id, Some(w.li_finance));
    assert_eq!(got[1].record.reference, None);
    assert_eq!(got[2].line, 4);
    assert_eq!(got[2].record.occurred_on, today());
    assert_eq!(got[2].record.cadre_id, None);
    // Ids are the import's and the line's: stable, distinct.
    assert_ne!(got[0].record.record_id, got[1].record.record_id);
}

#[test]
fn columns_may_come_in_any_order_and_optional_ones_may_be_left_out() {
    let w = world();
    let headers = ["摘要", "日期", "单位", "kind"].map(String::from).to_vec();
    let rows = vec![
        ["节前廉政谈话", "2026-03-05", "区财政局", "廉政谈话"]
            .map(String::from)
            .to_vec(),
    ];
    let got = read(&w, &headers, &rows).unwrap();
    assert_eq!(got[0].record.summary, "节前廉政谈话");
    assert_eq!(got[0].record.unit_id, w.finance);
}

#[test]
fn a_wrong_header_refuses_the_file_naming_the_column() {
    let w = world();
    let good = vec![row(["廉政谈话", "区财政局", "", "2026-03-05", "谈话", ""])];
    let mut unknown = header();
    unknown[4] = "备注".into();
    let mut missing = header();
    missing.remove(1);
    let mut twice = header();
    twice[5] = "单位".into();
    for (h, words) in [
        (unknown, ["备注", "column 5"]),
        (missing, ["missing column", "单位"]),
        (twice, ["单位", "repeats column 2"]),
    ] {
        match read(&w, &h, &good) {
            Err(ImportError::Header(m)) => {
                for word in words {
                    assert!(m.contains(word), "{m:?} lacks {word:?}");
                }
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn every_bad_cell_is_reported_by_line_and_column_and_nothing_is_read() {
    let w = world();
    let rows = vec![
        row(["廉政谈话", "区财政局", "", "2026-03-05", "好的一行", ""]),
        row(["谈心", "区财政局", "", "2026-03-05", "类别错", ""]),
        row(["廉政谈话", "区教育局", "", "2026-03-05", "单位不存在", ""]),
        row([
            "廉政谈话",
            "区卫健局",
            "王强",
            "2026-03-05",
            "干部不在此单位",
            "",
        ]),
        row(["廉政谈话", "区财政局", "", "2026-02-30", "日期错", ""]),
        row(["廉政谈话", "区财政局", "", "2026-07-01", "将来的日期", ""]),
        row(["廉政谈话", "区财政局", "", "2026-03-05", "", ""]),
        row([
            "廉政谈话",
            "区财政局",
            "",
            "2026-03-05",
            "文号过长",
            &"号".repeat(101),
        ]),
        row(["", "", "", "", "", ""]),
    ];
    let errors = row_errors(read(&w, &header(), &rows));
    let expect: Vec<(usize, String)> = [
        (3, "类别"),
        (4, "单位"),
        (5, "干部"),
        (6, "日期"),
        (7, "日期"),
        (8, "摘要"),
        (9, "文号"),
        (10, "类别"),
        (10, "单位"),
        (10, "日期"),
        (10, "摘要"),
    ]
    .map(|(l, c)| (l, c.to_owned()))
    .to_vec();
    assert_eq!(errors, expect);
}

#[test]
fn ten_thousand_rows_with_three_bad_give_exactly_those_three_lines() {
    let w = world();
    let mut rows: Vec<Vec<String>> = (0..10_000)
        .map(|i| {
            row([
                "党内监督",
                "区财政局",
                "",
                "2026-01-15",
                &format!("第{i}条"),
                "",
            ])
        })
        .collect();
    rows[0][0] = "未知".into();
    rows[4_999][3] = "明天".into();
    rows[9_999][1] = "区教育局".into();
    match read(&w, &header(), &rows) {
        Err(ImportError::Rows {
            errors,
            bad_rows,
            rows,
        }) => {
            assert_eq!((bad_rows, rows), (3, 10_000));
            let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
            assert_eq!(lines, vec![2, 5_001, 10_001]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_listed_are_capped_but_all_bad_rows_are_counted() {
    let w = world();
    let rows: Vec<Vec<String>> = (0..1_500)
        .map(|_| row(["?", "区财政局", "", "2026-01-15", "x", ""]))
        .collect();
    match read(&w, &header(), &rows) {
        Err(ImportError::Rows {
            errors, bad_rows, ..
        }) => {
            assert_eq!(errors.len(), MAX_ERRORS_LISTED);
            assert_eq!(bad_rows, 1_500);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_file_and_a_too_long_one_are_refused_as_such() {
    let w = world();
    assert_eq!(read(&w, &header(), &[]), Err(ImportError::Empty));
    let rows: Vec<Vec<String>> = (0..=MAX_IMPORT_ROWS)
        .map(|_| row(["党内监督", "区财政局", "", "2026-01-15", "x", ""]))
        .collect();
    assert_eq!(
        read(&w, &header(), &rows),
        Err(ImportError::TooManyRows {
            rows: MAX_IMPORT_ROWS + 1,
            max: MAX_IMPORT_ROWS
        })
    );
}

#[test]
fn an_import_is_stored_in_parts_once_and_the_same_file_is_refused_after() {
    let w = world();
    let rows: Vec<Vec<String>> = (0..1_201)
        .map(|i| {
            row([
                "党内监督",
                "区财政局",
                "",
                "2026-01-15",
                &format!("第{i}条"),
                "",
            ])
        })
        .collect();
    let import_id = import_id_for("ab".repeat(32).as_str());
    assert_eq!(import_id, import_id_for("ab".repeat(32).as_str()));
    let records = import::read(
        &header(),
        rows.iter().enumerate().map(|(i, r)| (i + 2, r.as_slice())),
        &w.org,
        import_id,
        today(),
    )
    .unwrap();
    let c = ImportOversight {
        import_id,
        file_name: "廉情数据.xlsx".into(),
        encoding: "xlsx".into(),
        records,
    };
    let now = end_of_day(today());
    let events = OversightImportAggregate::decide(&false, c.clone(), &(), now).unwrap();
    let parts: Vec<(u32, u32, usize)> = events
        .iter()
        .map(|e| match e {
            Event::OversightImported(i) => (i.part, i.parts, i.records.len()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(parts, vec![(1, 3, 500), (2, 3, 500), (3, 3, 201)]);
    assert!(events.iter().all(|e| e.stream() == events[0].stream()));
    let state = OversightImportAggregate::fold(&events);
    assert!(matches!(
        OversightImportAggregate::decide(&state, c, &(), now),
        Err(DomainError::AlreadyExists { .. })
    ));
}

#[test]
fn a_record_by_hand_is_checked_like_a_row() {
    let w = world();
    let now = end_of_day(today());
    let good = OversightRecord {
        record_id: OversightId::new(),
        kind: OversightKind::DisciplineEnforcement,
        unit_id: w.finance,
        cadre_id: Some(w.wang),
        occurred_on: day(2026, 5, 1),
        summary: " 节日期间明察暗访 ".into(),
        reference: Some("  ".into()),
    };
    let events = OversightAggregate::decide(
        &false,
        RecordOversight {
            record: good.clone(),
        },
        &w.org,
        now,
    )
    .unwrap();
    match &events[..] {
        [Event::OversightRecorded(r)] => {
            assert_eq!(r.record.summary, "节日期间明察暗访");
            assert_eq!(r.record.reference, None);
        }
        other => panic!("{other:?}"),
    }
    let field = |record: OversightRecord| match OversightAggregate::decide(
        &false,
        RecordOversight { record },
        &w.org,
        now,
    ) {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(OversightRecord {
            unit_id: UnitId::new(),
            ..good.clone()
        }),
        "unit_id"
    );
    assert_eq!(
        field(OversightRecord {
            cadre_id: Some(w.li_health),
            ..good.clone()
        }),
        "cadre_id"
    );
    assert_eq!(
        field(OversightRecord {
            occurred_on: day(2026, 7, 1),
            ..good.clone()
        }),
        "occurred_on"
    );
    assert_eq!(
        field(OversightRecord {
            summary: " ".into(),
            ..good.clone()
        }),
        "summary"
    );
    assert!(matches!(
        OversightAggregate::decide(&true, RecordOversight { record: good }, &w.org, now),
        Err(DomainError::AlreadyExists { .. })
    ));
}
