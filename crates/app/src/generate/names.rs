//! Place and organisation names for generated messages, made from parts as real ones are (金桂 +
//! 苑, 鸿基 + 建设公司, 芙蓉 + 中路), so that a million messages name tens of thousands of estates,
//! streets, schools and companies: the same template about another place is then, as in life,
//! another problem, and grouping must tell them apart by name.

use rand::RngExt;
use rand::rngs::StdRng;

pub(crate) const DISTRICTS: [&str; 5] = ["东城区", "西城区", "南湖区", "高新区", "临江县"];

/// Name parts: mostly words a dictionary counts as rare, as in real estate and company names.
const PARTS: [&str; 96] = [
    "金桂", "银杉", "翠竹", "碧桂", "锦城", "融创", "华润", "中梁", "保利", "绿地", "龙湖", "碧水", "蓝湾", "枫林",
    "梧桐", "香樟", "紫薇", "芙蓉", "湘府", "岳麓", "麓山", "星沙", "洋湖", "滨河", "江岸", "湖畔", "半山", "云顶",
    "天鹅", "丽都", "荣府", "嘉禾", "福临", "瑞丰", "鑫苑", "泰禾", "颐和", "汇景", "锦绣", "北辰", "金域", "御府",
    "君悦", "凯旋", "宏图", "长盛", "永安", "康乐", "怡景", "佳兆", "富力", "鸿基", "中信", "建发", "朝晖", "晨曦",
    "望月", "白沙", "青竹", "红枫", "海棠", "玉兰", "丁香", "栀子", "荷塘", "柳岸", "桃源", "杏林", "梅岭", "兰亭",
    "桂园", "丽发", "伊景", "润芳", "恒盛", "天成", "宏达", "鑫源", "华泰", "远航", "顺通", "康宁", "德润", "盛世",
    "万象", "东湖", "西岸", "南郡", "北湖", "明珠", "紫荆", "银杏", "翠湖", "御景", "书香", "水岸",
];
const ESTATE_SUFFIXES: [&str; 10] = ["小区", "花园", "家园", "新城", "新村", "公寓", "华府", "名邸", "名苑", "苑"];
const ROAD_SUFFIXES: [&str; 8] = ["路", "街", "大道", "东路", "西路", "南路", "北路", "中路"];
const SCHOOL_SUFFIXES: [&str; 6] = ["小学", "中学", "实验小学", "实验中学", "外国语学校", "职业技术学院"];
/// Employers that owe wages.
const BUILDER_SUFFIXES: [&str; 5] = ["建设公司", "劳务公司", "建筑工程公司", "物流公司", "装饰公司"];
/// Businesses that take prepaid cards.
const SHOP_SUFFIXES: [&str; 6] = ["健身房", "培训学校", "商贸", "超市", "酒店", "驾校"];
const HOSPITAL_SUFFIXES: [&str; 3] = ["医院", "中医医院", "人民医院"];

/// What kind of place an issue is at.
#[derive(Clone, Copy)]
pub(crate) enum PlaceKind {
    /// Where the reporter lives, named in passing (a policy question is the same question from
    /// any street): each message names its own.
    Residence,
    Estate,
    Street,
    School,
    Builder,
    Shop,
    Hospital,
}

/// A name of one part, or now and then of two (金桂 + 滨河 + 苑), with a suffix.
fn name(rng: &mut StdRng, suffixes: &[&str]) -> String {
    let first = PARTS[rng.random_range(0..PARTS.len())];
    let second = if rng.random_bool(0.75) { PARTS[rng.random_range(0..PARTS.len())] } else { "" };
    let second = if second == first { "" } else { second };
    let suffix = suffixes[rng.random_range(0..suffixes.len())];
    format!("{first}{second}{suffix}")
}

fn district(rng: &mut StdRng) -> &'static str {
    DISTRICTS[rng.random_range(0..DISTRICTS.len())]
}

/// A new place of this kind, as the first reporter names it.
pub(crate) fn place(rng: &mut StdRng, kind: PlaceKind) -> Place {
    let (name, district) = match kind {
        PlaceKind::Estate => (name(rng, &ESTATE_SUFFIXES), district(rng)),
        PlaceKind::Street | PlaceKind::Residence => (name(rng, &ROAD_SUFFIXES), district(rng)),
        PlaceKind::School => (name(rng, &SCHOOL_SUFFIXES), district(rng)),
        PlaceKind::Builder => (name(rng, &BUILDER_SUFFIXES), ""),
        PlaceKind::Shop => (name(rng, &SHOP_SUFFIXES), ""),
        PlaceKind::Hospital => (name(rng, &HOSPITAL_SUFFIXES), district(rng)),
    };
    Place { name, district }
}

/// A place of an issue: its name and the district it is in (companies are named without one).
pub(crate) struct Place {
    pub name: String,
    pub district: &'static str,
}

impl Place {
    /// The place as one reporter writes it: with its district or without, and an estate now and
    /// then with 小区 added (丽发新城小区).
    pub(crate) fn as_written(&self, rng: &mut StdRng) -> String {
        let with_district = !self.district.is_empty() && rng.random_bool(0.35);
        let estate_word = !self.name.ends_with("小区")
            && ESTATE_SUFFIXES.iter().any(|s| self.name.ends_with(s))
            && rng.random_bool(0.15);
        format!(
            "{}{}{}",
            if with_district { self.district } else { "" },
            self.name,
            if estate_word { "小区" } else { "" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_thousand_places_are_nearly_all_different() {
        let mut rng = StdRng::seed_from_u64(7);
        let names: std::collections::HashSet<String> =
            (0..1000).map(|_| place(&mut rng, PlaceKind::Estate).name).collect();
        assert!(names.len() > 900, "{}", names.len());
    }
}
