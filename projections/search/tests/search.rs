//! Full-text search over a log written through the application: Chinese keywords are found
//! inside sentences (and near-misses are not), corrections and withdrawals are followed,
//! date, kind and scope filters hold with the total counting only what the reader sees,
//! FTS5 syntax in a keyword is plain text, and a rebuild from zero answers the same.

#![allow(clippy::unwrap_used, reason = "tests")]

use app::{App, Meta, fingerprint};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::calendar::{Cadence, Period};
use domain::duty::{CorrectDuty, RecordDuty, WithdrawDuty};
use domain::events::Attachment;
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, EntryId, GroupId, ProblemId, TaskId, UnitId};
use domain::obligation::{ObligationRef, Source};
use domain::org::{CadreDuty, Subject, UnitKind};
use domain::problem::{
    CloseProblem, DEFAULT_TYPES, PlanRectification, ProblemActor, ProblemCommand, ProblemSource,
    RecordProgress, RegisterProblem, RejectClosing, RequestClosing, Severity,
};
use domain::task::SetKeyTask;
use domain::unit::RegisterUnit;
use domain::user::{Scope, Visible};
use event_store::{Actor, EventStore, ManualClock};
use projector::{ReadModels, catch_up, rebuild};
use rusqlite::Connection;
use rusqlite::types::Value;
use search::{Hit, HitKind, Search, SearchQuery};
use std::collections::BTreeSet;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meta(actor: &str) -> Meta {
    Meta {
        actor: Actor::new(actor).unwrap(),
        key: None,
        fingerprint: fingerprint(actor),
    }
}

fn query(keyword: &str) -> SearchQuery {
    SearchQuery {
        keyword: keyword.into(),
        limit: 100,
        ..SearchQuery::default()
    }
}

