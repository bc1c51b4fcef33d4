//! Real messages from a CSV file (e.g. the 2020 TipDM 附件3), for `demo --data`: the columns are
//! named by the caller; times in the mixed formats such exports have are read tolerantly.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
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

/// Reads `2019/2/28 11:25:05`, `2019-08-01 00:00:00`, `2018/4/24` and the like, as Beijing time.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let formats = ["%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"];
    let naive = formats.iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok()).or_else(|| {
        ["%Y/%m/%d", "%Y-%m-%d"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })?;
    domain::clock::CHINA.from_local_datetime(&naive).single().map(|d| d.with_timezone(&Utc))
}

/// Reads every row of a CSV file of messages. Bad rows are named; empty texts are skipped.
pub fn read_messages(path: &std::path::Path, cols: &RealColumns) -> Result<Vec<RealMessage>> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::invalid(
            "data",
            format!("无法读取 {}：{e}", path.display()),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::invalid(
            "data",
            format!("{} 不是 UTF-8 编码", path.display()),
            format!("{} is not UTF-8", path.display()),
        )
    })?;
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid("data", format!("CSV 表头错误：{e}"), format!("bad CSV header: {e}")))?
        .clone();
    let find = |name: &str| {
        headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
            let known: Vec<&str> = headers.iter().collect();
            Error::invalid(
                "column",
                format!("没有名为“{name}”的列（已有：{}）", known.join("、")),
                format!("no column named \"{name}\" (known: {})", known.join(", ")),
            )
        })
    };
    let id_col = find(&cols.id)?;
    let text_col = find(&cols.text)?;
    let time_col = cols.time.as_deref().map(find).transpose()?;
    let title_col = cols.title.as_deref().map(find).transpose()?;
    let likes_col = cols.likes.as_deref().map(find).transpose()?;
    let source = format!("csv:{}", path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            Error::invalid(format!("row {}", i + 2), format!("CSV 格式错误：{e}"), format!("malformed CSV: {e}"))
        })?;
        let text = record.get(text_col).unwrap_or_default().trim().to_string();
        if text.is_empty() {
            continue;
        }
        let id = record.get(id_col).unwrap_or_default().trim().to_string();
        if id.is_empty() {
            return Err(Error::invalid(
                format!("row {}, column \"{}\"", i + 2, cols.id),
                "编号为空",
                "the id is empty",
            ));
        }
        out.push(RealMessage {
            id,
            title: title_col.and_then(|c| record.get(c)).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
            text,
            at: time_col.and_then(|c| record.get(c)).and_then(parse_time),
            likes: likes_col.and_then(|c| record.get(c)).and_then(|v| v.trim().parse().ok()).unwrap_or(0),
            source: source.clone(),
        });
    }
    Ok(out)
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
    }
}
