//! Hot issues (热点问题), level two of grouping: a place or a group of people and a matter, as a
//! campaign office names them. Level one ([`crate::group`]) joins near-duplicates, the same report
//! in other words; a hot issue joins the level-one clusters and lone reports that are about the
//! same place and the same matter however little wording they share (residents of one estate
//! writing about one delivery's defects, parents asking in many ways about one school's rule).
//!
//! Reports are compared by what carries meaning: the specific places their subjects name (another
//! estate, school or company vetoes, as at level one) and the matter's words, weighted by how rare
//! they are in the reports at hand, the subject's words counting more than the detail's. A matter
//! without a place groups by its words alone, with a higher bar.

use crate::group::Fingerprint;
use crate::minhash;
use crate::places::{self, Place, PlaceKind};
use std::collections::HashMap;

mod describe;
mod ranked;
pub use describe::{Corpus, Description, describe};
pub use ranked::{RankedIssue, RankedIssues};

/// How alike two matters must be to be one hot issue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IssueSettings {
    /// Matter likeness (weighted cosine, 0–1) for reports about the same specific place.
    pub at_one_place: f64,
    /// For reports about no specific place, or about a place only one of them names.
    pub placeless: f64,
}

impl Default for IssueSettings {
    fn default() -> Self {
        Self { at_one_place: 0.12, placeless: 0.5 }
    }
}

/// A subject's shingle counts this much, and a specific word of the detail this much.
const SUBJECT_WEIGHT: f32 = 2.0;
const DETAIL_WEIGHT: f32 = 0.5;
/// How much a key of one report alone weighs beside a shared one.
const LONE_KEY: f32 = 0.3;
/// How many places a hot issue remembers for the veto.
const ISSUE_PLACES: usize = 32;
/// How many of a matter's heaviest words find the earlier issues it is compared with.
const KEY_WORDS: usize = 4;

/// A weighted set of word keys, sorted by key, of length one.
#[derive(Debug, Clone, Default)]
struct Matter(Vec<(u64, f32)>);

