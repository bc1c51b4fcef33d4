//! Lasting mechanisms as a spreadsheet: each mechanism with its unit, state, 文号, the causes it
//! answers, its problems and what came back after it was issued; and the root-cause taxonomy with
//! the mechanisms that answer each cause.

use super::RootCauseView;
use crate::views::MechanismView;
use domain::problem::MechanismStatus;
use domain::{Error, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

const HEADERS: [&str; 9] =
    ["长效机制", "制定单位", "状态", "文号", "印发日期", "针对的问题根源", "关联问题", "印发后反弹", "主要内容"];

pub fn write_xlsx(mechanisms: &[MechanismView], causes: &[RootCauseView]) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::internal_from("xlsx", e);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let sheet = book.add_worksheet().set_name("长效机制").map_err(err)?;
    for (i, h) in HEADERS.iter().enumerate() {
        sheet.write_with_format(0, i as u16, *h, &bold).map_err(err)?;
        sheet.set_column_width(i as u16, if matches!(i, 0 | 5 | 6 | 8) { 30.0 } else { 14.0 }).map_err(err)?;
    }
    sheet.set_freeze_panes(1, 1).map_err(err)?;
    for (n, m) in mechanisms.iter().enumerate() {
        let row = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let problems: Vec<String> = m.problems.iter().map(|p| format!("{} {}", p.number, p.title)).collect();
        let returns: Vec<String> =
            m.recurrences_after.iter().map(|r| format!("{} {}", r.received_on, r.problem.number)).collect();
        let cells = [
            m.title.clone(),
            m.unit.name.clone(),
            match m.status {
                MechanismStatus::Issued => "已印发".into(),
                MechanismStatus::Drafting => "起草中".into(),
            },
            m.doc_number.clone().unwrap_or_default(),
            m.issued_on.map(|d| d.to_string()).unwrap_or_default(),
            m.root_causes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("、"),
            problems.join("\n"),
            returns.join("\n"),
            m.body.clone().unwrap_or_default(),
        ];
        for (i, cell) in cells.iter().enumerate() {
            sheet.write_with_format(row, i as u16, cell.as_str(), &wrap).map_err(err)?;
        }
    }
    let sheet = book.add_worksheet().set_name("根源类别").map_err(err)?;
    for (i, h) in ["根源类别", "说明", "状态", "针对它的长效机制"].iter().enumerate() {
        sheet.write_with_format(0, i as u16, *h, &bold).map_err(err)?;
        sheet.set_column_width(i as u16, if i == 0 || i == 2 { 12.0 } else { 40.0 }).map_err(err)?;
    }
    for (n, c) in causes.iter().enumerate() {
        let row = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let answering: Vec<&str> = mechanisms
            .iter()
            .filter(|m| m.root_causes.iter().any(|x| x.id == c.id))
            .map(|m| m.title.as_str())
            .collect();
        let cells = [
            c.name.clone(),
            c.description.clone().unwrap_or_default(),
            (if c.active { "在用" } else { "已停用" }).to_string(),
            answering.join("\n"),
        ];
        for (i, cell) in cells.iter().enumerate() {
            sheet.write_with_format(row, i as u16, cell.as_str(), &wrap).map_err(err)?;
        }
    }
    book.save_to_buffer().map_err(err)
}
