//! Grouping reports into problems (群众反映强烈的突出问题): many people describe one blocked drain in
//! many ways. Two reports are linked when their character shingles are close enough (Jaccard at
//! least `link`), or when they name the same estate, school or organisation and share a salient
//! word; a mismatch of such names vetoes any link (the same template about another estate is
//! another problem). Candidates come from MinHash LSH buckets and place-name buckets, so that
//! only likely pairs are compared.

use crate::Segmenter;
use crate::index::BandIndex;
use crate::minhash::{self, PERMUTATIONS};
use crate::places::{self, Place, PlaceKind};

/// Thresholds, set per install.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// At or above: the same problem.
    pub link: f64,
    /// At or above (and below `link`): proposed to a person.
    pub propose: f64,
}

impl Default for Thresholds {
    /// Chosen by `zhenggai eval proposals` (bench/results/proposals-*.md): below 0.45 a proposal
    /// was wrong more often than right on the generator's messages and most messages got one; at
    /// 0.45 every judged proposal on 附件3's references was right.
    fn default() -> Self {
        Self { link: 0.5, propose: 0.45 }
    }
}

impl Thresholds {
    /// Whether a match of two reports scored `score` is kept: a link at or above `link`; below it,
    /// a proposal in the band that is [`worth_proposing`].
    pub fn keeps(&self, a: &Fingerprint, b: &Fingerprint, score: f64) -> bool {
        score >= self.link || (score >= self.propose && worth_proposing(a, b))
    }
}

/// How many specific words a report is known by.
const SALIENT: usize = 12;
/// How many earlier members of an LSH bucket a new report is compared with: near-duplicates fill
/// the same buckets, so a few of the newest are enough to join their cluster.
const BUCKET_PEERS: usize = 6;
/// And of a place's bucket, whose members are worded differently.
const PLACE_PEERS: usize = 12;
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
    /// The keys a report is filed under; see [`Fingerprint::query_keys`].
    pub fn insert_keys(&self) -> Vec<u64> {
        let bands = minhash::band_keys(&self.signature);
        let places = self.place_keys();
        let mut keys = places.clone();
        if places.is_empty() {
            keys.extend(bands.iter().map(|b| qualified(*b, UNPLACED)));
        } else {
            keys.extend(bands.iter().map(|b| qualified(*b, PLACED)));
            for p in &places {
                keys.extend(bands.iter().map(|b| qualified(*b, *p)));
            }
        }
        keys
    }

    /// The keys under which a report looks for earlier ones like it: its places, and LSH bands
    /// qualified by the places it names. A report about one estate meets earlier reports about
    /// the same estate (however worded, by the place key; alike, by its bands) and those that
    /// name no place, never the same template about a thousand other estates (which the place
    /// veto would refuse one by one). A report that names no place meets every earlier one alike.
    pub fn query_keys(&self) -> Vec<u64> {
        let bands = minhash::band_keys(&self.signature);
        let places = self.place_keys();
        let mut keys = places.clone();
        keys.extend(bands.iter().map(|b| qualified(*b, UNPLACED)));
        if places.is_empty() {
            keys.extend(bands.iter().map(|b| qualified(*b, PLACED)));
        }
        for p in &places {
            keys.extend(bands.iter().map(|b| qualified(*b, *p)));
        }
        keys
    }

    /// Keys of the places it is about: its specific places (estates, schools, organisations,
    /// villages), or failing those the roads of its subject; at most three.
    pub fn place_keys(&self) -> Vec<u64> {
        let mut out: Vec<u64> = self.places.iter().filter(|p| is_specific(p)).map(|p| place_tail(&p.name)).collect();
        if out.is_empty() {
            out = self.subject.iter().filter(|p| p.kind == PlaceKind::Road).map(|p| place_tail(&p.name)).collect();
        }
        out.sort_unstable();
        out.dedup();
        out.truncate(3);
        out.iter().map(|k| k ^ PLACE_KEY).collect()
    }
}

const PLACE_KEY: u64 = 0x7a3c_91e5_0b6d_f248;
const UNPLACED: u64 = 0x1f2e_3d4c_5b6a_7988;
const PLACED: u64 = 0x6c1b_2a39_4857_f6e5;

fn qualified(band: u64, qualifier: u64) -> u64 {
    minhash::mix(band ^ qualifier.rotate_left(17))
}

