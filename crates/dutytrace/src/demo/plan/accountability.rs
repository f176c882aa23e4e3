//! The demo's accountability (问责) and what follows from it, drawn from the facts of the
//! plan itself:
//! - the year's assessment rules (考核规则), set by the commission (`jiwei`) on 5 January;
//! - admonishment talks (约谈): the discipline group stationed in a unit, by its head's
//!   login, talks with the principal leader of three units whose problems went past their
//!   rectify-by date — two still open, one closed late — citing those problems;
//! - decisions (问责决定) by the commission in June: circulated criticism (通报批评) of the
//!   unit whose problem had been overdue longest, a written self-examination (书面检查) of
//!   the next, and circulated criticism of the cadre who filed a wedding the fewest days
//!   ahead, each citing its problems or filing and recording the measure the default rule
//!   table proposed for its target then (as the proposals page would have shown it: the
//!   facts are counted from the plan as the board, the ledger and the filings register
//!   count them);
//! - circulars (通报): the second quarter's, drafted on 10 July from the overdue problems
//!   and the decisions (names frozen), revised on 13 July and published on 15 July; and
//!   July's, drafted on 30 July from the red lights and left a draft.
//!
//! Instants come from their own seeded RNG, so the rest of the plan is unchanged.

use super::filings::PlannedFiling;
use super::list::{ITEMS, duty_item, item_id, list_id};
use super::logins::cadre_username;
use super::oversight::title;
use super::problems::PlannedProblem;
use super::schedule::{instant, near_workday};
use super::{District, Entry, SEED, YEAR, id, now, setup};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::accountability::{
    AccountabilityCommand, Basis, DecideAccountability, Facts, Measure, RecordTalk, Target,
    default_rules, propose,
};
use domain::assessment::{AssessmentCommand, AssessmentRules};
use domain::cadre::RegisterCadre;
use domain::calendar::{Cadence, DeadlineRule, Period, local_date};
use domain::circular::{CircularCommand, CircularItem, CircularText, ItemKind, default_title};
use domain::filing::{FamilyEventKind, FilingCommand, family_event_timeliness, travel_timeliness};
use domain::ids::{CadreId, CircularId, DecisionId, FilingId, ObligationId, ProblemId, UnitId};
use domain::light::{EntryFact, Light};
use domain::obligation::Source;
use domain::org::{CadreDuty, Subject};
use domain::problem::{ProblemActor, ProblemCommand};
use domain::task::SetKeyTask;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// The commission's login.
const COMMISSION: &str = "jiwei";
/// Talks held, at most.
const TALKS: usize = 3;
/// The days the decisions are taken on (the nearest working day): the two units', then the
/// cadre's.
const DECIDED: [(u32, u32); 3] = [(6, 11), (6, 17), (6, 24)];
/// The quarter the published circular covers, and when it is drafted, revised, published.
const QUARTER: ((u32, u32), (u32, u32)) = ((4, 1), (6, 30));
const DRAFTED: (u32, u32) = (7, 10);
const REVISED: (u32, u32) = (7, 13);
const PUBLISHED: (u32, u32) = (7, 15);
/// July's circular, drafted and left a draft, with at most this many red lights.
const JULY_DRAFTED: (u32, u32) = (7, 30);
const JULY_ITEMS: usize = 4;

/// What a planned step asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// 问责决定 or 约谈.
    Accountability(AccountabilityCommand),
    /// 通报: draft, revise, publish.
    Circular(CircularCommand),
    /// 考核规则.
    Assessment(AssessmentCommand),
}

/// One planned step: when, by which login, acting as what, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub at: DateTime<Utc>,
    /// The acting login's username: `jiwei`, or a group head's `cNNN` for a talk.
    pub username: String,
    pub actor: ProblemActor,
    pub action: Action,
}

impl Planned {
    fn commission(at: DateTime<Utc>, action: Action) -> Self {
        Self {
            at,
            username: COMMISSION.to_owned(),
            actor: ProblemActor::Commission,
            action,
        }
    }

    /// The id of the record it writes: the decision's, the talk's or the circular's (none
    /// for the assessment, whose stream is the year's).
    pub fn record_id(&self) -> Option<uuid::Uuid> {
        match &self.action {
            Action::Accountability(c) => Some(c.id().uuid()),
            Action::Circular(c) => Some(c.circular_id().uuid()),
            Action::Assessment(_) => None,
        }
    }
}

