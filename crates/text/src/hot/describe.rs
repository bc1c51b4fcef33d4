//! What a hot issue is called: its place or group of people (地点/人群) and its matter (问题描述),
//! from its reports' subjects.

use super::{Matter, about, matter_keys, strip_codes, subject_of};
use crate::group::Fingerprint;
use crate::places::{Place, PlaceKind};
use std::collections::HashMap;

/// How many subjects of all the reports at hand use each shingle: what tells a name the reports
/// of one issue share from a phrase everyone uses (严重扰民).
pub struct Corpus {
    subject_df: HashMap<u64, u32>,
}

impl Corpus {
    pub fn of(texts: &[(&str, &str)]) -> Self {
        let mut subject_df: HashMap<u64, u32> = HashMap::new();
        for (t, b) in texts {
            for k in crate::minhash::shingles(&crate::content_chars(&strip_codes(&subject_of(t, b)))) {
                *subject_df.entry(k).or_default() += 1;
            }
        }
        Self { subject_df }
    }

    /// At most how many subjects contain `name`.
    fn uses(&self, name: &str) -> u32 {
        crate::minhash::shingles(&name.chars().collect::<Vec<_>>())
            .iter()
            .map(|k| self.subject_df.get(k).copied().unwrap_or(0))
            .min()
            .unwrap_or(0)
    }
}

/// What a hot issue is called: its place or group of people (地点/人群) and its matter (问题描述).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub place: String,
    pub matter: String,
}

/// How long a matter phrase may run.
const MATTER_CHARS: usize = 30;

/// Names a hot issue from its reports' (title, body) and fingerprints: the place most of them are
/// about, in its fullest common form and with the district most of them give; and the subject of
/// the report most like the rest, without the place and the words that only address the office.
pub fn describe(corpus: &Corpus, texts: &[(&str, &str)], prints: &[&Fingerprint]) -> Description {
    // The place: the key most reports are about, then the name of it they use most (the longer of
    // equals: 伊景园滨河苑 over 滨河苑).
    let mut by_key: HashMap<u64, (usize, HashMap<&str, usize>)> = HashMap::new();
    let mut districts: HashMap<&str, usize> = HashMap::new();
    let abouts: Vec<Vec<Place>> = prints.iter().map(|fp| about(fp)).collect();
    for (fp, ps) in prints.iter().zip(&abouts) {
        let mut seen = Vec::new();
        for p in ps {
            let key = crate::group::place_tail(&p.name);
            let entry = by_key.entry(key).or_default();
            if !seen.contains(&key) {
                seen.push(key);
                entry.0 += 1;
            }
            *entry.1.entry(p.name.as_str()).or_default() += 1;
        }
        for d in fp.subject.iter().filter(|p| p.kind == PlaceKind::District) {
            *districts.entry(d.name.as_str()).or_default() += 1;
        }
    }
    // A place only a few of its reports name is where those few are, not what the issue is
    // about (a company one asker of a policy question works at).
    let name = by_key
        .values()
        .max_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| longest(&a.1).cmp(&longest(&b.1)))
                .then_with(|| most_used(&b.1).cmp(most_used(&a.1)))
        })
        .filter(|(reports, _)| *reports * 3 >= prints.len())
        .map(|(_, names)| most_used(names).to_string());
    let district = most_used_of(&districts).filter(|(_, n)| *n * 3 >= prints.len()).map(|(d, _)| d);
    // A name most subjects give that the place names missed (绿地海外滩, 松雅西地省站) is the
    // better label when the place found is not in most of them.
    let subjects: Vec<String> = texts
        .iter()
        .map(|(t, b)| crate::content_chars(&strip_codes(&subject_of(t, b))).into_iter().collect())
        .collect();
    let in_most = |name: &str| subjects.iter().filter(|s| s.contains(name)).count() * 2 >= subjects.len();
    let name = match name {
        Some(n) if in_most(&n) => Some(widened(n, &subjects)),
        // Used mostly by this reports: a name, not a phrase everyone uses.
        found => common_name(&subjects).filter(|n| corpus.uses(n) as usize <= NAME_SPREAD * subjects.len()).or(found),
    };
    let place = match (district, &name) {
        (Some(d), Some(n)) if !n.starts_with(d) => format!("{d}{n}"),
        (_, Some(n)) => n.clone(),
        (Some(d), None) => d.to_string(),
        (None, None) => String::new(),
    };
    // The matter: the subject of the report nearest the middle of the issue.
    let sums: Vec<Matter> = texts
        .iter()
        .zip(prints)
        .map(|((t, b), fp)| {
            let mut m: HashMap<u64, f32> = HashMap::new();
            for (k, w) in matter_keys(&subject_of(t, b), fp) {
                let e = m.entry(k).or_default();
                *e = e.max(w);
            }
            Matter::normalised(m)
        })
        .collect();
    let mut centre = HashMap::new();
    for m in &sums {
        Matter::add(&mut centre, m);
    }
    let centre = Matter::normalised(centre);
    let nearest = (0..texts.len())
        .filter(|&i| !texts[i].0.trim().is_empty() || !texts[i].1.trim().is_empty())
        .max_by(|&a, &b| sums[a].cosine(&centre).total_cmp(&sums[b].cosine(&centre)).then(b.cmp(&a)));
    let matter = nearest
        .map(|i| {
            let (title, body) = texts[i];
            let subject = if title.trim().is_empty() {
                crate::title::short_title(body, MATTER_CHARS)
            } else {
                title.trim().to_string()
            };
            let names: Vec<&str> = abouts
                .iter()
                .flatten()
                .chain(prints[i].subject.iter())
                .map(|p| p.name.as_str())
                .chain(name.as_deref())
                .collect();
            // A subject that is all name says its matter in full.
            Some(matter_phrase(&subject, &names))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| crate::title::short_title(&strip_codes(&subject), MATTER_CHARS))
        })
        .unwrap_or_default();
    Description { place, matter }
}