fn is_specific(p: &Place) -> bool {
    matches!(p.kind, PlaceKind::Estate | PlaceKind::School | PlaceKind::Organisation | PlaceKind::Village)
}

/// A place name's key: its last three characters once a trailing 小区 is dropped, so that 滨河苑
/// and 伊景园滨河苑, 丽发新城 and 丽发新城小区, 经济学院 and 涉外经济学院 share it.
pub(crate) fn place_tail(name: &str) -> u64 {
    let name = name.strip_suffix("小区").filter(|rest| rest.chars().count() >= 2).unwrap_or(name);
    let chars: Vec<char> = name.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(3)..].iter().collect();
    minhash::key_of(&tail)
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
    let shingles = minhash::shingles(&crate::content_chars(&text));
    let signature = minhash::signature(&shingles);
    // One segmentation of each part serves everything below: it is most of the cost.
    let title_tags = seg.tagged(title);
    let body_tags = seg.tagged(body);
    let title_places = places::extract_tagged(seg, &title_tags);
    let mut places = places::extract_tagged(seg, &body_tags);
    places.extend(title_places.iter().cloned());
    places.sort();
    places.dedup();
    let (subject, subject_tokens) = if title.trim().is_empty() {
        let opening = leading(&body_tags, SUBJECT_CHARS);
        (places::extract_tagged(seg, &opening), words_of(&opening))
    } else {
        (title_places, words_of(&title_tags))
    };
    let mut tokens = words_of(&title_tags);
    tokens.extend(words_of(&body_tags));
    let specific = specific_words(seg, &tokens, &places);
    let very_specific = specific.iter().filter(|(f, _)| *f <= VERY_SPECIFIC).take(SALIENT).map(|(_, w)| *w).collect();
    let salient = specific.iter().take(SALIENT).map(|(_, w)| *w).collect();
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

/// The tokens that make up the first `chars` characters of content.
fn leading(tags: &[crate::segment::Tagged], chars: usize) -> Vec<crate::segment::Tagged> {
    let mut taken = 0;
    tags.iter()
        .take_while(|t| {
            let fits = taken < chars;
            taken += t.word.chars().count();
            fits
        })
        .cloned()
        .collect()
}

/// The words of tagged tokens, punctuation left out.
fn words_of(tags: &[crate::segment::Tagged]) -> Vec<String> {
    tags.iter().filter(|t| !t.word.is_empty()).map(|t| t.word.clone()).collect()
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
    likeness(a, b, true)
}

/// The same, from signatures only (online matching keeps no shingles).
pub fn similarity_estimated(a: &Fingerprint, b: &Fingerprint) -> f64 {
    likeness(a, b, false)
}

fn likeness(a: &Fingerprint, b: &Fingerprint, exact: bool) -> f64 {
    if is_empty(a) || is_empty(b) {
        return 0.0;
    }
    // The signatures first: 64 comparisons rule out most candidates. Far apart and with no
    // telling word in common, nothing below could raise the score (the vetoes only lower it).
    let estimated = minhash::estimate(&a.signature, &b.signature);
    let words = shares_words(a, b);
    if estimated < FAR && !words {
        return estimated;
    }
    if vetoed(a, b) {
        return 0.0;
    }
    // The exact measure (a merge of two sets of a hundred-odd shingles) is worth its cost only
    // near the thresholds, and stored fingerprints keep no shingles.
    let j = if exact && EXACT.contains(&estimated) && !a.shingles.is_empty() && !b.shingles.is_empty() {
        minhash::jaccard(&a.shingles, &b.shingles)
    } else {
        estimated
    };
    if j < NEAR_DUPLICATE && topics_differ(a, b) {
        return 0.0;
    }
    if j >= PLACE_AND_WORD {
        return j;
    }
    if words && places::share_specific(&a.subject, &b.subject) { PLACE_AND_WORD } else { j }
}

/// Whether a match below the link threshold is worth a person's time: the two reports name one
/// specific place, or neither names any (a matter asked from anywhere). Where one names an estate
/// and the other none, what they share at that likeness is mostly a complaint's usual wording.
pub fn worth_proposing(a: &Fingerprint, b: &Fingerprint) -> bool {
    let specific = |f: &Fingerprint| f.places.iter().any(|p| p.kind.is_specific());
    places::share_specific(&a.places, &b.places) || (!specific(a) && !specific(b))
}

