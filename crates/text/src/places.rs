//! Names of places and organisations in a report — estates, roads, schools, companies, villages,
//! districts. Two reports written from one template but naming another estate or school are not
//! the same problem: grouping lets a mismatch of such names veto a link.

use crate::segment::Tagged;
use std::sync::LazyLock;

/// What kind of place a name is; names are compared only within a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum PlaceKind {
    District,
    Road,
    Estate,
    School,
    Organisation,
    Village,
}

const SUFFIXES: &[(&str, PlaceKind)] = &[
    ("职业技术学院", PlaceKind::School),
    ("学院", PlaceKind::School),
    ("大学", PlaceKind::School),
    ("中学", PlaceKind::School),
    ("小学", PlaceKind::School),
    ("学校", PlaceKind::School),
    ("幼儿园", PlaceKind::School),
    ("小区", PlaceKind::Estate),
    ("花园", PlaceKind::Estate),
    ("家园", PlaceKind::Estate),
    ("新城", PlaceKind::Estate),
    ("新村", PlaceKind::Estate),
    ("公寓", PlaceKind::Estate),
    ("大厦", PlaceKind::Estate),
    ("广场", PlaceKind::Estate),
    ("华府", PlaceKind::Estate),
    ("名邸", PlaceKind::Estate),
    ("名苑", PlaceKind::Estate),
    ("苑", PlaceKind::Estate),
    ("公司", PlaceKind::Organisation),
    ("集团", PlaceKind::Organisation),
    ("医院", PlaceKind::Organisation),
    ("银行", PlaceKind::Organisation),
    ("驾校", PlaceKind::Organisation),
    ("商贸", PlaceKind::Organisation),
    ("置业", PlaceKind::Organisation),
    ("物流", PlaceKind::Organisation),
    ("超市", PlaceKind::Organisation),
    ("商场", PlaceKind::Organisation),
    ("酒店", PlaceKind::Organisation),
    ("健身房", PlaceKind::Organisation),
    ("大道", PlaceKind::Road),
    ("路", PlaceKind::Road),
    ("街", PlaceKind::Road),
    ("巷", PlaceKind::Road),
    ("村", PlaceKind::Village),
    ("镇", PlaceKind::Village),
    ("乡", PlaceKind::Village),
];

/// Words that end like a place but are not one (街道 is an office, 思路 a thought).
const NOT_PLACES: &[&str] = &[
    "街道",
    "道路",
    "马路",
    "公路",
    "铁路",
    "线路",
    "思路",
    "出路",
    "走路",
    "门路",
    "网路",
    "套路",
    "农村",
    "乡村",
    "城乡",
    "乡镇",
    "城镇",
    "学院路",
    "一路",
    "小学生",
    "中学生",
    "大学生",
    "医院里",
    "临街",
    "沿街",
    "上街",
    "当街",
    "逛街",
    "一条街",
    "老街",
    "商业街",
    "步行街",
    "小路",
    "大路",
    "路上",
    "路口",
    "路段",
    "路面",
    "路灯",
    "路边",
];

/// Endings of words that are kinds of road, not roads (公交线路, 城市道路).
const NOT_PLACE_ENDINGS: &[&str] = &["街镇", "线路", "道路", "马路", "公路", "铁路", "思路", "出路", "套路", "网路"];

/// A place named in a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Place {
    pub kind: PlaceKind,
    pub name: String,
}

/// Words that end a name when walking back from a suffix: a place name does not run across them.
const BOUNDARIES: &[&str] = &[
    "的",
    "在",
    "是",
    "和",
    "与",
    "及",
    "旁边",
    "附近",
    "周边",
    "对面",
    "门口",
    "楼下",
    "里面",
    "位于",
    "关于",
    "反映",
    "投诉",
    "举报",
    "讨要",
    "拖欠",
    "咨询",
    "建议",
    "要求",
    "请求",
    "我们",
    "我",
    "住",
    "家",
    "市",
    "区",
    "县",
    "省",
    "到",
    "从",
    "向",
    "给",
    "对",
    "了",
    "个",
    "号",
    "栋",
    "有",
    "业主",
    "物业",
    "交汇处",
    "就读",
    "就读于",
    "小区",
];

