//! Normalisation: full-width ASCII to half-width, whitespace collapsed, and, for comparing texts,
//! only the characters that carry content (letters, digits, CJK), without punctuation or the
//! masking characters (`*`, `X`, `×`) that anonymised exports put in place of names.

/// Full-width ASCII to half-width, ideographic space to a space, runs of whitespace to one space,
/// trimmed. The full-width comma ， is full-width ASCII and becomes `,`; 。 and 、 have no ASCII
/// twin and stay. A dot between two ideographs is dropped: 伊景园·滨河苑 is one name.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    let chars: Vec<char> = text.chars().map(half_width).collect();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '·' | '•' | '・' | '.')
            && i > 0
            && is_ideograph(chars[i - 1])
            && chars.get(i + 1).is_some_and(|n| is_ideograph(*n))
        {
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim_end().to_string()
}

/// A common CJK ideograph.
pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// Whether a character is a mask in anonymised text (`***`, `XX`).
fn is_mask(c: char) -> bool {
    matches!(c, '*' | '×' | '✱' | '＊')
}

/// The characters that carry content, lowercased: letters, digits and CJK ideographs; no
/// punctuation, whitespace, emoji or masks. Runs of the mask letter `X` (as in `XX小区`) are masks
/// too; a single `x` in a word is kept.
pub fn content_chars(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == 'X' {
            let run = chars[i..].iter().take_while(|x| **x == 'X').count();
            if run >= 2 {
                i += run;
                continue;
            }
        }
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            out.push(c); // the common ideographs: no case, no mask
        } else if !is_mask(c) && c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
        i += 1;
    }
    out
}

/// Whether a text has anything to compare: at least two content characters.
pub fn is_meaningful(text: &str) -> bool {
    content_chars(text).len() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_spaces_become_half_width() {
        assert_eq!(normalize("ＡＢＣ１２３\u{3000}噪音"), "ABC123 噪音");
        assert_eq!(normalize("\n\t\t噪音  扰民\n"), "噪音 扰民");
        assert_eq!(normalize("你好，世界。"), "你好,世界。");
    }

    #[test]
    fn content_drops_punctuation_masks_and_emoji() {
        let c: String = content_chars("我是*****区XX小区的住户！😀 噪音ＡＢ").into_iter().collect();
        assert_eq!(c, "我是区小区的住户噪音ab");
        assert!(!is_meaningful("***，。！"));
        assert!(is_meaningful("噪音"));
    }
}