fn day((m, d): (u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).unwrap_or_default()
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

/// "2026年3月8日"
fn long(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// "3月8日"
fn short(d: NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

/// A text in quotation marks, the quotation marks inside it made single.
fn quoted(text: &str) -> String {
    format!("“{}”", text.replace('“', "‘").replace('”', "’"))
}

/// Whole days from `from` to `to`.
fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// One obligation of the district: whose, due when, needing how many entries, what.
#[derive(Debug, Clone)]
struct Due {
    subject: Subject,
    obligation_id: ObligationId,
    deadline: NaiveDate,
    required: u32,
    what: String,
}

/// A problem, as the proposals count it.
#[derive(Debug, Clone)]
struct Problem {
    problem_id: ProblemId,
    unit_id: UnitId,
    cadre_id: Option<CadreId>,
    description: String,
    rectify_by: NaiveDate,
    registered_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

/// A filing, as the proposals count it.
#[derive(Debug, Clone)]
struct Filing {
    filing_id: FilingId,
    cadre_id: CadreId,
    filed_at: DateTime<Utc>,
    days_late: u32,
    /// A family event's kind and date.
    family: Option<(FamilyEventKind, NaiveDate)>,
}

/// What the plan knows that the proposals of graded accountability count: every obligation
/// of the list and the key tasks (as [`super::schedule::entries`] derives them), with its
/// entries; the problems; the filings.
#[derive(Debug)]
struct Known<'a> {
    d: &'a District,
    /// Each cadre's unit (none for a group's head).
    units: HashMap<CadreId, UnitId>,
    obligations: Vec<Due>,
    entries: HashMap<ObligationId, Vec<EntryFact>>,
    problems: Vec<Problem>,
    filings: Vec<Filing>,
}

impl<'a> Known<'a> {
    fn new(
        d: &'a District,
        tasks: &[SetKeyTask],
        entries: &[Entry],
        problems: &[PlannedProblem],
        filings: &[PlannedFiling],
    ) -> Self {
        let mut obligations = Vec::new();
        for owner in d.owners() {
            for (n, spec) in ITEMS.iter().enumerate() {
                if spec.kind != owner.subject.kind() {
                    continue;
                }
                let source = Source::ListItem {
                    list_id: list_id(),
                    item_id: item_id(n),
                };
                let rule = duty_item(n, spec).deadline;
                for period in Period::all(YEAR, spec.cadence) {
                    obligations.push(Due {
                        subject: owner.subject,
                        obligation_id: ObligationId::derive(&source, &owner.subject, &period),
                        deadline: rule.deadline(&period),
                        required: spec.required,
                        what: spec.content.to_owned(),
                    });
                }
            }
        }
        for t in tasks {
            let source = Source::KeyTask { task_id: t.task_id };
            let period = Period::all(YEAR, Cadence::Once)[0];
            obligations.push(Due {
                subject: t.subject,
                obligation_id: ObligationId::derive(&source, &t.subject, &period),
                deadline: DeadlineRule::FixedDate { date: t.deadline }.deadline(&period),
                required: 1,
                what: t.target.clone(),
            });
        }
        let mut by_obligation: HashMap<ObligationId, Vec<EntryFact>> = HashMap::new();
        for e in entries {
            by_obligation
                .entry(e.obligation_id)
                .or_default()
                .push(EntryFact {
                    recorded_at: e.at,
                    backfill: e.late(),
                    withdrawn_at: None,
                });
        }
        let mut found = Vec::new();
        for p in problems {
            match &p.command {
                ProblemCommand::Register(r) => found.push(Problem {
                    problem_id: r.problem_id,
                    unit_id: r.unit_id,
                    cadre_id: r.cadre_id,
                    description: r.description.clone(),
                    rectify_by: r.rectify_by,
                    registered_at: p.at,
                    closed_at: None,
                }),
                ProblemCommand::Close(c) => {
                    if let Some(f) = found.iter_mut().find(|f| f.problem_id == c.problem_id) {
                        f.closed_at = Some(p.at);
                    }
                }
                _ => {}
            }
        }
        let filings = filings
            .iter()
            .filter_map(|f| {
                let filed_on = local_date(f.at);
                let (filing_id, timeliness, family) = match &f.command {
                    FilingCommand::FileTravel(t) => {
                        (t.filing_id, travel_timeliness(&t.travel, filed_on), None)
                    }
                    FilingCommand::FileFamilyEvent(e) => (
                        e.filing_id,
                        family_event_timeliness(e.event.date, filed_on),
                        Some((e.event.kind, e.event.date)),
                    ),
                    _ => return None,
                };
                Some(Filing {
                    filing_id,
                    cadre_id: f.cadre,
                    filed_at: f.at,
                    days_late: timeliness.days_late,
                    family,
                })
            })
            .collect();
        let units = d
            .cadres
            .iter()
            .filter_map(|c| match c.duty {
                CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
                    Some((c.cadre_id, unit_id))
                }
                CadreDuty::DisciplineGroup { .. } => None,
            })
            .collect();
        Self {
            d,
            units,
            obligations,
            entries: by_obligation,
            problems: found,
            filings,
        }
    }

    fn unit_of(&self, cadre: CadreId) -> Option<UnitId> {
        self.units.get(&cadre).copied()
    }

    fn unit_name(&self, unit: UnitId) -> &str {
        self.d
            .units
            .iter()
            .find(|u| u.unit_id == unit)
            .map_or("", |u| u.name.as_str())
    }

    fn cadre(&self, cadre: CadreId) -> Option<&RegisterCadre> {
        self.d.cadres.iter().find(|c| c.cadre_id == cadre)
    }

    /// The unit's principal leader.
    fn principal(&self, unit_id: UnitId) -> Option<&RegisterCadre> {
        self.d
            .cadres
            .iter()
            .find(|c| c.duty == CadreDuty::PrincipalLeader { unit_id })
    }

    /// The discipline group stationed in the unit, as its head acts, its head, and the
    /// head's login.
    fn group_of(&self, unit: UnitId) -> Option<(ProblemActor, &RegisterCadre, String)> {
        let g = self
            .d
            .groups
            .iter()
            .find(|g| g.stationed_in.contains(&unit))?;
        let (n, head) = self.d.cadres.iter().enumerate().find(|(_, c)| {
            c.duty
                == CadreDuty::DisciplineGroup {
                    group_id: g.group_id,
                }
        })?;
        let actor = ProblemActor::Group {
            group_id: g.group_id,
            stationed_in: g.stationed_in.clone(),
        };
        Some((actor, head, cadre_username(n)))
    }

    /// The unit's problems overdue by `as_of` (see [`Known::overdue`]).
    fn overdue_of(&self, unit: UnitId, as_of: DateTime<Utc>) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(move |p| p.unit_id == unit && Self::overdue(p, as_of))
    }

    /// What the default rule table proposes for `target` at `as_of`.
    fn proposed(&self, target: Target, as_of: DateTime<Utc>) -> Option<Measure> {
        let facts = self.facts(target.unit_id(), target.cadre_id(), as_of);
        propose(&default_rules(), target.kind(), facts).map(|p| p.measure)
    }

    /// The obligation's light at `as_of`.
    fn light(&self, o: &Due, as_of: DateTime<Utc>) -> Light {
        let facts = self
            .entries
            .get(&o.obligation_id)
            .map_or(&[][..], Vec::as_slice);
        domain::light::light(o.deadline, o.required, facts, as_of)
    }

    /// Whether the obligation went red by `as_of` (red then, or orange).
    fn went_red(&self, o: &Due, as_of: DateTime<Utc>) -> bool {
        matches!(self.light(o, as_of), Light::Red | Light::Orange)
    }

    /// The unit's place in the district's order.
    fn unit_index(&self, unit: UnitId) -> usize {
        self.d
            .units
            .iter()
            .position(|u| u.unit_id == unit)
            .unwrap_or(usize::MAX)
    }

    /// Whether the problem was registered by `as_of` and went overdue by then (red then, or
    /// orange: closed after its rectify-by date).
    fn overdue(p: &Problem, as_of: DateTime<Utc>) -> bool {
        p.registered_at <= as_of
            && matches!(
                domain::problem::light(p.rectify_by, p.closed_at.filter(|c| *c <= as_of), as_of),
                Light::Red | Light::Orange
            )
    }

    /// The facts of a unit (`cadre` None) or one of its cadres as of `as_of`.
    fn facts(&self, unit: UnitId, cadre: Option<CadreId>, as_of: DateTime<Utc>) -> Facts {
        let mine = |subject: &Subject| match (cadre, subject) {
            (None, Subject::LeadershipTeam { unit_id }) => *unit_id == unit,
            (None, s) => s.cadre().and_then(|c| self.unit_of(c)) == Some(unit),
            (Some(c), s) => s.cadre() == Some(c),
        };
        let red_lights = self
            .obligations
            .iter()
            .filter(|o| mine(&o.subject) && self.went_red(o, as_of))
            .count();
        let overdue_problems = self
            .problems
            .iter()
            .filter(|p| match cadre {
                None => p.unit_id == unit,
                Some(c) => p.cadre_id == Some(c),
            })
            .filter(|p| Self::overdue(p, as_of))
            .count();
        let late_filings = self
            .filings
            .iter()
            .filter(|f| f.filed_at <= as_of && f.days_late > 0)
            .filter(|f| match cadre {
                None => self.unit_of(f.cadre_id) == Some(unit),
                Some(c) => f.cadre_id == c,
            })
            .count();
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Facts {
            red_lights: n(red_lights),
            overdue_problems: n(overdue_problems),
            late_filings: n(late_filings),
        }
    }
}

/// A talk held, for the decisions that follow it.
#[derive(Debug, Clone)]
struct Held {
    unit_id: UnitId,
    at: DateTime<Utc>,
}

/// A decision taken, for the circular.
#[derive(Debug, Clone)]
struct Decided {
    decision: DecideAccountability,
    on: NaiveDate,
}

/// Every step, in the order of its instant.
pub fn accountability(
    d: &District,
    tasks: &[SetKeyTask],
    entries: &[Entry],
    problems: &[PlannedProblem],
    filings: &[PlannedFiling],
) -> Vec<Planned> {
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x0ACC);
    let k = Known::new(d, tasks, entries, problems, filings);
    let mut out = vec![Planned::commission(
        setup(90),
        Action::Assessment(AssessmentCommand::SetRules {
            year: YEAR,
            rules: AssessmentRules::default(),
        }),
    )];
    let held = talks(&mut rng, &k, &mut out);
    let decided = decisions(&mut rng, &k, &held, &mut out);
    quarter_circular(&mut rng, &k, &decided, &mut out);
    july_circular(&mut rng, &k, &mut out);
    out.retain(|p| p.at <= now());
    out.sort_by_key(|p| p.at);
    out
}

