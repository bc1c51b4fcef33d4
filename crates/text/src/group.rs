//! Grouping reports into problems (群众反映强烈的突出问题): many people describe one blocked drain in
//! many ways. Two reports are linked when their character shingles are close enough (Jaccard at
//! least `link`), or when they name the same estate, school or organisation and share a salient
//! word; a mismatch of such names vetoes any link (the same template about another estate is
//! another problem). Candidates come from MinHash LSH buckets and place-name buckets, so that
//! only likely pairs are compared.

use crate::Segmenter;
use crate::minhash::{self, PERMUTATIONS};
use crate::places::{self, Place, PlaceKind};
use std::collections::HashMap;

/// Thresholds, set per install.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// At or above: the same problem.
    pub link: f64,
    /// At or above (and below `link`): proposed to a person.
    pub propose: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { link: 0.5, propose: 0.3 }
    }
}

/// How many specific words a report is known by.
const SALIENT: usize = 12;
/// How many earlier members of a bucket a new report is compared with.
const BUCKET_PEERS: usize = 12;
/// The score given to a link made by a shared place and a shared salient word.
pub const PLACE_AND_WORD: f64 = 0.6;

/// A report made ready for comparison.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    pub shingles: Vec<u64>,
    pub signature: [u32; PERMUTATIONS],
    pub places: Vec<Place>,
    /// The places of its subject (the title, or the opening of a text without one): the places
    /// the report is about rather than those it mentions on the way.
    pub subject: Vec<Place>,
    /// Keys of the report's most specific words (not place names).
    pub salient: Vec<u64>,
    /// Those of them rare enough that one in common is telling.
    pub very_specific: Vec<u64>,
    /// The specific words of its subject.
    pub subject_words: Vec<u64>,
    /// All the content words of its subject.
    pub subject_all: Vec<u64>,
}

/// A fingerprint as the database keeps it (JSON): everything but the shingles, which online
/// matching does without (it compares signatures).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredPrint {
    #[serde(rename = "sig")]
    pub signature: Vec<u32>,
    #[serde(rename = "pl")]
    pub places: Vec<Place>,
    #[serde(rename = "su")]
    pub subject: Vec<Place>,
    #[serde(rename = "sa")]
    pub salient: Vec<u64>,
    #[serde(rename = "vs")]
    pub very_specific: Vec<u64>,
    #[serde(rename = "sw")]
    pub subject_words: Vec<u64>,
    #[serde(rename = "sl")]
    pub subject_all: Vec<u64>,
}

impl From<&Fingerprint> for StoredPrint {
    fn from(f: &Fingerprint) -> Self {
        Self {
            signature: f.signature.to_vec(),
            places: f.places.clone(),
            subject: f.subject.clone(),
            salient: f.salient.clone(),
            very_specific: f.very_specific.clone(),
            subject_words: f.subject_words.clone(),
            subject_all: f.subject_all.clone(),
        }
    }
}

impl StoredPrint {
    /// Back to a fingerprint to compare with [`similarity_estimated`]; `None` when the signature
    /// is not of this build's length (kept by another version).
    pub fn to_fingerprint(&self) -> Option<Fingerprint> {
        Some(Fingerprint {
            shingles: vec![],
            signature: self.signature.clone().try_into().ok()?,
            places: self.places.clone(),
            subject: self.subject.clone(),
            salient: self.salient.clone(),
            very_specific: self.very_specific.clone(),
            subject_words: self.subject_words.clone(),
            subject_all: self.subject_all.clone(),
        })
    }
}

impl Fingerprint {
    /// Bucket keys: the LSH bands and the specific places.
    pub fn keys(&self) -> Vec<u64> {
        let mut keys: Vec<u64> = minhash::band_keys(&self.signature).to_vec();
        for p in &self.subject {
            if matches!(p.kind, PlaceKind::Estate | PlaceKind::School | PlaceKind::Organisation | PlaceKind::Village) {
                // Keyed by the last three characters, so that 滨河苑 and 伊景园滨河苑 meet.
                let tail: String = p.name.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
                keys.push(minhash::key_of(&format!("place:{tail}")));
            }
        }
        keys
    }
}

/// A word at or below this frequency in jieba's dictionary (which counts words in a large general
/// corpus) is specific enough to tell one problem from another: 搅拌站 (4), 车位 (17), 实习 (1023),
/// but not 施工 (2141) or 居民 (6949).
const SPECIFIC: usize = 1500;
/// Rare enough that one such word in common (with a common place) is telling: 搅拌站, 车位.
const VERY_SPECIFIC: usize = 100;

