//! The Chinese names of the demo district: its units (modelled on a Ningbo district's
//! departments, streets, towns and district enterprises), the posts of their leading
//! cadres, the stationed discipline groups, and made-up personal names (random pairs of
//! common surnames and given-name characters: no real person is meant).

use domain::org::UnitKind;
use rand::Rng;
use rand::seq::IndexedRandom;
use std::collections::BTreeSet;

/// How a unit's leading posts are titled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A district department or organ with a Party group (党组) or committee (党委): the
    /// head's and the deputies' titles, e.g. "局长" / "副局长".
    Organ {
        head: &'static str,
        deputy: &'static str,
    },
    /// A street (街道党工委).
    Street,
    /// A town or township (镇党委 / 乡党委), with its level name.
    Town(&'static str),
    /// A district state-owned enterprise (集团党委).
    Enterprise,
}

/// One unit of the district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitSpec {
    pub name: &'static str,
    pub kind: UnitKind,
    pub style: Style,
}

const fn organ(
    name: &'static str,
    kind: UnitKind,
    head: &'static str,
    deputy: &'static str,
) -> UnitSpec {
    UnitSpec {
        name,
        kind,
        style: Style::Organ { head, deputy },
    }
}

const fn group(name: &'static str) -> UnitSpec {
    organ(name, UnitKind::PartyGroup, "局长", "副局长")
}

const fn committee(name: &'static str) -> UnitSpec {
    organ(name, UnitKind::PartyCommittee, "局长", "副局长")
}

const fn street(name: &'static str) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::WorkingCommittee,
        style: Style::Street,
    }
}

const fn town(name: &'static str, level: &'static str) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::PartyCommittee,
        style: Style::Town(level),
    }
}

const fn enterprise(name: &'static str) -> UnitSpec {
    UnitSpec {
        name,
        kind: UnitKind::PartyCommittee,
        style: Style::Enterprise,
    }
}

/// The 52 units (党(工)委(组)), in an order that keeps related units together: the
/// discipline groups are stationed, and the district leaders linked, along it.
pub const UNITS: [UnitSpec; 52] = [
    organ(
        "区人大常委会机关党组",
        UnitKind::PartyGroup,
        "秘书长",
        "副秘书长",
    ),
    organ("区政协机关党组", UnitKind::PartyGroup, "秘书长", "副秘书长"),
    organ("区政府办公室党组", UnitKind::PartyGroup, "主任", "副主任"),
    group("区发展和改革局党组"),
    group("区经济和信息化局党组"),
    group("区科学技术局党组"),
    group("区财政局党组"),
    group("区审计局党组"),
    group("区统计局党组"),
    committee("区教育局党委"),
    group("区人力资源和社会保障局党组"),
    group("区退役军人事务局党组"),
    committee("区公安分局党委"),
    group("区司法局党组"),
    group("区信访局党组"),
    group("区民政局党组"),
    group("区医疗保障局党组"),
    committee("区卫生健康局党委"),
    group("区住房和城乡建设局党组"),
    group("区交通运输局党组"),
    group("区水利局党组"),
    group("区农业农村局党组"),
    group("区商务局党组"),
    group("区文化和广电旅游体育局党组"),
    committee("区市场监督管理局党委"),
    group("区应急管理局党组"),
    group("区综合行政执法局党组"),
    organ("区人民法院党组", UnitKind::PartyGroup, "院长", "副院长"),
    organ(
        "区人民检察院党组",
        UnitKind::PartyGroup,
        "检察长",
        "副检察长",
    ),
    organ("区总工会党组", UnitKind::PartyGroup, "常务副主席", "副主席"),
    organ("区妇女联合会党组", UnitKind::PartyGroup, "主席", "副主席"),
    organ(
        "区残疾人联合会党组",
        UnitKind::PartyGroup,
        "理事长",
        "副理事长",
    ),
    organ(
        "区供销合作社联合社党组",
        UnitKind::PartyGroup,
        "主任",
        "副主任",
    ),
    street("鼓楼街道党工委"),
    street("江厦街道党工委"),
    street("南门街道党工委"),
    street("西门街道党工委"),
    street("月湖街道党工委"),
    street("白云街道党工委"),
    street("段塘街道党工委"),
    street("望春街道党工委"),
    street("石碶街道党工委"),
    town("古林镇党委", "镇"),
    town("高桥镇党委", "镇"),
    town("横街镇党委", "镇"),
    town("集士港镇党委", "镇"),
    town("章水镇党委", "镇"),
    town("龙观乡党委", "乡"),
    enterprise("区城市建设投资集团有限公司党委"),
    enterprise("区国有资产投资控股集团有限公司党委"),
    enterprise("区交通投资集团有限公司党委"),
    enterprise("区文化旅游集团有限公司党委"),
];