/// The talks: with the principal leaders of the units of the earliest overdue problems
/// still open at the demo's now, and of the earliest closed late (held before it closed).
fn talks(rng: &mut StdRng, k: &Known<'_>, out: &mut Vec<Planned>) -> Vec<Held> {
    let last = day(JULY_DRAFTED);
    let mut overdue: Vec<&Problem> = k
        .problems
        .iter()
        .filter(|p| Known::overdue(p, now()))
        .collect();
    overdue.sort_by_key(|p| (p.rectify_by, p.registered_at));
    let (open, late): (Vec<&Problem>, Vec<&Problem>) =
        overdue.into_iter().partition(|p| p.closed_at.is_none());
    let mut chosen: Vec<(&Problem, NaiveDate)> = Vec::new();
    for (candidates, n) in [(open, TALKS - 1), (late, 1)] {
        let mut taken = 0;
        for p in candidates {
            if taken == n || chosen.len() == TALKS {
                break;
            }
            if chosen.iter().any(|(c, _)| c.unit_id == p.unit_id) {
                continue;
            }
            // A few working days after the rectify-by date, and before it was closed.
            let until = p
                .closed_at
                .map_or(last, |c| local_date(c).pred_opt().unwrap_or(last))
                .min(last);
            let held_on = near_workday(plus(p.rectify_by, 5), plus(p.rectify_by, 1), until);
            if held_on > p.rectify_by && held_on <= until {
                chosen.push((p, held_on));
                taken += 1;
            }
        }
    }
    let mut held = Vec::new();
    for (n, (p, held_on)) in chosen.into_iter().enumerate() {
        let (Some(principal), Some((group, head, username))) =
            (k.principal(p.unit_id), k.group_of(p.unit_id))
        else {
            continue;
        };
        let at = instant(rng, held_on);
        let unit = k.unit_name(p.unit_id);
        out.push(Planned {
            at,
            username,
            actor: group,
            action: Action::Accountability(AccountabilityCommand::Talk(RecordTalk {
                talk_id: DecisionId(id(&format!("talk-{n}"))),
                cadre_id: principal.cadre_id,
                held_on,
                held_by: format!("{} {}", head.post, head.name),
                summary: format!(
                    "就{}问题逾期未完成整改（整改期限{}）约谈{}{}，指出其履行整改第一责任人职责不到位、整改推进迟缓，要求{}个工作日内制定补救措施，限期完成整改销号并书面报告整改情况",
                    quoted(&p.description),
                    long(p.rectify_by),
                    title(unit, &principal.post),
                    principal.name,
                    rng.random_range(5..=10),
                ),
                basis: Basis {
                    problems: k.overdue_of(p.unit_id, at).map(|p| p.problem_id).collect(),
                    ..Basis::default()
                },
            })),
        });
        held.push(Held {
            unit_id: p.unit_id,
            at,
        });
    }
    held
}

