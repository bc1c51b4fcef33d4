//! Chinese text: `&str` in, scores out. It knows nothing of the ledger or of storage. Today it
//! normalises text (full-width to half-width, whitespace); segmentation, shingles, MinHash/LSH,
//! the classifier and the reply checks arrive with the text engine (SPEC §2).

/// Full-width ASCII to half-width, ideographic space to a space, runs of whitespace to one space,
/// trimmed. The full-width comma ， is full-width ASCII and becomes `,`; 。 and 、 have no ASCII
/// twin and stay.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_spaces_become_half_width() {
        assert_eq!(normalize("ＡＢＣ１２３\u{3000}噪音"), "ABC123 噪音");
        assert_eq!(normalize("\n\t\t噪音  扰民\n"), "噪音 扰民");
        assert_eq!(normalize("你好，世界。"), "你好,世界。");
    }
}
