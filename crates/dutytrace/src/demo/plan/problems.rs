//! The demo's problem ledger (问题台账): about thirty problems found by inspection tours
//! (巡察), audits and supervision from February to June, registered by the commission
//! (`jiwei`) or by the discipline group stationed in the unit (its head's login), then
//! rectified by the unit's principal leader — a plan, progress with evidence, a closing
//! request — and verified: most closed in time, some after one rejection, a few closed
//! late, a few still open past their rectify-by date at the demo's now (the deadline
//! watcher reminds them as soon as the demo serves), the youngest still under way. Drawn
//! from their own seeded RNG, so the rest of the plan is unchanged.

use super::logins::cadre_username;
use super::org::place;
use super::schedule::{instant, is_workday, near_workday};
use super::{District, SEED, YEAR, id, now};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::events::Attachment;
use domain::ids::{CadreId, ProblemId};
use domain::org::CadreDuty;
use domain::problem::{
    CloseProblem, DEFAULT_TYPES, PlanRectification, ProblemActor, ProblemCommand, ProblemSource,
    RecordProgress, RegisterProblem, RejectClosing, RequestClosing, Severity,
};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

/// Where a problem stands at the demo's now, short of closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Registered,
    Planned,
    Rectifying,
    Submitted,
    Rejected,
}

/// How a problem's rectification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Closed by its rectify-by date, after one rejection if `rejected`.
    InTime { rejected: bool },
    /// Closed after its rectify-by date.
    Late { rejected: bool },
    /// Still open at the demo's now, its rectify-by date passed.
    Overdue(Stage),
    /// Still open at the demo's now, its rectify-by date ahead.
    UnderWay(Stage),
}

/// The problems, by outcome (30 in all).
const OUTCOMES: [(Outcome, usize); 12] = [
    (Outcome::InTime { rejected: false }, 15),
    (Outcome::InTime { rejected: true }, 4),
    (Outcome::Late { rejected: false }, 2),
    (Outcome::Late { rejected: true }, 1),
    (Outcome::Overdue(Stage::Registered), 1),
    (Outcome::Overdue(Stage::Planned), 1),
    (Outcome::Overdue(Stage::Rectifying), 1),
    (Outcome::Overdue(Stage::Rejected), 1),
    (Outcome::UnderWay(Stage::Planned), 1),
    (Outcome::UnderWay(Stage::Rectifying), 1),
    (Outcome::UnderWay(Stage::Submitted), 1),
    (Outcome::UnderWay(Stage::Rectifying), 1),
];

/// Descriptions by type key; `{}` is the unit's place.
const DESCRIPTIONS: [(&str, &[&str]); 6] = [
    (
        "main_responsibility",
        &[
            "{}领导班子履行全面从严治党主体责任不到位，年度专题研究党风廉政建设少于规定次数",
            "{}班子成员“一岗双责”落实不力，分管领域廉政谈话未按要求开展",
        ],
    ),
    (
        "eight_provisions",
        &[
            "{}公务接待管理不规范，存在无公函接待、陪餐人数超标情况",
            "{}公务用车管理不严，车辆使用登记不全，存在节假日公车私用苗头",
            "{}违规发放津补贴，年终以考核奖名义发放无依据补助",
        ],
    ),
    (
        "personnel_selection",
        &[
            "{}干部选拔任用程序不规范，个别岗位动议环节缺少会议记录",
            "{}干部人事档案审核不严，个别干部“三龄两历”认定有误",
        ],
    ),
    (
        "integrity_risk",
        &[
            "{}重点岗位廉政风险点排查不全面，防控措施多年未更新",
            "{}工程项目招投标环节监管缺失，存在拆分发包规避招标情况",
        ],
    ),
    (
        "financial_management",
        &[
            "{}专项资金使用不规范，存在超范围列支、挤占挪用情况",
            "{}固定资产管理混乱，资产台账与实物不符",
            "{}往来款项长期挂账未清理，财务报销审核把关不严",
        ],
    ),
    (
        "other",
        &[
            "{}“三重一大”事项集体决策记录不完整，个别事项未经集体研究",
            "{}意识形态工作责任制落实不到位，阵地管理存在薄弱环节",
        ],
    ),
];