/// The decisions: against the units of the two earliest problems still overdue in June —
/// circulated criticism of the one overdue longer, a written self-examination of the
/// other — and circulated criticism of the cadre who filed a wedding the fewest days
/// ahead by then.
fn decisions(
    rng: &mut StdRng,
    k: &Known<'_>,
    held: &[Held],
    out: &mut Vec<Planned>,
) -> Vec<Decided> {
    let mut decided: Vec<Decided> = Vec::new();
    let on = |n: usize| {
        let d = day(DECIDED[n]);
        near_workday(d, d, plus(d, 7))
    };
    for (n, measure) in [Measure::CirculatedCriticism, Measure::WrittenExamination]
        .into_iter()
        .enumerate()
    {
        let decided_on = on(n);
        let at = instant(rng, decided_on);
        let mut open: Vec<&Problem> = k
            .problems
            .iter()
            .filter(|p| Known::overdue(p, at) && p.closed_at.is_none_or(|c| c > at))
            .filter(|p| {
                !decided
                    .iter()
                    .any(|d| d.decision.target.unit_id() == p.unit_id)
            })
            .collect();
        open.sort_by_key(|p| (p.rectify_by, p.registered_at));
        let Some(first) = open.first() else {
            continue;
        };
        let unit_id = first.unit_id;
        let cited: Vec<&Problem> = k.overdue_of(unit_id, at).collect();
        let unit = k.unit_name(unit_id);
        let more = if cited.len() > 1 {
            format!("等{}个问题", cited.len())
        } else {
            "问题".to_owned()
        };
        let talked = held.iter().any(|h| h.unit_id == unit_id && h.at < at);
        let reason = match measure {
            Measure::WrittenExamination => format!(
                "{unit}未按期完成{}{more}整改：整改期限为{}，逾期{}天未完成整改销号，落实整改主体责任不到位",
                quoted(&first.description),
                long(first.rectify_by),
                days(first.rectify_by, decided_on),
            ),
            _ => format!(
                "{unit}未按期完成{}{more}整改：整改期限为{}，逾期{}天仍未完成整改{}，履行全面从严治党主体责任不力",
                quoted(&first.description),
                long(first.rectify_by),
                days(first.rectify_by, decided_on),
                if talked {
                    "，经约谈提醒后整改仍推进迟缓"
                } else {
                    ""
                },
            ),
        };
        let target = Target::Unit { unit_id };
        let decision = DecideAccountability {
            decision_id: DecisionId(id(&format!("decision-{n}"))),
            target,
            measure,
            reason,
            basis: Basis {
                problems: cited.iter().map(|p| p.problem_id).collect(),
                ..Basis::default()
            },
            proposed: k.proposed(target, at),
        };
        out.push(Planned::commission(
            at,
            Action::Accountability(AccountabilityCommand::Decide(decision.clone())),
        ));
        decided.push(Decided {
            decision,
            on: decided_on,
        });
    }
    // The cadre: the wedding (their own or a child's) filed latest before the day; a
    // funeral cannot be filed a month ahead, so none is criticised for one.
    let decided_on = on(2);
    let at = instant(rng, decided_on);
    let late = k
        .filings
        .iter()
        .filter(|f| f.filed_at <= at && f.days_late > 0)
        .filter_map(|f| match f.family {
            Some((kind, date)) if kind != FamilyEventKind::Funeral => Some((f, kind, date)),
            _ => None,
        })
        .max_by_key(|(f, _, _)| (f.days_late, std::cmp::Reverse(f.filed_at)));
    let found = late.and_then(|(f, kind, date)| {
        let unit_id = k.unit_of(f.cadre_id)?;
        Some((f, kind, date, unit_id, k.cadre(f.cadre_id)?))
    });
    if let Some((f, kind, date, unit_id, cadre)) = found {
        let target = Target::Cadre {
            cadre_id: f.cadre_id,
            unit_id,
        };
        let decision = DecideAccountability {
            decision_id: DecisionId(id("decision-2")),
            target,
            measure: Measure::CirculatedCriticism,
            reason: format!(
                "{}{}{}事宜于{}举办，{}方向组织报备，距举办日仅{}天，未按规定提前30天报备，违反领导干部操办婚丧喜庆事宜报备有关规定",
                title(k.unit_name(unit_id), &cadre.post),
                cadre.name,
                kind.label_zh(),
                long(date),
                long(local_date(f.filed_at)),
                days(local_date(f.filed_at), date),
            ),
            basis: Basis {
                filings: vec![f.filing_id],
                ..Basis::default()
            },
            proposed: k.proposed(target, at),
        };
        out.push(Planned::commission(
            at,
            Action::Accountability(AccountabilityCommand::Decide(decision.clone())),
        ));
        decided.push(Decided {
            decision,
            on: decided_on,
        });
    }
    decided
}

