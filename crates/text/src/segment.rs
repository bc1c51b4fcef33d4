//! Word segmentation with jieba: its built-in dictionary, compiled in (nothing is downloaded), plus
//! the install's own words — unit names, place names and categories — so that "伊景园滨河苑" or
//! "市住房和城乡建设局" come out whole.

use crate::normalize::is_ideograph;
use jieba_rs::Jieba;
use std::sync::LazyLock;

/// Words too common to tell one report from another.
const STOPWORDS: &[&str] = &[
    "的", "了", "是", "在", "我", "我们", "你", "您", "他", "她", "它", "这", "那", "和", "与", "及", "或", "也", "都",
    "就", "还", "又", "很", "非常", "一个", "一些", "没有", "有", "被", "把", "对", "为", "从", "到", "向", "于", "以",
    "等", "等等", "请", "请问", "希望", "谢谢", "您好", "你好", "领导", "尊敬", "反映", "问题", "情况", "相关", "部门",
    "有关", "进行", "能", "可以", "是否", "什么", "怎么", "如何", "吗", "呢", "吧", "啊", "呀", "着", "过", "给", "让",
    "但", "但是", "因为", "所以", "如果", "已经", "现在", "目前", "一直", "多次", "恳请", "尽快", "处理", "解决", "市",
    "区", "县",
];

/// Whether a word is too common to tell one report from another.
pub fn is_stopword(w: &str) -> bool {
    // A set: this runs for every token of every report.
    static SET: LazyLock<std::collections::HashSet<&'static str>> =
        LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(w)
}

pub struct Segmenter {
    jieba: Jieba,
    /// Dictionary frequencies (and whether the word is in the dictionary) already looked up, by
    /// the word's 64-bit hash (no string to compare or copy: this runs for every token).
    frequencies: std::sync::RwLock<crate::index::KeyMap<(usize, bool)>>,
}

static SHARED: LazyLock<Segmenter> = LazyLock::new(|| Segmenter::new(std::iter::empty::<&str>()));

impl Segmenter {
    /// A segmenter with the built-in dictionary and these extra words.
    pub fn new<'a>(extra_words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut jieba = Jieba::new();
        for w in extra_words {
            let w = w.trim();
            if w.chars().count() >= 2 && w.chars().count() <= 30 {
                jieba.add_word(w, Some(20_000), None);
            }
        }
        Self { jieba, frequencies: std::sync::RwLock::new(crate::index::KeyMap::default()) }
    }

    /// How common a word is in jieba's dictionary (its count in a large general corpus); low for
    /// specific words, and about 1 for words it does not know.
    pub fn frequency(&self, word: &str) -> usize {
        self.lookup(word).0
    }

    /// Whether the dictionary (or the install's words) holds this word. Words the segmenter only
    /// guessed at (区丽发, glued from a district and a name) are not known.
    pub fn is_known(&self, word: &str) -> bool {
        self.lookup(word).1
    }

    fn lookup(&self, word: &str) -> (usize, bool) {
        let key = crate::minhash::key_of(word);
        if let Ok(cache) = self.frequencies.read()
            && let Some(f) = cache.get(&key)
        {
            return *f;
        }
        let known = self.jieba.cut(word, false).len() == 1;
        let entry = (self.jieba.suggest_freq(word), known);
        if let Ok(mut cache) = self.frequencies.write() {
            if cache.len() > 2_000_000 {
                cache.clear();
            }
            cache.insert(key, entry);
        }
        entry
    }

    /// The segmenter with only the built-in dictionary, built once per process.
    pub fn shared() -> &'static Segmenter {
        &SHARED
    }

    /// The content words of a text: normalised, lowercased, without punctuation, masks and
    /// stopwords.
    pub fn words(&self, text: &str) -> Vec<String> {
        let normalized = crate::normalize(text);
        self.jieba
            .cut(&normalized, true)
            .into_iter()
            .filter_map(|t| clean(t.word))
            .filter(|w| !is_stopword(w))
            .collect()
    }

    /// Every token as written, punctuation and spaces included (joined, they give the text back).
    pub fn raw_tokens(&self, text: &str) -> Vec<String> {
        self.jieba.cut(text, true).into_iter().map(|t| t.word.to_string()).collect()
    }

    /// Every token with content (stopwords kept), for features where common words still count.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let normalized = crate::normalize(text);
        self.jieba.cut(&normalized, true).into_iter().filter_map(|t| clean(t.word)).collect()
    }

    /// Every token with its part of speech (jieba's tags: n noun, ns place, v verb, d adverb, f
    /// direction...); punctuation stays, as a token with no content, so that names do not run across
    /// sentences.
    pub fn tagged(&self, text: &str) -> Vec<Tagged> {
        let normalized = crate::normalize(text);
        self.jieba
            .tag(&normalized, true)
            .into_iter()
            .map(|t| match clean(t.word) {
                Some(word) => Tagged { word, tag: tag_of(t.tag) },
                None => Tagged { word: String::new(), tag: "x" },
            })
            .collect()
    }

    /// Terms for the full-text index: every word and the shorter words inside long ones (jieba's
    /// search mode), so that a search for 噪音 finds 噪音污染, and every pair of neighbouring
    /// ideographs, so that any two-character word people type is found wherever it was written,
    /// however jieba cut the text (路灯 and 不亮 in 路灯不亮, 灯不 too).
    pub fn index_terms(&self, text: &str) -> Vec<String> {
        let normalized = crate::normalize(text);
        let mut terms: Vec<String> =
            self.jieba.cut_for_search(&normalized, true).into_iter().filter_map(|t| clean(t.word)).collect();
        let words: std::collections::HashSet<String> = terms.iter().cloned().collect();
        let pairs: Vec<String> = ideograph_pairs(&normalized).filter(|p| !words.contains(p)).collect();
        terms.extend(pairs);
        terms
    }

    /// The terms a query must all match, as the index holds them: each word of two or more
    /// ideographs as its neighbouring pairs (so that 油烟机 is found however a text was cut), a
    /// lone ideograph joined to its neighbour in what was typed (灯坏 from 灯|坏), a lone stopword
    /// dropped beside other words, and other words (latin, digits) as they are.
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        let normalized = crate::normalize(query);
        let tokens: Vec<&str> = self.jieba.cut(&normalized, true).into_iter().map(|t| t.word).collect();
        let ideographs = |t: &str| !t.is_empty() && t.chars().all(is_ideograph);
        // Each term, and whether it is a lone stopword (dropped when other terms remain).
        let mut terms: Vec<(String, bool)> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let Some(word) = clean(token) else { continue };
            if !ideographs(&word) {
                terms.push((word, false));
                continue;
            }
            let chars: Vec<char> = word.chars().collect();
            if chars.len() >= 2 {
                terms.extend(chars.windows(2).map(|w| (w.iter().collect::<String>(), false)));
                continue;
            }
            let next = tokens.get(i + 1).filter(|t| ideographs(t)).and_then(|t| t.chars().next());
            let prev =
                i.checked_sub(1).and_then(|p| tokens.get(p)).filter(|t| ideographs(t)).and_then(|t| t.chars().last());
            let lone_stopword = is_stopword(&word);
            match (next, prev) {
                (Some(n), _) => terms.push((format!("{}{n}", chars[0]), lone_stopword)),
                (None, Some(p)) => terms.push((format!("{p}{}", chars[0]), lone_stopword)),
                (None, None) => terms.push((word, lone_stopword)),
            }
        }
        let has_content = terms.iter().any(|(_, stopword)| !stopword);
        let mut terms: Vec<String> =
            terms.into_iter().filter(|(_, stopword)| !has_content || !stopword).map(|(t, _)| t).collect();
        let mut seen = std::collections::HashSet::new();
        terms.retain(|t| seen.insert(t.clone()));
        terms
    }
}

