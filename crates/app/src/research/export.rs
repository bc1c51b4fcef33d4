//! Research as a spreadsheet: the topics with their conversion on one sheet, and every finding,
//! with its visit and what it became, on a second.

use super::TopicView;
use domain::{Error, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

const TOPIC_HEADERS: [&str; 10] = [
    "调研课题",
    "承担单位",
    "牵头领导",
    "课题组成员",
    "起止日期",
    "走访次数",
    "发现问题",
    "转为问题",
    "已销号",
    "成果转化率",
];

const FINDING_HEADERS: [&str; 6] = ["调研课题", "走访日期", "走访地点", "座谈走访对象", "发现的问题", "转化情况"];

fn became(f: &super::FindingView) -> String {
    match (&f.problem, f.outcome) {
        (Some(p), _) if f.closed => format!("{}（已整改销号）", p.number),
        (Some(p), _) => format!("{}（整改中）", p.number),
        (None, "feedback") => "已转为诉求".into(),
        _ => "待转化".into(),
    }
}

pub fn write_xlsx(topics: &[TopicView]) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::internal_from("xlsx", e);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let percent = Format::new().set_num_format("0%").set_align(FormatAlign::Top);
    let sheet = book.add_worksheet().set_name("调研课题").map_err(err)?;
    for (i, h) in TOPIC_HEADERS.iter().enumerate() {
        sheet.write_with_format(0, i as u16, *h, &bold).map_err(err)?;
        sheet.set_column_width(i as u16, if i < 5 { 22.0 } else { 10.0 }).map_err(err)?;
    }
    sheet.set_freeze_panes(1, 1).map_err(err)?;
    for (n, t) in topics.iter().enumerate() {
        let row = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let period = match t.ends_on {
            Some(end) => format!("{}至{}", t.starts_on, end),
            None => format!("{}起", t.starts_on),
        };
        let text = [
            t.title.clone(),
            t.unit.name.clone(),
            t.lead_leader.as_ref().map(|l| l.name.clone()).unwrap_or_default(),
            t.members.clone().unwrap_or_default(),
            period,
        ];
        for (i, cell) in text.iter().enumerate() {
            sheet.write_with_format(row, i as u16, cell.as_str(), &wrap).map_err(err)?;
        }
        let counts = [t.visits.len(), t.findings, t.converted, t.closed];
        for (i, n) in counts.iter().enumerate() {
            sheet.write_number(row, 5 + i as u16, *n as f64).map_err(err)?;
        }
        if let Some(rate) = t.conversion_rate {
            sheet.write_number_with_format(row, 9, rate, &percent).map_err(err)?;
        }
    }
    let sheet = book.add_worksheet().set_name("调研发现").map_err(err)?;
    for (i, h) in FINDING_HEADERS.iter().enumerate() {
        sheet.write_with_format(0, i as u16, *h, &bold).map_err(err)?;
        sheet.set_column_width(i as u16, if i == 4 { 40.0 } else { 18.0 }).map_err(err)?;
    }
    let mut row = 1u32;
    for t in topics {
        for v in &t.visits {
            for f in &v.findings {
                let cells = [
                    t.title.clone(),
                    v.visited_on.to_string(),
                    v.place.clone(),
                    v.met.clone().unwrap_or_default(),
                    f.body.clone(),
                    became(f),
                ];
                for (i, cell) in cells.iter().enumerate() {
                    sheet.write_with_format(row, i as u16, cell.as_str(), &wrap).map_err(err)?;
                }
                row += 1;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}