/// A text without content is like nothing, not like every other empty text.
fn is_empty(f: &Fingerprint) -> bool {
    f.signature[0] == u32::MAX && f.signature == minhash::EMPTY
}

/// An estimated likeness this far below any proposal band an install would set (0.3 at the
/// lowest, ± 0.06 by 64 permutations) is not worth looking at further.
const FAR: f64 = 0.15;
/// Estimates in this range are measured exactly: around the link threshold (0.5) and the score a
/// shared place and word gives (0.6), where two standard errors of the estimate decide. Elsewhere
/// the estimate decides alone: the exact measure (a merge of two sets of a hundred-odd shingles)
/// costs twenty times as much.
const EXACT: std::ops::Range<f64> = 0.38..0.66;

/// Whether the places of two reports rule out their being one problem: another estate, school,
/// company, village or district anywhere in them, or, when their subjects are about roads and
/// about nothing more specific in common, other roads (人民路公交班次太少 / 解放路公交班次太少).
/// Roads only in passing do not count: reports about one estate name the roads around it.
fn vetoed(a: &Fingerprint, b: &Fingerprint) -> bool {
    places::conflict(&a.places, &b.places)
        || (places::roads_conflict(&a.subject, &b.subject) && !places::share_specific(&a.subject, &b.subject))
}

/// At or above this likeness two reports are one whatever their subjects say.
const NEAR_DUPLICATE: f64 = 0.6;

/// Whether the subjects of two reports are about different things: each names specific words,
/// none in common, and no specific place in common (咨询失业保险金 / 咨询退休手续 in one template).
fn topics_differ(a: &Fingerprint, b: &Fingerprint) -> bool {
    !a.subject_words.is_empty()
        && !b.subject_words.is_empty()
        && !a.subject_words.iter().any(|w| b.subject_words.contains(w))
        && !places::share_specific(&a.subject, &b.subject)
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

/// Clusters as a union-find forest; each root keeps the places its members name, so that two
/// clusters about different estates never merge through a report that names neither.
struct Clusters<'a> {
    prints: &'a [Fingerprint],
    parent: Vec<u32>,
    /// A root's places once it has members; until then, its own report's (not copied: most
    /// reports never join anything).
    places: Vec<Option<Vec<Place>>>,
    /// The places its members' subjects name: roads there veto as they do for a pair.
    subjects: Vec<Option<Vec<Place>>>,
}

/// How many places a cluster remembers.
const CLUSTER_PLACES: usize = 24;

