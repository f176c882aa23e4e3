//! The directory read model: each role's scope from the organisation as it stands now, a
//! transfer moving it, deactivation ending it, and a rebuild giving the same answers.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

use app::{App, Meta, fingerprint};
use directory::{AccessQuery, Directory, Principal, principal};
use domain::cadre::{RegisterCadre, TransferCadre};
use domain::events::legacy::HistoryReadV1;
use domain::events::{HistoryRead, stream};
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, GroupId, LeaderId, UnitId, UserId};
use domain::leader::RegisterLeaderInCharge;
use domain::org::{CadreDuty, UnitKind};
use domain::unit::RegisterUnit;
use domain::user::{Account, RegisterUser, Role, Scope, UserCommand};
use event_store::{
    Actor, Direction, EventStore, EventType, ExpectedVersion, NewEvent, Payload, StreamName,
    SystemClock,
};
use projector::{ReadModels, catch_up, rebuild};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn meta() -> Meta {
    Meta {
        actor: Actor::new("user:admin").unwrap(),
        key: None,
        fingerprint: fingerprint("test"),
    }
}

struct World {
    _dir: tempfile::TempDir,
    app: App,
    store: Arc<dyn EventStore>,
    models: ReadModels,
    a: UnitId,
    b: UnitId,
    group: GroupId,
    principal_a: CadreId,
    member_a: CadreId,
    member_b: CadreId,
    member_g: CadreId,
}

impl World {
    async fn user(&self, username: &str, account: Account) -> UserId {
        let c = RegisterUser {
            username: username.into(),
            display_name: username.into(),
            account,
        };
        self.app.register_user(c, None, &meta()).await.unwrap().0
    }

    async fn who(&self, user: UserId) -> Option<Principal> {
        catch_up(self.store.clone(), &self.models, Arc::new(Directory))
            .await
            .unwrap();
        principal(&self.models.reader().unwrap(), user).unwrap()
    }
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap();
    let store: Arc<dyn EventStore> = Arc::new(sqlite);
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    let (a, b) = (UnitId::new(), UnitId::new());
    for (unit_id, name) in [(a, "区教育局党组"), (b, "区卫健局党组")] {
        let c = RegisterUnit {
            unit_id,
            name: name.into(),
            kind: UnitKind::PartyGroup,
        };
        app.register_unit(c, &meta()).await.unwrap();
    }
    let group = GroupId::new();
    let c = RegisterDisciplineGroup {
        group_id: group,
        name: "派驻纪检组".into(),
        stationed_in: vec![a],
    };
    app.group_command(group, c.into(), &meta()).await.unwrap();
    let cadre = |duty: CadreDuty| {
        let app = app.clone();
        async move {
            let cadre_id = CadreId::new();
            let c = RegisterCadre {
                cadre_id,
                name: "某干部".into(),
                post: "职务".into(),
                duty,
                direct_leader: None,
            };
            app.cadre_command(cadre_id, c.into(), &meta())
                .await
                .unwrap();
            cadre_id
        }
    };
    let principal_a = cadre(CadreDuty::PrincipalLeader { unit_id: a }).await;
    let member_a = cadre(CadreDuty::TeamMember { unit_id: a }).await;
    let member_b = cadre(CadreDuty::TeamMember { unit_id: b }).await;
    let member_g = cadre(CadreDuty::DisciplineGroup { group_id: group }).await;
    World {
        _dir: dir,
        app,
        store,
        models,
        a,
        b,
        group,
        principal_a,
        member_a,
        member_b,
        member_g,
    }
}