const PLANS: [&str; 3] = [
    "召开专题民主生活会剖析问题根源，制定整改措施清单，明确责任人和完成时限",
    "成立整改工作专班，由主要负责人牵头，逐条建立问题、任务、责任清单",
    "对照问题清单逐项制定整改措施，修订完善相关制度，按月报送整改进展",
];
const PROGRESS: [&str; 4] = [
    "已召开党组（党委）会专题研究，完成问题自查自纠，相关责任人作出书面检查",
    "已修订完善相关管理制度并印发执行，组织全体干部开展专题学习",
    "已完成违规款项清退和账目调整，建立常态化监督检查机制",
    "已开展专项排查，对发现的问题逐一登记整改，整改情况在班子会上通报",
];
const EVIDENCE: [&str; 4] = [
    "整改情况报告.pdf",
    "专题会议纪要.pdf",
    "制度修订文件.pdf",
    "退款凭证.jpg",
];
const SUMMARIES: [&str; 2] = [
    "各项整改措施已落实到位，相关制度已建立并执行，申请销号",
    "问题已全部整改完毕，佐证材料齐全，申请验收销号",
];
const REASONS: [&str; 2] = [
    "佐证材料不充分，制度执行情况缺少证明，请补充后再申请",
    "整改不彻底，同类问题仍有发生，请深化整改",
];
const CONCLUSIONS: [&str; 2] = [
    "经核查，整改措施落实到位，佐证材料齐全，同意销号",
    "经实地检查和查阅资料，问题已整改完毕，同意销号",
];

/// One planned problem step: when, by which login, acting as what, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedProblem {
    pub at: DateTime<Utc>,
    /// The acting login's username: `jiwei`, a group head's or a principal's `cNNN`.
    pub username: String,
    pub actor: ProblemActor,
    pub command: ProblemCommand,
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).unwrap_or_default()
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

fn minus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(days)).unwrap_or(d)
}

fn between(rng: &mut impl Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0).unsigned_abs();
    plus(from, rng.random_range(0..=span))
}

/// `n` working days after `from`, strictly increasing, spread evenly up to `last` (the
/// last of them, if a working day and there is room).
fn spread(from: NaiveDate, last: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let span = (last - from).num_days().max(0).unsigned_abs();
    let mut out: Vec<NaiveDate> = Vec::with_capacity(n);
    for i in 0..n {
        let prev = out.last().copied().unwrap_or(from);
        let target = plus(from, span * (i as u64 + 1) / n as u64).max(plus(prev, 1));
        let mut d = target;
        while !is_workday(d) && d < last {
            d = plus(d, 1);
        }
        out.push(d);
    }
    out
}

fn pick(rng: &mut StdRng, texts: &[&str]) -> String {
    texts.choose(rng).copied().unwrap_or_default().to_owned()
}

fn progress(rng: &mut StdRng, problem_id: ProblemId, n: usize) -> ProblemCommand {
    ProblemCommand::Progress(RecordProgress {
        problem_id,
        text: pick(rng, &PROGRESS),
        attachments: vec![Attachment {
            // Stands for the file's digest: distinct per entry, the same every time.
            sha256: format!(
                "{:032x}{:032x}",
                problem_id.uuid().as_u128(),
                id(&format!("evidence-{problem_id}-{n}")).as_u128()
            ),
            file_name: pick(rng, &EVIDENCE),
        }],
    })
}

/// The steps after registration for `outcome`, each marked `true` if the verifier's (a
/// rejection, the closing) and `false` if the unit's.
fn path(rng: &mut StdRng, problem_id: ProblemId, outcome: Outcome) -> Vec<(bool, ProblemCommand)> {
    let request = |rng: &mut StdRng| {
        ProblemCommand::RequestClosing(RequestClosing {
            problem_id,
            summary: pick(rng, &SUMMARIES),
        })
    };
    let mut steps = vec![
        (
            false,
            ProblemCommand::Plan(PlanRectification {
                problem_id,
                plan: pick(rng, &PLANS),
            }),
        ),
        (false, progress(rng, problem_id, 1)),
    ];
    if rng.random_bool(0.4) {
        steps.push((false, progress(rng, problem_id, 2)));
    }
    let (closes, rejected, stage) = match outcome {
        Outcome::InTime { rejected } | Outcome::Late { rejected } => (true, rejected, None),
        Outcome::Overdue(s) | Outcome::UnderWay(s) => (false, s == Stage::Rejected, Some(s)),
    };
    steps.push((false, request(rng)));
    if rejected {
        let reason = pick(rng, &REASONS);
        steps.push((
            true,
            ProblemCommand::Reject(RejectClosing { problem_id, reason }),
        ));
        if closes {
            steps.push((false, progress(rng, problem_id, 3)));
            steps.push((false, request(rng)));
        }
    }
    if closes {
        let conclusion = pick(rng, &CONCLUSIONS);
        steps.push((
            true,
            ProblemCommand::Close(CloseProblem {
                problem_id,
                conclusion,
            }),
        ));
    }
    let keep = match stage {
        None | Some(Stage::Rejected | Stage::Submitted) => steps.len(),
        Some(Stage::Registered) => 0,
        Some(Stage::Planned) => 1,
        // The plan and its progress entries, short of the closing request.
        Some(Stage::Rectifying) => steps.len() - 1,
    };
    steps.truncate(keep);
    steps
}

