//! The 2026 responsibility list (责任清单) — items for each of the four subject kinds, with
//! monthly, quarterly, half-yearly and yearly cadences — and one annual key task
//! (年度重点工作任务) per unit.

use super::id;
use super::org::place;
use chrono::NaiveDate;
use domain::calendar::{Cadence, DeadlineRule};
use domain::ids::{ItemId, ListId, TaskId};
use domain::list::PublishList;
use domain::obligation::DutyItem;
use domain::org::{Responsibility, Subject, SubjectKind};
use domain::task::SetKeyTask;
use domain::unit::RegisterUnit;

/// The list's title.
pub const TITLE: &str = "2026年度全面从严治党“两个责任”清单";

/// One item of the list, with what entries for it say.
#[derive(Debug, Clone, Copy)]
pub struct ItemSpec {
    pub kind: SubjectKind,
    pub category: &'static str,
    pub content: &'static str,
    pub cadence: Cadence,
    pub required: u32,
    /// Days after the period's end the deadline falls (0: the period's last day).
    pub days_after: u16,
    /// How readily the work is done before its period's last stretch (0: only at the
    /// end, e.g. the year's 述责述廉; 1: any time).
    pub early: f64,
    /// What an entry says; `{place}` is the unit, `{n}` a small number.
    pub entries: &'static [&'static str],
    /// The file an entry may attach.
    pub attachment: &'static str,
}

const fn item(
    kind: SubjectKind,
    category: &'static str,
    content: &'static str,
    cadence: Cadence,
    required: u32,
    entries: &'static [&'static str],
    attachment: &'static str,
) -> ItemSpec {
    ItemSpec {
        kind,
        category,
        content,
        cadence,
        required,
        days_after: 0,
        early: 1.0,
        entries,
        attachment,
    }
}

const fn due_after(mut spec: ItemSpec, days: u16) -> ItemSpec {
    spec.days_after = days;
    spec
}

const fn late_in_period(mut spec: ItemSpec) -> ItemSpec {
    spec.early = 0.0;
    spec
}

use Cadence::{HalfYearly, Monthly, Quarterly, Yearly};
use SubjectKind::{DisciplineGroup, LeadershipTeam, PrincipalLeader, TeamMember};