/// A name as most subjects that give it write it: with the characters before it that most of
/// them have (伊 + 景园滨河苑, where the segmenter cut the name's first character off).
fn widened(mut name: String, subjects: &[String]) -> String {
    for _ in 0..WIDEN_CHARS {
        let mut before: HashMap<char, usize> = HashMap::new();
        let mut giving = 0;
        for s in subjects {
            if let Some(at) = s.find(name.as_str()) {
                giving += 1;
                if let Some(c) = s[..at].chars().last() {
                    *before.entry(c).or_default() += 1;
                }
            }
        }
        match before.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))) {
            Some((c, n)) if n * 2 > giving && crate::normalize::is_ideograph(c) && !NOT_NAME_START.contains(&c) => {
                name.insert(0, c)
            }
            _ => break,
        }
    }
    name
}

/// How many characters a name is widened by at most.
const WIDEN_CHARS: usize = 2;
/// Characters that end the word before a name rather than begin it: the end of a road, district
/// or town, and words that join (关于, 的, 在).
const NOT_NAME_START: &[char] =
    &['路', '街', '道', '区', '县', '市', '省', '镇', '村', '于', '的', '在', '和', '与', '及', '对'];
/// A common name is used by at most this many times as many reports as the issue has.
const NAME_SPREAD: usize = 2;
/// How many subjects the longest common name is looked for in.
const NAME_SAMPLE: usize = 200;
/// The lengths a common name may have, in characters.
const NAME_CHARS: std::ops::RangeInclusive<usize> = 3..=12;

/// The longest run of characters that most subjects contain (of a sample), if any: what they are
/// all about, named as they name it.
fn common_name(subjects: &[String]) -> Option<String> {
    let sample = &subjects[..subjects.len().min(NAME_SAMPLE)];
    // A name is shared by two subjects at least: a lone report has none to look for.
    if sample.len() < 2 {
        return None;
    }
    let most = sample.len().div_ceil(2).max(2);
    let mut best: Option<(usize, usize, String)> = None;
    for source in sample.iter().take(3) {
        let chars: Vec<char> = source.chars().collect();
        for start in 0..chars.len() {
            for len in NAME_CHARS.rev() {
                if start + len > chars.len() || best.as_ref().is_some_and(|(l, _, _)| *l > len) {
                    continue;
                }
                let run: String = chars[start..start + len].iter().collect();
                let run = run.trim_matches(|c| matches!(c, '的' | '在' | '和' | '与' | '了')).to_string();
                let n = run.chars().count();
                if n < *NAME_CHARS.start() {
                    continue;
                }
                let count = sample.iter().filter(|s| s.contains(run.as_str())).count();
                if count >= most && best.as_ref().is_none_or(|(l, c, _)| (n, count) > (*l, *c)) {
                    best = Some((n, count, run));
                    break;
                }
            }
        }
    }
    best.map(|(_, _, run)| run)
}

fn longest(names: &HashMap<&str, usize>) -> usize {
    names.keys().map(|n| n.chars().count()).max().unwrap_or(0)
}

fn most_used<'a>(names: &HashMap<&'a str, usize>) -> &'a str {
    most_used_of(names).map(|(n, _)| n).unwrap_or_default()
}

fn most_used_of<'a>(names: &HashMap<&'a str, usize>) -> Option<(&'a str, usize)> {
    names
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(a.0.chars().count().cmp(&b.0.chars().count())).then(b.0.cmp(a.0)))
        .map(|(n, c)| (*n, *c))
}

/// Words that open a subject only to address the office (关于…的问题, 投诉, 请问).
const OPENERS: &[&str] = &[
    "关于",
    "投诉",
    "反映",
    "举报",
    "请问",
    "咨询",
    "建议",
    "请求",
    "强烈要求",
    "要求",
    "希望",
    "再次",
    "紧急",
    "求助",
];
/// Endings of the same kind (…的问题, …的投诉).
const CLOSERS: &[&str] = &["的问题", "问题", "的投诉", "的建议", "的咨询", "的诉求", "的请求"];

/// What a place name leaves at the start of a subject (丽发新城 | 小区旁边建搅拌站).
const LEFTOVERS: &[&str] = &["的", "小区", "附近", "旁边", "周边", "一带", "（", "）", "(", ")"];

/// A subject without the places it names, the opening and closing words that address the office,
/// or the district codes (A市, A2区) the messages carry; cut at [`MATTER_CHARS`].
fn matter_phrase(subject: &str, names: &[&str]) -> String {
    let mut s = subject.to_string();
    let mut names: Vec<&str> = names.to_vec();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for n in names {
        if n.chars().count() >= 2 {
            s = s.replace(n, "");
        }
    }
    let s = strip_codes(&s);
    let mut s =
        s.trim_matches(|c: char| c.is_whitespace() || "，。！？、：；,.!?:;（）()《》“”\"'…".contains(c)).to_string();
    loop {
        let before = s.len();
        for o in OPENERS {
            if let Some(rest) = s.strip_prefix(o) {
                s = rest.trim_start_matches(|c: char| "，：:、 ".contains(c)).to_string();
            }
        }
        for c in CLOSERS {
            if let Some(rest) = s.strip_suffix(c).filter(|r| r.chars().count() >= 4) {
                s = rest.to_string();
            }
        }
        for l in LEFTOVERS {
            if let Some(rest) = s.strip_prefix(l) {
                s = rest.to_string();
            }
        }
        if s.len() == before {
            break;
        }
    }
    crate::title::short_title(&s, MATTER_CHARS)
}
