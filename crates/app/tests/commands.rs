//! The command functions end to end over a real store: contexts are gathered from the
//! other streams, and the duty story runs from publishing a list to a backfill.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use app::{App, AppError, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::calendar::{Cadence, DeadlineRule, Period};
use domain::duty::RecordDuty;
use domain::error::DomainError;
use domain::events::{Event, stream};
use domain::ids::{CadreId, EntryId, ItemId, ListId, ObligationId, UnitId};
use domain::list::{AssignList, PublishList};
use domain::obligation::{DutyItem, ObligationRef, Source};
use domain::org::{CadreDuty, Responsibility, Subject, SubjectKind, UnitKind};
use domain::unit::RegisterUnit;
use event_store::{Actor, EventStore, ManualClock, StreamName};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

struct World {
    _dir: tempfile::TempDir,
    app: App,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at("2026-01-05T09:00:00+08:00")));
    let options = SqliteOptions {
        clock: clock.clone(),
        ..SqliteOptions::default()
    };
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), options).unwrap());
    World {
        _dir: dir,
        app: App::new(store.clone(), clock.clone()),
        store,
        clock,
    }
}

fn meta(body: &str) -> Meta {
    Meta {
        actor: Actor::new("user:admin").unwrap(),
        key: None,
        fingerprint: fingerprint(body),
    }
}

#[tokio::test]
async fn the_duty_story_from_list_to_backfill() {
    let w = world();
    let unit = UnitId::new();
    w.app
        .register_unit(
            RegisterUnit {
                unit_id: unit,
                name: "区教育局党组".into(),
                kind: UnitKind::PartyGroup,
            },
            &meta("unit"),
        )
        .await
        .unwrap();
    let cadre = CadreId::new();
    let register = |duty| RegisterCadre {
        cadre_id: cadre,
        name: "张三".into(),
        post: "党组成员、副局长".into(),
        duty,
        direct_leader: None,
    };
    // A cadre of a unit that does not exist is refused, naming the field.
    let err = w
        .app
        .cadre_command(
            cadre,
            register(CadreDuty::TeamMember {
                unit_id: UnitId::new(),
            })
            .into(),
            &meta("cadre-bad"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Domain(DomainError::Invalid { field: "duty", .. })
        ),
        "{err:?}"
    );
    w.app
        .cadre_command(
            cadre,
            register(CadreDuty::TeamMember { unit_id: unit }).into(),
            &meta("cadre"),
        )
        .await
        .unwrap();

    let list = ListId::new();
    let item = DutyItem {
        item_id: ItemId::new(),
        subject_kind: SubjectKind::TeamMember,
        responsibility: Responsibility::Principal,
        category: "一岗双责".into(),
        content: "每半年对分管领域党风廉政建设情况进行分析".into(),
        cadence: Cadence::HalfYearly,
        required_count: 1,
        deadline: DeadlineRule::EndOfPeriod,
    };
    w.app
        .list_command(
            list,
            PublishList {
                list_id: list,
                year: 2026,
                title: "2026年度全面从严治党主体责任清单".into(),
                items: vec![item.clone()],
            }
            .into(),
            &meta("publish"),
        )
        .await
        .unwrap();
    let subject = Subject::TeamMember { cadre_id: cadre };
    w.app
        .list_command(
            list,
            AssignList {
                list_id: list,
                subjects: vec![subject],
            }
            .into(),
            &meta("assign"),
        )
        .await
        .unwrap();

    let source = Source::ListItem {
        list_id: list,
        item_id: item.item_id,
    };
    let h1 = Period::new(2026, Cadence::HalfYearly, 1).unwrap();
    let h2 = Period::new(2026, Cadence::HalfYearly, 2).unwrap();
    let first_ref = ObligationRef {
        source,
        subject,
        period: h1,
    };
    let second_ref = ObligationRef {
        source,
        subject,
        period: h2,
    };
    let (first, second) = (first_ref.id(), second_ref.id());
    assert_eq!(first, ObligationId::derive(&source, &subject, &h1));
    assert_eq!(
        w.app
            .obligation(&first_ref)
            .await
            .unwrap()
            .unwrap()
            .deadline,
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
    );

    let record = |entry_id, actor, performed_on: &str| RecordDuty {
        entry_id,
        performed_on: performed_on.parse().unwrap(),
        content: "召开分管科室党风廉政建设专题会议".into(),
        attachments: vec![],
        actor,
    };
    // Someone else cannot record the cadre's entry.
    let err = w
        .app
        .duty_command(
            first_ref,
            first,
            record(EntryId::new(), CadreId::new(), "2026-06-01").into(),
            &meta("e0"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Domain(DomainError::Forbidden(_))),
        "{err:?}"
    );

    // On time: 30 June, 23:59:59 in Shanghai.
    w.clock.set(at("2026-06-30T23:59:59+08:00"));
    let out = w
        .app
        .duty_command(
            first_ref,
            first,
            record(EntryId::new(), cadre, "2026-06-30").into(),
            &meta("e1"),
        )
        .await
        .unwrap();
    // Late: the second half-year's, on 1 January 2027 at 00:00:00.
    w.clock.set(at("2027-01-01T00:00:00+08:00"));
    let late = w
        .app
        .duty_command(
            second_ref,
            second,
            record(EntryId::new(), cadre, "2026-12-30").into(),
            &meta("e2"),
        )
        .await
        .unwrap();
    let kinds: Vec<String> = {
        let mut v = Vec::new();
        for o in [&out, &late] {
            let s = StreamName::new(o.stream.clone()).unwrap();
            let e = w.app.read_stream(&s).await.unwrap();
            v.push(e[0].event_type.to_string());
        }
        v
    };
    assert_eq!(kinds, ["DutyRecorded", "DutyBackfilled"]);
    let raw = w
        .app
        .read_stream(&StreamName::new(stream::obligation(second)).unwrap())
        .await
        .unwrap();
    let Event::DutyBackfilled(b) =
        Event::decode("DutyBackfilled", 1, raw[0].payload.as_str()).unwrap()
    else {
        panic!("not a backfill");
    };
    assert_eq!(b.days_late, 1);
    // An id that does not match its reference, and a reference the list does not impose
    // (another year), are not found.
    let next_year = ObligationRef {
        period: Period::new(2027, Cadence::HalfYearly, 1).unwrap(),
        ..first_ref
    };
    for (r, id) in [
        (first_ref, ObligationId::new()),
        (next_year, next_year.id()),
    ] {
        let err = w
            .app
            .duty_command(
                r,
                id,
                record(EntryId::new(), cadre, "2026-06-01").into(),
                &meta("e3"),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                AppError::Domain(DomainError::NotFound {
                    what: "obligation",
                    ..
                })
            ),
            "{err:?}"
        );
    }
    assert_eq!(w.store.head().await.unwrap(), 6);
}