/// The items, in the list's order.
pub const ITEMS: [ItemSpec; 26] = [
    // 领导班子: the principal responsibility of the leadership team.
    item(
        LeadershipTeam,
        "组织领导",
        "每季度召开党委（党组）会议专题研究党风廉政建设和反腐败工作",
        Quarterly,
        1,
        &[
            "召开党委（党组）会议专题研究党风廉政建设工作，传达上级会议精神，部署{place}本季度重点任务{n}项",
            "党委（党组）会议专题听取党风廉政建设工作情况汇报，研究解决突出问题{n}个",
        ],
        "会议纪要.pdf",
    ),
    item(
        LeadershipTeam,
        "教育引导",
        "每月组织党员干部开展廉政学习教育",
        Monthly,
        1,
        &[
            "组织{place}党员干部集中学习《中国共产党纪律处分条例》，参学{n}0余人次",
            "组织观看警示教育片，开展以案促改专题讨论，参加人员{n}0余人",
            "开展“清廉机关”主题党日活动，学习典型案例通报{n}则",
        ],
        "学习签到表.pdf",
    ),
    item(
        LeadershipTeam,
        "作风建设",
        "每月开展作风建设和“四风”问题自查",
        Monthly,
        1,
        &[
            "对照“四风”问题清单开展自查，检查公务接待、公车使用等事项，发现问题{n}个并立行立改",
            "开展节点作风纪律自查，抽查考勤和工作日午间饮酒情况，未发现违规问题",
            "开展“四风”问题自查自纠，规范会议费、培训费支出，整改问题{n}个",
        ],
        "自查台账.xlsx",
    ),
    item(
        LeadershipTeam,
        "监督检查",
        "每季度开展党风廉政建设责任制落实情况检查",
        Quarterly,
        1,
        &[
            "对{place}内设科室（下属单位）开展党风廉政建设责任制落实情况检查，形成问题清单{n}项",
            "组织责任制落实情况交叉检查，检查科室{n}个，反馈问题并明确整改时限",
        ],
        "检查情况通报.docx",
    ),
    item(
        LeadershipTeam,
        "风险防控",
        "每半年对本单位苗头性倾向性问题进行分析",
        HalfYearly,
        1,
        &[
            "召开专题会议分析{place}苗头性倾向性问题{n}个，逐项制定防范措施",
            "结合日常监督和信访举报情况，梳理苗头性倾向性问题{n}个，明确责任领导和整改措施",
        ],
        "分析报告.docx",
    ),
    due_after(
        item(
            LeadershipTeam,
            "报告制度",
            "每半年向区委报告落实全面从严治党主体责任情况",
            HalfYearly,
            1,
            &["向区委书面报告{place}上半年落实全面从严治党主体责任情况及下步打算"],
            "主体责任落实情况报告.pdf",
        ),
        15,
    ),
    late_in_period(item(
        LeadershipTeam,
        "述责述廉",
        "年度向区委、区纪委监委书面述责述廉",
        Yearly,
        1,
        &["完成年度书面述责述廉报告并报送区委、区纪委监委"],
        "述责述廉报告.pdf",
    )),
    // 主要负责人: the first responsible person.
    item(
        PrincipalLeader,
        "第一责任人",
        "每月研究部署党风廉政建设具体工作，督办重点事项",
        Monthly,
        1,
        &[
            "主持召开工作例会研究部署党风廉政建设工作，督办重点事项{n}项",
            "对{place}党风廉政建设重点任务推进情况进行督办，批示{n}件",
        ],
        "督办单.pdf",
    ),
    item(
        PrincipalLeader,
        "审阅督促",
        "每月审阅班子成员履责记录并作出批示",
        Monthly,
        1,
        &[
            "审阅班子成员本月履责记录{n}条，对落实不到位的事项提出督促意见",
            "审阅班子成员履责纪实，批示要求分管领域加强廉政风险防控",
        ],
        "履责审阅意见.pdf",
    ),
    item(
        PrincipalLeader,
        "压力传导",
        "每季度听取班子成员履行“一岗双责”情况汇报",
        Quarterly,
        1,
        &["听取班子成员履行“一岗双责”情况汇报，逐一点评并提出要求{n}条"],
        "汇报记录.docx",
    ),
    item(
        PrincipalLeader,
        "廉政谈话",
        "每半年与班子成员开展廉政谈话",
        HalfYearly,
        2,
        &[
            "与班子成员开展廉政谈话，提醒其严守纪律规矩、管好分管领域",
            "与新提任班子成员开展任前廉政谈话，明确“一岗双责”要求",
        ],
        "谈话记录.pdf",
    ),
    item(
        PrincipalLeader,
        "监督协同",
        "每半年与派驻纪检监察组组长开展工作会商",
        HalfYearly,
        1,
        &["与派驻纪检监察组组长会商{place}党风廉政建设形势，研究问题线索处置和整改事项{n}项"],
        "会商纪要.pdf",
    ),
    item(
        PrincipalLeader,
        "廉政教育",
        "每年为本单位党员干部讲授廉政党课",
        Yearly,
        1,
        &["为{place}党员干部讲授廉政专题党课，听课{n}0余人"],
        "党课讲稿.docx",
    ),
    // 班子成员: one post, two duties (一岗双责).
    item(
        TeamMember,
        "一岗双责",
        "每月对分管科室（部门）党风廉政建设工作进行督促检查",
        Monthly,
        1,
        &[
            "到分管科室督促检查党风廉政建设工作，查阅台账{n}本，提出改进意见",
            "检查分管领域制度执行情况，发现薄弱环节{n}处并督促整改",
            "督促分管科室落实廉政风险防控措施，现场检查{n}个岗位",
        ],
        "检查记录.docx",
    ),
    item(
        TeamMember,
        "学习教育",
        "每月参加理论学习中心组或所在支部廉政专题学习",
        Monthly,
        1,
        &[
            "参加理论学习中心组廉政专题学习并作交流发言",
            "参加所在支部廉政专题学习，学习典型案例通报{n}则并撰写心得",
        ],
        "学习笔记.pdf",
    ),
    item(
        TeamMember,
        "同步部署",
        "每月结合分管业务工作同步部署党风廉政建设工作",
        Monthly,
        1,
        &[
            "在分管科室业务工作会上同步部署党风廉政建设工作，提出要求{n}条",
            "结合分管业务重点工作，同步明确廉政风险防控措施{n}项",
        ],
        "会议记录.docx",
    ),
    item(
        TeamMember,
        "风险防控",
        "每季度对分管领域廉政风险进行排查",
        Quarterly,
        1,
        &[
            "对分管领域开展廉政风险排查，梳理风险点{n}个，完善防控措施",
            "排查分管领域项目审批、资金使用等环节廉政风险，更新风险点{n}个",
        ],
        "廉政风险排查表.xlsx",
    ),
    item(
        TeamMember,
        "廉政谈话",
        "每季度与分管科室（部门）负责人开展廉政提醒谈话",
        Quarterly,
        2,
        &[
            "与分管科室负责人开展廉政提醒谈话，提醒关键岗位人员廉洁履职",
            "与分管部门负责人开展谈心谈话，了解思想动态和廉政风险防控情况",
        ],
        "谈话记录.pdf",
    ),
    due_after(
        item(
            TeamMember,
            "报告制度",
            "每半年向主要负责人报告“一岗双责”履行情况",
            HalfYearly,
            1,
            &["向主要负责人书面报告上半年履行“一岗双责”情况，梳理问题{n}个"],
            "履职报告.docx",
        ),
        10,
    ),
    late_in_period(item(
        TeamMember,
        "述责述廉",
        "年度述责述廉",
        Yearly,
        1,
        &["完成年度述责述廉报告"],
        "述责述廉报告.pdf",
    )),
    // 纪检组: the supervisory responsibility of the stationed groups.
    item(
        DisciplineGroup,
        "日常监督",
        "每月开展日常监督检查",
        Monthly,
        2,
        &[
            "对{place}开展日常监督检查，检查“三重一大”事项决策程序{n}项",
            "到{place}开展作风纪律监督检查，发现问题{n}个并反馈整改",
            "对{place}公务接待和公车使用情况开展监督检查，抽查凭证{n}0余份",
        ],
        "监督检查记录.docx",
    ),
    due_after(
        item(
            DisciplineGroup,
            "信息报送",
            "每月报送监督工作动态",
            Monthly,
            1,
            &["向区纪委监委报送上月监督工作动态，反映驻在单位情况{n}条"],
            "监督工作动态.docx",
        ),
        5,
    ),
    item(
        DisciplineGroup,
        "会议列席",
        "每季度列席驻在单位党委（党组）会议",
        Quarterly,
        2,
        &["列席{place}党委（党组）会议，对议题决策程序进行监督，提出意见{n}条"],
        "列席会议记录.docx",
    ),
    item(
        DisciplineGroup,
        "谈话函询",
        "每季度对驻在单位领导班子成员开展监督谈话",
        Quarterly,
        1,
        &["与{place}班子成员开展监督谈话{n}人次，提醒廉洁履职"],
        "谈话记录.pdf",
    ),
    due_after(
        item(
            DisciplineGroup,
            "报告制度",
            "每季度向区纪委报告监督情况",
            Quarterly,
            1,
            &["向区纪委书面报告上季度监督工作情况，报送问题线索处置情况{n}件"],
            "监督情况报告.pdf",
        ),
        10,
    ),
    item(
        DisciplineGroup,
        "专项监督",
        "每半年对驻在单位开展专项监督",
        HalfYearly,
        1,
        &["对{place}开展政府采购专项监督，检查项目{n}个，发现问题并督促整改"],
        "专项监督报告.docx",
    ),
];