fn suffix_of(w: &str) -> Option<(&'static str, PlaceKind)> {
    // Most tokens end in a character no suffix ends in: one set lookup, not forty comparisons.
    static LAST_CHARS: LazyLock<u64> =
        LazyLock::new(|| SUFFIXES.iter().filter_map(|(s, _)| s.chars().last()).fold(0, |set, c| set | char_bit(c)));
    let last = w.chars().last()?;
    if *LAST_CHARS & char_bit(last) == 0 {
        return None;
    }
    SUFFIXES.iter().find(|(s, _)| w.ends_with(s)).copied()
}

/// A character's bit in a 64-bit set (a Bloom filter of one hash: a set bit may be another's).
fn char_bit(c: char) -> u64 {
    1 << (c as u32 % 64)
}

/// Words that make a name generic rather than a name: 有限公司, 物业公司, 该小区.
const GENERIC: &[&str] = &[
    "有限",
    "股份",
    "物业",
    "燃气",
    "自来水",
    "供电",
    "电力",
    "开发",
    "房地产",
    "房地产开发",
    "建筑",
    "该",
    "此",
    "这个",
    "那个",
    "他们",
    "我们",
    "本",
    "各",
    "新",
    "老",
    "大",
    "小",
    "附近",
    "周边",
    "整个",
    "所在",
    "所有",
    "其他",
    "一个",
    "这家",
    "那家",
    "培训",
    "安置",
    "商品房",
    "廉租房",
    "公租房",
    "农民工",
    "保安",
    "教育",
    "科技",
    "网络",
    "信息",
    "技术",
    "管理",
    "服务",
    // A trade names no company (建筑工程公司: the segmenter keeps 建筑工程 as one rare word, and
    // a company cut from its name by a misread first character was every builder at once).
    "建筑工程",
    "工程",
    "建设",
    "建设工程",
    "装饰工程",
    "劳务",
];

/// Words that make an institution's name generic (人民医院, 中医医院): there is one in every town.
const GENERIC_INSTITUTIONS: &[&str] = &["中医", "人民", "中心", "第一", "妇幼"];

/// Characters that the segmenter sometimes glues to the front of a name (区丽发新城).
const LEADING: &[char] = &['区', '市', '县', '省', '在', '下', '于', '近', '住', '的'];

/// How common a word may be and still be part of a name when walking back from a suffix.
const NAME_PART: usize = 3000;
/// Words this rare are taken as part of a name whatever jieba guessed their part of speech to be
/// (it tags the unknown 丽发 as a verb).
const RARE: usize = 50;

/// Whether a token can be part of the name that ends at a suffix: nouns and rare words can, verbs,
/// adverbs, pronouns, numbers, directions (东侧) and punctuation cannot. Schools are named with
/// common words (商贸旅游职业技术学院); estates and companies have a rare one (丽发新城, 恒盛物业),
/// and a common word before 小区 is not a name.
fn joins_name(seg: &crate::Segmenter, prev: &Tagged, common_words: bool, institution: bool, estate: bool) -> bool {
    let w = prev.word.as_str();
    if w.is_empty() || BOUNDARIES.contains(&w) || suffix_of(w).is_some() || w.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return false;
    }
    if w == "之" {
        return true; // 魅力之城
    }
    if w.chars().count() >= 2 && matches!(w.chars().last(), Some('区' | '县' | '市' | '省')) {
        return false; // a district or city comes before the name, not in it
    }
    let frequency = seg.frequency(w);
    let nounish = matches!(prev.tag, "n" | "ns" | "nr" | "nz" | "nt" | "nrt" | "nrfg" | "ng" | "j")
        || (common_words && prev.tag == "vn");
    if frequency <= RARE {
        return true;
    }
    if (institution || estate)
        && match prev.tag {
            "s" | "nr" | "ns" => frequency <= NAME_PART,
            // Verbs and adjectives only when rare: 远航 (156) names a hospital, 靠近 (946) does not.
            "v" | "a" => frequency <= 300,
            _ => false,
        }
    {
        // Institutions and estates are named with uncommon words of any kind: 龙湖西岸中医医院,
        // 锦绣远航人民医院, 远航家园, 宏图江岸公寓.
        return true;
    }
    nounish && (common_words || w.chars().count() == 1 || frequency <= NAME_PART)
}

/// The places named in a text. A suffix word (小区, 学院, 城小区) is joined to the name-like words
/// before it, up to a boundary.
pub fn extract(seg: &crate::Segmenter, text: &str) -> Vec<Place> {
    extract_tagged(seg, &seg.tagged(text))
}

