//! Real messages from a file (e.g. the 2020 TipDM 附件3), for `demo --data`: the columns are named
//! by the caller; times in the mixed formats such exports have are read tolerantly.

use crate::message_file::{MessageColumns, beijing, read_message_file, with_offset};
use chrono::{DateTime, Utc};
use domain::{Error, Result};

/// Which columns hold what.
#[derive(Debug, Clone)]
pub struct RealColumns {
    pub id: String,
    pub text: String,
    pub time: Option<String>,
    pub title: Option<String>,
    pub likes: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RealMessage {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    pub at: Option<DateTime<Utc>>,
    pub likes: i64,
    pub source: String,
}

/// Reads `2019/2/28 11:25:05`, `2019-08-01 00:00:00`, `2018/4/24` and the like as Beijing time, and
/// a time with its offset (`2026-10-22T04:54:23+00:00`) as that instant.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    with_offset(s).or_else(|| sheets::parse_date_text(s).and_then(|d| beijing(d.datetime())))
}

/// Reads every message of a file (xlsx, xls or CSV, see [`crate::message_file`]) with the columns
/// named. A bad row stops the read and is named (the demo wants every message of its file).
pub fn read_messages(path: &std::path::Path, cols: &RealColumns) -> Result<Vec<RealMessage>> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::invalid(
            "data",
            format!("无法读取 {}：{e}", path.display()),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let named = MessageColumns {
        key: Some(cols.id.clone()),
        title: cols.title.clone(),
        body: Some(cols.text.clone()),
        received_at: cols.time.clone(),
        likes: cols.likes.clone(),
    };
    let file = read_message_file(&bytes, &named)?;
    if let Some(bad) = file.rejected.first() {
        return Err(Error::invalid(
            format!("row {}, column \"{}\"", bad.row, bad.column),
            format!("第 {} 行“{}”列：{}", bad.row, bad.column, bad.reason.zh),
            format!("row {}, column \"{}\": {}", bad.row, bad.column, bad.reason.en),
        ));
    }
    let source = format!("csv:{}", path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
    Ok(file
        .messages
        .into_iter()
        .map(|m| RealMessage {
            id: m.key,
            title: m.title,
            text: m.body,
            at: m.received_at,
            likes: m.likes,
            source: source.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_time_formats_are_read_as_beijing_time() {
        let t = parse_time("2019/2/28 11:25:05").unwrap();
        assert_eq!(t.to_rfc3339(), "2019-02-28T03:25:05+00:00");
        assert!(parse_time("2019-08-01 00:00:00").is_some());
        assert!(parse_time("2018/4/24").is_some());
        assert!(parse_time("yesterday").is_none());
        assert_eq!(parse_time("2019-02-28T03:25:05+00:00"), Some(t), "an offset is kept");
    }
}
