//! Titles made from a report's text (a report without a title gets one on the intake card): cut
//! at the end of a clause, or else between words, never inside a word.

use crate::Segmenter;

/// Punctuation that ends a clause: a title may stop before it.
const CLAUSE_ENDS: &[char] = &['。', '！', '？', '；', '，', '、', '：', '!', '?', ';', ',', ':', '\n'];

/// The first words of `text`, at most `max_chars` characters: the whole text when short enough;
/// else up to the last clause end in the window if that keeps at least a third of it; else as
/// many whole words as fit.
pub fn short_title(text: &str, max_chars: usize) -> String {
    // As written (full-width punctuation kept), on one line.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max_chars {
        return text.trim_end_matches(CLAUSE_ENDS).to_string();
    }
    let window = &chars[..=max_chars.min(chars.len() - 1)];
    if let Some(end) = window.iter().rposition(|c| CLAUSE_ENDS.contains(c)).filter(|&end| end >= max_chars / 3) {
        return window[..end].iter().collect::<String>().trim_end_matches(CLAUSE_ENDS).trim().to_string();
    }
    let head: String = chars[..(max_chars + 12).min(chars.len())].iter().collect();
    let mut out = String::new();
    for token in Segmenter::shared().raw_tokens(&head) {
        if out.chars().count() + token.chars().count() > max_chars {
            break;
        }
        out.push_str(&token);
    }
    if out.is_empty() { chars[..max_chars].iter().collect() } else { out.trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_stops_at_a_clause_or_between_words() {
        assert_eq!(short_title("路灯不亮。", 30), "路灯不亮");
        let text = "东湖路一段的路灯已经坏了一个多月，晚上一片漆黑，老人孩子出行很不安全，希望尽快修复";
        assert_eq!(short_title(text, 30), "东湖路一段的路灯已经坏了一个多月，晚上一片漆黑");
        let long = "东湖路一段的路灯已经坏了一个多月晚上一片漆黑老人孩子出行很不安全希望尽快修复";
        let cut = short_title(long, 20);
        assert!(cut.chars().count() <= 20 && long.starts_with(&cut), "{cut}");
        let segmented: Vec<String> = Segmenter::shared().raw_tokens(long);
        let mut joined = String::new();
        assert!(
            segmented.iter().any(|t| {
                joined.push_str(t);
                joined == cut
            }),
            "{cut} ends between words"
        );
    }
}