/// How many characters of a text without a title are taken as its subject.
const SUBJECT_CHARS: usize = 80;

/// Builds a report's fingerprint from its title (may be empty) and body.
pub fn fingerprint(seg: &Segmenter, title: &str, body: &str) -> Fingerprint {
    let text = format!("{title} {body}");
    let tokens = seg.tokens(&text);
    let shingles = minhash::shingles(&crate::content_chars(&text));
    let signature = minhash::signature(&shingles);
    let places = places::extract(seg, &text);
    let subject_text =
        if title.trim().is_empty() { body.chars().take(SUBJECT_CHARS).collect() } else { title.to_string() };
    let subject = places::extract(seg, &subject_text);
    let specific = specific_words(seg, &tokens, &places);
    let very_specific = specific.iter().filter(|(f, _)| *f <= VERY_SPECIFIC).take(SALIENT).map(|(_, w)| *w).collect();
    let salient = specific.iter().take(SALIENT).map(|(_, w)| *w).collect();
    let subject_tokens = seg.tokens(&subject_text);
    let subject_words = specific_words(seg, &subject_tokens, &places).into_iter().map(|(_, w)| w).collect();
    let mut subject_all: Vec<u64> = subject_tokens
        .iter()
        .filter(|w| w.chars().count() >= 2 && !crate::segment::is_stopword(w) && seg.is_known(w))
        .filter(|w| !places.iter().any(|p| p.name.contains(w.as_str())))
        .map(|w| minhash::key_of(w))
        .collect();
    subject_all.sort_unstable();
    subject_all.dedup();
    Fingerprint { shingles, signature, places, subject, salient, very_specific, subject_words, subject_all }
}

/// The words of a text specific enough to tell one problem from another (place names aside),
/// rarest first, as (dictionary frequency, key).
fn specific_words(seg: &Segmenter, tokens: &[String], places: &[Place]) -> Vec<(usize, u64)> {
    let mut specific: Vec<(usize, &str)> = tokens
        .iter()
        .filter(|w| !crate::segment::is_stopword(w))
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_alphanumeric()) && seg.is_known(w))
        .filter(|w| !places.iter().any(|p| p.name.contains(w.as_str())))
        .map(|w| (seg.frequency(w), w.as_str()))
        .filter(|(f, _)| *f <= SPECIFIC)
        .collect();
    specific.sort();
    specific.dedup_by(|a, b| a.1 == b.1);
    specific.into_iter().map(|(f, w)| (f, minhash::key_of(w))).collect()
}

/// How alike two reports are, from 0 to 1; 0 when their places conflict.
pub fn similarity(a: &Fingerprint, b: &Fingerprint) -> f64 {
    if places::conflict(&a.places, &b.places) {
        return 0.0;
    }
    let j = minhash::jaccard(&a.shingles, &b.shingles);
    if j >= PLACE_AND_WORD {
        return j;
    }
    if shares_words(a, b) && places::share_specific(&a.subject, &b.subject) { PLACE_AND_WORD } else { j }
}

/// Whether two reports about one place are about the same thing there: a specific word in both
/// subjects (丽发新城搅拌站扰民 / 丽发新城附近建搅拌站) or two words of any kind, or two very
/// specific words in common anywhere. Fewer, and two problems at one estate (its mixing plant, its
/// bin store) would merge.
fn shares_words(a: &Fingerprint, b: &Fingerprint) -> bool {
    if a.subject_words.iter().any(|w| b.subject_words.contains(w))
        || a.subject_all.iter().filter(|w| b.subject_all.binary_search(w).is_ok()).count() >= 2
    {
        return true;
    }
    a.very_specific.iter().filter(|w| b.very_specific.contains(w)).count() >= 2
}

/// The same, from signatures only (online matching keeps no shingles).
pub fn similarity_estimated(a: &Fingerprint, b: &Fingerprint) -> f64 {
    if places::conflict(&a.places, &b.places) {
        return 0.0;
    }
    let j = minhash::estimate(&a.signature, &b.signature);
    if j >= PLACE_AND_WORD {
        return j;
    }
    if shares_words(a, b) && places::share_specific(&a.subject, &b.subject) { PLACE_AND_WORD } else { j }
}

/// Clusters as a union-find forest; each root keeps the places its members name, so that two
/// clusters about different estates never merge through a report that names neither.
struct Clusters {
    parent: Vec<u32>,
    places: Vec<Vec<Place>>,
}