/// The second quarter's circular: the decisions of the quarter and the problems overdue
/// and still open when it is drafted (of the units not decided on), at most five items;
/// revised once, then published.
fn quarter_circular(rng: &mut StdRng, k: &Known<'_>, decided: &[Decided], out: &mut Vec<Planned>) {
    let circular_id = CircularId(id("circular-2026-q2"));
    let (from, to) = (day(QUARTER.0), day(QUARTER.1));
    let drafted_on = day(DRAFTED);
    let at = instant(rng, drafted_on);
    let mut items: Vec<CircularItem> = decided
        .iter()
        .filter(|d| (from..=to).contains(&d.on))
        .map(|d| {
            let c = &d.decision;
            let whom = match c.target {
                Target::Unit { unit_id } => k.unit_name(unit_id).to_owned(),
                Target::Cadre { cadre_id, unit_id } => {
                    k.cadre(cadre_id).map_or_else(String::new, |x| {
                        format!("{}{}", title(k.unit_name(unit_id), &x.post), x.name)
                    })
                }
            };
            CircularItem {
                kind: ItemKind::Accountability,
                unit_id: c.target.unit_id(),
                cadre_id: c.target.cadre_id(),
                subject_id: Some(c.decision_id.uuid()),
                text: format!(
                    "{}。{}，区纪委监委决定给予{}{}处理。",
                    c.reason,
                    long(d.on),
                    whom,
                    c.measure.label_zh()
                ),
            }
        })
        .collect();
    let mut open: Vec<&Problem> = k
        .problems
        .iter()
        .filter(|p| p.rectify_by <= to && Known::overdue(p, at))
        .filter(|p| p.closed_at.is_none_or(|c| c > at))
        .filter(|p| {
            !decided
                .iter()
                .any(|d| d.decision.target.unit_id() == p.unit_id)
        })
        .collect();
    open.sort_by_key(|p| (p.rectify_by, p.registered_at));
    let room = 5usize.saturating_sub(items.len());
    items.extend(open.into_iter().take(room).map(|p| CircularItem {
        kind: ItemKind::OverdueProblem,
        unit_id: p.unit_id,
        cadre_id: p.cadre_id,
        subject_id: Some(p.problem_id.uuid()),
        text: format!(
            "{}问题整改期限为{}，截至{}仍未完成整改销号，已逾期{}天，整改推进迟缓。",
            quoted(&p.description),
            long(p.rectify_by),
            long(drafted_on),
            days(p.rectify_by, drafted_on)
        ),
    }));
    let body = format!(
        "各单位党组织：\n\n为压紧压实全面从严治党“两个责任”，区纪委监委对{}至{}各单位履责、问题整改和事项报备情况进行了督查。现将有关问题通报如下。",
        long(from),
        long(to)
    );
    out.push(Planned::commission(
        at,
        Action::Circular(CircularCommand::Draft {
            circular_id,
            period_from: from,
            period_to: to,
            text: CircularText {
                title: default_title(from, to),
                body: body.clone(),
                items: items.clone(),
            },
        }),
    ));
    let revised_on = day(REVISED);
    out.push(Planned::commission(
        instant(rng, revised_on),
        Action::Circular(CircularCommand::Revise {
            circular_id,
            text: CircularText {
                title: format!("关于{YEAR}年第二季度全面从严治党“两个责任”落实情况的通报"),
                body: format!(
                    "{body}\n\n各单位党组织要以案为鉴、举一反三，主要负责人要切实履行第一责任人职责，对通报问题于{}前完成整改，并将整改情况书面报送区纪委监委。区纪委监委将适时开展“回头看”，对整改不力的严肃追责问责。",
                    short(plus(revised_on, 21))
                ),
                items,
            },
        }),
    ));
    out.push(Planned::commission(
        instant(rng, day(PUBLISHED)),
        Action::Circular(CircularCommand::Publish { circular_id }),
    ));
}