/// Every pair of neighbouring ideographs in a text, in order.
fn ideograph_pairs(text: &str) -> impl Iterator<Item = String> {
    let chars: Vec<char> = text.chars().collect();
    let pairs: Vec<String> =
        chars.windows(2).filter(|w| is_ideograph(w[0]) && is_ideograph(w[1])).map(|w| w.iter().collect()).collect();
    pairs.into_iter()
}

/// A token and its part of speech; an empty word is punctuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub word: String,
    pub tag: &'static str,
}

/// The parts of speech the text engine reads; the others are all "other".
const TAGS: [&str; 16] = ["n", "ns", "nr", "nz", "nt", "nrt", "nrfg", "ng", "j", "vn", "s", "v", "a", "x", "m", "f"];

/// A tag without an allocation per token (a million reports have a hundred million tokens).
fn tag_of(tag: &str) -> &'static str {
    TAGS.iter().find(|t| **t == tag).copied().unwrap_or("other")
}

/// A token's content, lowercased; `None` when it has none (punctuation, spaces, masks).
fn clean(word: &str) -> Option<String> {
    let content: String = crate::content_chars(word).into_iter().collect();
    (!content.is_empty()).then_some(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_punctuation_masks_and_stopwords() {
        let s = Segmenter::shared();
        let words = s.words("我是*****区的住户，小区旁边工地夜间施工噪音很大！");
        assert!(words.contains(&"噪音".to_string()), "{words:?}");
        assert!(words.iter().all(|w| !w.contains('*') && !w.contains('，')));
        assert!(!words.contains(&"的".to_string()));
    }

    #[test]
    fn install_words_come_out_whole() {
        let plain = Segmenter::shared().words("伊景园滨河苑捆绑销售车位");
        let s = Segmenter::new(["伊景园滨河苑"]);
        let words = s.words("伊景园滨河苑捆绑销售车位");
        assert!(words.contains(&"伊景园滨河苑".to_string()), "{words:?} (without it: {plain:?})");
    }

    #[test]
    fn every_two_character_word_of_a_text_is_found_by_a_query_for_it() {
        let s = Segmenter::shared();
        let text = "东湖路路灯不亮，晚上油烟机噪音大";
        let index: std::collections::HashSet<String> = s.index_terms(text).into_iter().collect();
        let chars: Vec<char> = text.chars().collect();
        for pair in chars.windows(2).filter(|p| !p.contains(&'，')) {
            let query: String = pair.iter().collect();
            let terms = s.query_terms(&query);
            assert!(!terms.is_empty() && terms.iter().all(|t| index.contains(t)), "{query}: {terms:?}");
        }
        for query in ["路灯不亮", "油烟机", "路灯 不亮", "灯不亮了"] {
            let terms = s.query_terms(query);
            assert!(terms.iter().all(|t| index.contains(t)), "{query}: {terms:?}");
        }
        assert!(s.query_terms("WiFi 路灯").contains(&"wifi".to_string()));
        assert!(s.query_terms("-%\"").is_empty());
        assert_eq!(s.query_terms("灯"), vec!["灯".to_string()]);
        assert_eq!(s.query_terms("我的"), vec!["我的".to_string()], "stopwords alone are still a search");
        assert!(!s.query_terms("小区的路灯").contains(&"的路".to_string()), "a stopword beside words is dropped");
    }

    #[test]
    fn the_index_holds_two_character_words_inside_longer_ones() {
        let terms = Segmenter::shared().index_terms("临街门面油烟扰民，噪音污染严重");
        for w in ["油烟", "噪音"] {
            assert!(terms.iter().any(|t| t == w), "{w} in {terms:?}");
        }
    }
}