/// Two units; unit A with its principal leader and a team member and a discipline group
/// stationed in it, unit B with its principal leader.
struct World {
    _dir: tempfile::TempDir,
    store: Arc<dyn EventStore>,
    clock: Arc<ManualClock>,
    app: App,
    models: ReadModels,
    unit_a: UnitId,
    unit_b: UnitId,
    group: GroupId,
    principal_a: CadreId,
    member_a: CadreId,
    principal_b: CadreId,
    inspector: CadreId,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2026-03-01T09:00:00+08:00")));
        let options = SqliteOptions {
            clock: clock.clone(),
            ..SqliteOptions::default()
        };
        let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
        let store: Arc<dyn EventStore> = Arc::new(sqlite);
        let app = App::new(store.clone(), clock.clone());
        let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
        let admin = meta("user:admin");
        let (unit_a, unit_b) = (UnitId::new(), UnitId::new());
        for (unit_id, name) in [(unit_a, "区教育局党组"), (unit_b, "区卫健局党委")] {
            let c = RegisterUnit {
                unit_id,
                name: name.into(),
                kind: UnitKind::PartyGroup,
            };
            app.register_unit(c, &admin).await.unwrap();
        }
        let group = GroupId::new();
        let c = RegisterDisciplineGroup {
            group_id: group,
            name: "第一派驻纪检组".into(),
            stationed_in: vec![unit_a],
        };
        app.group_command(group, c.into(), &admin).await.unwrap();
        let mut cadres = Vec::new();
        for (name, duty) in [
            ("丁一", CadreDuty::PrincipalLeader { unit_id: unit_a }),
            ("甲二", CadreDuty::TeamMember { unit_id: unit_a }),
            ("乙三", CadreDuty::PrincipalLeader { unit_id: unit_b }),
            ("孙六", CadreDuty::DisciplineGroup { group_id: group }),
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
            unit_a,
            unit_b,
            group,
            principal_a: cadres[0],
            member_a: cadres[1],
            principal_b: cadres[2],
            inspector: cadres[3],
        }
    }

    /// A key task of 2026 for `subject`, due `deadline`: the obligation it imposes.
    async fn task(&self, subject: Subject, deadline: &str) -> ObligationRef {
        let task_id = TaskId::new();
        let c = SetKeyTask {
            task_id,
            year: 2026,
            subject,
            target: "年度重点工作".into(),
            measures: vec!["按期完成".into()],
            deadline: day(deadline),
        };
        self.app.set_key_task(c, &meta("user:admin")).await.unwrap();
        ObligationRef {
            source: Source::KeyTask { task_id },
            subject,
            period: Period::new(2026, Cadence::Once, 1).unwrap(),
        }
    }

    /// `by` records `content`, performed on `performed`, at `when`.
    async fn record(
        &self,
        o: ObligationRef,
        by: CadreId,
        when: &str,
        performed: &str,
        content: &str,
    ) -> EntryId {
        self.clock.set(at(when));
        let entry_id = EntryId::new();
        let c = RecordDuty {
            entry_id,
            performed_on: day(performed),
            content: content.into(),
            attachments: vec![],
            actor: by,
        };
        self.app
            .duty_command(o, o.id(), c.into(), &meta("user:c"))
            .await
            .unwrap();
        entry_id
    }

    async fn correct(&self, o: ObligationRef, entry_id: EntryId, by: CadreId, content: &str) {
        self.clock.set(at("2026-03-12T10:00:00+08:00"));
        let c = CorrectDuty {
            entry_id,
            performed_on: day("2026-03-04"),
            content: content.into(),
            attachments: vec![],
            reason: "内容有误".into(),
            actor: by,
        };
        self.app
            .duty_command(o, o.id(), c.into(), &meta("user:c"))
            .await
            .unwrap();
    }

    async fn withdraw(&self, o: ObligationRef, entry_id: EntryId, by: CadreId) {
        self.clock.set(at("2026-03-12T11:00:00+08:00"));
        let c = WithdrawDuty {
            entry_id,
            reason: "重复填报".into(),
            actor: by,
        };
        self.app
            .duty_command(o, o.id(), c.into(), &meta("user:c"))
            .await
            .unwrap();
    }

    async fn problem(&self, when: &str, command: ProblemCommand, actor: ProblemActor) {
        self.clock.set(at(when));
        self.app
            .problem_command(command, actor, &meta("user:jiwei"))
            .await
            .unwrap();
    }

    fn principal(&self, cadre_id: CadreId, unit_id: UnitId) -> ProblemActor {
        ProblemActor::Cadre {
            cadre_id,
            duty: Some(CadreDuty::PrincipalLeader { unit_id }),
        }
    }

    async fn register(
        &self,
        unit_id: UnitId,
        cadre_id: Option<CadreId>,
        found_on: &str,
        description: &str,
    ) -> ProblemId {
        let problem_id = ProblemId::new();
        let c = RegisterProblem {
            problem_id,
            unit_id,
            cadre_id,
            source: ProblemSource::Inspection,
            type_key: DEFAULT_TYPES[1].0.into(),
            severity: Severity::Moderate,
            description: description.into(),
            found_on: day(found_on),
            rectify_by: day("2026-06-30"),
        };
        let when = format!("{found_on}T15:00:00+08:00");
        self.problem(&when, c.into(), ProblemActor::Commission)
            .await;
        problem_id
    }

    async fn caught_up(&self) {
        catch_up(self.store.clone(), &self.models, Arc::new(Search))
            .await
            .unwrap();
    }

    fn search(&self, q: &SearchQuery) -> (Vec<Hit>, usize) {
        search::search(&self.models.reader().unwrap(), q, |_| true).unwrap()
    }

    /// The ids of the hits of `keyword`, everything visible, newest first.
    fn ids(&self, keyword: &str) -> Vec<String> {
        let (hits, total) = self.search(&query(keyword));
        assert_eq!(total, hits.len());
        hits.into_iter().map(|h| h.id).collect()
    }
}

/// The ids of what `w` writes, by name.
struct Written {
    meeting: EntryId,
    integrity: EntryId,
    rules: EntryId,
    corrected: EntryId,
    withdrawn: EntryId,
    supervision: EntryId,
    backfilled: EntryId,
    literal: EntryId,
    reception: ProblemId,
    decisions: ProblemId,
}