impl<'a> Clusters<'a> {
    fn new(prints: &'a [Fingerprint]) -> Self {
        Self {
            prints,
            parent: (0..prints.len() as u32).collect(),
            places: vec![None; prints.len()],
            subjects: vec![None; prints.len()],
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

    fn places_of(&self, root: u32) -> &[Place] {
        let own = &self.prints[root as usize].places;
        self.places[root as usize].as_deref().unwrap_or(&own[..own.len().min(CLUSTER_PLACES)])
    }

    fn subjects_of(&self, root: u32) -> &[Place] {
        let own = &self.prints[root as usize].subject;
        self.subjects[root as usize].as_deref().unwrap_or(&own[..own.len().min(CLUSTER_PLACES)])
    }

    /// Merges the clusters of `a` and `b` unless their places conflict.
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (sa, sb) = (self.subjects_of(ra), self.subjects_of(rb));
        if ra == rb
            || places::conflict(self.places_of(ra), self.places_of(rb))
            || (places::roads_conflict(sa, sb) && !places::share_specific(sa, sb))
        {
            return;
        }
        // The earlier report stays the root, so cluster ids follow first appearance.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        let merge = |kept: &[Place], moved: &[Place]| {
            let mut kept = kept.to_vec();
            for p in moved {
                if kept.len() < CLUSTER_PLACES && !kept.contains(p) {
                    kept.push(p.clone());
                }
            }
            kept
        };
        let places = merge(self.places_of(lo), self.places_of(hi));
        let subjects = merge(self.subjects_of(lo), self.subjects_of(hi));
        self.places[lo as usize] = Some(places);
        self.subjects[lo as usize] = Some(subjects);
        self.places[hi as usize] = Some(vec![]);
        self.subjects[hi as usize] = Some(vec![]);
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
    // The joins in arrival order, as comparing one by one would make them: the clusters' vetoes
    // see them in the same order.
    each_scored_block(prints, similarity, |pairs, scores| {
        for (&(i, j), score) in pairs.iter().zip(scores) {
            if score >= t.link && uf.find(i) != uf.find(j) {
                uf.union(i, j);
            }
        }
    });
    (0..n).map(|i| uf.find(i) as usize).collect()
}

/// Each report's candidates (earlier reports filed under its keys, each once), a block of reports
/// at a time, handed to `visit` as (report, candidate) pairs in arrival order with their
/// `similarity`, which is computed for a whole block on all cores.
fn each_scored_block(
    prints: &[Fingerprint],
    similarity: fn(&Fingerprint, &Fingerprint) -> f64,
    mut visit: impl FnMut(&[(u32, u32)], Vec<f64>),
) {
    let mut index = BandIndex::with_capacity(prints.len() * 20);
    let mut candidates: Vec<u32> = Vec::new();
    // The report each candidate was last met for: each is compared once per report.
    let mut met: Vec<u32> = vec![u32::MAX; prints.len()];
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for start in (0..prints.len()).step_by(GROUP_BLOCK) {
        pairs.clear();
        for (i, fp) in prints.iter().enumerate().skip(start).take(GROUP_BLOCK) {
            let i = i as u32;
            candidates.clear();
            candidates_of(&index, fp, &mut candidates);
            index.insert(&fp.insert_keys(), i);
            pairs.extend(
                candidates.iter().filter(|&&j| std::mem::replace(&mut met[j as usize], i) != i).map(|&j| (i, j)),
            );
        }
        let scores = parallel(&pairs, |&(i, j)| similarity(&prints[i as usize], &prints[j as usize]));
        visit(&pairs, scores);
    }
}

/// Reports whose candidates are compared at once, on all cores.
const GROUP_BLOCK: usize = 20_000;

/// The earlier reports filed under a report's query keys: a dozen per place, a few per band.
fn candidates_of(index: &BandIndex, fp: &Fingerprint, out: &mut Vec<u32>) {
    let keys = fp.query_keys();
    let places = fp.place_keys().len();
    index.candidates(&keys[..places], PLACE_PEERS, out);
    index.candidates(&keys[places..], BUCKET_PEERS, out);
}

/// For each report (in arrival order), the earlier report most like it at or above
/// `t.propose`, with the score: what intake proposes or links, for a whole batch at once.
pub fn best_matches(
    prints: &[Fingerprint],
    t: Thresholds,
    similarity: fn(&Fingerprint, &Fingerprint) -> f64,
) -> Vec<Option<(usize, f64)>> {
    let mut out: Vec<Option<(usize, f64)>> = vec![None; prints.len()];
    each_scored_block(prints, similarity, |pairs, scores| {
        for (&(i, j), score) in pairs.iter().zip(scores) {
            let best = &mut out[i as usize];
            // The first of equals, as the candidates come newest first.
            if best.is_none_or(|(_, s)| score > s) && t.keeps(&prints[i as usize], &prints[j as usize], score) {
                *best = Some((j as usize, score));
            }
        }
    });
    out
}

/// Every (report, earlier report) pair that grouping compares, with its score, those at or above
/// `floor`: what thresholds are chosen from (`zhenggai eval proposals`).
pub fn scored_pairs(
    prints: &[Fingerprint],
    floor: f64,
    similarity: fn(&Fingerprint, &Fingerprint) -> f64,
) -> Vec<(u32, u32, f64)> {
    let mut out = Vec::new();
    each_scored_block(prints, similarity, |pairs, scores| {
        out.extend(pairs.iter().zip(scores).filter(|(_, s)| *s >= floor).map(|(&(i, j), s)| (i, j, s)));
    });
    out
}

/// Segments, fingerprints and groups (title, body) pairs in one call, using all cores.
pub fn group_texts(seg: &Segmenter, texts: &[(String, String)], t: Thresholds) -> Vec<usize> {
    group(&fingerprint_all(seg, texts), t)
}

/// Segments and fingerprints many (title, body) pairs on all cores.
pub fn fingerprint_all(seg: &Segmenter, texts: &[(String, String)]) -> Vec<Fingerprint> {
    parallel(texts, |(title, body)| fingerprint(seg, title, body))
}

/// Maps `items` with `f` on all cores (at most eight threads), keeping their order.
pub fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| s.spawn(|| part.iter().map(&f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}
