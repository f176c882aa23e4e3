//! The demo's oversight records (廉情数据), February to July: eighty records entered by the
//! commission (`jiwei`) over the seven kinds — intra-Party supervision, integrity talks,
//! discipline enforcement, personnel selection, accountability, audit and inspection
//! findings — spread over the units, some naming a cadre of the unit, some with the
//! document number (文号) they came with. Drawn from their own seeded RNG, so the rest of
//! the plan is unchanged.

use super::org::place;
use super::schedule::{instant, is_workday, near_workday};
use super::{District, SEED, YEAR, id, now};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::calendar::local_date;
use domain::ids::OversightId;
use domain::org::CadreDuty;
use domain::oversight::{OrgIndex, OversightKind, OversightRecord};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// Records of each kind (80 in all).
const KINDS: [(OversightKind, usize); 7] = [
    (OversightKind::IntraPartySupervision, 14),
    (OversightKind::IntegrityTalk, 16),
    (OversightKind::DisciplineEnforcement, 12),
    (OversightKind::PersonnelSelection, 12),
    (OversightKind::Accountability, 6),
    (OversightKind::AuditFinding, 10),
    (OversightKind::InspectionFinding, 10),
];

/// Records in all.
pub const RECORDS: usize = 80;

/// One summary: its text and whether it names a cadre. In the text, `{place}` is the unit
/// (without 党组 / 党委 / 党工委), `{org}` its committee, `{title}` and `{name}` the cadre's
/// post in the unit and name, `{n}`, `{m}`, `{k}`, `{amount}` and `{pct}` numbers.
type Template = (&'static str, bool);

/// Summaries by kind, with the prefix of the document number some records carry and how
/// often they carry one.
const TEXTS: [(OversightKind, &[Template], &str, f64); 7] = [
    (
        OversightKind::IntraPartySupervision,
        &[
            (
                "列席{place}{org}民主生活会，对班子成员开展批评和自我批评情况进行监督，提出意见建议{n}条",
                false,
            ),
            (
                "对{place}“三重一大”事项决策情况开展专项监督检查，查阅会议记录{n}份，发现程序不规范问题{m}个",
                false,
            ),
            (
                "对{place}领导班子落实全面从严治党主体责任情况开展监督检查，反馈问题{n}个，督促建立整改清单",
                false,
            ),
            (
                "对{title}{name}履行“一岗双责”情况开展监督，抽查分管科室廉政风险防控台账",
                true,
            ),
            (
                "对{place}贯彻落实中央八项规定精神情况开展监督检查，抽查公务接待、公车使用台账{n}本",
                false,
            ),
        ],
        "区纪",
        0.4,
    ),
    (
        OversightKind::IntegrityTalk,
        &[
            (
                "对{title}{name}开展任职廉政谈话，提醒其严守政治纪律和政治规矩、廉洁用权",
                true,
            ),
            (
                "与{title}{name}开展廉政提醒谈话，重申廉洁纪律要求，督促其管好亲属和身边工作人员",
                true,
            ),
            (
                "对{title}{name}开展提醒谈话，针对分管领域工程项目廉政风险提出防控要求",
                true,
            ),
            (
                "{place}主要负责人与班子成员开展“一岗双责”廉政谈话{n}人次，层层传导压力",
                false,
            ),
            (
                "对{place}新提任中层干部{n}名开展集体廉政谈话，签订廉政承诺书",
                false,
            ),
        ],
        "",
        0.0,
    ),
    (
        OversightKind::DisciplineEnforcement,
        &[
            (
                "开展正风肃纪明察暗访，检查{place}工作日上班纪律，发现脱岗、迟到问题{m}起，已责令整改",
                false,
            ),
            (
                "对{place}违规收送礼品礼金问题开展专项整治，督促{n}名干部作出书面说明",
                false,
            ),
            (
                "查处{place}违规公款吃喝问题1起，给予相关责任人党内警告处分，退缴违规费用",
                false,
            ),
            (
                "通报{place}公车私用问题1起，对{title}{name}进行批评教育，责令退缴相关费用",
                true,
            ),
            (
                "对{place}窗口服务作风开展暗访，发现推诿扯皮、服务态度生硬问题{m}个",
                false,
            ),
        ],
        "区纪办",
        0.35,
    ),
    (
        OversightKind::PersonnelSelection,
        &[
            (
                "对{place}拟提拔干部{n}名出具党风廉政意见回复，未发现影响使用的问题",
                false,
            ),
            (
                "对{place}干部选拔任用工作开展“一报告两评议”，总体评价好评率{pct}%",
                false,
            ),
            (
                "对{title}{name}出具党风廉政意见回复：未发现违反廉洁纪律问题",
                true,
            ),
            (
                "抽查核实{place}领导干部个人有关事项报告{n}份，发现漏报情况{m}起，已责令补报",
                false,
            ),
        ],
        "区纪函",
        0.5,
    ),
    (
        OversightKind::Accountability,
        &[
            (
                "对{place}履行监管职责不力问题启动问责，对{m}名相关责任人作出批评教育处理",
                false,
            ),
            (
                "{title}{name}因对分管领域监管不力，被责令作出书面检查",
                true,
            ),
            (
                "对{place}巡察整改推进迟缓问题进行约谈提醒，督促压实整改责任",
                false,
            ),
        ],
        "区纪",
        0.6,
    ),
    (
        OversightKind::AuditFinding,
        &[
            (
                "经济责任审计发现{place}专项资金闲置{amount}万元，未及时发挥使用效益",
                false,
            ),
            (
                "审计发现{place}政府采购程序不规范，存在化整为零规避采购情况{m}起",
                false,
            ),
            (
                "经济责任审计发现{title}{name}任职期间未经集体研究决定大额资金支出{m}笔",
                true,
            ),
            (
                "审计发现{place}往来款项长期挂账{amount}万元，未按规定及时清理",
                false,
            ),
        ],
        "区审",
        0.7,
    ),
    (
        OversightKind::InspectionFinding,
        &[
            (
                "区委第{k}巡察组对{place}{org}开展常规巡察，反馈问题{n}个，移交问题线索{m}件",
                false,
            ),
            (
                "巡察发现{place}基层党组织建设薄弱，“三会一课”制度落实不到位",
                false,
            ),
            (
                "巡察发现{place}落实意识形态工作责任制不到位，阵地管理存在薄弱环节",
                false,
            ),
            (
                "巡察“回头看”发现{place}上轮巡察反馈问题整改不彻底{m}项",
                false,
            ),
        ],
        "区委巡",
        0.6,
    ),
];

/// One planned record, entered by the commission at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOversight {
    pub at: DateTime<Utc>,
    pub record: OversightRecord,
}