/// Every problem step, in the order of its instant.
pub fn problems(d: &District) -> Vec<PlannedProblem> {
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x0B1E);
    let login = |duty: CadreDuty| {
        d.cadres
            .iter()
            .position(|c| c.duty == duty)
            .map(cadre_username)
    };
    let mut outcomes: Vec<Outcome> = OUTCOMES
        .iter()
        .flat_map(|&(o, n)| std::iter::repeat_n(o, n))
        .collect();
    outcomes.shuffle(&mut rng);
    let last = day(7, 30);
    let mut out = Vec::new();
    for (n, outcome) in outcomes.into_iter().enumerate() {
        let Some(unit) = d.units.choose(&mut rng) else {
            break;
        };
        let unit_id = unit.unit_id;
        let Some(group) = d.groups.iter().find(|g| g.stationed_in.contains(&unit_id)) else {
            continue;
        };
        let (Some(head), Some(principal)) = (
            login(CadreDuty::DisciplineGroup {
                group_id: group.group_id,
            }),
            login(CadreDuty::PrincipalLeader { unit_id }),
        ) else {
            continue;
        };
        let stationed = ProblemActor::Group {
            group_id: group.group_id,
            stationed_in: group.stationed_in.clone(),
        };
        let by_group = rng.random_bool(0.6);
        let (registrar, source) = if by_group {
            ((head, stationed), ProblemSource::Supervision)
        } else if rng.random_bool(0.7) {
            (
                ("jiwei".to_owned(), ProblemActor::Commission),
                ProblemSource::Inspection,
            )
        } else {
            (
                ("jiwei".to_owned(), ProblemActor::Commission),
                ProblemSource::Audit,
            )
        };
        // A serious problem found by a group is sometimes verified by the commission.
        let verifier = if by_group && rng.random_bool(0.25) {
            ("jiwei".to_owned(), ProblemActor::Commission)
        } else {
            registrar.clone()
        };
        let rectifier = (
            principal,
            ProblemActor::Cadre {
                cadre_id: d
                    .cadres
                    .iter()
                    .find(|c| c.duty == CadreDuty::PrincipalLeader { unit_id })
                    .map(|c| c.cadre_id)
                    .unwrap_or(CadreId(id("none"))),
                duty: Some(CadreDuty::PrincipalLeader { unit_id }),
            },
        );
        let cadre_id = if rng.random_bool(0.3) {
            let members: Vec<_> = d
                .cadres
                .iter()
                .filter(|c| c.duty == CadreDuty::TeamMember { unit_id })
                .collect();
            members.choose(&mut rng).map(|c| c.cadre_id)
        } else {
            None
        };
        let (found_from, found_to) = match outcome {
            Outcome::InTime { .. } => (day(2, 2), day(5, 31)),
            Outcome::Late { .. } => (day(2, 2), day(4, 30)),
            Outcome::Overdue(_) => (day(2, 2), day(5, 10)),
            Outcome::UnderWay(_) => (day(5, 20), day(6, 30)),
        };
        let found_on = between(&mut rng, found_from, found_to);
        let registered_on = near_workday(plus(found_on, rng.random_range(0..=3)), found_on, last);
        let months = *[30, 45, 60].choose(&mut rng).unwrap_or(&60);
        let rectify_by = match outcome {
            Outcome::InTime { .. } => {
                plus(found_on, if rng.random_bool(0.3) { 90 } else { months })
            }
            Outcome::Late { .. } | Outcome::Overdue(_) => plus(found_on, months),
            Outcome::UnderWay(_) => plus(found_on, 60).max(day(8, 3)),
        };
        // The day of the last step.
        let end = match outcome {
            Outcome::InTime { .. } => {
                let end = minus(rectify_by.min(last), rng.random_range(0..=10));
                near_workday(end, registered_on, end)
            }
            Outcome::Late { .. } => near_workday(
                plus(rectify_by, rng.random_range(3..=30)).min(last),
                plus(rectify_by, 1),
                last,
            ),
            Outcome::Overdue(_) => {
                let end = minus(rectify_by, rng.random_range(0..=5));
                near_workday(end, registered_on, end)
            }
            Outcome::UnderWay(_) => {
                let end = minus(last, rng.random_range(0..=10));
                near_workday(end, registered_on, end)
            }
        };
        let problem_id = ProblemId(id(&format!("problem-{n}")));
        let (type_key, texts) = *DESCRIPTIONS.choose(&mut rng).unwrap_or(&DESCRIPTIONS[0]);
        debug_assert!(DEFAULT_TYPES.iter().any(|(k, _)| *k == type_key));
        let description = pick(&mut rng, texts).replace("{}", &place(&unit.name));
        let severity = match rng.random_range(0..20) {
            0..10 => Severity::Minor,
            10..17 => Severity::Moderate,
            _ => Severity::Serious,
        };
        out.push(PlannedProblem {
            at: instant(&mut rng, registered_on),
            username: registrar.0.clone(),
            actor: registrar.1.clone(),
            command: ProblemCommand::Register(RegisterProblem {
                problem_id,
                unit_id,
                cadre_id,
                source,
                type_key: type_key.to_owned(),
                severity,
                description,
                found_on,
                rectify_by,
            }),
        });
        let steps = path(&mut rng, problem_id, outcome);
        let days = spread(registered_on, end, steps.len());
        for ((verifies, command), on) in steps.into_iter().zip(days) {
            let (username, actor) = if verifies { &verifier } else { &rectifier };
            out.push(PlannedProblem {
                at: instant(&mut rng, on),
                username: username.clone(),
                actor: actor.clone(),
                command,
            });
        }
    }
    out.retain(|p| p.at <= now());
    out.sort_by_key(|p| p.at);
    out
}