/// The same from a text already tagged by [`crate::Segmenter::tagged`].
pub fn extract_tagged(seg: &crate::Segmenter, tokens: &[Tagged]) -> Vec<Place> {
    let unglued = unglue_districts(tokens);
    let tokens = unglued.as_deref().unwrap_or(tokens);
    let mended = mend_split_suffixes(tokens);
    let tokens = mended.as_deref().unwrap_or(tokens);
    let mut out: Vec<Place> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let w = &token.word;
        if w.is_empty() {
            continue;
        }
        if w.starts_with(|c: char| c.is_ascii_alphabetic()) && district(w, tokens.get(i + 1).map(|t| &t.word), &mut out)
        {
            continue;
        }
        // Real names: 东城区, 临江县 (one word jieba knows as a place; 居民区, 开发区 are areas).
        if token.tag == "ns"
            && matches!(w.chars().last(), Some('区' | '县'))
            && (3..=5).contains(&w.chars().count())
            && !AREAS.contains(&w.as_str())
        {
            out.push(Place { kind: PlaceKind::District, name: w.clone() });
            continue;
        }
        // 南湖 + 区, 临江 + 县: a place name and the word for district.
        if matches!(w.as_str(), "区" | "县")
            && let Some(prev) = i.checked_sub(1).map(|j| &tokens[j])
            && prev.tag == "ns"
            && (2..=3).contains(&prev.word.chars().count())
        {
            out.push(Place { kind: PlaceKind::District, name: format!("{}{w}", prev.word) });
            continue;
        }
        let Some((suffix, kind)) = suffix_of(w) else { continue };
        if NOT_PLACES.contains(&w.as_str()) || NOT_PLACE_ENDINGS.iter().any(|e| w.ends_with(e)) {
            continue;
        }
        let school = kind == PlaceKind::School;
        // Schools, roads and companies are named with common words (商贸旅游职业技术学院, 人民路,
        // 天成劳务公司) and institutions run long (宏达长盛妇幼保健院, 伊景翠湖中医医院).
        let institution = school || kind == PlaceKind::Organisation;
        let common_words = institution || kind == PlaceKind::Road;
        let mut name = w.clone();
        // The words the name is made of, to tell a name from a common word with a suffix.
        let own_stem = &w[..w.len() - suffix.len()];
        let mut parts: Vec<&str> = if own_stem.is_empty() { vec![] } else { vec![own_stem] };
        if institution || w.chars().count() <= suffix.chars().count() + 1 {
            // Walk back: 魅力 + 之 + 城小区, 润芳园 + 小区, 职业 + 技术学校.
            let reach = if institution { 8 } else { 4 };
            let mut j = i;
            while j > 0
                && name.chars().count() < suffix.chars().count() + reach
                && joins_name(seg, &tokens[j - 1], common_words, institution, kind == PlaceKind::Estate)
            {
                name = format!("{}{name}", tokens[j - 1].word);
                parts.push(&tokens[j - 1].word);
                j -= 1;
            }
        }
        let name = name.trim_start_matches(LEADING).to_string();
        let stem: String = name.chars().take(name.chars().count().saturating_sub(suffix.chars().count())).collect();
        let generic = |g: &&str| stem == *g || stem.ends_with(g) && stem.chars().count() <= g.chars().count() + 1;
        // A stem that is itself a word like a place but not one (路面 + 路 of 路面路灯) names nothing.
        if stem.chars().count() < 2
            || NOT_PLACES.contains(&stem.as_str())
            || GENERIC.iter().any(generic)
            || (kind == PlaceKind::Organisation && GENERIC_INSTITUTIONS.iter().any(generic))
        {
            continue;
        }
        // Roads are named with common words (人民路, 解放路); other places are not (生活小区).
        let named = school
            || kind == PlaceKind::Road
            || parts.iter().any(|t| !GENERIC.contains(t) && seg.frequency(t) <= NAME_PART)
            || (seg.is_known(&stem) && seg.frequency(&stem) <= NAME_PART);
        if !named {
            // A common word with a suffix (生活小区, 他们公司) is not a name.
            continue;
        }
        out.push(Place { kind, name });
    }
    out.sort();
    out.dedup();
    out
}