/// July's circular, left a draft: the leadership teams' and principal leaders' obligations
/// due in July before it is drafted and still red then.
fn july_circular(rng: &mut StdRng, k: &Known<'_>, out: &mut Vec<Planned>) {
    let drafted_on = day(JULY_DRAFTED);
    let at = instant(rng, drafted_on);
    let (from, to) = (day((7, 1)), day((7, 31)));
    let mut red: Vec<(&Due, UnitId, Option<&RegisterCadre>)> = k
        .obligations
        .iter()
        .filter(|o| (from..drafted_on).contains(&o.deadline))
        .filter(|o| k.light(o, at) == Light::Red)
        .filter_map(|o| match o.subject {
            Subject::LeadershipTeam { unit_id } => Some((o, unit_id, None)),
            Subject::PrincipalLeader { cadre_id } => {
                Some((o, k.unit_of(cadre_id)?, Some(k.cadre(cadre_id)?)))
            }
            _ => None,
        })
        .collect();
    red.sort_by_key(|(o, unit_id, cadre)| (o.deadline, cadre.is_some(), k.unit_index(*unit_id)));
    let items = red
        .into_iter()
        .take(JULY_ITEMS)
        .map(|(o, unit_id, cadre)| {
            let who = match cadre {
                None => format!("{}领导班子", k.unit_name(unit_id)),
                Some(c) => format!("{}{}", title(k.unit_name(unit_id), &c.post), c.name),
            };
            CircularItem {
                kind: ItemKind::RedLight,
                unit_id,
                cadre_id: cadre.map(|c| c.cadre_id),
                subject_id: Some(o.obligation_id.uuid()),
                text: format!(
                    "{who}未在{}前完成{}，截至{}仍未完成（红灯）。",
                    long(o.deadline),
                    quoted(&o.what),
                    long(drafted_on)
                ),
            }
        })
        .collect();
    out.push(Planned::commission(
        at,
        Action::Circular(CircularCommand::Draft {
            circular_id: CircularId(id("circular-2026-07")),
            period_from: from,
            period_to: to,
            text: CircularText {
                title: default_title(from, to),
                body: "各单位党组织：\n\n现将7月以来各单位落实“两个责任”清单中逾期未完成的事项通报如下（初稿，待核实后印发）。".to_owned(),
                items,
            },
        }),
    ));
}