impl UnitSpec {
    /// The committee's title in posts: 党组 / 党委 / 党工委.
    fn body(&self) -> &'static str {
        self.kind.label_zh()
    }

    /// The principal leader's post, e.g. "党组书记、局长", "街道党工委书记".
    pub fn principal_post(&self) -> String {
        let body = self.body();
        match self.style {
            Style::Organ { head, .. } => format!("{body}书记、{head}"),
            Style::Street => "街道党工委书记".into(),
            Style::Town(level) => format!("{level}党委书记"),
            Style::Enterprise => "党委书记、董事长".into(),
        }
    }

    /// The post of the `n`-th (from 0) team member, e.g. "党组成员、副局长".
    pub fn member_post(&self, n: usize) -> String {
        let member = match self.kind {
            UnitKind::PartyGroup => "党组成员",
            UnitKind::PartyCommittee | UnitKind::WorkingCommittee => "党委委员",
        };
        match self.style {
            Style::Organ { deputy, .. } if n == 3 && deputy == "副局长" => {
                format!("{member}、总经济师")
            }
            Style::Organ { deputy, .. } => format!("{member}、{deputy}"),
            Style::Street => [
                "街道党工委副书记、办事处主任",
                "街道党工委副书记",
                "街道党工委委员、纪工委书记",
                "街道党工委委员、办事处副主任",
                "街道党工委委员、武装部部长",
            ][n.min(4)]
            .into(),
            Style::Town(level) => match n {
                0 => format!("{level}党委副书记、{level}长"),
                1 => format!("{level}党委副书记"),
                2 => format!("{level}党委委员、纪委书记"),
                3 => format!("{level}党委委员、副{level}长"),
                _ => format!("{level}党委委员、人武部部长"),
            },
            Style::Enterprise => [
                "党委副书记、总经理",
                "党委委员、纪委书记",
                "党委委员、副总经理",
                "党委委员、财务总监",
                "党委委员、工会主席",
            ][n.min(4)]
            .into(),
        }
    }
}

/// Chinese numerals 1–20, for the groups' names.
const NUMERALS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十",
];

/// The `n`-th (from 0) stationed discipline group: "区纪委监委派驻第一纪检监察组".
pub fn group_name(n: usize) -> String {
    format!("区纪委监委派驻第{}纪检监察组", NUMERALS[n % NUMERALS.len()])
}

/// The head of the `n`-th group: "区纪委监委派驻第一纪检监察组组长".
pub fn group_head_post(n: usize) -> String {
    format!("{}组长", group_name(n))
}

/// Common surnames, Zhejiang's well represented.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "胡", "郭", "何",
    "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "沈", "叶",
    "蒋", "蔡", "余", "杜", "魏", "苏", "吕", "丁", "任", "姚", "卢", "钟", "姜", "陆", "范", "汪",
    "金", "方", "邵", "俞", "应", "毛", "戴", "翁", "虞", "竺", "鲍", "屠", "舒", "严", "钱", "顾",
];

/// Characters of given names (two are drawn for each person).
const GIVEN: &[&str] = &[
    "建", "国", "伟", "志", "明", "海", "军", "华", "晓", "红", "丽", "敏", "静", "燕", "芳", "波",
    "斌", "杰", "涛", "磊", "勇", "峰", "宁", "浩", "俊", "辉", "鹏", "飞", "颖", "婷", "琳", "洁",
    "雪", "慧", "佳", "立", "文", "永", "春", "秋", "德", "荣", "光", "亚", "新", "成", "东", "江",
    "兴", "益", "贤", "甬", "松", "凯", "瑜", "蕾", "群", "锋", "健", "旭", "曙", "卫", "琦", "璐",
];

/// `count` distinct personal names of three characters, drawn from `rng`.
pub fn people(rng: &mut impl Rng, count: usize) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let surname = SURNAMES.choose(rng).copied().unwrap_or("王");
        let a = GIVEN.choose(rng).copied().unwrap_or("建");
        let b = GIVEN.choose(rng).copied().unwrap_or("国");
        if a == b {
            continue;
        }
        let name = format!("{surname}{a}{b}");
        if seen.insert(name.clone()) {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn unit_names_are_distinct_and_of_the_three_kinds() {
        let names: BTreeSet<_> = UNITS.iter().map(|u| u.name).collect();
        assert_eq!(names.len(), 52);
        for u in UNITS {
            assert!(u.name.ends_with(u.kind.label_zh()), "{}", u.name);
        }
    }

    #[test]
    fn posts_read_like_the_lists() {
        assert_eq!(UNITS[3].principal_post(), "党组书记、局长");
        assert_eq!(UNITS[3].member_post(0), "党组成员、副局长");
        assert_eq!(UNITS[9].member_post(1), "党委委员、副局长");
        let baiyun = UNITS.iter().find(|u| u.name == "白云街道党工委").unwrap();
        assert_eq!(baiyun.principal_post(), "街道党工委书记");
        assert_eq!(baiyun.member_post(2), "街道党工委委员、纪工委书记");
        let longguan = UNITS.iter().find(|u| u.name == "龙观乡党委").unwrap();
        assert_eq!(longguan.member_post(0), "乡党委副书记、乡长");
        assert_eq!(group_name(0), "区纪委监委派驻第一纪检监察组");
        assert_eq!(group_head_post(19), "区纪委监委派驻第二十纪检监察组组长");
    }

    #[test]
    fn people_are_distinct_and_the_same_for_the_same_seed() {
        let draw = || people(&mut rand::rngs::StdRng::seed_from_u64(7), 300);
        let a = draw();
        assert_eq!(a.iter().collect::<BTreeSet<_>>().len(), 300);
        assert!(a.iter().all(|n| n.chars().count() == 3));
        assert_eq!(a, draw());
    }
}