/// The log of the tests, in the order of the calendar, projected in two parts: the
/// corrections, the withdrawal and the closing steps land in the second.
async fn written(w: &World) -> Written {
    let team_a = w
        .task(Subject::LeadershipTeam { unit_id: w.unit_a }, "2026-12-31")
        .await;
    let team_b = w
        .task(Subject::LeadershipTeam { unit_id: w.unit_b }, "2026-12-31")
        .await;
    let member = w
        .task(
            Subject::TeamMember {
                cadre_id: w.member_a,
            },
            "2026-12-31",
        )
        .await;
    let group = w
        .task(Subject::DisciplineGroup { group_id: w.group }, "2026-12-31")
        .await;
    let early = w
        .task(Subject::LeadershipTeam { unit_id: w.unit_a }, "2026-03-15")
        .await;
    let (pa, pb) = (w.principal_a, w.principal_b);
    let principal_a = w.principal(pa, w.unit_a);
    let principal_b = w.principal(pb, w.unit_b);
    let group_actor = ProblemActor::Group {
        group_id: w.group,
        stationed_in: vec![w.unit_a],
    };

    let meeting = w
        .record(
            team_a,
            pa,
            "2026-03-02T10:00:00+08:00",
            "2026-03-02",
            "召开党风廉政建设专题会议",
        )
        .await;
    let reception = w
        .register(
            w.unit_a,
            Some(w.member_a),
            "2026-03-02",
            "公务接待管理不规范",
        )
        .await;
    let corrected = w
        .record(
            team_a,
            pa,
            "2026-03-03T10:00:00+08:00",
            "2026-03-03",
            "听取意识形态工作汇报",
        )
        .await;
    let withdrawn = w
        .record(
            team_a,
            pa,
            "2026-03-03T11:00:00+08:00",
            "2026-03-03",
            "组织廉政谈话",
        )
        .await;
    let c = PlanRectification {
        problem_id: reception,
        plan: "制定整改方案".into(),
    };
    w.problem("2026-03-04T10:00:00+08:00", c.into(), principal_a.clone())
        .await;
    let rules = w
        .record(
            member,
            w.member_a,
            "2026-03-05T10:00:00+08:00",
            "2026-03-05",
            "学习PDF版《廉政准则》",
        )
        .await;
    let supervision = w
        .record(
            group,
            w.inspector,
            "2026-03-06T10:00:00+08:00",
            "2026-03-06",
            "对区教育局开展监督检查",
        )
        .await;
    let c = RecordProgress {
        problem_id: reception,
        text: "已建立公务接待审批台账".into(),
        attachments: vec![Attachment {
            sha256: "a".repeat(64),
            file_name: "整改报告.pdf".into(),
        }],
    };
    w.problem("2026-03-07T10:00:00+08:00", c.into(), principal_a.clone())
        .await;
    let decisions = w
        .register(w.unit_b, None, "2026-03-08", "三重一大决策程序不规范")
        .await;
    w.caught_up().await;

    let c = PlanRectification {
        problem_id: decisions,
        plan: "加强廉政风险防控".into(),
    };
    w.problem("2026-03-09T10:00:00+08:00", c.into(), principal_b)
        .await;
    let integrity = w
        .record(
            team_b,
            pb,
            "2026-03-10T10:00:00+08:00",
            "2026-03-10",
            "开展廉洁文化进机关活动",
        )
        .await;
    let literal = w
        .record(
            team_b,
            pb,
            "2026-03-11T10:00:00+08:00",
            "2026-03-11",
            "检查\"廉政\" OR *记录",
        )
        .await;
    w.correct(team_a, corrected, pa, "听取巡察整改工作汇报")
        .await;
    w.withdraw(team_a, withdrawn, pa).await;
    let steps: [(&str, ProblemCommand, &ProblemActor); 4] = [
        (
            "2026-03-13T10:00:00+08:00",
            RequestClosing {
                problem_id: reception,
                summary: "整改完成，申请销号".into(),
            }
            .into(),
            &principal_a,
        ),
        (
            "2026-03-14T10:00:00+08:00",
            RejectClosing {
                problem_id: reception,
                reason: "佐证材料不足".into(),
            }
            .into(),
            &group_actor,
        ),
        (
            "2026-03-16T10:00:00+08:00",
            RequestClosing {
                problem_id: reception,
                summary: "补充佐证材料，再次申请".into(),
            }
            .into(),
            &principal_a,
        ),
        (
            "2026-03-18T10:00:00+08:00",
            CloseProblem {
                problem_id: reception,
                conclusion: "核查属实，同意销号".into(),
            }
            .into(),
            &ProblemActor::Commission,
        ),
    ];
    for (when, c, actor) in steps {
        w.problem(when, c, actor.clone()).await;
    }
    // Recorded after its deadline of 15 March: a backfill.
    let backfilled = w
        .record(
            early,
            pa,
            "2026-03-20T10:00:00+08:00",
            "2026-03-12",
            "补录民主生活会情况",
        )
        .await;
    w.caught_up().await;
    Written {
        meeting,
        integrity,
        rules,
        corrected,
        withdrawn,
        supervision,
        backfilled,
        literal,
        reception,
        decisions,
    }
}