#[cfg(test)]
mod tests {
    use super::super::Plan;
    use super::*;
    use domain::accountability::{AccountabilityAggregate, AccountabilityContext, TargetKind};
    use domain::aggregate::Aggregate;
    use domain::assessment::{AssessmentAggregate, AssessmentState};
    use domain::circular::{CircularAggregate, CircularState};
    use domain::problem::Relation;
    use std::collections::BTreeMap;

    /// Every step is allowed by the domain's rules at its instant, by its actor, citing
    /// only problems registered and filings filed by then.
    #[test]
    fn every_step_is_valid_at_its_instant() {
        let plan = Plan::build();
        let k = Known::new(
            &plan.district,
            &plan.tasks,
            &plan.entries,
            &plan.problems,
            &plan.filings,
        );
        let filed: HashMap<FilingId, DateTime<Utc>> = plan
            .filings
            .iter()
            .map(|f| (f.command.filing_id(), f.at))
            .collect();
        let mut circulars: BTreeMap<CircularId, CircularState> = BTreeMap::new();
        let mut assessment = AssessmentState::default();
        for p in &plan.accountability {
            assert!(p.at <= now());
            let events = match &p.action {
                Action::Accountability(c) => {
                    let (basis, cadre) = match c {
                        AccountabilityCommand::Decide(d) => (&d.basis, d.target.cadre_id()),
                        AccountabilityCommand::Talk(t) => (&t.basis, Some(t.cadre_id)),
                    };
                    let mut unknown = Vec::new();
                    for id in &basis.problems {
                        let found = k.problems.iter().find(|x| x.problem_id == *id);
                        if found.is_none_or(|x| x.registered_at >= p.at) {
                            unknown.push(id.to_string());
                        }
                    }
                    for id in &basis.filings {
                        if filed.get(id).is_none_or(|at| *at >= p.at) {
                            unknown.push(id.to_string());
                        }
                    }
                    let ctx = AccountabilityContext {
                        actor: p.actor.clone(),
                        unit_known: true,
                        cadre_unit: cadre.and_then(|c| k.unit_of(c)),
                        unknown_basis: unknown,
                    };
                    AccountabilityAggregate::decide(&false, c.clone(), &ctx, p.at)
                }
                Action::Circular(c) => {
                    let state = circulars.entry(c.circular_id()).or_default();
                    CircularAggregate::decide(state, c.clone(), &p.actor, p.at).inspect(|events| {
                        for e in events {
                            CircularAggregate::evolve(state, e);
                        }
                    })
                }
                Action::Assessment(c) => {
                    AssessmentAggregate::decide(&assessment, c.clone(), &p.actor, p.at).inspect(
                        |events| {
                            for e in events {
                                AssessmentAggregate::evolve(&mut assessment, e);
                            }
                        },
                    )
                }
            }
            .unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
            assert_eq!(events.len(), 1, "{p:?}");
        }
        assert_eq!(assessment.rules, Some(AssessmentRules::default()));
        let published: Vec<_> = circulars.values().filter(|c| c.published).collect();
        assert_eq!((circulars.len(), published.len()), (2, 1));
        assert!((3..=5).contains(&published[0].items), "{published:?}");
        assert!(circulars.values().all(|c| c.items > 0), "{circulars:?}");
    }