/// The list's id.
pub fn list_id() -> ListId {
    ListId(id("list:2026"))
}

/// The id of the `n`-th item.
pub fn item_id(n: usize) -> ItemId {
    ItemId(id(&format!("item:2026:{n}")))
}

/// The duty item of `spec`, the `n`-th of the list.
pub fn duty_item(n: usize, spec: &ItemSpec) -> DutyItem {
    DutyItem {
        item_id: item_id(n),
        subject_kind: spec.kind,
        responsibility: if spec.kind == DisciplineGroup {
            Responsibility::Supervisory
        } else {
            Responsibility::Principal
        },
        category: spec.category.to_owned(),
        content: spec.content.to_owned(),
        cadence: spec.cadence,
        required_count: spec.required,
        deadline: if spec.days_after == 0 {
            DeadlineRule::EndOfPeriod
        } else {
            DeadlineRule::DaysAfterPeriodEnd {
                days: spec.days_after,
            }
        },
    }
}

/// 责任清单发布: the list of 2026.
pub fn publish() -> PublishList {
    PublishList {
        list_id: list_id(),
        year: super::YEAR,
        title: TITLE.to_owned(),
        items: ITEMS
            .iter()
            .enumerate()
            .map(|(n, s)| duty_item(n, s))
            .collect(),
    }
}