fn s(id: impl ToString) -> String {
    id.to_string()
}

#[tokio::test]
async fn a_two_character_word_is_found_inside_a_sentence_and_a_near_miss_is_not() {
    let w = World::new().await;
    let x = written(&w).await;
    // Newest first: 11 March, the plan of 9 March, 5 March, 2 March. Not the withdrawn
    // "组织廉政谈话"; not "廉洁".
    assert_eq!(
        w.ids("廉政"),
        [s(x.literal), s(x.decisions), s(x.rules), s(x.meeting)]
    );
    assert_eq!(w.ids("专题会议"), [s(x.meeting)]);
    assert_eq!(w.ids("题会"), [s(x.meeting)]);
    assert_eq!(w.ids("廉洁"), [s(x.integrity)]);
    assert!(w.ids("廉洁会议").is_empty());
    assert!(w.ids("政廉").is_empty());
    // Keywords are ANDed.
    assert_eq!(w.ids("廉政 会议"), [s(x.meeting)]);
    assert!(w.ids("廉政 活动").is_empty());

    let (hits, _) = w.search(&query("专题会议"));
    let hit = &hits[0];
    assert_eq!(hit.kind, HitKind::Entry);
    assert_eq!(hit.field, "entry");
    assert_eq!(hit.date, day("2026-03-02"));
    assert_eq!(hit.unit_id, Some(w.unit_a));
    assert_eq!(hit.cadre_id, Some(w.principal_a));
    assert_eq!(
        hit.subject,
        Some(Subject::LeadershipTeam { unit_id: w.unit_a })
    );
    assert!(hit.obligation_id.is_some() && hit.problem_id.is_none());
    assert_eq!(hit.snippet, "召开党风廉政建设专题会议");

    // A personal entry carries its cadre's unit; a group's entry has none.
    let (hits, _) = w.search(&query("廉政准则"));
    assert_eq!(hits[0].unit_id, Some(w.unit_a));
    assert_eq!(
        hits[0].subject,
        Some(Subject::TeamMember {
            cadre_id: w.member_a
        })
    );
    let (hits, _) = w.search(&query("监督检查"));
    assert_eq!(hits[0].id, s(x.supervision));
    assert_eq!(
        (hits[0].unit_id, hits[0].cadre_id),
        (None, Some(w.inspector))
    );
    // A backfilled entry is found by its performed-on date.
    let (hits, _) = w.search(&query("民主生活会"));
    assert_eq!(hits[0].id, s(x.backfilled));
    assert_eq!(hits[0].date, day("2026-03-12"));
}

#[tokio::test]
async fn a_problem_is_found_by_any_step_of_its_rectification() {
    let w = World::new().await;
    let x = written(&w).await;
    let (hits, total) = w.search(&query("公务接待"));
    // The description (found 2 March) and the progress (7 March) both say it.
    let found: Vec<_> = hits.iter().map(|h| (h.field, h.date)).collect();
    assert_eq!(
        found,
        [
            ("progress", day("2026-03-07")),
            ("description", day("2026-03-02"))
        ]
    );
    assert_eq!(total, 2);
    for h in &hits {
        assert_eq!(h.kind, HitKind::Problem);
        assert_eq!(h.problem_id, Some(x.reception));
        assert_eq!(h.id, s(x.reception));
        assert_eq!((h.unit_id, h.cadre_id), (Some(w.unit_a), Some(w.member_a)));
        assert_eq!((h.subject, h.obligation_id), (None, None));
    }
    // Words only in the progress, the plan, the rejection, the requests, the conclusion.
    let fields = |k: &str| -> Vec<&'static str> {
        w.search(&query(k)).0.into_iter().map(|h| h.field).collect()
    };
    assert_eq!(fields("审批台账"), ["progress"]);
    assert_eq!(fields("整改方案"), ["plan"]);
    assert_eq!(fields("佐证材料"), ["summary", "reason"]);
    assert_eq!(fields("销号"), ["conclusion", "summary"]);
    assert_eq!(fields("同意"), ["conclusion"]);
    assert_eq!(fields("不规范"), ["description", "description"]);
    assert_eq!(w.ids("决策程序"), [s(x.decisions)]);
}

