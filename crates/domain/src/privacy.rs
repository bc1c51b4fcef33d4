//! A reporter's privacy in quoted text. A reporter's name and contact are never shown to someone who
//! may not see them ([`crate::access::may_see_reporter`]), but citizens often write their phone
//! number into the message itself ("请联系我13800000000"). Wherever a report's text is shown to
//! such a reader — the report itself, a search snippet, a grouping match, a hot cluster's title, a
//! recurrence — it goes through [`mask_contacts`] first.

use std::borrow::Cow;

/// The fewest digits in a run that is taken for a phone, ID or account number. Dates, amounts,
/// house numbers and years are shorter.
const MIN_DIGITS: usize = 7;

/// The mask put in place of each hidden character.
const MASK: char = '*';

/// The text with the reporter's own name and contact (`known`, each of two characters or more)
/// and every phone-like number (a run of seven digits or more, allowing single spaces or hyphens
/// inside, as in `138-0000-0000` or `0731 8888 8888`) replaced by `*`, one per character.
pub fn mask_contacts<'a>(text: &'a str, known: &[&str]) -> Cow<'a, str> {
    let mut out: Cow<'a, str> = Cow::Borrowed(text);
    for k in known.iter().map(|k| k.trim()).filter(|k| k.chars().count() >= 2) {
        if out.contains(k) {
            let mask: String = std::iter::repeat_n(MASK, k.chars().count()).collect();
            out = Cow::Owned(out.replace(k, &mask));
        }
    }
    match mask_numbers(&out) {
        Some(masked) => Cow::Owned(masked),
        None => out,
    }
}

/// Masks the phone-like digit runs; `None` when there are none.
fn mask_numbers(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut hide = vec![false; chars.len()];
    let mut any = false;
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            i += 1;
            continue;
        }
        // A run: digits, with single separators between digits.
        let start = i;
        let mut end = i;
        let mut digits = 0;
        let mut j = i;
        while j < chars.len() {
            if is_digit(chars[j]) {
                digits += 1;
                end = j + 1;
                j += 1;
            } else if matches!(chars[j], '-' | ' ' | '－') && chars.get(j + 1).is_some_and(|c| is_digit(*c)) {
                j += 1;
            } else {
                break;
            }
        }
        if digits >= MIN_DIGITS {
            for h in hide.iter_mut().take(end).skip(start) {
                *h = true;
            }
            any = true;
        }
        i = end.max(i + 1);
    }
    any.then(|| chars.iter().zip(&hide).map(|(c, h)| if *h && is_digit(*c) { MASK } else { *c }).collect())
}

/// ASCII and full-width digits.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_a_message_are_masked_and_dates_and_amounts_are_not() {
        let text = "2026年11月3日起噪音扰民，请联系我13800001111或0731-88889999，已花费1500元，房号1203";
        let masked = mask_contacts(text, &[]);
        assert!(!masked.contains("13800001111") && !masked.contains("88889999"), "{masked}");
        assert!(masked.contains("***********") && masked.contains("****-********"), "{masked}");
        assert!(masked.contains("2026年11月3日") && masked.contains("1500元") && masked.contains("1203"), "{masked}");
    }

    #[test]
    fn numbers_written_with_separators_or_full_width_digits_are_masked() {
        for text in ["电话 138-0000-1111", "电话 138 0000 1111", "电话１３８００００１１１１"] {
            let masked = mask_contacts(text, &[]);
            assert!(!masked.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)), "{text} → {masked}");
            assert!(masked.starts_with("电话"), "{masked}");
        }
    }

    #[test]
    fn the_reporters_own_name_and_contact_are_masked_where_they_appear() {
        let masked = mask_contacts("我是张三丰，微信zs_2026，门口路灯坏了", &["张三丰", "zs_2026", "x"]);
        assert_eq!(masked, "我是***，微信*******，门口路灯坏了");
    }

    #[test]
    fn text_with_nothing_to_mask_is_returned_as_it_was() {
        assert!(matches!(mask_contacts("路灯不亮", &["李四"]), Cow::Borrowed("路灯不亮")));
    }
}