impl Matter {
    fn cosine(&self, other: &Matter) -> f64 {
        let (mut i, mut j, mut dot) = (0, 0, 0.0f32);
        while i < self.0.len() && j < other.0.len() {
            match self.0[i].0.cmp(&other.0[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += self.0[i].1 * other.0[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        f64::from(dot)
    }

    fn add(sum: &mut HashMap<u64, f32>, m: &Matter) {
        for &(k, w) in &m.0 {
            *sum.entry(k).or_default() += w;
        }
    }

    fn normalised(sum: HashMap<u64, f32>) -> Matter {
        let mut v: Vec<(u64, f32)> = sum.into_iter().collect();
        // Summed in key order, not the map's: the same reports always give the same matter, to
        // the last bit (a likeness at the bar must not join one run and not the next).
        v.sort_unstable_by_key(|&(k, _)| k);
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm == 0.0 {
            return Matter(Vec::new());
        }
        for (_, w) in &mut v {
            *w /= norm;
        }
        Matter(v)
    }

    /// The heaviest words, to find candidates by.
    fn key_words(&self) -> Vec<u64> {
        let mut v = self.0.clone();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().take(KEY_WORDS).map(|(k, _)| k).collect()
    }
}

/// The keys of a report's matter, unweighted: the character shingles of its subject (the title,
/// or the opening of a text without one) without the places it names, which carry a name the
/// segmenter cuts badly (58车贷, 松雅西地省站) as well as the matter; and its most specific words
/// anywhere.
fn matter_keys(subject: &str, fp: &Fingerprint) -> Vec<(u64, f32)> {
    let mut s = strip_codes(subject);
    for p in fp.subject.iter().filter(|p| p.kind != PlaceKind::District) {
        s = s.replace(p.name.as_str(), " ");
    }
    let mut keys: Vec<(u64, f32)> =
        crate::minhash::shingles(&crate::content_chars(&s)).into_iter().map(|k| (k, SUBJECT_WEIGHT)).collect();
    keys.extend(fp.salient.iter().map(|&k| (k, DETAIL_WEIGHT)));
    keys
}

/// The subject of a report: its title, or the opening of a text without one.
fn subject_of<'a>(title: &'a str, body: &'a str) -> std::borrow::Cow<'a, str> {
    if title.trim().is_empty() {
        std::borrow::Cow::Owned(body.chars().take(SUBJECT_CHARS).collect())
    } else {
        std::borrow::Cow::Borrowed(title)
    }
}

/// How many characters of a text without a title stand for its subject.
const SUBJECT_CHARS: usize = 80;

/// The places a report is about: the specific places and roads of its subject, and the specific
/// places it names anywhere when its subject names none.
fn about(fp: &Fingerprint) -> Vec<Place> {
    let mut out: Vec<Place> =
        fp.subject.iter().filter(|p| p.kind.is_specific() || p.kind == PlaceKind::Road).cloned().collect();
    if !out.iter().any(|p| p.kind.is_specific()) {
        out.extend(fp.places.iter().filter(|p| p.kind.is_specific()).cloned());
    }
    out
}

/// Keys of places, the same for 滨河苑 and 伊景园滨河苑.
fn place_keys(ps: &[Place]) -> Vec<u64> {
    let mut keys: Vec<u64> = ps.iter().map(|p| crate::group::place_tail(&p.name)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether the places of a hot issue and a cluster rule out one issue: another place of any
/// specific kind, another district, or (about no specific place in common) other roads.
fn vetoed(a: &[Place], b: &[Place]) -> bool {
    places::about_other_places(a, b)
        || places::conflict(a, b)
        || (places::roads_conflict(a, b) && !places::share_specific(a, b))
}

/// Whether a report or issue is about some place: a specific one or a road.
fn located(places: &[Place]) -> bool {
    places.iter().any(|p| p.kind.is_specific() || p.kind == places::PlaceKind::Road)
}

/// A hot issue as it is built: at first one level-one cluster.
struct Issue {
    /// Its reports.
    reports: Vec<usize>,
    sum: HashMap<u64, f32>,
    matter: Matter,
    /// The matters of its first level-one clusters: a report like one of them is like the issue,
    /// however the issue's middle has moved.
    parts: Vec<Matter>,
    places: Vec<Place>,
    /// The rare shingles of its subjects, sorted.
    names: Vec<u64>,
    /// The words of its subjects that are rare in the language, sorted.
    rare_words: Vec<u64>,
    /// The districts its subjects name (A3区, 临江县).
    districts: Vec<Place>,
}

impl Issue {
    fn of_cluster(reports: Vec<usize>, prints: &[Fingerprint], matters: &[Matter], rare: &[Vec<u64>]) -> Self {
        let mut sum = HashMap::new();
        let (mut places, mut names, mut rare_words) = (Vec::new(), Vec::new(), Vec::new());
        let mut districts: Vec<Place> = Vec::new();
        for &i in &reports {
            let fp = &prints[i];
            merge_sorted(&mut names, &rare[i], ISSUE_NAMES);
            let words: Vec<u64> = fp.subject_words.iter().filter(|w| fp.very_specific.contains(w)).copied().collect();
            merge_sorted(&mut rare_words, &words, ISSUE_NAMES);
            Matter::add(&mut sum, &matters[i]);
            for p in about(fp) {
                if places.len() < ISSUE_PLACES && !places.contains(&p) {
                    places.push(p);
                }
            }
            for d in fp.subject.iter().filter(|p| p.kind == PlaceKind::District) {
                if districts.len() < ISSUE_PLACES && !districts.contains(d) {
                    districts.push(d.clone());
                }
            }
        }
        let matter = Matter::normalised(sum.clone());
        Self { reports, sum, parts: vec![matter.clone()], matter, places, names, rare_words, districts }
    }

    /// How alike another issue's matter is to this one's, if their places allow them to be one
    /// and the likeness reaches the bar: lower for two about one place or one name.
    fn likeness(&self, other: &Issue, s: IssueSettings) -> Option<f64> {
        if vetoed(&self.places, &other.places) {
            return None;
        }
        let same_place = places::share_specific_or_road(&self.places, &other.places);
        // Each about a place of its own and none in common: two places, whatever the words (a
        // phrase many subjects share, 污染环境, is no name).
        if !same_place && located(&self.places) && located(&other.places) {
            return None;
        }
        // A place in one district and a matter in another: the same words about two places (a
        // question of policy names no place, and is asked from every district).
        if !same_place
            && (located(&self.places) || located(&other.places))
            && places::conflict(&self.districts, &other.districts)
        {
            return None;
        }
        let shared = minhash::common(&self.names, &other.names);
        let anchored =
            same_place || (shared >= SHARED_RARE_NAME && minhash::common(&self.rare_words, &other.rare_words) > 0);
        let bar = if anchored { s.at_one_place } else { s.placeless };
        // A cluster is compared with each part of the issue; two issues, middle to middle.
        let score = if other.parts.len() == 1 {
            self.parts.iter().map(|m| m.cosine(&other.matter)).fold(self.matter.cosine(&other.matter), f64::max)
        } else {
            self.matter.cosine(&other.matter)
        };
        (score >= bar).then_some(score)
    }

    fn absorb(&mut self, other: Issue) {
        self.reports.extend(other.reports);
        for (k, w) in other.sum {
            *self.sum.entry(k).or_default() += w;
        }
        self.matter = Matter::normalised(self.sum.clone());
        for m in other.parts {
            if self.parts.len() < ISSUE_PARTS {
                self.parts.push(m);
            }
        }
        merge_sorted(&mut self.names, &other.names, ISSUE_NAMES);
        merge_sorted(&mut self.rare_words, &other.rare_words, ISSUE_NAMES);
        for d in other.districts {
            if self.districts.len() < ISSUE_PLACES && !self.districts.contains(&d) {
                self.districts.push(d);
            }
        }
        for p in other.places {
            if self.places.len() < ISSUE_PLACES && !self.places.contains(&p) {
                self.places.push(p);
            }
        }
    }

    /// The keys it is found by: its places, its rare shingles and its matter's heaviest words.
    fn keys(&self) -> Vec<u64> {
        let mut keys = place_keys(&self.places).into_iter().map(|k| k ^ PLACE_KEY).collect::<Vec<_>>();
        keys.extend(self.names.iter().copied());
        keys.extend(self.matter.key_words());
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// Keeps place keys apart from shingle keys in one index.
const PLACE_KEY: u64 = 0x3d5a_c1e7_9b24_f086;

/// Joins each issue, largest first, to the earlier kept issue most like it, if any.
fn join(mut candidates: Vec<Issue>, s: IssueSettings) -> Vec<Issue> {
    candidates.sort_by(|a, b| b.reports.len().cmp(&a.reports.len()).then(a.reports[0].cmp(&b.reports[0])));
    let mut kept: Vec<Issue> = Vec::new();
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    for issue in candidates {
        let mut near: Vec<usize> =
            issue.keys().iter().flat_map(|k| index.get(k).into_iter().flatten().copied()).collect();
        near.sort_unstable();
        near.dedup();
        let best = near
            .into_iter()
            .filter_map(|c| kept[c].likeness(&issue, s).map(|score| (c, score)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let id = match best {
            Some((c, _)) => {
                kept[c].absorb(issue);
                c
            }
            None => {
                kept.push(issue);
                kept.len() - 1
            }
        };
        for k in kept[id].keys() {
            let list = index.entry(k).or_default();
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }
    kept
}

/// For each report, the index of the first report of its hot issue. `texts` are the reports'
/// (title, body), `prints` their fingerprints and `clusters` level one's answer for them (each
/// report's cluster, as [`crate::group::group`] gives it).
pub fn hot_issues(texts: &[(&str, &str)], prints: &[Fingerprint], clusters: &[usize], s: IssueSettings) -> Vec<usize> {
    let matters = matters(texts, prints);
    let rare = rare_subject_shingles(texts);
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &c) in clusters.iter().enumerate() {
        members.entry(c).or_default().push(i);
    }
    let units: Vec<Issue> =
        members.into_values().map(|reports| Issue::of_cluster(reports, prints, &matters, &rare)).collect();
    // Clusters join issues largest first: a hot issue forms around what most people reported.
    // Then the issues formed are joined once more, since two may have formed around two clusters
    // of one matter before the reports between them came.
    let issues = join(join(units, s), s);
    let mut out = vec![0usize; prints.len()];
    for issue in &issues {
        let first = issue.reports.iter().copied().min().unwrap_or(0);
        for &i in &issue.reports {
            out[i] = first;
        }
    }
    out
}

/// The shingles of each report's subject (district codes aside) that few others use: the names
/// of places, companies and cases an install's reports recur to, found whether or not they end
/// like a place name (辉煌国际城, 58车贷, 松雅西地省站).
fn rare_subject_shingles(texts: &[(&str, &str)]) -> Vec<Vec<u64>> {
    let all: Vec<Vec<u64>> = texts
        .iter()
        .map(|(t, b)| crate::minhash::shingles(&crate::content_chars(&strip_codes(&subject_of(t, b)))))
        .collect();
    let mut df: HashMap<u64, u32> = HashMap::new();
    for ks in &all {
        for &k in ks {
            *df.entry(k).or_default() += 1;
        }
    }
    let cap = (texts.len() / RARE_SHARE).max(RARE_FLOOR) as u32;
    all.into_iter().map(|ks| ks.into_iter().filter(|k| (2..=cap).contains(&df[k])).collect()).collect()
}

/// A shingle in at most one subject in this many (and at least this many subjects) is rare.
const RARE_SHARE: usize = 200;
const RARE_FLOOR: usize = 20;
/// How many rare shingles two subjects share to be about one named thing (a name of four
/// characters or more), with a word in them that is rare in the language (58车贷, 松雅西地省站).
/// Rare shingles of common words alone are as often a template one person fills in many ways
/// (请加快…建设力度).
const SHARED_RARE_NAME: usize = 2;
/// How many of its clusters' matters a hot issue remembers.
const ISSUE_PARTS: usize = 64;
/// How many rare shingles a hot issue remembers.
const ISSUE_NAMES: usize = 256;

fn merge_sorted(into: &mut Vec<u64>, more: &[u64], cap: usize) {
    into.extend_from_slice(more);
    into.sort_unstable();
    into.dedup();
    into.truncate(cap);
}

/// Each report's matter, weighted by how rare its keys are among the reports at hand.
fn matters(texts: &[(&str, &str)], prints: &[Fingerprint]) -> Vec<Matter> {
    let keys: Vec<Vec<(u64, f32)>> =
        texts.iter().zip(prints).map(|((t, b), fp)| matter_keys(&subject_of(t, b), fp)).collect();
    let mut df: HashMap<u64, u32> = HashMap::new();
    for ks in &keys {
        let mut seen: Vec<u64> = ks.iter().map(|(k, _)| *k).collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            *df.entry(k).or_default() += 1;
        }
    }
    let n = prints.len() as f32;
    let idf = |k: u64| ((n + 1.0) / (df.get(&k).copied().unwrap_or(0) as f32 + 0.5)).ln().max(0.0);
    keys.iter()
        .map(|ks| {
            let mut sum: HashMap<u64, f32> = HashMap::new();
            for &(k, w) in ks {
                // A key no other report has can match nothing: at its full (and highest) weight
                // it would drown what the report shares; left out, one shared common word would
                // make two short reports alike.
                let lone = if df.get(&k).is_some_and(|&d| d > 1) { 1.0 } else { LONE_KEY };
                let e = sum.entry(k).or_default();
                *e = e.max(w * idf(k) * lone);
            }
            Matter::normalised(sum)
        })
        .collect()
}

/// Drops the letter-and-number codes that stand for places in published data (A市, A2区, A7县).
fn strip_codes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_uppercase() {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && matches!(chars[j], '市' | '区' | '县' | '省') {
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}
