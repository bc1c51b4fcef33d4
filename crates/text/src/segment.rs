//! Word segmentation with jieba: its built-in dictionary, compiled in (nothing is downloaded), plus
//! the install's own words — unit names, place names and categories — so that "伊景园滨河苑" or
//! "市住房和城乡建设局" come out whole.

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
    /// search mode), so that a search for 噪音 finds 噪音污染.
    pub fn index_terms(&self, text: &str) -> Vec<String> {
        let normalized = crate::normalize(text);
        self.jieba.cut_for_search(&normalized, true).into_iter().filter_map(|t| clean(t.word)).collect()
    }

    /// The words of a query, as the index holds them.
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        let normalized = crate::normalize(query);
        let mut terms: Vec<String> =
            self.jieba.cut(&normalized, true).into_iter().filter_map(|t| clean(t.word)).collect();
        terms.dedup();
        terms
    }
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
    fn the_index_holds_two_character_words_inside_longer_ones() {
        let terms = Segmenter::shared().index_terms("临街门面油烟扰民，噪音污染严重");
        for w in ["油烟", "噪音"] {
            assert!(terms.iter().any(|t| t == w), "{w} in {terms:?}");
        }
    }
}
