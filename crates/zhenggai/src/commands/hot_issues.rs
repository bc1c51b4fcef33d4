//! The hot-issue table of `zhenggai group --issues`, in the form of the 2020 TipDM task C's
//! 热点问题表: 热度排名, 问题ID, 热度指数, 时间范围, 地点/人群, 问题描述, with counts beside them.

use anyhow::{Context, Result, bail};
use std::path::Path;
use text::group::Fingerprint;
use text::hot::RankedIssues;

/// The table's columns; the first six are the TipDM task's, by name and in order.
const COLUMNS: [&str; 8] =
    ["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述", "留言数", "留言人数"];

/// The columns that hold numbers (a workbook keeps them as numbers, to sort and sum).
const NUMBERS: [usize; 5] = [0, 1, 2, 6, 7];

/// The file kinds the table is written as.
#[derive(Clone, Copy)]
pub(super) enum TableFile {
    Csv,
    Xlsx,
}

impl TableFile {
    /// The kind a path names by its extension; anything else is refused before any work is done.
    pub(super) fn of(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Ok(Self::Csv),
            Some("xlsx") => Ok(Self::Xlsx),
            _ => bail!("--issues {}: the table is written as .csv or .xlsx", path.display()),
        }
    }
}

/// Writes the hottest `top` (or all) of the ranked hot issues of `texts`; returns how many rows
/// were written.
pub(super) fn write(
    path: &Path,
    hot: &RankedIssues,
    texts: &[(&str, &str)],
    prints: &[Fingerprint],
    top: Option<usize>,
) -> Result<usize> {
    let kind = TableFile::of(path)?;
    let rows: Vec<[String; 8]> = hot
        .issues
        .iter()
        .take(top.unwrap_or(usize::MAX))
        .map(|issue| {
            let d = hot.describe(issue, texts, prints);
            let h = &issue.heat;
            [
                h.rank.to_string(),
                h.rank.to_string(),
                format!("{:.2}", h.heat),
                time_range(h.first, h.last),
                d.place,
                d.matter,
                h.reports.to_string(),
                h.reporters.to_string(),
            ]
        })
        .collect();
    match kind {
        TableFile::Csv => {
            let mut bytes = "\u{feff}".as_bytes().to_vec();
            {
                let mut w = csv::Writer::from_writer(&mut bytes);
                w.write_record(COLUMNS)?;
                for r in &rows {
                    w.write_record(r)?;
                }
                w.flush()?;
            }
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        TableFile::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet().set_name("热点问题表")?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            let wrap = rust_xlsxwriter::Format::new().set_text_wrap();
            for (c, name) in COLUMNS.iter().enumerate() {
                sheet.write_with_format(0, c as u16, *name, &bold)?;
            }
            for (c, width) in [8.0, 8.0, 10.0, 24.0, 28.0, 44.0, 8.0, 10.0].into_iter().enumerate() {
                sheet.set_column_width(c as u16, width)?;
            }
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                for (c, cell) in row.iter().enumerate() {
                    match cell.parse::<f64>() {
                        Ok(n) if NUMBERS.contains(&c) => sheet.write_number(r, c as u16, n)?,
                        _ => sheet.write_with_format(r, c as u16, cell, &wrap)?,
                    };
                }
            }
            sheet.set_freeze_panes(1, 0)?;
            book.save(path).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(rows.len())
}

/// 2019/07/07 至 2019/09/01, in Beijing time; empty without times.
fn time_range(first: Option<i64>, last: Option<i64>) -> String {
    let day = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|t| t.with_timezone(&domain::clock::CHINA).format("%Y/%m/%d").to_string())
            .unwrap_or_default()
    };
    match (first, last) {
        (Some(f), Some(l)) => format!("{} 至 {}", day(f), day(l)),
        _ => String::new(),
    }
}
