//! Study records as a spreadsheet: one row per session, and the counts by unit and month on a
//! second sheet.

use super::{SessionView, StudyCounts};
use domain::{Error, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

const HEADERS: [&str; 8] = ["学习日期", "单位", "学习形式", "学习主题", "参加人数", "学习材料", "检视问题", "内容摘要"];

pub fn write_xlsx(sessions: &[SessionView], counts: Option<&StudyCounts>) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::internal_from("xlsx", e);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let sheet = book.add_worksheet().set_name("学习记录").map_err(err)?;
    sheet.write_with_format(0, 0, "学习记录", &bold).map_err(err)?;
    for (i, h) in HEADERS.iter().enumerate() {
        let col = i as u16;
        sheet.write_with_format(1, col, *h, &bold).map_err(err)?;
        let width = match i {
            3 | 7 => 36.0,
            1 | 5 | 6 => 24.0,
            _ => 11.0,
        };
        sheet.set_column_width(col, width).map_err(err)?;
    }
    sheet.set_freeze_panes(2, 0).map_err(err)?;
    for (n, s) in sessions.iter().enumerate() {
        let row = u32::try_from(n + 2).unwrap_or(u32::MAX);
        let materials: Vec<&str> = s.materials.iter().map(|m| m.file_name.as_str()).collect();
        let problems: Vec<String> = s.problems.iter().map(|p| format!("{} {}", p.number, p.title)).collect();
        sheet.write_with_format(row, 0, s.held_on.to_string(), &wrap).map_err(err)?;
        sheet.write_with_format(row, 1, &s.unit.name, &wrap).map_err(err)?;
        sheet.write_with_format(row, 2, &s.format.name, &wrap).map_err(err)?;
        sheet.write_with_format(row, 3, &s.topic, &wrap).map_err(err)?;
        sheet.write_number_with_format(row, 4, s.present as f64, &wrap).map_err(err)?;
        sheet.write_with_format(row, 5, materials.join("\n"), &wrap).map_err(err)?;
        sheet.write_with_format(row, 6, problems.join("\n"), &wrap).map_err(err)?;
        sheet.write_with_format(row, 7, s.summary.as_deref().unwrap_or_default(), &wrap).map_err(err)?;
    }
    if let Some(counts) = counts {
        let sheet = book.add_worksheet().set_name("按单位按月统计").map_err(err)?;
        for (i, h) in ["单位", "月份", "学习次数", "参加人次"].iter().enumerate() {
            sheet.write_with_format(0, i as u16, *h, &bold).map_err(err)?;
        }
        sheet.set_column_width(0, 24.0).map_err(err)?;
        for (n, c) in counts.by_unit_and_month.iter().enumerate() {
            let row = u32::try_from(n + 1).unwrap_or(u32::MAX);
            sheet.write(row, 0, &c.unit.name).map_err(err)?;
            sheet.write(row, 1, &c.month).map_err(err)?;
            sheet.write(row, 2, c.sessions).map_err(err)?;
            sheet.write(row, 3, c.attendance).map_err(err)?;
        }
    }
    book.save_to_buffer().map_err(err)
}
