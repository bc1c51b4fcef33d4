//! Bounded text: every free-text field a person types is trimmed, checked for control characters
//! and held to a size limit before it reaches storage.

use crate::{Error, Result};

/// The limits on free text, set per install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// The longest description, reply or note, in characters.
    pub max_text_chars: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        Self { max_text_chars: 20_000 }
    }
}

/// A title or name: one line, 1–200 characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Checks a required free-text field and returns it trimmed.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid_with_code(crate::Code::Required, field, "不能为空", "must not be empty"));
    }
    bounded(field, trimmed, max_chars)
}

/// Checks an optional free-text field; blank becomes `None`.
pub fn optional_text(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max_chars).map(Some),
    }
}

/// A one-line title or name.
pub fn title(field: &str, value: &str) -> Result<String> {
    let t = required_text(field, value, MAX_TITLE_CHARS)?;
    if t.contains(['\n', '\r']) {
        return Err(Error::invalid(field, "必须是一行文字", "must be a single line"));
    }
    Ok(t)
}

fn bounded(field: &str, value: &str, max_chars: usize) -> Result<String> {
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(Error::invalid_with_code(
            crate::Code::TextTooLong,
            field,
            format!("长度 {chars} 字超过上限 {max_chars} 字"),
            format!("{chars} characters is over the limit of {max_chars}"),
        ));
    }
    if let Some(c) = value.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::invalid(
            field,
            format!("含有不可见的控制字符 U+{:04X}", c as u32),
            format!("contains the control character U+{:04X}", c as u32),
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_over_the_limit_is_refused_with_its_length() {
        let err = required_text("description", &"噪".repeat(11), 10).unwrap_err();
        assert_eq!(err.code(), "text_too_long");
        assert!(err.message().zh.contains("11"));
    }

    #[test]
    fn blank_required_text_is_refused_and_blank_optional_text_is_none() {
        assert_eq!(required_text("title", "  \n ", 10).unwrap_err().code(), "required");
        assert_eq!(optional_text("root_cause", Some("   "), 10).unwrap(), None);
    }

    #[test]
    fn a_title_must_be_one_line_without_control_characters() {
        assert!(title("title", "路灯\n不亮").is_err());
        assert!(title("title", "路灯\u{7}不亮").is_err());
        assert_eq!(title("title", "  路灯不亮 ").unwrap(), "路灯不亮");
    }
}