/// Key-task themes: (target, measures). `{place}` is the unit.
const THEMES: [(&str, [&str; 3]); 6] = [
    (
        "推进{place}清廉单元建设，形成可复制的清廉建设经验",
        [
            "制定清廉单元建设实施方案",
            "完善权力运行监督制度",
            "开展清廉文化进基层活动",
        ],
    ),
    (
        "深化{place}重点领域廉政风险防控，实现风险点全覆盖",
        [
            "全面排查岗位廉政风险点",
            "建立风险防控动态管理台账",
            "开展防控措施落实情况评估",
        ],
    ),
    (
        "完成{place}巡察反馈问题整改，整改率达到100%",
        [
            "逐项制定整改方案和时间表",
            "建立整改销号机制",
            "开展整改成效“回头看”",
        ],
    ),
    (
        "健全{place}“三重一大”集体决策制度并严格执行",
        [
            "修订“三重一大”事项清单",
            "规范会议议事规则和记录",
            "开展决策执行情况专项检查",
        ],
    ),
    (
        "推进{place}作风建设常态化长效化，整治群众身边不正之风",
        [
            "开展作风问题专项整治",
            "畅通群众监督渠道",
            "定期通报作风建设情况",
        ],
    ),
    (
        "建立{place}廉政教育常态化机制，党员干部廉政教育全覆盖",
        [
            "制定年度廉政教育计划",
            "开展警示教育和以案促改",
            "建设廉政教育阵地",
        ],
    ),
];

/// Key-task deadlines: a few fell due in June, most in the autumn or at year's end.
const TASK_DEADLINES: [(u32, u32); 4] = [(6, 30), (9, 30), (11, 30), (12, 20)];

/// One key task per unit, owed by its leadership team.
pub fn key_tasks(units: &[RegisterUnit]) -> Vec<SetKeyTask> {
    units
        .iter()
        .enumerate()
        .map(|(n, u)| {
            let (target, measures) = THEMES[n % THEMES.len()];
            let (month, day) = TASK_DEADLINES[(n * 7 / 3) % TASK_DEADLINES.len()];
            let here = place(&u.name);
            SetKeyTask {
                task_id: TaskId(id(&format!("task:2026:{}", u.name))),
                year: super::YEAR,
                subject: Subject::LeadershipTeam { unit_id: u.unit_id },
                target: target.replace("{place}", &here),
                measures: measures.iter().map(|m| (*m).to_owned()).collect(),
                deadline: NaiveDate::from_ymd_opt(super::YEAR, month, day)
                    .unwrap_or(NaiveDate::MIN),
            }
        })
        .collect()
}

/// What a key task's entry says.
pub const TASK_ENTRIES: &[&str] = &[
    "年度重点工作任务已完成：各项措施落实到位，形成总结报告报区纪委监委",
    "完成年度重点工作任务，{n}项措施全部落地，相关制度已印发执行",
];

/// The file a key task's entry may attach.
pub const TASK_ATTACHMENT: &str = "任务完成情况报告.pdf";