/// The segmenter sometimes glues the word for district to the name after it (A7 / 县泉塘 / 小区,
/// 临江 / 县柳岸 / 嘉禾新城): such a name is cut again after 区 or 县, so that both the district
/// and the place are found. Only after a district's code or name, and only where the glued word
/// is read as a name (县城 and 区域 are words of their own). `None` when nothing needed it.
fn unglue_districts(tokens: &[Tagged]) -> Option<Vec<Tagged>> {
    let glued = |before: &Tagged, token: &Tagged| {
        let mut chars = token.word.chars();
        matches!(chars.next(), Some('区' | '县'))
            && chars.next().is_some()
            && matches!(token.tag, "nr" | "ns" | "nz")
            && (before.word.starts_with(|c: char| c.is_ascii_alphabetic())
                && before.word.chars().all(|c| c.is_ascii_alphanumeric())
                || before.tag == "ns" && (2..=3).contains(&before.word.chars().count()))
    };
    if !tokens.windows(2).any(|pair| glued(&pair[0], &pair[1])) {
        return None;
    }
    let mut out: Vec<Tagged> = Vec::with_capacity(tokens.len() + 2);
    for token in tokens {
        if let Some(before) = out.last()
            && glued(before, token)
        {
            let cut = token.word.chars().next().map_or(0, char::len_utf8);
            out.push(Tagged { word: token.word[..cut].to_string(), tag: "n" });
            out.push(Tagged { word: token.word[cut..].to_string(), tag: token.tag });
            continue;
        }
        out.push(token.clone());
    }
    Some(out)
}

/// The segmenter sometimes glues the first character of a two-character estate suffix to the name
/// before it (德润名 / 邸, 恒 / 盛名 / 苑): such a pair is cut again where the suffix begins
/// (德润 / 名邸). `None` when nothing needed mending, which is almost always.
fn mend_split_suffixes(tokens: &[Tagged]) -> Option<Vec<Tagged>> {
    let glued = |name: &Tagged, tail: &Tagged| -> Option<usize> {
        let (name, tail) = (&name.word, &tail.word);
        let mut tail_chars = tail.chars();
        let (Some(c), None) = (tail_chars.next(), tail_chars.next()) else { return None };
        let last = name.chars().last()?;
        let estate = SUFFIXES.iter().any(|(s, k)| *k == PlaceKind::Estate && s.chars().eq([last, c]));
        (estate && name.chars().count() >= 2).then(|| name.len() - last.len_utf8())
    };
    if !tokens.windows(2).any(|pair| glued(&pair[0], &pair[1]).is_some()) {
        return None;
    }
    let mut out: Vec<Tagged> = Vec::with_capacity(tokens.len() + 2);
    for token in tokens {
        if let Some(prev) = out.last_mut()
            && let Some(cut) = glued(prev, token)
        {
            let moved = prev.word.split_off(cut);
            // What is left of the glued word is a piece of the name (盛 of 恒盛).
            prev.tag = "n";
            out.push(Tagged { word: format!("{moved}{}", token.word), tag: "n" });
            continue;
        }
        out.push(token.clone());
    }
    Some(out)
}

/// Words ending in 区 that name a kind of area, not a district.
const AREAS: &[&str] = &[
    "开发区",
    "居住区",
    "生活区",
    "商业区",
    "住宅区",
    "保护区",
    "示范区",
    "试验区",
    "管理区",
    "老城区",
    "风景区",
    "工业区",
    "新城区",
    "办公区",
    "服务区",
    "停车区",
    "施工区",
    "经开区",
    "自贸区",
    "风景名胜区",
    "商务区",
    "核心区",
    "城区",
    "市区",
    "居民区",
    "小区",
    "社区",
    "景区",
    "园区",
    "学区",
    "片区",
    "辖区",
    "郊区",
    "山区",
];

/// Districts: anonymised ones such as A3区, K9县 (one token, or a code followed by 区/县).
fn district(w: &str, next: Option<&String>, out: &mut Vec<Place>) -> bool {
    let chars: Vec<char> = w.chars().collect();
    let is_code = |c: &[char]| {
        !c.is_empty() && c.len() <= 3 && c[0].is_ascii_alphabetic() && c[1..].iter().all(|x| x.is_ascii_digit())
    };
    let joined = match chars.last() {
        Some('区' | '县') if is_code(&chars[..chars.len() - 1]) => Some(w.to_string()),
        _ if is_code(&chars) => next.filter(|n| matches!(n.as_str(), "区" | "县")).map(|n| format!("{w}{n}")),
        _ => None,
    };
    match joined {
        Some(name) => {
            out.push(Place { kind: PlaceKind::District, name: name.to_uppercase() });
            true
        }
        None => false,
    }
}