#[tokio::test]
async fn a_corrected_entry_is_found_by_its_new_text_and_a_withdrawn_one_not_at_all() {
    let w = World::new().await;
    let x = written(&w).await;
    assert!(w.ids("意识形态").is_empty());
    let (hits, _) = w.search(&query("巡察整改"));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, s(x.corrected));
    assert_eq!(hits[0].date, day("2026-03-04"), "the corrected date");
    assert_eq!(hits[0].snippet, "听取巡察整改工作汇报");
    // Only the new text's row: "汇报" was in both.
    assert_eq!(w.ids("汇报"), [s(x.corrected)]);
    assert!(w.ids("廉政谈话").is_empty());
    assert!(w.ids("组织").is_empty());
    assert!(!w.ids("谈").contains(&s(x.withdrawn)));
}

#[tokio::test]
async fn dates_kinds_and_pages_filter_and_the_total_counts_what_is_visible() {
    let w = World::new().await;
    let x = written(&w).await;
    let q = |from: Option<&str>, to: Option<&str>| SearchQuery {
        from: from.map(day),
        to: to.map(day),
        ..query("廉政")
    };
    let ids =
        |q: SearchQuery| -> Vec<String> { w.search(&q).0.into_iter().map(|h| h.id).collect() };
    // Each end included.
    assert_eq!(
        ids(q(Some("2026-03-05"), Some("2026-03-09"))),
        [s(x.decisions), s(x.rules)]
    );
    assert_eq!(ids(q(Some("2026-03-11"), None)), [s(x.literal)]);
    assert_eq!(ids(q(None, Some("2026-03-02"))), [s(x.meeting)]);
    assert!(ids(q(Some("2026-03-12"), None)).is_empty());

    let kinds = |kinds: Vec<HitKind>| SearchQuery {
        kinds,
        ..query("廉政")
    };
    assert_eq!(ids(kinds(vec![HitKind::Problem])), [s(x.decisions)]);
    assert_eq!(
        ids(kinds(vec![HitKind::Entry])),
        [s(x.literal), s(x.rules), s(x.meeting)]
    );
    assert_eq!(ids(kinds(vec![HitKind::Entry, HitKind::Problem])).len(), 4);

    // Pages of two: the total is every hit.
    let page = |offset| SearchQuery {
        limit: 2,
        offset,
        ..query("廉政")
    };
    let (first, total) = w.search(&page(0));
    assert_eq!(total, 4);
    let (second, total) = w.search(&page(2));
    assert_eq!(total, 4);
    let (third, total) = w.search(&page(4));
    assert_eq!((third.len(), total), (0, 4));
    let paged: Vec<_> = first.into_iter().chain(second).map(|h| h.id).collect();
    assert_eq!(paged, w.ids("廉政"));
    // A limit of 0 still counts.
    let (none, total) = w.search(&SearchQuery {
        limit: 0,
        ..query("廉政")
    });
    assert_eq!((none.len(), total), (0, 4));
}

#[tokio::test]
async fn the_scope_hides_hits_and_they_are_not_counted() {
    let w = World::new().await;
    let x = written(&w).await;
    let c = w.models.reader().unwrap();
    let hide_b = |h: &Hit| h.unit_id != Some(w.unit_b);
    let (hits, total) = search::search(&c, &query("廉政"), hide_b).unwrap();
    let ids: Vec<_> = hits.into_iter().map(|h| h.id).collect();
    assert_eq!(ids, [s(x.rules), s(x.meeting)]);
    assert_eq!(total, 2);
    // Hidden hits are not counted before the page either.
    let q = SearchQuery {
        limit: 1,
        offset: 1,
        ..query("廉政")
    };
    let (hits, total) = search::search(&c, &q, hide_b).unwrap();
    assert_eq!((hits[0].id.clone(), total), (s(x.meeting), 2));

    // The house rules: unit A's principal leader sees the team and its cadres, not unit
    // B, and not the discipline group's own entries; the group sees those too.
    let principal_a = Scope::Only(Visible {
        units: BTreeSet::from([w.unit_a]),
        groups: BTreeSet::new(),
        cadres: BTreeSet::from([w.principal_a, w.member_a]),
    });
    let sees = |scope: &Scope, k: &str| {
        let (hits, total) = search::search(&c, &query(k), |h| search::sees(scope, h)).unwrap();
        assert_eq!(total, hits.len());
        hits.into_iter().map(|h| h.id).collect::<Vec<_>>()
    };
    assert_eq!(sees(&principal_a, "廉政"), [s(x.rules), s(x.meeting)]);
    assert_eq!(sees(&principal_a, "公务接待").len(), 2);
    assert!(sees(&principal_a, "决策程序").is_empty());
    assert!(sees(&principal_a, "监督检查").is_empty());
    let group = Scope::Only(Visible {
        units: BTreeSet::from([w.unit_a]),
        groups: BTreeSet::from([w.group]),
        cadres: BTreeSet::from([w.principal_a, w.member_a, w.inspector]),
    });
    assert_eq!(sees(&group, "监督检查"), [s(x.supervision)]);
    // A team member sees their own entry; a problem naming them too.
    let member = Scope::Only(Visible {
        cadres: BTreeSet::from([w.member_a]),
        ..Visible::default()
    });
    assert_eq!(sees(&member, "廉政"), [s(x.rules)]);
    assert_eq!(sees(&member, "审批台账"), [s(x.reception)]);
    assert!(sees(&Scope::nothing(), "廉政").is_empty());
    assert_eq!(sees(&Scope::Everything, "廉政").len(), 4);
}