/// The organisation as a record's check needs it: every unit by name, every cadre with the
/// unit of their duty (none for a discipline group's head). The whole district is set up
/// on 5 January and never changes, so one index serves every record.
pub fn org_index(d: &District) -> OrgIndex {
    OrgIndex {
        units: d
            .units
            .iter()
            .map(|u| (u.unit_id, u.name.clone()))
            .collect(),
        cadres: d
            .cadres
            .iter()
            .map(|c| {
                let unit = match c.duty {
                    CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
                        Some(unit_id)
                    }
                    CadreDuty::DisciplineGroup { .. } => None,
                };
                (c.cadre_id, (c.name.clone(), unit))
            })
            .collect(),
    }
}

/// A cadre's post as documents write it, with the unit: "区财政局党组书记、局长",
/// "鼓楼街道党工委书记" (not "鼓楼街道街道党工委书记"), "古林镇党委委员、纪委书记".
pub fn title(unit_name: &str, post: &str) -> String {
    let here = place(unit_name);
    let post = ["街道", "镇", "乡"]
        .iter()
        .find(|level| here.ends_with(*level))
        .and_then(|level| post.strip_prefix(level))
        .unwrap_or(post);
    format!("{here}{post}")
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).unwrap_or_default()
}

/// A working day in `[from, to]`, drawn evenly (not every holiday's records on the day
/// after it), else the nearest working day to the last draw.
fn workday_between(rng: &mut impl Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0).unsigned_abs();
    let mut d = from;
    for _ in 0..8 {
        d = from
            .checked_add_days(Days::new(rng.random_range(0..=span)))
            .unwrap_or(from);
        if is_workday(d) {
            return d;
        }
    }
    near_workday(d, from, to)
}