/// How many places a cluster remembers.
const CLUSTER_PLACES: usize = 24;

impl Clusters {
    fn new(prints: &[Fingerprint]) -> Self {
        Self {
            parent: (0..prints.len() as u32).collect(),
            places: prints.iter().map(|p| p.places.iter().take(CLUSTER_PLACES).cloned().collect()).collect(),
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let parent = self.parent[x as usize];
            self.parent[x as usize] = self.parent[parent as usize];
            x = parent;
        }
        x
    }

    /// Merges the clusters of `a` and `b` unless their places conflict.
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb || places::conflict(&self.places[ra as usize], &self.places[rb as usize]) {
            return;
        }
        // The earlier report stays the root, so cluster ids follow first appearance.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        let moved = std::mem::take(&mut self.places[hi as usize]);
        let kept = &mut self.places[lo as usize];
        for p in moved {
            if kept.len() < CLUSTER_PLACES && !kept.contains(&p) {
                kept.push(p);
            }
        }
    }
}

/// Groups reports (in arrival order): for each, the index of the first report of its cluster.
pub fn group(prints: &[Fingerprint], t: Thresholds) -> Vec<usize> {
    group_with(prints, t, similarity)
}

/// The same with another measure of likeness ([`similarity_estimated`] for stored fingerprints,
/// which keep no shingles).
pub fn group_with(
    prints: &[Fingerprint],
    t: Thresholds,
    similarity: fn(&Fingerprint, &Fingerprint) -> f64,
) -> Vec<usize> {
    let n = u32::try_from(prints.len()).unwrap_or(u32::MAX);
    let mut uf = Clusters::new(prints);
    let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut candidates: Vec<u32> = Vec::new();
    let mut seen: std::collections::HashSet<u32> = std::collections::HashSet::new();
    for (i, fp) in prints.iter().enumerate() {
        let i = i as u32;
        candidates.clear();
        seen.clear();
        for key in fp.keys() {
            let members = buckets.entry(key).or_default();
            candidates.extend(members.iter().rev().take(BUCKET_PEERS));
            members.push(i);
        }
        for &j in &candidates {
            // Each candidate once, in the order met; one already in this report's cluster needs
            // no comparison (joining it again would change nothing).
            if j == i || !seen.insert(j) || uf.find(i) == uf.find(j) {
                continue;
            }
            if similarity(fp, &prints[j as usize]) >= t.link {
                uf.union(i, j);
            }
        }
    }
    (0..n).map(|i| uf.find(i) as usize).collect()
}

/// Segments, fingerprints and groups (title, body) pairs in one call, using all cores.
pub fn group_texts(seg: &Segmenter, texts: &[(String, String)], t: Thresholds) -> Vec<usize> {
    group(&fingerprint_all(seg, texts), t)
}

/// Segments and fingerprints many (title, body) pairs on all cores.
pub fn fingerprint_all(seg: &Segmenter, texts: &[(String, String)]) -> Vec<Fingerprint> {
    parallel(texts, |(title, body)| fingerprint(seg, title, body))
}

pub(crate) fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| s.spawn(|| part.iter().map(&f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(items: &[&str]) -> Vec<(String, String)> {
        items.iter().map(|s| (String::new(), s.to_string())).collect()
    }

    #[test]
    fn the_same_problem_in_other_words_is_grouped_and_another_estate_is_not() {
        let t = texts(&[
            "丽发新城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息",
            "投诉丽发新城附近混凝土搅拌站扰民，夜里轰鸣不断，灰尘很大",
            "建议人民路增设公交站点，方便群众出行",
            "丽发新城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息！！",
            "魅力之城小区旁边的搅拌站每天晚上施工，噪音和粉尘严重影响居民休息",
        ]);
        let g = group_texts(Segmenter::shared(), &t, Thresholds::default());
        assert_eq!(g[0], g[3], "near-identical");
        assert_eq!(g[0], g[1], "same estate, same salient word: {g:?}");
        assert_ne!(g[0], g[2]);
        assert_ne!(g[0], g[4], "another estate, same template");
    }

    #[test]
    fn empty_and_punctuation_only_texts_stand_alone() {
        let t = texts(&["", "！！！？？", "***", "噪音"]);
        let g = group_texts(Segmenter::shared(), &t, Thresholds::default());
        assert_eq!(g, vec![0, 1, 2, 3]);
    }
}