#[cfg(test)]
mod tests {
    use super::super::Plan;
    use super::*;
    use domain::aggregate::Aggregate;
    use domain::calendar::local_date;
    use domain::light::Light;
    use domain::problem::{ProblemAggregate, ProblemContext, ProblemState, default_types, light};
    use std::collections::BTreeMap;

    /// Every step is allowed by the domain's rules at its instant, by its actor.
    #[test]
    fn every_step_is_valid_at_its_instant() {
        let plan = Plan::build();
        let mut states: BTreeMap<ProblemId, Option<ProblemState>> = BTreeMap::new();
        for p in &plan.problems {
            let mut ctx = ProblemContext::of(p.actor.clone());
            if let ProblemCommand::Register(r) = &p.command {
                ctx.unit_known = true;
                ctx.cadre_duty = r.cadre_id.and_then(|c| {
                    plan.district
                        .cadres
                        .iter()
                        .find(|x| x.cadre_id == c)
                        .map(|x| x.duty)
                });
                ctx.types = default_types();
            }
            let state = states.entry(p.command.problem_id()).or_default();
            let events = ProblemAggregate::decide(state, p.command.clone(), &ctx, p.at)
                .unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
            for e in &events {
                ProblemAggregate::evolve(state, e);
            }
        }
        assert!((25..=35).contains(&states.len()), "{}", states.len());
    }

    #[test]
    fn some_are_overdue_some_closed_late_and_most_closed_in_time() {
        let plan = Plan::build();
        let mut due = BTreeMap::new();
        let mut closed = BTreeMap::new();
        for p in &plan.problems {
            assert!(p.at <= now());
            match &p.command {
                ProblemCommand::Register(r) => {
                    assert!((2..=6).contains(&chrono::Datelike::month(&r.found_on)));
                    due.insert(r.problem_id, r.rectify_by);
                }
                ProblemCommand::Close(c) => {
                    closed.insert(c.problem_id, p.at);
                }
                _ => {}
            }
        }
        let mut lights: BTreeMap<Light, usize> = BTreeMap::new();
        for (id, rectify_by) in &due {
            let l = light(*rectify_by, closed.get(id).copied(), now());
            *lights.entry(l).or_default() += 1;
            if l == Light::Orange {
                assert!(local_date(closed[id]) > *rectify_by);
            }
        }
        let count = |l: Light| lights.get(&l).copied().unwrap_or_default();
        assert!(count(Light::Red) >= 3, "{lights:?}");
        assert!(count(Light::Orange) >= 2, "{lights:?}");
        assert!(count(Light::Green) * 2 > due.len(), "{lights:?}");
        assert!(
            count(Light::Yellow) + count(Light::Pending) > 0,
            "{lights:?}"
        );
        // Some were rejected once before they were closed.
        let rejected = plan
            .problems
            .iter()
            .filter(|p| matches!(p.command, ProblemCommand::Reject(_)))
            .count();
        assert!(rejected >= 3, "{rejected}");
        assert!(plan.problems.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