/// Whether two names can be the same place: equal, or one inside the other (a report may drop a
/// word: 经济学院 for 涉外经济学院).
fn compatible(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // A name inside another has no character the other lacks: a cheap test first, since a
    // substring search costs far more and this runs for every pair of candidates.
    let (ca, cb) = (char_set(a), char_set(b));
    (cb & !ca == 0 && a.contains(b)) || (ca & !cb == 0 && b.contains(a))
}

/// The characters of a name as bits of a 64-bit set.
fn char_set(name: &str) -> u64 {
    name.chars().fold(0, |set, c| set | char_bit(c))
}

/// Whether one name ends the other and is long enough to be a name on its own (经济学院 in
/// 涉外经济学院, 滨河苑 in 伊景园滨河苑; not 华苑).
fn same_tail(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.ends_with(short) && short.chars().count() >= 3
}

/// Whether the places of two reports rule out their being one problem: for some kind both name
/// places of, no name of one fits any name of the other.
pub fn conflict(a: &[Place], b: &[Place]) -> bool {
    const DECISIVE: [PlaceKind; 5] =
        [PlaceKind::District, PlaceKind::Estate, PlaceKind::School, PlaceKind::Organisation, PlaceKind::Village];
    // A school is an institution like a company or a hospital: 华泰驾校 and 远航培训学校 are two.
    let same_kind = |p: &Place, kind: PlaceKind| match kind {
        PlaceKind::School | PlaceKind::Organisation => matches!(p.kind, PlaceKind::School | PlaceKind::Organisation),
        k => p.kind == k,
    };
    DECISIVE.iter().any(|kind| {
        // No allocation: this runs for every pair of candidates.
        let mut xs = a.iter().filter(|p| same_kind(p, *kind)).peekable();
        let mut ys = b.iter().filter(|p| same_kind(p, *kind)).peekable();
        xs.peek().is_some()
            && ys.peek().is_some()
            && !xs.any(|x| b.iter().filter(|p| same_kind(p, *kind)).any(|y| compatible(&x.name, &y.name)))
    })
}

/// Whether both name roads and no road of one fits a road of the other.
pub fn roads_conflict(a: &[Place], b: &[Place]) -> bool {
    let mut ra = a.iter().filter(|p| p.kind == PlaceKind::Road).peekable();
    let mut rb = b.iter().filter(|p| p.kind == PlaceKind::Road).peekable();
    ra.peek().is_some()
        && rb.peek().is_some()
        && !ra.any(|x| b.iter().any(|y| y.kind == PlaceKind::Road && compatible(&x.name, &y.name)))
}

/// Whether two reports name a common specific place (an estate, school, organisation or village).
pub fn share_specific(a: &[Place], b: &[Place]) -> bool {
    a.iter().any(|x| x.kind.is_specific() && b.iter().any(|y| y.kind == x.kind && same_tail(&x.name, &y.name)))
}

/// Whether two reports, each about specific places, are about different ones: none of one is
/// any of the other, whatever their kinds (a hot issue is about one place: 麓谷小镇 and 深业睿城
/// are two, though one is named like a village and the other like an estate).
pub fn about_other_places(a: &[Place], b: &[Place]) -> bool {
    let mut xs = a.iter().filter(|p| p.kind.is_specific()).peekable();
    let has_b = b.iter().any(|p| p.kind.is_specific());
    xs.peek().is_some()
        && has_b
        && !xs.any(|x| {
            b.iter()
                .filter(|p| p.kind.is_specific())
                .any(|y| compatible(&x.name, &y.name) || same_tail(&x.name, &y.name))
        })
}

/// Whether two lists of places share a specific place, or a road when neither names a specific one.
pub fn share_specific_or_road(a: &[Place], b: &[Place]) -> bool {
    share_specific(a, b)
        || a.iter().any(|x| {
            x.kind == PlaceKind::Road && b.iter().any(|y| y.kind == PlaceKind::Road && compatible(&x.name, &y.name))
        })
}

impl PlaceKind {
    /// A place one problem is about (an estate, school, company or village), as against a district
    /// or a road, which many problems share.
    pub fn is_specific(self) -> bool {
        matches!(self, PlaceKind::Estate | PlaceKind::School | PlaceKind::Organisation | PlaceKind::Village)
    }
}