/// Every record, in the order of its instant.
pub fn records(d: &District) -> Vec<PlannedOversight> {
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x0C5E);
    let (first, last) = (day(2, 2), local_date(now()));
    let mut kinds: Vec<OversightKind> = KINDS
        .iter()
        .flat_map(|&(k, n)| std::iter::repeat_n(k, n))
        .collect();
    kinds.shuffle(&mut rng);
    let mut out = Vec::with_capacity(kinds.len());
    // (record, the prefix of its document number, if it gets one)
    let mut numbered: Vec<(PlannedOversight, Option<&str>)> = Vec::new();
    for (n, kind) in kinds.into_iter().enumerate() {
        let Some(unit) = d.units.choose(&mut rng) else {
            break;
        };
        let Some(&(_, templates, prefix, p_reference)) = TEXTS.iter().find(|t| t.0 == kind) else {
            continue;
        };
        let Some(&(template, names_cadre)) = templates.choose(&mut rng) else {
            continue;
        };
        let cadre = if names_cadre {
            let of_unit: Vec<_> = d
                .cadres
                .iter()
                .filter(|c| {
                    matches!(c.duty, CadreDuty::PrincipalLeader { unit_id }
                        | CadreDuty::TeamMember { unit_id } if unit_id == unit.unit_id)
                })
                .collect();
            of_unit.choose(&mut rng).copied()
        } else {
            None
        };
        let here = place(&unit.name);
        let org = unit.name.strip_prefix(here.as_str()).unwrap_or("党组织");
        let summary = template
            .replace("{place}", &here)
            .replace("{org}", org)
            .replace(
                "{title}",
                &cadre.map_or(String::new(), |c| title(&unit.name, &c.post)),
            )
            .replace("{name}", cadre.map_or("", |c| c.name.as_str()))
            .replace("{n}", &rng.random_range(2..=8).to_string())
            .replace("{m}", &rng.random_range(1..=4).to_string())
            .replace(
                "{k}",
                ["一", "二", "三", "四"].choose(&mut rng).unwrap_or(&"一"),
            )
            .replace("{amount}", &rng.random_range(12..=380).to_string())
            .replace(
                "{pct}",
                &format!("{:.1}", rng.random_range(920..=995) as f64 / 10.0),
            );
        let occurred_on = workday_between(&mut rng, first, day(7, 30));
        let entered_on = occurred_on
            .checked_add_days(Days::new(rng.random_range(0..=3)))
            .unwrap_or(occurred_on)
            .min(last);
        let entered_on = near_workday(entered_on, occurred_on, last);
        let reference = rng.random_bool(p_reference).then_some(prefix);
        numbered.push((
            PlannedOversight {
                at: instant(&mut rng, entered_on),
                record: OversightRecord {
                    record_id: OversightId(id(&format!("oversight-{n}"))),
                    kind,
                    unit_id: unit.unit_id,
                    cadre_id: cadre.map(|c| c.cadre_id),
                    occurred_on,
                    summary,
                    reference: None,
                },
            },
            reference,
        ));
    }
    // Document numbers run through the year in the order of the documents' dates.
    numbered.sort_by_key(|(p, _)| (p.record.occurred_on, p.at));
    let mut next: HashMap<&str, u32> = HashMap::new();
    for (mut p, prefix) in numbered {
        if let Some(prefix) = prefix {
            let number = next.entry(prefix).or_insert(rng.random_range(3..=9));
            p.record.reference = Some(format!("{prefix}〔{YEAR}〕{number}号"));
            *number += rng.random_range(1..=4);
        }
        out.push(p);
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
    use domain::oversight::{OversightAggregate, RecordOversight};
    use std::collections::BTreeSet;

    /// Every record passes the domain's check at its instant, against the plan's district.
    #[test]
    fn every_record_is_valid_at_its_instant() {
        let plan = Plan::build();
        let org = plan.org_index();
        for p in &plan.oversight {
            let events = OversightAggregate::decide(
                &false,
                RecordOversight {
                    record: p.record.clone(),
                },
                &org,
                p.at,
            )
            .unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
            assert_eq!(events.len(), 1);
        }
    }

    #[test]
    fn titles_name_the_unit_once() {
        assert_eq!(
            title("区财政局党组", "党组书记、局长"),
            "区财政局党组书记、局长"
        );
        assert_eq!(
            title("鼓楼街道党工委", "街道党工委书记"),
            "鼓楼街道党工委书记"
        );
        assert_eq!(
            title("古林镇党委", "镇党委委员、纪委书记"),
            "古林镇党委委员、纪委书记"
        );
        assert_eq!(
            title("龙观乡党委", "乡党委副书记、乡长"),
            "龙观乡党委副书记、乡长"
        );
    }

    #[test]
    fn records_cover_every_kind_many_units_and_the_months_from_february() {
        let plan = Plan::build();
        let records = &plan.oversight;
        assert_eq!(records.len(), RECORDS);
        let kinds: BTreeSet<_> = records.iter().map(|p| p.record.kind).collect();
        assert_eq!(kinds.len(), OversightKind::ALL.len());
        let units: BTreeSet<_> = records.iter().map(|p| p.record.unit_id).collect();
        assert!(units.len() > 30, "{}", units.len());
        let months: BTreeSet<_> = records
            .iter()
            .map(|p| chrono::Datelike::month(&p.record.occurred_on))
            .collect();
        assert_eq!(months, (2..=7).collect());
        let with_cadre = records
            .iter()
            .filter(|p| p.record.cadre_id.is_some())
            .count();
        let with_reference = records
            .iter()
            .filter(|p| p.record.reference.is_some())
            .count();
        assert!((10..60).contains(&with_cadre), "{with_cadre}");
        assert!((15..60).contains(&with_reference), "{with_reference}");
        let ids: BTreeSet<_> = records.iter().map(|p| p.record.record_id).collect();
        assert_eq!(ids.len(), records.len());
        for p in records {
            assert!(local_date(p.at) >= p.record.occurred_on);
            assert!(p.at <= now());
            assert!(!p.record.summary.contains('{'), "{}", p.record.summary);
        }
        assert!(records.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