    /// Three talks by the groups stationed in the units, with their principal leaders,
    /// about problems overdue when the talk was held; three decisions by the commission
    /// recording what the default table proposed then.
    #[test]
    fn talks_and_decisions_rest_on_the_facts_of_the_plan() {
        let plan = Plan::build();
        let k = Known::new(
            &plan.district,
            &plan.tasks,
            &plan.entries,
            &plan.problems,
            &plan.filings,
        );
        let (mut talks, mut decisions) = (0, Vec::new());
        for p in &plan.accountability {
            match &p.action {
                Action::Accountability(AccountabilityCommand::Talk(t)) => {
                    talks += 1;
                    let unit = k.unit_of(t.cadre_id).expect("a unit's cadre");
                    assert!(k.principal(unit).is_some_and(|c| c.cadre_id == t.cadre_id));
                    assert_eq!(
                        p.actor.relation(unit, Some(t.cadre_id)),
                        Relation::StationedGroup
                    );
                    assert!(!t.basis.problems.is_empty());
                    for id in &t.basis.problems {
                        let problem = k.problems.iter().find(|x| x.problem_id == *id);
                        assert!(
                            problem.is_some_and(|x| x.unit_id == unit && Known::overdue(x, p.at))
                        );
                    }
                    assert_eq!(local_date(p.at), t.held_on);
                }
                Action::Accountability(AccountabilityCommand::Decide(d)) => {
                    assert_eq!(p.actor, ProblemActor::Commission);
                    assert_eq!(d.proposed, k.proposed(d.target, p.at));
                    decisions.push((d.target.kind(), d.measure));
                }
                _ => assert_eq!(p.username, COMMISSION),
            }
        }
        assert_eq!(talks, TALKS);
        assert_eq!(
            decisions,
            [
                (TargetKind::Unit, Measure::CirculatedCriticism),
                (TargetKind::Unit, Measure::WrittenExamination),
                (TargetKind::Cadre, Measure::CirculatedCriticism),
            ]
        );
        assert!(plan.accountability.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