fn visible(p: &Principal) -> (Vec<UnitId>, Vec<GroupId>, Vec<CadreId>) {
    match &p.scope {
        Scope::Everything => panic!("limited scope expected"),
        Scope::Only(v) => (
            v.units.iter().copied().collect(),
            v.groups.iter().copied().collect(),
            v.cadres.iter().copied().collect(),
        ),
    }
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

#[tokio::test]
async fn each_role_sees_what_design_says_and_a_transfer_moves_it() {
    let w = world().await;
    let leader = LeaderId::new();
    let c = RegisterLeaderInCharge {
        leader_id: leader,
        name: "分管区领导".into(),
        units: vec![w.b],
    };
    w.app
        .leader_command(leader, c.into(), &meta())
        .await
        .unwrap();
    let pa = w
        .user(
            "pa1",
            Account::Cadre {
                cadre_id: w.principal_a,
            },
        )
        .await;
    let ma = w
        .user(
            "ma1",
            Account::Cadre {
                cadre_id: w.member_a,
            },
        )
        .await;
    let mg = w
        .user(
            "mg1",
            Account::Cadre {
                cadre_id: w.member_g,
            },
        )
        .await;
    let la = w.user("la1", Account::Leader { leader_id: leader }).await;
    let jw = w.user("jiwei", Account::Commission).await;
    let sj = w.user("shenji", Account::Auditor).await;
    let jg = w.user("jianguan", Account::Regulator).await;

    let p = w.who(pa).await.unwrap();
    assert_eq!(p.role, Role::PrincipalLeader);
    assert_eq!(
        visible(&p),
        (vec![w.a], vec![], sorted(vec![w.principal_a, w.member_a]))
    );
    let p = w.who(ma).await.unwrap();
    assert_eq!(p.role, Role::TeamMember);
    assert_eq!(visible(&p), (vec![], vec![], vec![w.member_a]));
    let p = w.who(mg).await.unwrap();
    assert_eq!(p.role, Role::DisciplineGroup);
    assert_eq!(
        visible(&p),
        (
            vec![w.a],
            vec![w.group],
            sorted(vec![w.principal_a, w.member_a, w.member_g])
        )
    );
    let p = w.who(la).await.unwrap();
    assert_eq!(p.role, Role::LeaderInCharge);
    assert_eq!(visible(&p), (vec![w.b], vec![], vec![w.member_b]));
    assert_eq!(w.who(jw).await.unwrap().scope, Scope::Everything);
    assert_eq!(w.who(sj).await.unwrap().role, Role::Auditor);
    assert_eq!(w.who(sj).await.unwrap().scope, Scope::Everything);
    assert_eq!(w.who(jg).await.unwrap().scope, Scope::nothing());

    // The team member becomes unit B's principal leader: role and scope follow at once.
    let c = TransferCadre {
        cadre_id: w.member_a,
        post: "党组书记".into(),
        duty: CadreDuty::PrincipalLeader { unit_id: w.b },
        direct_leader: None,
    };
    w.app
        .cadre_command(w.member_a, c.into(), &meta())
        .await
        .unwrap();
    let p = w.who(ma).await.unwrap();
    assert_eq!(p.role, Role::PrincipalLeader);
    assert_eq!(
        visible(&p),
        (vec![w.b], vec![], sorted(vec![w.member_a, w.member_b]))
    );
    let p = w.who(pa).await.unwrap();
    assert_eq!(visible(&p).2, vec![w.principal_a], "he left A's team");

    // Deactivated: no principal at all.
    w.app
        .user_command(
            ma,
            UserCommand::Deactivate {
                reason: "调离".into(),
            },
            &meta(),
        )
        .await
        .unwrap();
    assert_eq!(w.who(ma).await, None);

    // A rebuild from zero answers the same.
    let before: Vec<_> = {
        let c = w.models.reader().unwrap();
        [pa, ma, mg, la, jw, sj, jg]
            .iter()
            .map(|u| principal(&c, *u).unwrap())
            .collect()
    };
    rebuild(w.store.clone(), &w.models, Arc::new(Directory))
        .await
        .unwrap();
    let c = w.models.reader().unwrap();
    let after: Vec<_> = [pa, ma, mg, la, jw, sj, jg]
        .iter()
        .map(|u| principal(&c, *u).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[tokio::test]
async fn history_reads_are_listed_newest_first_by_cadre_and_by_reader() {
    let w = world().await;
    let jw = w.user("jiwei", Account::Commission).await;
    let sj = w.user("shenji", Account::Auditor).await;
    for (reader, cadre) in [(jw, w.member_a), (sj, w.member_a), (sj, w.member_b)] {
        let read = HistoryRead {
            reader,
            cadre_id: cadre,
            as_of: None,
            purpose: "年度考核".into(),
        };
        w.app.record_history_read(read, &meta()).await.unwrap();
    }
    w.who(jw).await;
    let c = w.models.reader().unwrap();
    let q = |cadre, reader| AccessQuery {
        cadre,
        reader,
        before: None,
        limit: 10,
    };
    let by_cadre = directory::access_reads(&c, q(Some(w.member_a), None)).unwrap();
    let names: Vec<_> = by_cadre
        .iter()
        .map(|r| r.reader_username.clone().unwrap())
        .collect();
    assert_eq!(names, ["shenji", "jiwei"]);
    let by_reader = directory::access_reads(&c, q(None, Some(sj))).unwrap();
    assert_eq!(
        by_reader.iter().map(|r| r.cadre_id).collect::<Vec<_>>(),
        [w.member_b, w.member_a]
    );
    // Paging: before the newest one.
    let page = directory::access_reads(
        &c,
        AccessQuery {
            before: Some(by_reader[0].position),
            ..q(None, Some(sj))
        },
    )
    .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].cadre_id, w.member_a);
    assert!(
        page.iter()
            .chain(&by_cadre)
            .all(|r| r.purpose == "年度考核")
    );
}

#[tokio::test]
async fn a_history_read_stored_as_v1_is_listed_with_no_purpose() {
    let w = world().await;
    let jw = w.user("jiwei", Account::Commission).await;
    // As the code before HistoryRead v2 wrote it: no purpose, schema version 1.
    let old = HistoryReadV1 {
        reader: jw,
        cadre_id: w.member_a,
        as_of: None,
    };
    let new = NewEvent::new(
        EventType::new("HistoryRead").unwrap(),
        Payload::from_value(&old).unwrap(),
        Actor::new("user:jiwei").unwrap(),
        chrono::Utc::now(),
    )
    .with_schema_version(1);
    let access = StreamName::new(stream::access(jw)).unwrap();
    w.store
        .append(&access, ExpectedVersion::Any, vec![new])
        .await
        .unwrap();
    let read = HistoryRead {
        reader: jw,
        cadre_id: w.member_b,
        as_of: None,
        purpose: "线索核查".into(),
    };
    w.app.record_history_read(read, &meta()).await.unwrap();
    let raw = w
        .store
        .read_stream(&access, Direction::Forward, 1, 100)
        .await
        .unwrap();
    let versions: Vec<_> = raw.iter().map(|e| e.schema_version).collect();
    assert_eq!(versions, [1, 2], "a new read is written as v2");
    w.who(jw).await;
    let c = w.models.reader().unwrap();
    let reads = directory::access_reads(
        &c,
        AccessQuery {
            cadre: None,
            reader: Some(jw),
            before: None,
            limit: 10,
        },
    )
    .unwrap();
    let listed: Vec<_> = reads
        .iter()
        .map(|r| (r.cadre_id, r.purpose.as_str()))
        .collect();
    assert_eq!(listed, [(w.member_b, "线索核查"), (w.member_a, "")]);
}
