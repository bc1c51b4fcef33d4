//! Bad input of every kind — empty text, only punctuation or masking, very long text, mixed
//! scripts, emoji, control characters — gets a sane result from every function of the text
//! engine, never a panic.

use proptest::prelude::*;
use zhenggai_text::group::{Thresholds, fingerprint, group, similarity, similarity_estimated};
use zhenggai_text::{Segmenter, normalize, places, replies, snippet};

/// Text drawn from the kinds of characters citizens' messages hold, and the kinds they should not.
fn messy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("丽发新城小区".to_string()),
        Just("搅拌站噪音扰民".to_string()),
        Just("A3区".to_string()),
        Just("****".to_string()),
        Just("XXX".to_string()),
        Just("！？。，、…—".to_string()),
        Just("😡🏠👍🏻".to_string()),
        Just("ＡＢＣ１２３".to_string()),
        Just("Привет مرحبا".to_string()),
        Just("\u{0}\u{200b}\u{feff}\t\n".to_string()),
        "\\PC{0,20}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_function_answers_any_text(a in messy(), b in messy()) {
        let seg = Segmenter::shared();
        let _ = normalize(&a);
        let _ = seg.words(&a);
        let _ = seg.index_terms(&a);
        let _ = seg.query_terms(&a);
        let _ = places::extract(seg, &a);
        let fa = fingerprint(seg, &a, &b);
        let fb = fingerprint(seg, "", &b);
        let s = similarity(&fa, &fb);
        prop_assert!((0.0..=1.0).contains(&s), "{s}");
        let e = similarity_estimated(&fa, &fb);
        prop_assert!((0.0..=1.0).contains(&e), "{e}");
        let groups = group(&[fa.clone(), fb, fa.clone()], Thresholds::default());
        prop_assert_eq!(groups.len(), 3);
        if !fa.shingles.is_empty() {
            prop_assert_eq!(groups[2], groups[0], "a text with content is grouped with its copy");
        }
        let words = seg.query_terms(&b);
        let pieces = snippet::snippet(&a, &words, 40);
        // The width, two ellipses, and a hit at the end kept whole.
        let longest = words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        prop_assert!(pieces.iter().map(|p| p.text.chars().count()).sum::<usize>() <= 42 + longest);
        let corpus = replies::Corpus::new(&[a.clone(), b.clone()]);
        let _ = replies::check(&corpus, &a, &b);
    }
}

#[test]
fn a_hundred_thousand_characters_are_handled() {
    let seg = Segmenter::shared();
    let long = "丽发新城小区旁搅拌站噪音扰民，😡！".repeat(6_000);
    assert!(long.chars().count() >= 100_000);
    let f = fingerprint(seg, "", &long);
    assert!(!f.shingles.is_empty());
    assert!(places::extract(seg, &long).iter().any(|p| p.name == "丽发新城"));
    assert!(!seg.index_terms(&long).is_empty());
}

#[test]
fn empty_and_masked_texts_are_alone_not_joined_to_everything() {
    let seg = Segmenter::shared();
    let prints: Vec<_> =
        ["", "****", "XXX", "！！！", "丽发新城搅拌站扰民"].iter().map(|t| fingerprint(seg, "", t)).collect();
    let groups = group(&prints, Thresholds::default());
    let mut distinct = groups.clone();
    distinct.sort();
    distinct.dedup();
    // Texts with nothing in them have nothing to share: none is linked to the real report.
    assert!(groups[..4].iter().all(|g| *g != groups[4]), "{groups:?}");
}