#[tokio::test]
async fn fts_syntax_in_a_keyword_is_plain_text() {
    let w = World::new().await;
    let x = written(&w).await;
    // Three keywords, each as written: "廉政" (quotes are separators), "or", "*".
    assert_eq!(w.ids("\"廉政\" OR *"), [s(x.literal)]);
    for k in [
        "a:b",
        "NEAR(",
        "NEAR(廉政 会议)",
        "\"",
        "\"\"",
        "*",
        "廉政*",
        "-廉政",
        "^廉政",
        "AND",
        "OR NOT",
        "terms:廉政",
        "{terms}:x",
        "(",
        ")",
        "廉政\"",
        "'",
        "+",
        "%",
        "_",
        // Characters the two tokenisers may class differently.
        "\u{0345}",
        "a\u{0301}",
        "①②",
        "ｰ",
        "🙂",
        "\u{FFFF}",
        "\u{E000}",
    ] {
        let found = search::search(&w.models.reader().unwrap(), &query(k), |_| true);
        assert!(found.is_ok(), "{k:?}: {found:?}");
    }
    // Operators lose their meaning: no prefix queries ("廉*" must occur as written)...
    assert!(w.ids("廉*").is_empty());
    assert!(w.ids("pd*").is_empty());
    // ...and punctuation beside a word only separates, as in the text.
    assert_eq!(w.ids("廉政*"), w.ids("廉政"));
    assert!(w.ids("NEAR(廉政 会议)").is_empty());
    assert!(w.ids("%").is_empty() && w.ids("_").is_empty());
}

#[tokio::test]
async fn ascii_is_case_and_width_insensitive_and_one_cjk_character_is_a_substring() {
    let w = World::new().await;
    let x = written(&w).await;
    for k in ["pdf", "PDF", "Pdf", "ＰＤＦ"] {
        assert_eq!(w.ids(k), [s(x.rules)], "{k}");
    }
    assert!(w.ids("pd").is_empty(), "ASCII words are whole");
    // One character, wherever it sits in a run: first, inside, last.
    assert_eq!(w.ids("召"), [s(x.meeting)]);
    assert_eq!(w.ids("察"), [s(x.corrected)]);
    assert_eq!(w.ids("议"), [s(x.meeting)]);
    assert_eq!(w.ids("PDF版"), [s(x.rules)]);
    // With other keywords, and inside dates and kinds.
    assert_eq!(w.ids("议 廉政"), [s(x.meeting)]);
    let q = SearchQuery {
        kinds: vec![HitKind::Problem],
        ..query("规")
    };
    assert_eq!(w.search(&q).1, 2);
    let (hits, _) = w.search(&query("廉"));
    assert_eq!(hits.len(), 5, "廉政 ×4 and 廉洁");
    assert!(hits.iter().all(|h| h.snippet.contains('廉')));
}

#[tokio::test]
async fn keywords_are_validated() {
    assert!(search::keyword_error("廉政").is_none());
    assert!(search::keyword_error("  \u{3000} ").is_some());
    assert!(search::keyword_error("").is_some());
    assert!(search::keyword_error(&"廉".repeat(100)).is_none());
    assert!(search::keyword_error(&"廉".repeat(101)).is_some());
    let w = World::new().await;
    w.caught_up().await;
    assert_eq!(w.search(&query(" ")), (vec![], 0));
}

