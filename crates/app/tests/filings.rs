//! Filing commands over a real store: the filer's duty is gathered from their stream and
//! recorded with the filing; someone who is not a registered cadre files nothing.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use app::{App, AppError, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::{RegisterCadre, TransferCadre};
use domain::error::DomainError;
use domain::filing::{FamilyEvent, FamilyEventKind, FileFamilyEvent, FilingCommand};
use domain::ids::{CadreId, FilingId, UnitId};
use domain::org::{CadreDuty, UnitKind};
use domain::unit::RegisterUnit;
use event_store::{Actor, EventStore, ManualClock};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn meta() -> Meta {
    Meta {
        actor: Actor::new("user:c001").unwrap(),
        key: None,
        fingerprint: fingerprint("test"),
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn wedding(cadre_id: CadreId) -> (FilingId, FilingCommand) {
    let filing_id = FilingId::new();
    let c = FileFamilyEvent {
        filing_id,
        cadre_id,
        event: FamilyEvent {
            kind: FamilyEventKind::Wedding,
            date: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            scale: "6桌".into(),
            venue: "某酒店".into(),
        },
    };
    (filing_id, c.into())
}

#[tokio::test]
async fn a_filing_records_the_filers_duty_at_the_time_and_needs_a_registered_cadre() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at("2026-03-01T09:00:00+08:00")));
    let options = SqliteOptions {
        clock: clock.clone(),
        ..SqliteOptions::default()
    };
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), options).unwrap());
    let app = App::new(store.clone(), clock);
    let (a, b) = (UnitId::new(), UnitId::new());
    for unit_id in [a, b] {
        let c = RegisterUnit {
            unit_id,
            name: format!("单位{unit_id}"),
            kind: UnitKind::PartyCommittee,
        };
        app.register_unit(c, &meta()).await.unwrap();
    }
    let cadre = CadreId::new();
    let c = RegisterCadre {
        cadre_id: cadre,
        name: "张三".into(),
        post: "副书记".into(),
        duty: CadreDuty::TeamMember { unit_id: a },
        direct_leader: None,
    };
    app.cadre_command(cadre, c.into(), &meta()).await.unwrap();

    let (first, c) = wedding(cadre);
    app.filing_command(c, &meta()).await.unwrap();
    let t = TransferCadre {
        cadre_id: cadre,
        post: "副局长".into(),
        duty: CadreDuty::TeamMember { unit_id: b },
        direct_leader: None,
    };
    app.cadre_command(cadre, t.into(), &meta()).await.unwrap();
    let (second, c) = wedding(cadre);
    app.filing_command(c, &meta()).await.unwrap();
    let duty = |f: Option<domain::filing::FilingState>| f.unwrap().duty;
    assert_eq!(
        duty(app.filing(first).await.unwrap()),
        CadreDuty::TeamMember { unit_id: a }
    );
    assert_eq!(
        duty(app.filing(second).await.unwrap()),
        CadreDuty::TeamMember { unit_id: b }
    );

    let head = store.head().await.unwrap();
    let (nobody, c) = wedding(CadreId::new());
    let r = app.filing_command(c, &meta()).await;
    assert!(
        matches!(r, Err(AppError::Domain(DomainError::Forbidden(_)))),
        "{r:?}"
    );
    assert!(app.filing(nobody).await.unwrap().is_none());
    assert_eq!(store.head().await.unwrap(), head);
}
