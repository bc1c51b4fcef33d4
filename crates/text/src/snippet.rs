//! Highlighted snippets for search results: the stretch of a text around the first hit, cut to a
//! width, with every occurrence of a query word marked. Works on the original text (not the
//! segmented index terms), so that what people read is what was written.

/// One stretch of a snippet; `hit` when it is a query word.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// The snippet of the field (a title, then a body) that holds the most of `words`, the later of
/// equals (the title is shown beside it anyway); without a hit in any, the start of the last. Each field is shown as written, none glued
/// to another.
pub fn snippet_of(fields: &[&str], words: &[String], width: usize) -> Vec<Piece> {
    let lower_words: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).filter(|w| !w.is_empty()).collect();
    let held = |field: &str| {
        let field = field.to_ascii_lowercase();
        lower_words.iter().filter(|w| field.contains(w.as_str())).count()
    };
    let best =
        fields.iter().map(|f| held(f)).enumerate().fold(None, |best: Option<(usize, usize)>, (i, n)| match best {
            Some((_, most)) if most > n => best,
            _ if n > 0 => Some((i, n)),
            _ => best,
        });
    let field = best.map(|(i, _)| fields[i]).or(fields.last().copied()).unwrap_or_default();
    snippet(field, words, width)
}

/// The part of `text` around the first occurrence of any of `words`, about `width` characters long,
/// with the words marked. Matching ignores ASCII case. Without a hit, the start of the text.
pub fn snippet(text: &str, words: &[String], width: usize) -> Vec<Piece> {
    // Line breaks and runs of spaces read as one space: a snippet is one line.
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.trim().chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if !(c == ' ' && chars.last() == Some(&' ')) {
            chars.push(c);
        }
    }
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let needles: Vec<Vec<char>> = words
        .iter()
        .map(|w| w.chars().map(|c| c.to_ascii_lowercase()).collect::<Vec<char>>())
        .filter(|w| !w.is_empty())
        .collect();
    // The longest word that matches at each position wins, so 油烟机 is marked whole.
    let hit_at = |i: usize| needles.iter().filter(|n| lower[i..].starts_with(n)).map(Vec::len).max();
    let first = (0..lower.len()).find(|&i| hit_at(i).is_some());
    let start = first.map_or(0, |f| f.saturating_sub(width / 4));
    let end = (start + width.max(1)).min(chars.len());
    let mut pieces: Vec<Piece> = Vec::new();
    if start > 0 {
        pieces.push(Piece { text: "…".into(), hit: false });
    }
    let mut i = start;
    while i < end {
        match hit_at(i) {
            Some(n) => {
                let stop = (i + n).min(chars.len());
                push(&mut pieces, chars[i..stop].iter().collect(), true);
                i = stop;
            }
            None => {
                push(&mut pieces, chars[i].to_string(), false);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        push(&mut pieces, "…".into(), false);
    }
    pieces
}

/// Appends, merging with the previous piece when both are plain text or both are hits (路灯不亮
/// is marked once, not as 路灯 and 不亮).
fn push(pieces: &mut Vec<Piece>, text: String, hit: bool) {
    match pieces.last_mut() {
        Some(last) if hit == last.hit => last.text.push_str(&text),
        _ => pieces.push(Piece { text, hit }),
    }
}

/// A snippet as plain text with hits in 【】, for terminals.
pub fn bracketed(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| if p.hit { format!("【{}】", p.text) } else { p.text.clone() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_every_hit_around_the_first_one() {
        let text = "小区门口的饭店每天晚上油烟很大，噪音也大，油烟直排到居民楼里。";
        let s = snippet(text, &words(&["油烟", "噪音"]), 100);
        assert_eq!(bracketed(&s), "小区门口的饭店每天晚上【油烟】很大，【噪音】也大，【油烟】直排到居民楼里。");
    }

    #[test]
    fn neighbouring_hits_are_marked_once_and_the_field_with_a_hit_is_shown() {
        let s = snippet("东湖路路灯不亮了", &words(&["路灯", "灯不", "不亮"]), 40);
        assert_eq!(bracketed(&s), "东湖路【路灯不亮】了");
        let s = snippet_of(&["路灯不亮", "晚上\n\n  一片漆黑"], &words(&["漆黑"]), 40);
        assert_eq!(bracketed(&s), "晚上 一片【漆黑】");
        let s = snippet_of(&["路灯不亮", "晚上一片漆黑"], &words(&["路灯"]), 40);
        assert_eq!(bracketed(&s), "【路灯】不亮");
        assert_eq!(bracketed(&snippet_of(&["标题", "正文"], &[], 40)), "正文");
        let s = snippet_of(&["路灯不亮", "东湖路路灯不亮"], &words(&["路灯"]), 40);
        assert_eq!(bracketed(&s), "东湖路【路灯】不亮", "the body, where both hold the words");
        let s = snippet_of(&["井盖缺失", "井盖丢了"], &words(&["井盖", "盖丢", "丢了"]), 40);
        assert_eq!(bracketed(&s), "【井盖丢了】", "the field with more of the words");
    }

    #[test]
    fn long_texts_are_cut_around_the_hit() {
        let text = format!("{}噪音扰民{}", "前".repeat(500), "后".repeat(500));
        let s = bracketed(&snippet(&text, &words(&["噪音"]), 40));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("【噪音】"), "{s}");
        assert!(s.chars().count() <= 46, "{s}");
    }

    #[test]
    fn no_hit_no_words_and_empty_text_are_sane() {
        assert_eq!(bracketed(&snippet("路灯不亮", &words(&["噪音"]), 10)), "路灯不亮");
        assert_eq!(bracketed(&snippet("路灯不亮", &[], 2)), "路灯…");
        assert!(snippet("", &words(&["噪音", ""]), 10).is_empty());
        assert_eq!(bracketed(&snippet("WiFi 信号差", &words(&["wifi"]), 20)), "【WiFi】 信号差");
    }
}