/// Every row of every search table, in key order.
fn dump(c: &Connection) -> Vec<Vec<Vec<Value>>> {
    Search::TABLES
        .iter()
        .map(|t| {
            let mut stmt = c
                .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
                .unwrap();
            let columns = stmt.column_count();
            stmt.query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
                .unwrap()
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .unwrap()
        })
        .collect()
}

/// FTS5's own check of the index against search_docs (its content): a rebuild copies the
/// index's tables from its scratch file, and they must make a sound index there.
fn index_is_sound(models: &ReadModels) {
    let c = Connection::open(models.path()).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c.execute(
        "INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap();
    let indexed: i64 = c
        .query_row("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'kind : entry OR kind : problem'", [], |r| r.get(0))
        .unwrap();
    let rows: i64 = c
        .query_row("SELECT count(*) FROM search_docs", [], |r| r.get(0))
        .unwrap();
    assert!(rows > 0);
    assert_eq!(indexed, rows, "every row of search_docs is in the index");
    // The build from every row gathers 16 MiB of terms before writing a segment; the live
    // model's batches are back to FTS5's default afterwards.
    let hashsize: i64 = c
        .query_row(
            "SELECT coalesce((SELECT v FROM search_fts_config WHERE k = 'hashsize'), 1048576)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashsize, 1_048_576);
}

#[tokio::test]
async fn a_rebuild_from_zero_answers_the_same() {
    let w = World::new().await;
    written(&w).await;
    let dir = tempfile::tempdir().unwrap();
    let fresh = ReadModels::open(dir.path().join("rebuilt.views.db")).unwrap();
    let report = rebuild(w.store.clone(), &fresh, Arc::new(Search))
        .await
        .unwrap();
    assert_eq!(report.through, w.store.head().await.unwrap());
    assert_eq!(
        dump(&fresh.reader().unwrap()),
        dump(&w.models.reader().unwrap())
    );
    index_is_sound(&fresh);
    // And rebuilt in place, over the live tables, it still answers the same.
    let before: Vec<_> = [
        "廉政",
        "公务接待",
        "巡察整改",
        "意识形态",
        "议",
        "ＰＤＦ",
        "销号",
    ]
    .into_iter()
    .map(|k| w.search(&query(k)))
    .collect();
    assert_eq!(before[0].1, 4);
    rebuild(w.store.clone(), &w.models, Arc::new(Search))
        .await
        .unwrap();
    for (k, want) in [
        "廉政",
        "公务接待",
        "巡察整改",
        "意识形态",
        "议",
        "ＰＤＦ",
        "销号",
    ]
    .into_iter()
    .zip(&before)
    {
        assert_eq!(&w.search(&query(k)), want, "{k}");
        let rebuilt = search::search(&fresh.reader().unwrap(), &query(k), |_| true).unwrap();
        assert_eq!(&rebuilt, want, "{k}");
    }
}

/// Every scope of the tests' world: the commission's, unit A's principal leader's, the
/// discipline group's, a team member's, unit B's, nobody's, and one naming every unit,
/// group and cadre (which sees what the commission sees, but row by row).
fn scopes(w: &World) -> Vec<Scope> {
    let only = |units: &[UnitId], groups: &[GroupId], cadres: &[CadreId]| {
        Scope::Only(Visible {
            units: units.iter().copied().collect(),
            groups: groups.iter().copied().collect(),
            cadres: cadres.iter().copied().collect(),
        })
    };
    let (a, b) = (w.unit_a, w.unit_b);
    vec![
        Scope::Everything,
        only(&[a], &[], &[w.principal_a, w.member_a]),
        only(&[a], &[w.group], &[w.principal_a, w.member_a, w.inspector]),
        only(&[], &[], &[w.member_a]),
        only(&[b], &[], &[w.principal_b]),
        Scope::nothing(),
        only(
            &[a, b],
            &[w.group],
            &[w.principal_a, w.member_a, w.principal_b, w.inspector],
        ),
    ]
}

/// Queries of every shape: keywords the index answers alone, lone characters (read in the
/// texts), dates, kinds, pages.
fn queries() -> Vec<SearchQuery> {
    let mut out = Vec::new();
    for k in [
        "廉政",
        "整改",
        "汇报",
        "不规范",
        "销号",
        "佐证材料",
        "廉",
        "议 廉政",
        "规",
        "ＰＤＦ",
        "意识形态",
        "廉政谈话",
        "*",
        "民主生活会",
    ] {
        for (from, to) in [
            (None, None),
            (Some("2026-03-04"), Some("2026-03-04")),
            (Some("2026-03-03"), Some("2026-03-09")),
            (Some("2026-03-12"), None),
            (None, Some("2026-03-02")),
        ] {
            for kinds in [vec![], vec![HitKind::Entry], vec![HitKind::Problem]] {
                for (limit, offset) in [(100, 0), (1, 0), (1, 1), (2, 1), (0, 0), (5, 9)] {
                    out.push(SearchQuery {
                        from: from.map(day),
                        to: to.map(day),
                        kinds: kinds.clone(),
                        limit,
                        offset,
                        ..query(k)
                    });
                }
            }
        }
    }
    out
}

/// `search_as` answers as `search` with the house rules does, for every scope and query.
fn same_answers(w: &World, c: &Connection) {
    let everyone = scopes(w).pop().unwrap();
    for q in queries() {
        for scope in scopes(w) {
            let fast = search::search_as(c, &q, &scope).unwrap();
            let slow = search::search(c, &q, |h| search::sees(&scope, h)).unwrap();
            assert_eq!(fast, slow, "{q:?} as {scope:?}");
        }
        // The commission's total and page (counted in the index) are those of a reader
        // who sees every row (read row by row).
        assert_eq!(
            search::search_as(c, &q, &Scope::Everything).unwrap(),
            search::search_as(c, &q, &everyone).unwrap(),
            "{q:?}"
        );
    }
}

#[tokio::test]
async fn a_scope_answers_as_the_house_rules_and_the_commission_as_one_who_sees_every_row() {
    let w = World::new().await;
    let x = written(&w).await;
    same_answers(&w, &w.models.reader().unwrap());
    let c = w.models.reader().unwrap();
    let all = |k: &str| search::search_as(&c, &query(k), &Scope::Everything).unwrap();
    // Not the withdrawn "组织廉政谈话", nor the corrected entry's old text.
    assert_eq!(all("廉政").1, 4);
    assert_eq!(all("廉政谈话"), (vec![], 0));
    assert_eq!(all("意识形态"), (vec![], 0));
    // The corrected entry, moved from 3 to 4 March, is found once, in its new place: after
    // the plan of 4 March (written before the correction), before the entry of 5 March.
    let (hits, total) = all("汇报");
    assert_eq!((hits.len(), total), (1, 1));
    assert_eq!(
        (hits[0].id.clone(), hits[0].date),
        (s(x.corrected), day("2026-03-04"))
    );
    let on = |from: &str, to: &str| SearchQuery {
        from: Some(day(from)),
        to: Some(day(to)),
        ..query("汇报")
    };
    let found = |q: SearchQuery| search::search_as(&c, &q, &Scope::Everything).unwrap().1;
    assert_eq!(found(on("2026-03-03", "2026-03-03")), 0);
    assert_eq!(found(on("2026-03-04", "2026-03-04")), 1);
    let (hits, _) = all("整改");
    let order: Vec<_> = hits.iter().map(|h| (h.date, h.field)).collect();
    assert_eq!(
        order,
        [
            (day("2026-03-13"), "summary"),
            (day("2026-03-04"), "entry"),
            (day("2026-03-04"), "plan"),
        ]
    );
}

#[tokio::test]
async fn after_a_rebuild_in_place_the_index_keeps_its_keys() {
    let w = World::new().await;
    written(&w).await;
    rebuild(w.store.clone(), &w.models, Arc::new(Search))
        .await
        .unwrap();
    let c = w.models.reader().unwrap();
    same_answers(&w, &c);
    assert_eq!(
        search::search_as(&c, &query("廉政"), &Scope::Everything)
            .unwrap()
            .1,
        4
    );
    // Written after the rebuild, dated before every other hit: still placed by its date.
    let team_a = w
        .task(Subject::LeadershipTeam { unit_id: w.unit_a }, "2026-12-31")
        .await;
    let early = w
        .record(
            team_a,
            w.principal_a,
            "2026-03-21T10:00:00+08:00",
            "2026-03-01",
            "廉政教育",
        )
        .await;
    w.caught_up().await;
    let (hits, total) = search::search_as(&c, &query("廉政"), &Scope::Everything).unwrap();
    assert_eq!(total, 5);
    assert_eq!(hits.last().unwrap().id, s(early));
    same_answers(&w, &c);
    index_is_sound(&w.models);
}
