//! 专项工作: a campaign. Its type is data (主题教育, 巡视整改, 审计整改, 接诉即办 or anything an
//! install names), never code.

use crate::{Error, Result};

/// The campaign types offered by default; any other non-empty name is accepted too.
pub const SUGGESTED_KINDS: [&str; 5] = ["主题教育", "巡视整改", "审计整改", "接诉即办", "作风建设"];

pub fn campaign_kind(value: &str) -> Result<String> {
    let kind = crate::text::title("kind", value)?;
    if kind.chars().count() > 50 {
        return Err(Error::invalid("kind", "类型不能超过50字", "a campaign type is at most 50 characters"));
    }
    Ok(kind)
}

/// A campaign period: the end is not before the start.
pub fn period(starts_on: chrono::NaiveDate, ends_on: Option<chrono::NaiveDate>) -> Result<()> {
    match ends_on {
        Some(end) if end < starts_on => Err(Error::invalid(
            "ends_on",
            format!("结束日期 {end} 早于开始日期 {starts_on}"),
            format!("ends_on {end} is before starts_on {starts_on}"),
        )),
        _ => Ok(()),
    }
}
